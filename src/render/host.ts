/**
 * A RenderHost over a FileTree: the file and directory sets, and cached reads. Files are
 * read in batches (`prefetch`: one `git cat-file` for a git tree); single files on demand.
 * A RenderCache shared between two renders of nearly the same tree (PR mode: base and
 * head) lets the second reuse the texts and parses of every file that did not change.
 */
import type { FileTree } from '../sources/tree.js';
import type { ParsedFile } from '../sources/yaml.js';
import type { RenderHost } from './kustomize/build.js';

export interface RenderCache {
  /** Texts read by an earlier render, by path. */
  texts: Map<string, string>;
  /** Parses by text (identical text → identical parse). */
  parses: Map<string, unknown>;
  /**
   * The last plain-manifest parse of each path, with its text: the other side's version of a
   * changed file re-parses only the documents that differ (sources/yaml-reuse.ts).
   */
  manifests?: Map<string, { text: string; parsed: ParsedFile }>;
  /** Kustomization scans and resolved refs (index.ts `Closures`), for the second render. */
  closures?: ClosureCache;
  /** Texts of changed paths by tree (`treeKey`): each side keeps its own version (PR mode: the head's, for look-ups after the base render). */
  changedTexts?: Map<string, Map<string, string>>;
}

/** Which tree a cached text of a changed path belongs to: its commit, or its directory. */
export function treeKey(tree: FileTree): string {
  return tree.commit ?? `dir:${tree.root}`;
}

/** Remember the texts of changed paths this render of `tree` read (see `changedTexts`). */
export function keepChangedTexts(cache: RenderCache, tree: FileTree, changed: Set<string>, texts: Map<string, string>): void {
  const key = treeKey(tree);
  let m = cache.changedTexts?.get(key);
  for (const f of changed) {
    const t = texts.get(f);
    if (t === undefined) continue;
    if (!m) (cache.changedTexts ??= new Map()).set(key, (m = new Map()));
    m.set(f, t);
  }
}

/** What one render's kustomization closures leave for the next render of nearly the same tree. */
export interface ClosureCache {
  /** Candidate paths of a kustomization, by its text (scanKustomizationRefs). */
  scans: Map<string, string[]>;
  /** Refs resolved by directory, with the kustomization file and text read; valid for renders of the same listing `files`. */
  refs?: {
    files: string[];
    /** `files` in code-unit order. */
    sorted: string[];
    /** Also what each lists directly (Closures.listedDirectly), once asked. */
    byDir: Map<string, { kf: string | undefined; text: string | undefined; refs: string[]; direct?: string[] }>;
  };
  /** mayReachChange answers by app manifest text, for one set of changes and the directories they reach (`key`). */
  reach?: { key: string; answers: Map<string, boolean> };
}

export function newRenderCache(): RenderCache {
  return { texts: new Map(), parses: new Map(), manifests: new Map(), closures: { scans: new Map() } };
}

export interface TreeHost extends RenderHost {
  texts: Map<string, string>;
  /** Read many files in one batch (those not read yet). */
  prefetch(paths: string[]): Promise<void>;
}

/**
 * `reuse`: texts from a render of another tree that are valid here for every path not in
 * `changed` (PR mode: the other side of the diff).
 */
export async function treeHost(tree: FileTree, prefetch?: string[], reuse?: { cache: RenderCache; changed: Set<string> }): Promise<TreeHost> {
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
  const texts = new Map<string, string>();
  const pending = new Map<string, Promise<string | undefined>>();
  const fromCache = (p: string) => {
    if (!reuse) return undefined;
    // A changed path: only this tree's own text of it, from an earlier render of the same tree.
    if (reuse.changed.has(p)) return reuse.cache.changedTexts?.get(treeKey(tree))?.get(p);
    return reuse.cache.texts.get(p);
  };
  const host: TreeHost = {
    files,
    dirs,
    texts,
    async prefetch(paths: string[]) {
      const want: string[] = [];
      for (const p of paths) {
        if (texts.has(p) || !files.has(p)) continue;
        const c = fromCache(p);
        if (c !== undefined) texts.set(p, c);
        else want.push(p);
      }
      if (!want.length) return;
      const got = await tree.readMany(want);
      for (const [p, t] of got) texts.set(p, t);
    },
    async read(p: string) {
      const t = texts.get(p);
      if (t !== undefined) return t;
      if (!files.has(p)) return undefined;
      const c = fromCache(p);
      if (c !== undefined) {
        texts.set(p, c);
        return c;
      }
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
  if (prefetch) await host.prefetch(prefetch);
  return host;
}
