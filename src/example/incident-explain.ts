/**
 * The incident at its worst moment, as a cluster dump with pods and events
 * (`kubectl get deployments,configmaps,secrets,pods,events -n prod -o yaml
 * --show-managed-fields`): the deploy commit rolled out user-auth 3.14.0, which reads
 * REDIS_URL; the ConfigMap still has REDIS_HOST and REDIS_PORT, so every pod exits 1 at start
 * and sits in CrashLoopBackOff. Nobody has patched anything yet. For `npm run example -- explain`.
 */
import { promises as fs } from 'node:fs';
import { stringify } from 'yaml';
import { managedFieldsEntry } from '../testing/fake-apiserver.js';
import { EXAMPLE_SECRET_VALUE } from './incident.js';
import { T_SYNC } from './incident-live.js';

const NS = 'prod';
const RS = 'user-auth-6c9d7f8b5d';
const IMAGE = 'ghcr.io/acme/user-auth:3.14.0';
const POD_NAMES = [`${RS}-4xkqz`, `${RS}-9tq2m`, `${RS}-wl7hd`];

const container = {
  name: 'user-auth',
  image: IMAGE,
  ports: [{ containerPort: 8080, protocol: 'TCP' }],
  envFrom: [{ configMapRef: { name: 'user-auth-config' } }],
  env: [{ name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'user-auth-secrets', key: 'jwt-secret' } } }],
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
};

function pod(name: string, i: number): Record<string, unknown> {
  const uid = `5f0c2a4e-1d3b-4c8e-9a7f-00000000000${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid,
      labels: { app: 'user-auth', 'pod-template-hash': '6c9d7f8b5d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: RS, uid: '0b8d6e1f-7a2c-4f3e-8d9b-5c4a3b2a1f0e', controller: true, blockOwnerDeletion: true }],
      creationTimestamp: '2026-11-20T13:40:20Z',
    },
    spec: { containers: [container], restartPolicy: 'Always', nodeName: `node-${i + 1}`, serviceAccountName: 'default' },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [user-auth]' },
        { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [user-auth]' },
      ],
      hostIP: `10.0.0.${11 + i}`,
      podIP: `10.244.${i + 1}.17`,
      startTime: '2026-11-20T13:40:20Z',
      containerStatuses: [
        {
          name: 'user-auth',
          image: IMAGE,
          imageID: 'ghcr.io/acme/user-auth@sha256:9d1c6e0f3b2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5',
          containerID: `containerd://a3f1c9e2b7d4${i}0e6f5a8c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3`,
          ready: false,
          started: false,
          restartCount: 7 + i,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=user-auth pod=${name}_${NS}(${uid})` } },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              // What the app wrote to /dev/termination-log: keydrift never prints a termination message.
              message: `Error: connect ECONNREFUSED 127.0.0.1:6379 (jwt=${EXAMPLE_SECRET_VALUE})`,
              startedAt: '2026-11-20T13:58:0' + i + 'Z',
              finishedAt: '2026-11-20T13:58:0' + (i + 2) + 'Z',
              containerID: `containerd://e1d2c3b4a5f6${i}7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3`,
            },
          },
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}

function event(name: string, reason: string, type: 'Normal' | 'Warning', involved: Record<string, string>, message: string, count: number, first: string, last: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.${name}`, namespace: NS, creationTimestamp: first },
    involvedObject: { namespace: NS, ...involved },
    reason,
    message,
    source: { component: involved.kind === 'Pod' ? 'kubelet' : involved.kind === 'ReplicaSet' ? 'replicaset-controller' : 'deployment-controller', ...(involved.kind === 'Pod' ? { host: 'node-1' } : {}) },
    firstTimestamp: first,
    lastTimestamp: last,
    count,
    type,
    eventTime: null,
    reportingComponent: involved.kind === 'Pod' ? 'kubelet' : '',
    reportingInstance: involved.kind === 'Pod' ? 'node-1' : '',
  };
}

export function incidentExplainObjects(): Record<string, unknown>[] {
  const tracking = (kind: string, name: string) => ({ 'argocd.argoproj.io/tracking-id': `user-auth:${kind === 'Deployment' ? 'apps' : ''}/${kind}:${NS}/${name}` });
  const objects: Record<string, unknown>[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'user-auth', namespace: NS, labels: { app: 'user-auth' }, annotations: tracking('Deployment', 'user-auth'), generation: 4 },
      spec: { replicas: 3, selector: { matchLabels: { app: 'user-auth' } }, template: { metadata: { labels: { app: 'user-auth' } }, spec: { containers: [container] } } },
      status: { replicas: 3, updatedReplicas: 3, unavailableReplicas: 3, observedGeneration: 4 },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'user-auth-config',
        namespace: NS,
        annotations: tracking('ConfigMap', 'user-auth-config'),
        managedFields: [managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_SYNC, keys: ['LOG_LEVEL', 'REDIS_HOST', 'REDIS_PORT'] })],
      },
      data: { LOG_LEVEL: 'info', REDIS_HOST: 'redis-master.prod.svc.cluster.local', REDIS_PORT: '6379' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'user-auth-secrets', namespace: NS, annotations: tracking('Secret', 'user-auth-secrets'), managedFields: [managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_SYNC, keys: ['jwt-secret'] })] },
      type: 'Opaque',
      data: { 'jwt-secret': Buffer.from(EXAMPLE_SECRET_VALUE).toString('base64') },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'user-auth', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://git.example.com/acme/gitops.git', path: 'apps/user-auth', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: NS }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
      status: { sync: { status: 'Synced', revision: 'deploy-3.14.0' }, health: { status: 'Degraded' } },
    },
    ...POD_NAMES.map(pod),
    event('187a3c1e0f2b4d5a', 'ScalingReplicaSet', 'Normal', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'user-auth' }, `Scaled up replica set ${RS} to 3`, 1, '2026-11-20T13:40:19Z', '2026-11-20T13:40:19Z'),
  ];
  POD_NAMES.forEach((p, i) => {
    const c = { apiVersion: 'v1', kind: 'Pod', name: p, fieldPath: 'spec.containers{user-auth}' };
    objects.push(
      event(`187a3c2${i}1a1`, 'Pulled', 'Normal', c, `Container image "${IMAGE}" already present on machine`, 8 + i, '2026-11-20T13:40:22Z', '2026-11-20T13:58:00Z'),
      event(`187a3c2${i}1a2`, 'Created', 'Normal', c, 'Created container user-auth', 8 + i, '2026-11-20T13:40:22Z', '2026-11-20T13:58:00Z'),
      event(`187a3c2${i}1a3`, 'Started', 'Normal', c, 'Started container user-auth', 8 + i, '2026-11-20T13:40:23Z', '2026-11-20T13:58:01Z'),
      event(`187a3c2${i}1a4`, 'BackOff', 'Warning', c, `Back-off restarting failed container user-auth in pod ${p}_${NS}(5f0c2a4e-1d3b-4c8e-9a7f-00000000000${i})`, 31 + i, '2026-11-20T13:40:40Z', '2026-11-20T14:01:12Z'),
    );
  });
  return objects;
}

/** Write the dump as one `List`, as `kubectl get -o yaml` prints it. */
export async function writeIncidentExplainDump(file: string): Promise<void> {
  await fs.writeFile(file, stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: incidentExplainObjects() }));
}
