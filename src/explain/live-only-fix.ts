/**
 * A required key the container gets only from a live change git does not have (the
 * incident's second half: REDIS_URL added with `kubectl patch`). The pods run now; the
 * drift's fate says when they stop: when the GitOps engine reverts it or the object is
 * regenerated, the version that needs it crash-loops again.
 */
import type { Cause, CauseRule, ContainerFacts, ExplainContext } from './types.js';
import { versionLabel } from '../checks/util.js';

export const liveOnlyFixRule: CauseRule = {
  meta: { id: 'live-only-fix', description: 'A required key comes only from a live change that git does not have: it works until the GitOps engine or a regeneration removes it.' },
  run(ctx: ExplainContext, c: ContainerFacts): Cause[] {
    const cur = c.current;
    if (!cur || !c.provision || !c.gitProvision) return [];
    const out: Cause[] = [];
    for (const e of cur.contract.entries.values()) {
      if (e.kind !== 'required') continue;
      const v = c.provision.vars.get(e.name);
      if (!v?.from || c.gitProvision.vars.has(e.name)) continue;
      const object = `${v.from.kind}/${ctx.workload.namespace ?? '-'}/${v.from.name}`;
      const f = ctx.drift.find((d) => (d.details as any)?.object === object && d.key === v.from!.key && ['added', 'changed'].includes(String((d.details as any)?.change)));
      if (!f) continue;
      const d = f.details as Record<string, any>;
      const who = d.manager ? `${d.manager}${d.time ? `, ${d.time}` : ''}` : 'someone';
      const fate = d.fate?.when ? `${d.fate.outcome}: ${d.fate.when}` : 'kept for now';
      out.push({
        id: 'live-only-fix',
        score: d.fate?.outcome === 'kept' ? 45 : 60,
        container: c.name,
        summary: `${versionLabel(cur)} requires ${e.name}, and the container gets it only from a change made by hand in the cluster (${who}) that git does not have — ${fate}. When it goes, the pods fail again.`,
        evidence: [
          `${versionLabel(cur)} requires ${e.name}: ${e.reads.filter((r) => r.kind === 'required').map((r) => `${r.evidence.file}:${r.evidence.line}`).join(', ')}`,
          `live: ${e.name} comes from ${v.from.kind} ${v.from.name} key ${v.from.key}; git at the ref gives the container no ${e.name}`,
          `drift: ${f.check} ${e.name} in ${object} (${who}); fate: ${fate}`,
        ],
        ...(f.fix ? { fix: f.fix } : { fix: `Put ${e.name} into git where the container gets it.` }),
        ...(f.patch ? { patch: f.patch } : {}),
        locations: f.locations,
        details: { key: e.name, object, fate: d.fate },
      });
    }
    return out;
  },
};
