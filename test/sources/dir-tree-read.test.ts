import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirTree } from '../../src/sources/tree.js';

describe('DirTree.readMany (synchronous batch read)', () => {
  let dir: string;
  let outside: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kd-dirtree-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'kd-dirtree-out-'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src/a.ts'), 'export const a = process.env.A;\n');
    writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'src/link.txt'));
    symlinkSync(outside, path.join(dir, 'out'));
    execFileSync('mkfifo', [path.join(dir, 'src/pipe')]);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads regular files in the root, in the order asked, and nothing else', async () => {
    const tree = await DirTree.open(dir);
    const got = await tree.readMany(['src/pipe', 'src/a.ts', 'src/link.txt', 'out/secret.txt', '../x', 'src', 'src/missing.ts']);
    expect([...got.keys()]).toEqual(['src/a.ts']);
    expect(got.get('src/a.ts')).toBe('export const a = process.env.A;\n');
    const bytes = await tree.readManyBytes(['src/pipe', 'src/a.ts']);
    expect([...bytes.keys()]).toEqual(['src/a.ts']);
  });
});
