/**
 * Helm charts rendered with `helm template` when `helm` is on PATH. Local charts only (a
 * directory of this repository); hooks are left out (`--no-hooks`), no post-renderer is
 * ever passed, nothing is fetched (`--dependency-update` is never used). Objects get
 * file-level provenance: the chart template named in helm's `# Source:` comment.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { FileTree } from '../sources/tree.js';
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
  text: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HELM_NO_PLUGINS: '1' } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e) => resolve({ code: -1, out, err: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Render a local chart. Returns documents split on `---` with their `# Source:` template. */
export async function helmTemplate(
  helm: string,
  tree: FileTree,
  src: AppSource,
  namespace: string | undefined,
): Promise<{ ok: true; docs: HelmDoc[]; inputs: string[] } | { ok: false; error: string }> {
  const h = src.helm ?? { releaseName: 'release', valueFiles: [], values: [], parameters: [] };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keydrift-helm-'));
  try {
    const files = await tree.list();
    const prefix = src.path ? `${src.path}/` : '';
    const chartFiles = files.filter((f) => f.startsWith(prefix));
    let chartDir: string;
    if (tree.commit) {
      const texts = await tree.readMany(chartFiles);
      for (const [f, t] of texts) {
        const p = path.join(tmp, 'chart', ...f.slice(prefix.length).split('/'));
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, t);
      }
      chartDir = path.join(tmp, 'chart');
    } else chartDir = path.join(tree.root, ...src.path.split('/').filter(Boolean));
    const args = ['template', h.releaseName, chartDir, '--no-hooks', '--skip-tests'];
    if (namespace) args.push('--namespace', namespace);
    const inputs = [...chartFiles];
    for (const vf of h.valueFiles) {
      const text = await tree.read(vf);
      if (text === undefined) return { ok: false, error: `values file ${vf} not found` };
      const p = path.join(tmp, `values-${args.length}.yaml`);
      writeFileSync(p, text);
      args.push('--values', p);
      inputs.push(vf);
    }
    for (const v of h.values) {
      const p = path.join(tmp, `values-${args.length}.yaml`);
      writeFileSync(p, typeof v === 'string' ? v : stringify(v));
      args.push('--values', p);
    }
    for (const prm of h.parameters) args.push(prm.forceString ? '--set-string' : '--set', `${prm.name}=${prm.value}`);
    const r = await run(helm, args, tmp);
    if (r.code !== 0) return { ok: false, error: `helm template failed: ${r.err.trim().split('\n')[0]}` };
    const docs: HelmDoc[] = r.out.split(/^---\s*$/m).map((text) => {
      const m = /^# Source: [^/\n]+\/(.+)$/m.exec(text);
      return { text, ...(m ? { file: `${prefix}${m[1]!.trim()}` } : {}) };
    });
    return { ok: true, docs: docs.filter((d) => d.text.trim()), inputs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
