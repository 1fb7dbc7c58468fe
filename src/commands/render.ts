/**
 * `keydrift render [PATH] [--ref REF] [--format yaml|json]`: what keydrift sees for a
 * directory or an app — the rendered objects, so a user can compare them with
 * `kustomize build` / `helm template` and debug a finding. A plain function returning
 * data; the CLI prints `text`. Secret values are never printed: every value under a
 * Secret's `data`/`stringData` is replaced by a fixed placeholder.
 */
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { stringify } from 'yaml';
import { KeydriftError } from '../errors.js';
import { oneLine } from '../report/escape.js';
import * as os from 'node:os';
import { DirTree, GitTree, gitTopLevel, type FileTree } from '../sources/tree.js';
import { isInside } from '../sources/paths.js';
import { lastCause, scanKustomizationRefs } from '../render/index.js';
import { KUSTOMIZATION_FILES, kustomizationFileIn } from '../render/kustomize/build.js';
import { loadSnapshot, type Snapshot } from '../sources/snapshot.js';
import type { KObject } from '../sources/yaml.js';
import type { AppInfo } from '../render/index.js';

export const REDACTED = '<redacted>';

export interface RenderCommandOptions {
  /** A directory: a repository, a kustomization directory, a chart, or any folder of it. */
  path?: string;
  /** Render the repository at this git ref instead of the working tree. */
  ref?: string;
  format?: 'yaml' | 'json';
  cwd?: string;
  /** Run `helm template` when helm is on PATH (default true). */
  helm?: boolean;
  /** `--fetch-charts`: fetch pinned remote charts and render them. */
  fetchCharts?: boolean;
}

export interface RenderedItem {
  app?: string;
  source: { file: string; line: number };
  generated?: KObject['generated'];
  object: Record<string, unknown>;
}

export interface RenderCommandResult {
  objects: RenderedItem[];
  apps: AppInfo[];
  skipped: Snapshot['skipped'];
  problems: Snapshot['problems'];
  /** What the CLI prints. */
  text: string;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function redactValues(m: unknown): void {
  if (m && typeof m === 'object' && !Array.isArray(m)) for (const k of Object.keys(m)) (m as Record<string, unknown>)[k] = REDACTED;
}

/**
 * A copy of the object with every Secret value replaced by a fixed placeholder: a Secret's
 * `data`/`stringData`; the plain `data`/`stringData` of a SealedSecret's `spec.template` and of an
 * ExternalSecret's `spec.target.template`; the `last-applied-configuration` annotation of any
 * of these (it holds the whole object, values included); the items of a `List`, likewise.
 */
export function redactSecrets(body: Record<string, any>): Record<string, any> {
  const out = JSON.parse(JSON.stringify(body)) as Record<string, any>;
  redactInPlace(out);
  return out;
}

function redactInPlace(out: Record<string, any>): void {
  if (!out || typeof out !== 'object') return;
  const kind = typeof out.kind === 'string' ? out.kind : '';
  if (Array.isArray(out.items) && /List$/.test(kind)) for (const it of out.items) redactInPlace(it);
  if (!/secret/i.test(kind)) return;
  if (kind === 'Secret') for (const f of ['data', 'stringData']) redactValues(out[f]);
  for (const t of [out.spec?.template, out.spec?.target?.template]) {
    if (t && typeof t === 'object') for (const f of ['data', 'stringData']) redactValues(t[f]);
  }
  const ann = out.metadata?.annotations;
  if (ann && typeof ann === 'object' && Object.prototype.hasOwnProperty.call(ann, LAST_APPLIED)) ann[LAST_APPLIED] = REDACTED;
}

/**
 * The tree to render and PATH's place in it. Inside a git repository: the repository (so an
 * overlay's `../base` is visible; nothing outside it is read). Outside one: the nearest
 * directory holding PATH and every directory its kustomizations reach by relative paths
 * (`../base`, transitively), as `kubectl kustomize` would read them (for a FILE, whose apps
 * name repository paths, the working directory when the file is below it), but never the
 * filesystem root, the home directory or above it: keydrift reads only below that root (DirTree confines
 * every read to it, symlinks included).
 */
async function openFor(p: string, ref: string | undefined, cwd: string): Promise<{ tree: FileTree; rel: string; isFile: boolean }> {
  const abs = path.resolve(p);
  const isFile = !ref && (await fs.stat(abs).then((s) => s.isFile(), () => false));
  const r = await openDirFor(isFile ? path.dirname(abs) : abs, ref, isFile ? cwd : undefined);
  return { ...r, rel: isFile ? (r.rel ? `${r.rel}/${path.basename(abs)}` : path.basename(abs)) : r.rel, isFile };
}

const toRel = (root: string, abs: string) => path.relative(root, abs).split(path.sep).join('/');

async function openDirFor(abs: string, ref: string | undefined, start0?: string): Promise<{ tree: FileTree; rel: string }> {
  const p = abs;
  const top = await gitTopLevel(abs);
  if (ref) {
    if (!top) throw new KeydriftError(`${p}: --ref needs a git repository`);
    return { tree: await GitTree.open(top, ref), rel: toRel(top, abs) };
  }
  if (top) {
    await DirTree.open(abs); // a clear error for a missing directory
    return { tree: new DirTree(top), rel: toRel(top, abs) };
  }
  await DirTree.open(abs);
  // A file's apps name repository paths: from the working directory when the file is below it.
  const start = start0 !== undefined && isInside(start0, abs) && !isInside(start0, os.homedir()) && start0 !== path.parse(start0).root ? start0 : abs;
  const root = await reachRoot(abs, start);
  return { tree: new DirTree(root), rel: toRel(root, abs) };
}

/** At most this many kustomizations are followed to find the root of a directory outside git. */
const REACH_LIMIT = 2000;

/**
 * The root for a directory outside git: `start` widened to hold every directory the
 * kustomizations at and below `dir` reach by relative paths, transitively; never the
 * filesystem root, the home directory or above it.
 */
export async function reachRoot(dir: string, start: string, home = os.homedir()): Promise<string> {
  const floor = (d: string) => d === path.parse(d).root || isInside(d, home);
  let root = start;
  const widen = (d: string) => {
    while (!isInside(root, d)) {
      const up = path.dirname(root);
      if (up === root || floor(up)) return;
      root = up;
    }
  };
  const seen = new Set<string>();
  const todo = [dir];
  while (todo.length && seen.size < REACH_LIMIT) {
    const d = todo.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    let text: string | undefined;
    for (const f of KUSTOMIZATION_FILES) {
      text = await fs.readFile(path.join(d, f), 'utf8').catch(() => undefined);
      if (text !== undefined) break;
    }
    if (text === undefined) {
      // A plain directory: the kustomizations below it (a Flux path builds them as bases).
      if (d === dir) for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) if (e.isDirectory() && !e.name.startsWith('.')) todo.push(path.join(d, e.name));
      continue;
    }
    for (const r of scanKustomizationRefs(text)) {
      if (!r.startsWith('..')) continue;
      const t = path.resolve(d, r);
      const st = await fs.stat(t).catch(() => undefined);
      if (!st) continue;
      const td = st.isDirectory() ? t : path.dirname(t);
      widen(td);
      if (st.isDirectory()) todo.push(td);
    }
  }
  return root;
}

/** Just enough of a render host to ask whether a directory holds a kustomization. */
const host0 = (files: string[]) => ({ files: new Set(files) }) as unknown as Parameters<typeof kustomizationFileIn>[0];

const under = (dir: string, f: string | undefined) => f !== undefined && (dir === '' || f === dir || f.startsWith(dir + '/'));

export async function renderCommand(opts: RenderCommandOptions = {}): Promise<RenderCommandResult> {
  const format = opts.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new KeydriftError(`--format must be yaml or json, not '${format}'`);
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const { tree, rel, isFile } = await openFor(path.resolve(cwd, opts.path ?? '.'), opts.ref, cwd);
  const snap = await loadSnapshot(tree, { ...(opts.helm === false ? { helm: false } : {}), ...(opts.fetchCharts ? { fetchCharts: true } : {}) });
  let apps = snap.apps;
  let objects = snap.objects;
  const list = isFile ? [] : await tree.list();
  if (isFile) {
    // A file: the apps it declares or feeds, else the objects read from it.
    apps = snap.apps.filter((a) => a.file === rel || a.inputs.includes(rel));
    const declared = apps.filter((a) => a.file === rel);
    if (declared.length) apps = declared;
    const ids = new Set(apps.map((a) => a.id));
    objects = snap.objects.filter((o) => (o.app ? ids.has(o.app) : o.file === rel));
  } else if (rel || kustomizationFileIn(host0(list), '') || list.includes('Chart.yaml')) {
    // DIR as its own: a kustomization or chart at DIR is built alone (as the app that
    // deploys exactly DIR when there is one, with what that app adds); a plain directory is
    // the apps below it and the manifests in it. Never an app that merely contains DIR.
    const h = host0(list);
    const builds = list.includes(rel ? `${rel}/Chart.yaml` : 'Chart.yaml') || !!kustomizationFileIn(h, rel);
    const exact = snap.apps.filter((a) => a.paths.includes(rel));
    if (builds) apps = exact;
    else apps = snap.apps.filter((a) => a.paths.length > 0 && a.paths.every((p) => under(rel, p)));
    const ids = new Set(apps.map((a) => a.id));
    objects = snap.objects.filter((o) => (o.app ? ids.has(o.app) : !builds && under(rel, o.file)));
    if (!objects.length) {
      // Nobody renders DIR as such (a base, a component, a directory only a larger app
      // reads): render that directory alone.
      const sub = await loadSnapshot(tree, { ...(opts.helm === false ? { helm: false } : {}), ...(opts.fetchCharts ? { fetchCharts: true } : {}), roots: [rel], onlyApps: (a) => a.paths.includes(rel), plainFiles: () => false });
      apps = sub.apps.filter((a) => a.paths.includes(rel));
      objects = sub.objects.filter((o) => o.app && apps.some((a) => a.id === o.app));
      snap.skipped.push(...sub.skipped);
      snap.problems.push(...sub.problems);
    }
    // What was asked could not be built: exit 2 with the cause, never 0 with nothing.
    if (!objects.length) {
      const why = apps.map((a) => a.skipped).filter(Boolean) as string[];
      const cause = why.length ? why.join('; ') : builds ? `${kustomizationFileIn(h, rel) ? 'the kustomization' : 'the chart'} builds no objects` : 'no manifests, kustomization or chart here';
      throw new KeydriftError(oneLine(`${rel || '.'}: nothing rendered: ${lastCause(cause)}`));
    }
  }
  const items: RenderedItem[] = objects.map((o) => ({
    ...(o.app ? { app: o.app } : {}),
    source: o.locate([]),
    ...(o.generated ? { generated: o.generated } : {}),
    object: redactSecrets(o.body),
  }));
  const skipped = snap.skipped.filter((s) => !rel || under(rel, s.file) || apps.some((a) => s.reason.startsWith(a.id)));
  const problems = snap.problems.filter((p) => !rel || under(rel, p.file) || apps.some((a) => a.inputs.includes(p.file)));
  let text: string;
  if (format === 'json') {
    text = JSON.stringify({ schema: 'keydrift/render/v1', objects: items, apps, skipped, problems }, null, 2) + '\n';
  } else {
    // Comment lines quote file names and messages: one clean line each.
    const docs = items.map((it) => `# Source: ${oneLine(`${it.source.file}:${it.source.line}${it.app ? ` (app ${it.app})` : ''}`)}\n${stringify(it.object, { lineWidth: 0 })}`);
    const notes = [
      ...skipped.map((s) => `# skipped: ${oneLine(`${s.file}: ${s.reason}`)}`),
      ...problems.map((p) => `# problem: ${oneLine(`${p.file}:${p.line}: ${p.message}`)}`),
    ];
    text = (notes.length ? notes.join('\n') + '\n' : '') + docs.join('---\n');
  }
  return { objects: items, apps, skipped, problems, text };
}
