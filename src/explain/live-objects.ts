/**
 * Live objects for the resolver: a LiveObject as a KObject (its "file" is the cluster
 * object, it has no lines), and the pods and events that belong to a workload.
 */
import type { KObject } from '../sources/yaml.js';
import type { LiveObject } from '../cluster/live.js';

/** A live object shaped like a manifest. Secrets keep their key names only (no values: the live snapshot holds digests). */
export function liveKObject(o: LiveObject): KObject {
  let body = o.body;
  if (o.kind === 'Secret') body = { ...o.body, data: Object.fromEntries([...(o.values?.keys() ?? [])].map((k) => [k, ''])) };
  const file = `(live) ${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    body,
    file,
    docIndex: 0,
    line: 0,
    lineOf: () => undefined,
    locate: () => ({ file, line: 0 }),
    rangeOf: () => undefined,
    columnOf: () => undefined,
  };
}

type Req = { key: string; operator: string; values?: string[] };

/** Does a label selector (`matchLabels` + `matchExpressions`) select these labels? */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const ml = selector.matchLabels && typeof selector.matchLabels === 'object' ? Object.entries(selector.matchLabels) : [];
  const me: Req[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (!ml.length && !me.length) return false; // an empty selector would select everything: not a workload's
  for (const [k, v] of ml) if (labels[k] !== String(v)) return false;
  for (const r of me) {
    const v = labels[r.key];
    const vals = (r.values ?? []).map(String);
    if (r.operator === 'In' && (v === undefined || !vals.includes(v))) return false;
    if (r.operator === 'NotIn' && v !== undefined && vals.includes(v)) return false;
    if (r.operator === 'Exists' && v === undefined) return false;
    if (r.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

/** The pods of a workload in its namespace: by its selector, else by owner name. */
export function podsOf(w: LiveObject, all: LiveObject[]): LiveObject[] {
  const pods = all.filter((o) => o.kind === 'Pod' && o.namespace === w.namespace);
  if (w.kind === 'Pod') return pods.filter((p) => p.name === w.name);
  const sel = w.kind === 'CronJob' ? undefined : w.body.spec?.selector;
  const owned = (p: LiveObject) =>
    (Array.isArray(p.body.metadata?.ownerReferences) ? p.body.metadata.ownerReferences : []).some(
      (r: any) => r?.name === w.name || (r?.kind === 'ReplicaSet' && typeof r.name === 'string' && r.name.startsWith(w.name + '-')) || (r?.kind === 'Job' && w.kind === 'CronJob' && typeof r.name === 'string' && r.name.startsWith(w.name + '-')),
    );
  return pods.filter((p) => (sel ? selects(sel, p.labels) : false) || owned(p)).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The workload that controls a pod (through its ReplicaSet for a Deployment), when it is in the snapshot. */
export function controllerOf(pod: LiveObject, all: LiveObject[]): LiveObject | undefined {
  const refs: any[] = Array.isArray(pod.body.metadata?.ownerReferences) ? pod.body.metadata.ownerReferences : [];
  const ref = refs.find((r) => r?.controller) ?? refs[0];
  if (!ref || typeof ref.name !== 'string') return undefined;
  const same = (kind: string, name: string) => all.find((o) => o.kind === kind && o.namespace === pod.namespace && o.name === name);
  if (ref.kind === 'ReplicaSet') {
    const hash = pod.labels['pod-template-hash'];
    const dep = hash && ref.name.endsWith('-' + hash) ? ref.name.slice(0, -(hash.length + 1)) : ref.name.replace(/-[a-z0-9]{5,10}$/, '');
    return same('Deployment', dep);
  }
  return same(String(ref.kind), ref.name);
}
