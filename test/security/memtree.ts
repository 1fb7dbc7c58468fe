import type { FileTree } from '../../src/sources/tree.js';

/** A FileTree held in memory: repo-relative path → text. */
export class MemTree implements FileTree {
  readonly label = 'in-memory tree';
  readonly root = '/nonexistent-memtree';
  constructor(private readonly files: Record<string, string>) {}
  async list(): Promise<string[]> {
    return Object.keys(this.files).sort();
  }
  async read(p: string): Promise<string | undefined> {
    return Object.prototype.hasOwnProperty.call(this.files, p) ? this.files[p] : undefined;
  }
  async readMany(paths: string[]): Promise<Map<string, string>> {
    const m = new Map<string, string>();
    for (const p of paths) {
      const t = await this.read(p);
      if (t !== undefined) m.set(p, t);
    }
    return m;
  }
  async readManyBytes(paths: string[]): Promise<Map<string, Buffer>> {
    const m = new Map<string, Buffer>();
    for (const [p, t] of await this.readMany(paths)) m.set(p, Buffer.from(t));
    return m;
  }
}
