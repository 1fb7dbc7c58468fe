/**
 * PR mode: render only the apps whose inputs changed between base and head (a changed
 * values file, a changed base, a changed image tag in an overlay), so the cost follows
 * the change. An app is affected when its manifest or any file of its static closure
 * (its directory, the bases and components it lists, transitively, and the files it
 * names) changed; no app is rendered to find that out.
 */
import * as posix from 'node:path/posix';
import { GitTree, type FileTree } from '../sources/tree.js';
import type { KObject } from '../sources/yaml.js';
import { KUSTOMIZATION_FILES } from './kustomize/build.js';
import { loadSnapshot, type LoadedSnapshot, type LoadOptions } from '../sources/snapshot.js';
import { newRenderCache } from './host.js';
import type { AppInfo, RenderOptions } from './index.js';
import type { RenderCache } from './host.js';

const YAML_RE = /\.ya?ml$/i;

/**
 * Files added, removed or modified between two trees. For two commits of one repository, one
 * `git diff-tree` (tree.ts `GitTree.diff`), which also gives the base its listing (no second
 * `git ls-tree`) and has the base versions of changed manifests read in the head's batch.
 */
export async function changedFiles(base: FileTree, head: FileTree): Promise<Set<string>> {
  if (base instanceof GitTree && head instanceof GitTree && base.root === head.root) {
    // What the base render will read of a changed path: its manifests and kustomizations (renderTree's batch).
    const readAhead = (f: string) => YAML_RE.test(f) || KUSTOMIZATION_FILES.includes(posix.basename(f));
    const out = await GitTree.diff(base, head, { readAhead }).catch(() => undefined);
    if (out) return out;
  }
  const [a, b] = await Promise.all([base.list(), head.list()]);
  const out = new Set<string>();
  const inA = new Set(a);
  const inB = new Set(b);
  for (const f of a) if (!inB.has(f)) out.add(f);
  for (const f of b) if (!inA.has(f)) out.add(f);
  const both = b.filter((f) => inA.has(f));
  const [ta, tb] = await Promise.all([base.readMany(both), head.readMany(both)]);
  for (const f of both) if (ta.get(f) !== tb.get(f)) out.add(f);
  return out;
}

/** Does a change to `changed` touch this app (by its manifest or its input closure)? */
export function appTouched(app: { file?: string; closure?: Set<string>; inputs?: string[] }, changed: Set<string>): boolean {
  if (app.file && changed.has(app.file)) return true;
  if (app.closure) for (const f of app.closure) if (changed.has(f)) return true;
  if (app.inputs) for (const f of app.inputs) if (changed.has(f)) return true;
  return false;
}

/** Apps of a rendered snapshot whose inputs changed. */
export function affectedApps(apps: AppInfo[], changed: Set<string>): AppInfo[] {
  return apps.filter((a) => appTouched(a, changed));
}

/**
 * loadSnapshot/renderTree options for PR mode: render only the apps a change touches.
 * Plain manifest files are loaded when changed or when they hold configuration or
 * workloads (a changed workload may read a ConfigMap from an unchanged file); other
 * unchanged plain files (Services, app manifests…) are left out. Pass one `cache` to the
 * head and then the base load (one after the other): the second reuses every unchanged
 * text and parse.
 */
export function prRenderOptions(changed: Set<string>, cache?: RenderCache): RenderOptions {
  return { onlyApps: (a) => appTouched(a, changed), changed, ...(cache ? { cache } : {}) };
}

/**
 * The snapshots of a PR check: without a base, the head rendered in full; with one, only
 * the apps whose inputs changed, at head and then at base (reusing the head's unchanged
 * texts and parses). Plain manifest files are loaded in full on both sides.
 */
export async function loadPrSnapshots(
  head: FileTree,
  base: FileTree | undefined,
  opts: LoadOptions = {},
): Promise<{ head: LoadedSnapshot; base?: LoadedSnapshot; changed?: Set<string>; more?: HeadLookup }> {
  if (!base) return { head: await loadSnapshot(head, opts) };
  const changed = await changedFiles(base, head);
  const cache = newRenderCache();
  const o = { ...opts, ...prRenderOptions(changed, cache) };
  const h = await loadSnapshot(head, o);
  const b = await loadSnapshot(base, o);
  return { head: h, base: b, changed, more: headLookup(head, h, changed, cache, opts) };
}

/**
 * Objects of head apps a PR check did not render, for a reference the touched apps do not
 * satisfy (a workload reading a ConfigMap another app deploys). `objects(names)` renders, once
 * each, the untouched apps whose input texts contain one of `names` (an object is named in the
 * files it comes from, unless a prefix, suffix, template or substitution builds its name);
 * `objects('all')` renders every app not rendered yet. Both return every object rendered so
 * far beyond the PR snapshot. Texts and parses of the PR loads are reused.
 */
export interface HeadLookup {
  objects(names: string[] | 'all'): Promise<KObject[]>;
  /** Apps rendered for look-ups (for tests and notes). */
  rendered: Set<string>;
}

function headLookup(head: FileTree, snap: LoadedSnapshot, changed: Set<string>, cache: RenderCache, opts: LoadOptions): HeadLookup {
  const done = new Set(snap.apps.map((a) => a.id));
  const rendered = new Set<string>();
  const searched = new Set<string>();
  const extra: KObject[] = [];
  let all = false;
  // Head texts: the cache holds the base's text for a changed path, the head snapshot its own.
  const text = (f: string) => (changed.has(f) ? snap.texts.get(f) : cache.texts.get(f)) ?? '';
  const load = async (pick: (a: { id: string; closure: Set<string> }) => boolean) => {
    const s = await loadSnapshot(head, {
      ...opts,
      cache,
      changed,
      allManifests: true,
      plainFiles: () => false, // the PR snapshot already holds every plain file with configuration
      onlyApps: (a) => !done.has(a.id) && pick(a),
    });
    for (const a of s.apps) (done.add(a.id), rendered.add(a.id));
    extra.push(...s.objects.filter((o) => o.app !== undefined));
  };
  return {
    rendered,
    async objects(names) {
      if (all) return extra;
      if (names === 'all') {
        all = true;
        await load(() => true);
        return extra;
      }
      const fresh = names.filter((n) => n && !searched.has(n));
      if (fresh.length) {
        for (const n of fresh) searched.add(n);
        await load((a) => [...a.closure].some((f) => fresh.some((n) => text(f).includes(n))));
      }
      return extra;
    },
  };
}
