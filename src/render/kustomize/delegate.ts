/**
 * Delegation to the real tool for what the native renderer does not support: `kustomize
 * build` or `kubectl kustomize`, found on PATH. It needs a directory: the files under the
 * kustomization roots the build reaches (regular files only: no symlinks, no `.git`; the tool
 * loads nothing else under the root-only restrictor) are materialised into a private temporary
 * directory — for a working tree too, so a symlink can never lead the tool out — which is
 * removed afterwards, and on SIGINT/SIGTERM. Objects from delegation have file-level provenance.
 *
 * The repository is the only root the tool may reach. Before it runs, every kustomization the
 * build can reach locally is read (`preflight`): a `resources`/`bases`/`components`/
 * `generators`/`transformers`/`validators` entry that leaves the repository (`../../x`,
 * `/abs`), that is a local git remote (`file://`, `git::file://…`, `git::/path`), or that is a
 * symlink in the working tree refuses the build, saying why. Files a kustomization loads
 * (patches, generator files, replacements, crds, openapi) are confined by the tool itself with
 * `--load-restrictor LoadRestrictionsRootOnly`, passed explicitly — except for a build Flux does
 * (`loadAnywhere`): Flux's kustomize-controller builds with `LoadRestrictionsNone`, so there the
 * tool runs with it too, but only after the preflight has read every field that loads a file
 * (patches, generator files and env files, replacements, configurations, crds, openapi, file
 * resources) and found each inside the repository, and only when the build reaches no remote base
 * and no transformers/generators/validators (whose configs could name any file); otherwise the
 * build runs root-only, as before. Git run by the tool for
 * remote bases gets keydrift's locked-down environment with local transports forbidden
 * (git-env.ts), never prompts, and the whole build is stopped after a timeout
 * (`KEYDRIFT_TOOL_TIMEOUT`, seconds, default 120) with a message naming the remote bases.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as posix from 'node:path/posix';
import { parseAllDocuments } from 'yaml';
import type { FileTree } from '../../sources/tree.js';
import { gitEnv } from '../../sources/git-env.js';
import { makeTemp, writeConfined } from '../../sources/materialise.js';
import { confinedJoin, isInside, pathProblem, quotePath } from '../../sources/paths.js';
import { killChild, removeTemp, trackChild } from '../../cleanup.js';
import { KUSTOMIZATION_FILES } from './build.js';

export interface KustomizeTool {
  cmd: string;
  args: string[];
  label: string;
}

let cached: KustomizeTool | null | undefined;

function onPath(cmd: string): boolean {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (d && existsSync(path.join(d, cmd))) return true;
  }
  return false;
}

/** `kustomize build` when on PATH, else `kubectl kustomize`, else undefined. */
export function findKustomizeTool(): KustomizeTool | undefined {
  if (cached !== undefined) return cached ?? undefined;
  if (process.env.KEYDRIFT_NO_KUSTOMIZE === '1') cached = null;
  else if (onPath('kustomize')) cached = { cmd: 'kustomize', args: ['build'], label: 'kustomize build' };
  else if (onPath('kubectl')) cached = { cmd: 'kubectl', args: ['kustomize'], label: 'kubectl kustomize' };
  else cached = null;
  return cached ?? undefined;
}

/** For tests: forget the tool found. */
export function resetKustomizeTool(): void {
  cached = undefined;
}

const RESTRICT = ['--load-restrictor', 'LoadRestrictionsRootOnly'];
const ANYWHERE = ['--load-restrictor', 'LoadRestrictionsNone'];

export interface DelegateOptions {
  /** The build is Flux's (`LoadRestrictionsNone`): files anywhere in the repository, when the preflight allows it. */
  loadAnywhere?: boolean;
  /** Files that are not in the tree (keydrift's virtual kustomizations), repo-relative path → text. */
  extra?: Map<string, string>;
}

/** Run the tool synchronously on a trusted directory (tests and benchmarks compare with it). */
export function runKustomizeTool(tool: KustomizeTool, dir: string): { ok: true; yaml: string } | { ok: false; error: string } {
  const r = spawnSync(tool.cmd, [...tool.args, ...RESTRICT, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120000 });
  if (r.error) return { ok: false, error: `${tool.label} could not be run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, error: cleanError(r.stderr) };
  return { ok: true, yaml: r.stdout };
}

/** How long a delegated build (or `helm template`) may take, in ms: `KEYDRIFT_TOOL_TIMEOUT` seconds, default 120. */
export function toolTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.KEYDRIFT_TOOL_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : 120_000;
}

export type DelegateResult =
  | { ok: true; yaml: string }
  | {
      ok: false;
      error: string;
      /** Refused before the tool ran, or stopped: `error` ("was not run: …", "did not finish …") quotes nothing but paths. */
      refused?: boolean;
      /** The tool failed inside this remote base (as written, credentials removed): fetching or building it. */
      remote?: string;
      /** The tool's message after the remote base's name. */
      remoteCause?: string;
      /** The build inflates a Helm chart, which needs `--enable-helm` (never passed). */
      needsHelm?: boolean;
    };

function runAsync(tool: KustomizeTool, dir: string, remotes: string[], restrict = RESTRICT): Promise<DelegateResult> {
  const timeout = toolTimeoutMs();
  return new Promise((resolve) => {
    // KUBECTL_KUBERC=false: kubectl ≥ 1.33 reads no preferences file (its warning would open every message).
    const env = { ...gitEnv({ GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_HTTP_LOW_SPEED_LIMIT: '1000', GIT_HTTP_LOW_SPEED_TIME: '30' }, process.env, { untrustedUrls: true }), KUBECTL_KUBERC: 'false' };
    // Its own process group, so that a stop kills the git it runs for remote bases as well.
    const child = spawn(tool.cmd, [...tool.args, ...restrict, dir], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
    trackChild(child);
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild(child);
    }, timeout);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `${tool.label} could not be run: ${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        const what = remotes.length ? ` (remote bases: ${remotes.slice(0, 3).join(', ')}${remotes.length > 3 ? ', …' : ''})` : '';
        resolve({ ok: false, error: `did not finish within ${timeout / 1000} s${what} and was stopped; a remote base that does not answer holds a build (set KEYDRIFT_TOOL_TIMEOUT to wait longer)`, refused: true });
      } else if (code === 0) resolve({ ok: true, yaml: out });
      else {
        // A failure inside a remote base names it ("accumulating resources from '<url>': …"), anywhere in the message.
        const remote = remotes.find((u) => err.includes(u));
        // Judged on the whole message: the cleaned one is cut at 300 characters.
        const needsHelm = /must specify --enable-helm/.test(err);
        resolve({ ok: false, error: cleanError(err), ...(needsHelm ? { needsHelm } : {}), ...(remote ? { remote, remoteCause: cleanError(err.slice(err.lastIndexOf(remote) + remote.length).replace(/^['\]\s:]+/, '')) } : {}) });
      }
    });
  });
}

function cleanError(stderr: string): string {
  const s = stderr.replace(/^E\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] /gm, '').replace(/"command failed" err=<?/, '').trim();
  return s.split('\n').map((l) => l.trim()).filter((l) => l && l !== '>').join(' ').slice(0, 300) || 'failed';
}

/** Entries of a kustomization that name another kustomization root (a directory) or a remote. */
const ROOT_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'] as const;

/** A remote git base over the network: `https://`, `http://`, `ssh://`, `git://`, `git@host:`, `github.com/…`. */
const NETWORK_REMOTE = /^(?:git::)?(?:(?:https?|ssh|git):\/\/[^/\s]|git@[\w.-]+:)|^(?:github\.com|gitlab\.com|bitbucket\.org)\//i;
/** Spellings of a local git remote, or of a transport a pull request must not pick. */
const LOCAL_REMOTE = /^(?:git::)?file:|^git::(?!(?:https?|ssh|git):\/\/|git@)|^[a-z][a-z0-9+.-]*::/i;

export interface Preflight {
  /** Why the build must not run, or undefined. */
  refusal?: string;
  /** Remote bases (and URL generator file sources) met (for the timeout message). */
  remotes: string[];
  /** The local kustomization roots the build reaches ('' for the repository root), when allowed. */
  roots?: string[];
  /** With `loadAnywhere`: every file the kustomizations load (all inside the repository). */
  loaded?: string[];
  /** With `loadAnywhere`: why the build must stay root-only after all (a remote base, a plugin config), or undefined. */
  rootOnly?: string;
}

/** Fields (lower case, as the tool reads them in any case) whose entries name files a kustomization loads. */
function loadedPaths(k: Record<string, unknown>): { field: string; path: string }[] {
  const out: { field: string; path: string }[] = [];
  const add = (field: string, v: unknown) => {
    if (typeof v === 'string' && v && !v.includes('\n')) out.push({ field, path: v.trim() });
  };
  for (const [key, v] of Object.entries(k)) {
    const f = key.toLowerCase();
    const list = Array.isArray(v) ? v : [];
    if (f === 'resources' || f === 'bases' || f === 'patchesstrategicmerge' || f === 'configurations' || f === 'crds') for (const e of list) add(key, e);
    else if (f === 'patches' || f === 'patchesjson6902' || f === 'replacements') for (const e of list) add(key, e && typeof e === 'object' ? (e as any).path : undefined);
    else if (f === 'openapi' && v && typeof v === 'object') add(key, (v as any).path);
    else if (f === 'configmapgenerator' || f === 'secretgenerator') {
      for (const g of list) {
        if (!g || typeof g !== 'object') continue;
        for (const [gk, gv] of Object.entries(g)) {
          const gf = gk.toLowerCase();
          if (gf === 'files') for (const e of Array.isArray(gv) ? gv : []) add(key, typeof e === 'string' ? e.slice(e.indexOf('=') + 1) : e);
          else if (gf === 'envs') for (const e of Array.isArray(gv) ? gv : []) add(key, e);
          else if (gf === 'env') add(key, gv);
        }
      }
    }
  }
  return out;
}

/** Fields whose configs may name files the preflight does not read: a build with them stays root-only. */
const PLUGIN_FIELDS = ['transformers', 'generators', 'validators', 'helmcharts', 'helmglobals'];

/**
 * Walk the kustomizations the build of `dir` reaches locally and decide whether the tool may
 * run: every root it would load must be inside the repository, and every remote a network one.
 */
export async function preflight(tree: FileTree, dir: string, opts: DelegateOptions = {}): Promise<Preflight> {
  const files = new Set([...(await tree.list()), ...(opts.extra?.keys() ?? [])]);
  const read = async (f: string) => opts.extra?.get(f) ?? (await tree.read(f));
  const loaded = new Set<string>();
  let rootOnly: string | undefined;
  const dirs = new Set<string>(['']);
  for (const f of files) for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  const remotes: string[] = [];
  const seen = new Set<string>();
  const queue = [dir];
  let realRoot: string | undefined;
  while (queue.length) {
    const d = queue.shift()!;
    if (seen.has(d)) continue;
    seen.add(d);
    const kf = KUSTOMIZATION_FILES.map((n) => (d ? `${d}/${n}` : n)).find((f) => files.has(f));
    if (!kf) continue;
    // Read as the tool does (merge keys, field names in any case); what cannot be read is not built.
    const bodies: any[] = [];
    try {
      for (const doc of parseAllDocuments((await read(kf)) ?? '', { merge: true, uniqueKeys: false })) {
        if (doc.errors.length) throw new Error('unreadable');
        bodies.push(doc.toJS({ maxAliasCount: 100 }));
      }
    } catch {
      return { refusal: `${kf} could not be read to check what the delegated build would reach; fix its YAML`, remotes };
    }
    const lists: [string, unknown[]][] = [];
    for (const k of bodies) {
      if (!k || typeof k !== 'object' || Array.isArray(k)) continue;
      for (const [key, v] of Object.entries(k)) if ((ROOT_FIELDS as readonly string[]).includes(key.toLowerCase()) && Array.isArray(v)) lists.push([key, v]);
      // A generator file source may be a URL, which the tool fetches.
      for (const g of ['configMapGenerator', 'secretGenerator'].flatMap((f) => (Array.isArray((k as any)[f]) ? (k as any)[f] : []))) {
        for (const e of g && Array.isArray(g.files) ? g.files : []) {
          const u = typeof e === 'string' ? e.slice(e.indexOf('=') + 1).trim() : '';
          if (/^https?:\/\//i.test(u)) remotes.push(u.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1'));
        }
      }
      if (!opts.loadAnywhere) continue;
      const plugin = Object.keys(k).find((key) => PLUGIN_FIELDS.includes(key.toLowerCase()) && (k as any)[key] !== null && !(Array.isArray((k as any)[key]) && (k as any)[key].length === 0));
      if (plugin) rootOnly ??= `${kf} has '${plugin}'`;
      for (const { field, path: e } of loadedPaths(k)) {
        if (NETWORK_REMOTE.test(e) || LOCAL_REMOTE.test(e)) continue; // remotes: checked with the root fields
        const refuse = `${kf}: ${field} entry ${quotePath(e)}`;
        if (e.includes('\0') || e.includes('\\') || posix.isAbsolute(e)) return { refusal: `${refuse} is not a path inside the repository; a delegated build may read this repository only`, remotes };
        const p = posix.normalize(posix.join(d || '.', e)).replace(/\/+$/, '');
        if (p === '..' || p.startsWith('../')) return { refusal: `${refuse} leaves the repository; a delegated build may read this repository only`, remotes };
        if (files.has(p)) loaded.add(p);
      }
    }
    for (const [field, list] of lists) {
      for (const entry of list) {
        if (typeof entry !== 'string' || entry.includes('\n')) continue; // inline configs: loaded under the root-only restrictor
        const e = entry.trim();
        const refuse = (why: string) => `${kf}: ${field} entry ${quotePath(e)} ${why}; a delegated build may reach this repository only`;
        if (LOCAL_REMOTE.test(e)) return { refusal: refuse('is a local git remote'), remotes };
        if (NETWORK_REMOTE.test(e)) {
          remotes.push(e.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1'));
          continue;
        }
        if (e.includes('\0') || e.includes('\\')) return { refusal: refuse('is not a plain path'), remotes };
        if (posix.isAbsolute(e)) return { refusal: refuse('is an absolute path outside the repository'), remotes };
        const p = posix.normalize(posix.join(d || '.', e)).replace(/\/+$/, '');
        if (p === '..' || p.startsWith('../')) return { refusal: refuse('leaves the repository'), remotes };
        const rel = p === '.' ? '' : p;
        if (rel && pathProblem(rel)) return { refusal: refuse(pathProblem(rel)!), remotes };
        if (dirs.has(rel)) queue.push(rel);
        else if (!files.has(rel) && !tree.commit) {
          // Not a regular file or directory of the tree: in a working tree, a symlink keydrift does not follow.
          realRoot ??= await fs.realpath(tree.root);
          const real = await fs.realpath(confinedJoin(tree.root, rel)).catch(() => undefined);
          if (real !== undefined) return { refusal: refuse(isInside(realRoot, real) ? 'goes through a symlink, which keydrift does not follow' : 'is a symlink to outside the repository'), remotes };
        }
      }
    }
  }
  if (opts.loadAnywhere && remotes.length) rootOnly ??= `the build reaches remote bases (${remotes.slice(0, 2).join(', ')})`;
  return { remotes, roots: [...seen], ...(opts.loadAnywhere ? { loaded: [...loaded] } : {}), ...(rootOnly ? { rootOnly } : {}) };
}

/**
 * The files a delegated build can read: those under the kustomization roots it reaches. The
 * tool runs with `LoadRestrictionsRootOnly`, so a kustomization loads nothing outside its own
 * directory; every other file of the repository is left out of the temporary copy.
 */
export function filesUnderRoots(files: string[], roots: string[]): string[] {
  if (roots.includes('')) return files;
  const prefixes = roots.map((r) => `${r}/`);
  return files.filter((f) => prefixes.some((p) => f.startsWith(p)));
}

/**
 * Build `dir` (repo-relative) of `tree` with the real tool, from a materialised copy of the
 * repository, after the preflight allowed it.
 */
export async function delegateBuild(tree: FileTree, dir: string, tool: KustomizeTool, opts: DelegateOptions = {}): Promise<DelegateResult> {
  const pf = await preflight(tree, dir, opts);
  if (pf.refusal) return { ok: false, error: `was not run: ${pf.refusal}`, refused: true };
  const anywhere = opts.loadAnywhere === true && !pf.rootOnly;
  const tmp = makeTemp('keydrift-kustomize-');
  try {
    // Only what the build can read: the files under the roots it reaches (and, loading anywhere, the files it loads), not the whole repository.
    const want = new Set(filesUnderRoots([...new Set([...(await tree.list()), ...(opts.extra?.keys() ?? [])])], pf.roots ?? ['']));
    if (anywhere) for (const f of pf.loaded ?? []) want.add(f);
    const fromTree = [...want].filter((f) => !opts.extra?.has(f));
    const bytes = await tree.readManyBytes(fromTree);
    for (const [f, t] of opts.extra ?? []) if (want.has(f)) bytes.set(f, Buffer.from(t));
    writeConfined(tmp, bytes, '', tree.label);
    const r = await runAsync(tool, dir ? confinedJoin(tmp, dir) : tmp, pf.remotes, anywhere ? ANYWHERE : RESTRICT);
    if (!r.ok && !r.refused && opts.loadAnywhere && pf.rootOnly && /not in or below/.test(r.error)) {
      return { ...r, error: `${r.error} (Flux builds with LoadRestrictionsNone; keydrift ran ${tool.label} root-only because ${pf.rootOnly})` };
    }
    return r;
  } finally {
    removeTemp(tmp);
  }
}
