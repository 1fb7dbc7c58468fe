/**
 * Delegation to the real tool for what the native renderer does not support: `kustomize
 * build` or `kubectl kustomize`, found on PATH. It needs a directory: for a git tree the
 * files are materialised into a temporary directory, which is removed afterwards.
 * Objects from delegation have file-level provenance only.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileTree } from '../../sources/tree.js';

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

export function runKustomizeTool(tool: KustomizeTool, dir: string): { ok: true; yaml: string } | { ok: false; error: string } {
  const r = spawnSync(tool.cmd, [...tool.args, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120000 });
  if (r.error) return { ok: false, error: `${tool.label} could not be run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, error: cleanError(r.stderr) };
  return { ok: true, yaml: r.stdout };
}

function runAsync(tool: KustomizeTool, dir: string): Promise<{ ok: true; yaml: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const child = spawn(tool.cmd, [...tool.args, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e) => resolve({ ok: false, error: `${tool.label} could not be run: ${e.message}` }));
    child.on('close', (code) => resolve(code === 0 ? { ok: true, yaml: out } : { ok: false, error: cleanError(err) }));
  });
}

function cleanError(stderr: string): string {
  const s = stderr.replace(/^E\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] /gm, '').replace(/"command failed" err=<?/, '').trim();
  return s.split('\n').map((l) => l.trim()).filter((l) => l && l !== '>').join(' ').slice(0, 300) || 'failed';
}

/**
 * Build `dir` (repo-relative) of `tree` with the real tool. Plain directories are built in
 * place; git trees are materialised (only the files under the common ancestor of `dir`
 * and the files it may reference: the whole tree, bounded) into a temp dir.
 */
export async function delegateBuild(tree: FileTree, dir: string, tool: KustomizeTool): Promise<{ ok: true; yaml: string } | { ok: false; error: string }> {
  if (!tree.commit) return runAsync(tool, path.join(tree.root, ...dir.split('/').filter(Boolean)));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keydrift-kustomize-'));
  try {
    const files = await tree.list();
    const texts = await tree.readMany(files.filter((f) => !/\.(png|jpe?g|gif|ico|tgz|gz|zip|jar)$/i.test(f)));
    for (const [f, t] of texts) {
      const p = path.join(tmp, ...f.split('/'));
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, t);
    }
    return await runAsync(tool, path.join(tmp, ...dir.split('/').filter(Boolean)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
