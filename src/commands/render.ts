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
import { DirTree, GitTree, gitTopLevel, type FileTree } from '../sources/tree.js';
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
 * The tree to render and PATH's place in it: the git repository PATH is in (so an overlay's
 * bases outside PATH are visible), else the working directory when PATH is below it, else PATH.
 */
async function openFor(p: string, ref: string | undefined, cwd: string): Promise<{ tree: FileTree; rel: string; isFile: boolean }> {
  const abs = path.resolve(p);
  const isFile = !ref && (await fs.stat(abs).then((s) => s.isFile(), () => false));
  const r = await openDirFor(isFile ? path.dirname(abs) : abs, ref, cwd);
  return { ...r, rel: isFile ? (r.rel ? `${r.rel}/${path.basename(abs)}` : path.basename(abs)) : r.rel, isFile };
}

async function openDirFor(abs: string, ref: string | undefined, cwd: string): Promise<{ tree: FileTree; rel: string }> {
  const p = abs;
  const top = await gitTopLevel(abs);
  if (ref) {
    if (!top) throw new KeydriftError(`${p}: --ref needs a git repository`);
    return { tree: await GitTree.open(top, ref), rel: path.relative(top, abs).split(path.sep).join('/') };
  }
  if (top) {
    await DirTree.open(abs); // a clear error for a missing directory
    return { tree: new DirTree(top), rel: path.relative(top, abs).split(path.sep).join('/') };
  }
  const inCwd = abs === cwd || abs.startsWith(cwd + path.sep);
  if (inCwd) {
    await DirTree.open(abs);
    return { tree: new DirTree(cwd), rel: path.relative(cwd, abs).split(path.sep).join('/') };
  }
  return { tree: await DirTree.open(abs), rel: '' };
}

const under = (dir: string, f: string | undefined) => f !== undefined && (dir === '' || f === dir || f.startsWith(dir + '/'));

export async function renderCommand(opts: RenderCommandOptions = {}): Promise<RenderCommandResult> {
  const format = opts.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new KeydriftError(`--format must be yaml or json, not '${format}'`);
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const { tree, rel, isFile } = await openFor(path.resolve(cwd, opts.path ?? '.'), opts.ref, cwd);
  const snap = await loadSnapshot(tree, { ...(opts.helm === false ? { helm: false } : {}), ...(opts.fetchCharts ? { fetchCharts: true } : {}) });
  let apps = snap.apps;
  let objects = snap.objects;
  if (isFile) {
    // A file: the apps it declares or feeds, else the objects read from it.
    apps = snap.apps.filter((a) => a.file === rel || a.inputs.includes(rel));
    const declared = apps.filter((a) => a.file === rel);
    if (declared.length) apps = declared;
    const ids = new Set(apps.map((a) => a.id));
    objects = snap.objects.filter((o) => (o.app ? ids.has(o.app) : o.file === rel));
  } else if (rel) {
    // An app whose path is (under) the directory, or whose manifest is; else the objects from files there.
    apps = snap.apps.filter((a) => a.paths.some((p) => under(rel, p) || under(p, rel)) || under(rel, a.file));
    const exact = apps.filter((a) => a.paths.includes(rel));
    if (exact.length) apps = exact;
    const ids = new Set(apps.map((a) => a.id));
    objects = snap.objects.filter((o) => (o.app ? ids.has(o.app) : under(rel, o.file)));
    if (!objects.length && !apps.length) {
      // A base or component nobody renders on its own: render that directory alone.
      const sub = await loadSnapshot(tree, { ...(opts.helm === false ? { helm: false } : {}), ...(opts.fetchCharts ? { fetchCharts: true } : {}), roots: [rel], onlyApps: (a) => a.paths.includes(rel) });
      apps = sub.apps.filter((a) => a.paths.includes(rel));
      objects = sub.objects.filter((o) => o.app && apps.some((a) => a.id === o.app));
      snap.skipped.push(...sub.skipped);
      snap.problems.push(...sub.problems);
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
