import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { managedFieldsEntry } from '../../src/testing/fake-apiserver.js';
import { parseManifests, type KObject } from '../../src/sources/yaml.js';
import type { Snapshot } from '../../src/sources/snapshot.js';
import { toLiveObject, type LiveSnapshot } from '../../src/cluster/live.js';
import { SecretHasher } from '../../src/cluster/secret-digest.js';

export const T_ARGO = '2026-11-02T09:00:00Z';
export const T_PATCH = '2026-11-20T14:03:27Z';

/** A git repository with these files committed on branch main; returns its directory. */
export function gitRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keydrift-gitops-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
  return dir;
}

export const rm = (d: string) => rmSync(d, { recursive: true, force: true });

/** The incident's git side: user-auth's ConfigMap as the deploy commit left it. */
export const USER_AUTH_CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: user-auth-config
  namespace: prod
data:
  REDIS_HOST: redis.prod.svc
  REDIS_PORT: "6379"
  LOG_LEVEL: info
`;

export function argoApp(opts: { name?: string; automated?: boolean; selfHeal?: boolean; syncOptions?: string[]; ignoreDifferences?: unknown[]; resources?: unknown[] } = {}) {
  const name = opts.name ?? 'user-auth';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/gitops.git', path: 'apps/user-auth', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'prod' },
      syncPolicy: {
        ...(opts.automated === false ? {} : { automated: { prune: true, selfHeal: opts.selfHeal ?? true } }),
        ...(opts.syncOptions ? { syncOptions: opts.syncOptions } : {}),
      },
      ...(opts.ignoreDifferences ? { ignoreDifferences: opts.ignoreDifferences } : {}),
    },
    status: { sync: { status: 'Synced', revision: 'abc123' }, ...(opts.resources ? { resources: opts.resources } : {}) },
  };
}

/** The live ConfigMap: git's keys applied by ArgoCD, plus what kubectl-patch did. */
export function liveConfigMap(opts: {
  name?: string;
  namespace?: string;
  data: Record<string, string>;
  argoKeys?: string[];
  patched?: string[];
  patchManager?: string;
  /** Annotations the patch manager wrote (owns in managedFields). */
  patchAnnotations?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  argoManager?: string;
}) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: opts.name ?? 'user-auth-config',
      namespace: opts.namespace ?? 'prod',
      labels: opts.labels ?? { 'app.kubernetes.io/instance': 'user-auth' },
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
      managedFields: [
        managedFieldsEntry({ manager: opts.argoManager ?? 'argocd-controller', operation: 'Apply', time: T_ARGO, keys: opts.argoKeys ?? Object.keys(opts.data).filter((k) => !(opts.patched ?? []).includes(k)), labels: Object.keys(opts.labels ?? { 'app.kubernetes.io/instance': 'user-auth' }) }),
        ...(opts.patched?.length ? [managedFieldsEntry({ manager: opts.patchManager ?? 'kubectl-patch', operation: 'Update', time: T_PATCH, keys: opts.patched, ...(opts.patchAnnotations ? { annotations: opts.patchAnnotations } : {}) })] : []),
      ],
    },
    data: opts.data,
  };
}

/** A snapshot from YAML texts by file (no rendering). */
export function snapshotOf(files: Record<string, string>, patch?: (o: KObject) => void): Snapshot {
  const objects: KObject[] = [];
  const texts = new Map<string, string>();
  for (const [f, t] of Object.entries(files)) {
    texts.set(f, t);
    const p = parseManifests(f, t);
    if (p.problems.length) throw new Error(p.problems[0]!.message);
    for (const o of p.objects) {
      patch?.(o);
      objects.push(o);
    }
  }
  return { origin: { type: 'dir', label: 'test', root: '/tmp' }, objects, problems: [], texts, skipped: [] };
}

export function liveOf(raws: Record<string, any>[], hasher = new SecretHasher()): LiveSnapshot {
  return { source: 'test', objects: raws.map((r) => toLiveObject(structuredClone(r), hasher)!), skipped: [], hasher };
}
