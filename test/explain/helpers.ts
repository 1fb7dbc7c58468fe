/**
 * Pods and events shaped as the API server returns them (status fields the kubelet writes,
 * core/v1 Events with involvedObject.fieldPath), for the explain tests.
 */
export const NS = 'prod';

export interface ContainerOpts {
  name?: string;
  image?: string;
  env?: unknown[];
  envFrom?: unknown[];
  resources?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
}

export function container(o: ContainerOpts = {}): Record<string, unknown> {
  return {
    name: o.name ?? 'app',
    image: o.image ?? 'ghcr.io/acme/app:1.0.0',
    ...(o.envFrom ? { envFrom: o.envFrom } : {}),
    ...(o.env ? { env: o.env } : {}),
    resources: o.resources ?? {},
    ...(o.livenessProbe ? { livenessProbe: o.livenessProbe } : {}),
    ...(o.startupProbe ? { startupProbe: o.startupProbe } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

export function deployment(name: string, containers: Record<string, unknown>[]): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name }, generation: 2 },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
    status: { replicas: 1, unavailableReplicas: 1, observedGeneration: 2 },
  };
}

export type State =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason?: string; signal?: number; message?: string; startedAt?: string; finishedAt?: string } };

export interface StatusOpts {
  name?: string;
  image?: string;
  state: State;
  last?: { exitCode: number; reason?: string; signal?: number; message?: string; startedAt?: string; finishedAt?: string };
  restartCount?: number;
  ready?: boolean;
}

export function pod(deploymentName: string, suffix: string, containers: Record<string, unknown>[], statuses: StatusOpts[], extra: { phase?: string; reason?: string } = {}): Record<string, unknown> {
  const rs = `${deploymentName}-7d9f8b6c4`;
  const name = `${rs}-${suffix}`;
  const uid = `9a1b2c3d-0000-4000-8000-${suffix.padStart(12, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid,
      labels: { app: deploymentName, 'pod-template-hash': '7d9f8b6c4' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: '11111111-2222-4333-8444-555555555555', controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers, restartPolicy: 'Always', nodeName: 'node-1' },
    status: {
      phase: extra.phase ?? 'Running',
      ...(extra.reason ? { reason: extra.reason } : {}),
      startTime: '2026-11-20T13:40:20Z',
      containerStatuses: statuses.map((s) => ({
        name: s.name ?? 'app',
        image: s.image ?? 'ghcr.io/acme/app:1.0.0',
        imageID: 'ghcr.io/acme/app@sha256:0d1c6e0f3b2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5',
        containerID: 'containerd://f00d',
        ready: s.ready ?? false,
        started: 'running' in s.state,
        restartCount: s.restartCount ?? 0,
        state: s.state,
        lastState: s.last ? { terminated: { startedAt: '2026-11-20T13:58:00Z', finishedAt: '2026-11-20T13:58:02Z', containerID: 'containerd://beef', ...s.last } } : {},
      })),
    },
  };
}

let seq = 0;
export function event(involved: { kind: string; name: string; container?: string }, reason: string, message: string, opts: { type?: 'Normal' | 'Warning'; count?: number; first?: string; last?: string } = {}): Record<string, unknown> {
  const first = opts.first ?? '2026-11-20T13:40:40Z';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.1879${String(++seq).padStart(12, '0')}`, namespace: NS, creationTimestamp: first },
    involvedObject: {
      apiVersion: involved.kind === 'Pod' ? 'v1' : 'apps/v1',
      kind: involved.kind,
      name: involved.name,
      namespace: NS,
      ...(involved.container ? { fieldPath: `spec.containers{${involved.container}}` } : {}),
    },
    reason,
    message,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: first,
    lastTimestamp: opts.last ?? first,
    count: opts.count ?? 1,
    type: opts.type ?? 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  };
}
