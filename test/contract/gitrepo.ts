import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A real git repository in a temp folder, for tests. */
export class TempRepo {
  readonly dir: string;
  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'keydrift-contract-'));
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'test');
    this.git('config', 'commit.gpgsign', 'false');
  }
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' });
  }
  write(files: Record<string, string | null>): void {
    for (const [p, text] of Object.entries(files)) {
      const abs = path.join(this.dir, p);
      if (text === null) {
        rmSync(abs, { force: true });
        continue;
      }
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  commit(files: Record<string, string | null>, message: string, tag?: string): void {
    this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    if (tag) this.git('tag', tag);
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
