/**
 * Which live workloads read a ConfigMap/Secret key: through `envFrom` (every key), an
 * `env[].valueFrom` key reference, or a volume (every key). Read from the live workloads,
 * so the report can say who depends on a key that exists only live.
 */
import type { LiveObject } from '../cluster/live.js';
import { own } from '../own.js';

const TEMPLATE: Record<string, string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

interface Use {
  workload: string;
  /** undefined: every key of the object. */
  key?: string;
  how: string;
}

export class UsageIndex {
  private uses = new Map<string, Use[]>();
  constructor(objects: LiveObject[]) {
    for (const o of objects) {
      const path = own(TEMPLATE, o.kind);
      if (!path) continue;
      // Pods made by a controller are covered by their workload.
      if (o.kind === 'Pod' && Array.isArray(o.body.metadata?.ownerReferences) && o.body.metadata.ownerReferences.length) continue;
      // Jobs made by a CronJob likewise.
      if (o.kind === 'Job' && Array.isArray(o.body.metadata?.ownerReferences) && o.body.metadata.ownerReferences.some((r: any) => r?.kind === 'CronJob')) continue;
      let spec: any = o.body;
      for (const seg of path) spec = spec?.[seg];
      if (!spec || typeof spec !== 'object') continue;
      const w = `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`;
      const add = (kind: string, name: unknown, use: Omit<Use, 'workload'>) => {
        if (typeof name !== 'string') return;
        const k = `${kind}|${o.namespace ?? ''}|${name}`;
        const l = this.uses.get(k) ?? [];
        l.push({ workload: w, ...use });
        this.uses.set(k, l);
      };
      for (const c of [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])]) {
        for (const ef of Array.isArray(c?.envFrom) ? c.envFrom : []) {
          if (ef?.configMapRef) add('ConfigMap', ef.configMapRef.name, { how: 'envFrom' });
          if (ef?.secretRef) add('Secret', ef.secretRef.name, { how: 'envFrom' });
        }
        for (const e of Array.isArray(c?.env) ? c.env : []) {
          const r = e?.valueFrom?.configMapKeyRef;
          if (r) add('ConfigMap', r.name, { key: String(r.key), how: `env ${e.name}` });
          const s = e?.valueFrom?.secretKeyRef;
          if (s) add('Secret', s.name, { key: String(s.key), how: `env ${e.name}` });
        }
      }
      for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
        if (v?.configMap) add('ConfigMap', v.configMap.name, { how: `volume ${v.name}` });
        if (v?.secret) add('Secret', v.secret.secretName, { how: `volume ${v.name}` });
        for (const src of Array.isArray(v?.projected?.sources) ? v.projected.sources : []) {
          if (src?.configMap) add('ConfigMap', src.configMap.name, { how: `volume ${v.name}` });
          if (src?.secret) add('Secret', src.secret.name, { how: `volume ${v.name}` });
        }
      }
    }
  }

  /** "Deployment prod/user-auth (env REDIS_URL)" for every live workload that reads `key` of the object. */
  readersOf(kind: string, namespace: string | undefined, name: string, key: string): string[] {
    const out = (this.uses.get(`${kind}|${namespace ?? ''}|${name}`) ?? []).filter((u) => u.key === undefined || u.key === key).map((u) => `${u.workload} (${u.how})`);
    return [...new Set(out)].sort();
  }

  /** Every live workload that reads any key of the object. */
  readersOfObject(kind: string, namespace: string | undefined, name: string): string[] {
    const out = (this.uses.get(`${kind}|${namespace ?? ''}|${name}`) ?? []).map((u) => `${u.workload} (${u.how})`);
    return [...new Set(out)].sort();
  }
}
