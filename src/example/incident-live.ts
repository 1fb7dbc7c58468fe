/**
 * The incident's second half, as a cluster dump (`kubectl get … -A -o yaml
 * --show-managed-fields`): production recovered after someone ran
 * `kubectl patch configmap user-auth-config … REDIS_URL=…`, but git never learnt of it. The
 * ArgoCD Application that deploys user-auth syncs automatically with self-heal.
 */
import { promises as fs } from 'node:fs';
import { stringify } from 'yaml';
import { managedFieldsEntry } from '../testing/fake-apiserver.js';
import { EXAMPLE_SECRET_VALUE } from './incident.js';

export const T_SYNC = '2026-11-20T13:40:12Z';
export const T_PATCH = '2026-11-20T14:03:27Z';

const tracking = { 'argocd.argoproj.io/tracking-id': 'user-auth:/ConfigMap:prod/user-auth-config' };

export function incidentLiveObjects(): Record<string, unknown>[] {
  const gitKeys = ['LOG_LEVEL', 'REDIS_HOST', 'REDIS_PORT'];
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'user-auth-config',
        namespace: 'prod',
        annotations: tracking,
        managedFields: [
          managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_SYNC, keys: gitKeys, annotations: Object.keys(tracking) }),
          managedFieldsEntry({ manager: 'kubectl-patch', operation: 'Update', time: T_PATCH, keys: ['REDIS_URL'] }),
        ],
      },
      data: {
        LOG_LEVEL: 'info',
        REDIS_HOST: 'redis-master.prod.svc.cluster.local',
        REDIS_PORT: '6379',
        REDIS_URL: 'redis://redis-master.prod.svc.cluster.local:6379/0',
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'user-auth-secrets',
        namespace: 'prod',
        annotations: { 'argocd.argoproj.io/tracking-id': 'user-auth:/Secret:prod/user-auth-secrets' },
        managedFields: [managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_SYNC, keys: ['jwt-secret'] })],
      },
      type: 'Opaque',
      data: { 'jwt-secret': Buffer.from(EXAMPLE_SECRET_VALUE).toString('base64') },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'user-auth', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/acme/gitops.git', path: 'apps/user-auth', targetRevision: 'main' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'prod' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
      status: { sync: { status: 'Synced', revision: 'deploy-3.14.0' } },
    },
  ];
}

/** Write the dump as one `List`, as `kubectl get -o yaml` prints it. */
export async function writeIncidentDump(file: string): Promise<void> {
  await fs.writeFile(file, stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: incidentLiveObjects() }));
}
