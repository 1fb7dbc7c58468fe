/**
 * A RenderHost over a FileTree: the file and directory sets, and cached reads. YAML files
 * are read in one batch up front (one `git cat-file` for a git tree); other files
 * (generator env files, config files) on demand.
 */
import type { FileTree } from '../sources/tree.js';
import type { RenderHost } from './kustomize/build.js';

export async function treeHost(tree: FileTree, prefetch?: string[]): Promise<RenderHost & { texts: Map<string, string> }> {
  const list = await tree.list();
  const files = new Set(list);
  const dirs = new Set<string>(['']);
  for (const f of list) {
    let i = f.lastIndexOf('/');
    while (i > 0) {
      const d = f.slice(0, i);
      if (dirs.has(d)) break;
      dirs.add(d);
      i = d.lastIndexOf('/');
    }
  }
  const texts = prefetch ? await tree.readMany(prefetch) : new Map<string, string>();
  const pending = new Map<string, Promise<string | undefined>>();
  return {
    files,
    dirs,
    texts,
    async read(p: string) {
      const t = texts.get(p);
      if (t !== undefined) return t;
      if (!files.has(p)) return undefined;
      let q = pending.get(p);
      if (!q) {
        q = tree.read(p).then((x) => {
          if (x !== undefined) texts.set(p, x);
          return x;
        });
        pending.set(p, q);
      }
      return q;
    },
  };
}
