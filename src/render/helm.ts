/**
 * Helm charts rendered with `helm template` when `helm` is on PATH. Local charts only (a
 * directory of this repository); hooks are left out (`--no-hooks`), no post-renderer is
 * ever passed, nothing is fetched (`--dependency-update` is never used). Objects get
 * file-level provenance: the chart template named in helm's `# Source:` comment.
 *
 * The chart is copied into a private temporary directory — from a working tree too, so that a
 * symlink in the chart (read by `.Files.Get`) never leads helm out of the repository — and
 * value files must be normal paths inside the repository (`../../x`, `$values/../x` are
 * refused, in a working tree as at a git ref). helm is stopped after `KEYDRIFT_TOOL_TIMEOUT`
 * seconds (default 120) and on SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { FileTree } from '../sources/tree.js';
import { makeTemp, writeConfined } from '../sources/materialise.js';
import { pathProblem, quotePath } from '../sources/paths.js';
import { killChild, removeTemp, trackChild } from '../cleanup.js';
import { toolTimeoutMs } from './kustomize/delegate.js';
import type { AppSource } from './apps.js';

export function findHelm(): string | undefined {
  if (process.env.KEYDRIFT_NO_HELM === '1') return undefined;
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (d && existsSync(path.join(d, 'helm'))) return path.join(d, 'helm');
  }
  return undefined;
}

export const NO_HELM_REASON = '`helm` is not on PATH: Helm charts are not rendered (install helm to check them)';

export interface HelmDoc {
  /** Repo-relative template file the document came from, when helm says. */
  file?: string;
  /** The chart template (a fetched chart: not a file of the repository). */
  template?: string;
  text: string;
}

/**
 * Run helm (stopped after KEYDRIFT_TOOL_TIMEOUT, killed with its process group on a signal).
 * `input` goes to its stdin (values passed as `--values -` never touch the disk).
 */
export function runHelm(cmd: string, args: string[], cwd: string, opts: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; out: string; err: string; timedOut?: number }> {
  const timeout = toolTimeoutMs();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: opts.env ?? { ...process.env, HELM_NO_PLUGINS: '1' }, detached: true });
    trackChild(child);
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild(child);
    }, timeout);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, out, err: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err, ...(timedOut ? { timedOut: timeout / 1000 } : {}) });
    });
  });
}

/** Render a chart: a local one (a directory of the tree), or a fetched archive (`opts.archive`, see helm-fetch.ts). Returns documents split on `---` with their `# Source:` template. */
export async function helmTemplate(
  helm: string,
  tree: FileTree,
  src: AppSource,
  namespace: string | undefined,
  opts: { archive?: string; env?: Record<string, string> } = {},
): Promise<{ ok: true; docs: HelmDoc[]; inputs: string[] } | { ok: false; error: string }> {
  const h = src.helm ?? { releaseName: 'release', valueFiles: [], values: [], parameters: [] };
  for (const vf of h.valueFiles) {
    const why = pathProblem(vf);
    if (why) return { ok: false, error: `values file ${quotePath(vf)} ${why}: keydrift reads value files inside the repository only` };
  }
  if (!opts.archive && src.path && pathProblem(src.path)) return { ok: false, error: `chart path ${quotePath(src.path)} ${pathProblem(src.path)}` };
  const tmp = makeTemp('keydrift-helm-');
  try {
    const prefix = src.path ? `${src.path}/` : '';
    const inputs: string[] = [];
    let chart: string;
    if (opts.archive) chart = opts.archive;
    else {
      const files = await tree.list();
      const chartFiles = files.filter((f) => f.startsWith(prefix));
      chart = path.join(tmp, 'chart');
      mkdirSync(chart, { mode: 0o700 });
      writeConfined(chart, await tree.readManyBytes(chartFiles), src.path, tree.label);
      inputs.push(...chartFiles);
    }
    const args = ['template', h.releaseName, chart, '--no-hooks', '--skip-tests'];
    if (namespace) args.push('--namespace', namespace);
    for (const vf of h.valueFiles) {
      const text = await tree.read(vf);
      if (text === undefined) return { ok: false, error: `values file ${vf} not found` };
      const p = path.join(tmp, `values-${args.length}.yaml`);
      writeFileSync(p, text, { flag: 'wx', mode: 0o600 });
      args.push('--values', p);
      inputs.push(vf);
    }
    for (const v of h.values) {
      const p = path.join(tmp, `values-${args.length}.yaml`);
      writeFileSync(p, typeof v === 'string' ? v : stringify(v), { flag: 'wx', mode: 0o600 });
      args.push('--values', p);
    }
    // Values read from a Secret go through stdin: never written to disk, never in argv.
    if (h.stdin !== undefined) args.push('--values', '-');
    for (const prm of h.parameters) args.push(prm.forceString ? '--set-string' : '--set', `${prm.name}=${prm.value}`);
    const r = await runHelm(helm, args, tmp, { ...(opts.env ? { env: opts.env } : {}), ...(h.stdin !== undefined ? { input: stringify(h.stdin) } : {}) });
    if (r.timedOut) return { ok: false, error: `helm template did not finish within ${r.timedOut} s and was stopped (set KEYDRIFT_TOOL_TIMEOUT to wait longer)` };
    if (r.code !== 0) {
      // helm quotes values in its errors: not shown when a Secret fed them.
      const cause = h.sensitive ? 'details not shown (values come from a Secret, which the message could quote; run helm template yourself to see it)' : r.err.trim().split('\n')[0];
      return { ok: false, error: `helm template failed: ${cause}` };
    }
    const docs: HelmDoc[] = r.out.split(/^---\s*$/m).map((text) => {
      const m = /^# Source: [^/\n]+\/(.+)$/m.exec(text);
      return { text, ...(m && !opts.archive ? { file: `${prefix}${m[1]!.trim()}` } : {}), ...(m && opts.archive ? { template: m[1]!.trim() } : {}) };
    });
    return { ok: true, docs: docs.filter((d) => d.text.trim()), inputs };
  } finally {
    removeTemp(tmp);
  }
}
