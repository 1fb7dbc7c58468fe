/**
 * Workloads and their containers: every container and initContainer of a pod template.
 */
import type { KObject, PathSeg } from '../sources/yaml.js';
import { own } from '../own.js';

export const WORKLOAD_KINDS: Record<string, PathSeg[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
};

export interface ContainerRef {
  /** The workload object. */
  workload: KObject;
  /** "Deployment/ns/name" with '-' for an unspecified namespace. */
  workloadId: string;
  name: string;
  init: boolean;
  image: string;
  /** Path from the object root to this container's map. */
  path: PathSeg[];
  spec: Record<string, any>;
}

export function isWorkload(o: KObject): boolean {
  return own(WORKLOAD_KINDS, o.kind) !== undefined && (o.kind !== 'Rollout' || o.apiVersion.startsWith('argoproj.io/'));
}

export function workloadId(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}/${o.namespace ?? '-'}/${o.name}`;
}

function getIn(obj: any, path: PathSeg[]): any {
  let cur = obj;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s as any];
  }
  return cur;
}

/**
 * The containers of a workload. A Rollout with `workloadRef` has no template of its own:
 * it is returned with `templateRef` so the caller can say why it was skipped.
 */
export function containersOf(o: KObject): { containers: ContainerRef[]; templateRef?: string } {
  const podPath = own(WORKLOAD_KINDS, o.kind);
  if (!podPath) return { containers: [] };
  if (o.kind === 'Rollout' && o.body.spec?.workloadRef && !o.body.spec?.template) {
    const ref = o.body.spec.workloadRef;
    return { containers: [], templateRef: `${ref.kind ?? 'Deployment'}/${ref.name}` };
  }
  const pod = getIn(o.body, podPath);
  const out: ContainerRef[] = [];
  if (!pod || typeof pod !== 'object') return { containers: out };
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    const list = pod[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c: any, i: number) => {
      if (!c || typeof c !== 'object') return;
      out.push({
        workload: o,
        workloadId: workloadId(o),
        name: String(c.name ?? `#${i}`),
        init,
        image: typeof c.image === 'string' ? c.image : '',
        path: [...podPath, field, i],
        spec: c,
      });
    });
  }
  return { containers: out };
}

/** The pod spec of a workload (for volumes and other pod-level references). */
export function podSpecPath(o: KObject): PathSeg[] | undefined {
  return own(WORKLOAD_KINDS, o.kind);
}
