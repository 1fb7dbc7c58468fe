/**
 * CreateContainerConfigError: the container references a ConfigMap, Secret or key that does
 * not exist (and is not `optional: true`), so the kubelet never starts it.
 */
import type { Location } from '../model.js';
import type { RefProblem } from '../resolve/provision.js';
import type { Cause, CauseRule, ContainerFacts, ParsedMessage } from './types.js';
import { plural } from './util.js';

function refWords(p: { kind: string; name: string; key?: string }): string {
  return p.key ? `key ${p.key} of ${p.kind} ${p.name}` : `${p.kind} ${p.name}`;
}

export const configRefRule: CauseRule = {
  meta: { id: 'config-ref-missing', description: 'A ConfigMap, Secret or key the container references does not exist: CreateContainerConfigError.' },
  run(ctx, c: ContainerFacts): Cause[] {
    const waiting = c.statuses.filter((s) => s.waiting?.reason === 'CreateContainerConfigError');
    const parsed: ParsedMessage[] = [...waiting.map((s) => s.waiting!.parsed ?? {}), ...c.events.filter((e) => e.reason === 'Failed').map((e) => e.parsed)];
    // What is missing: from the messages, and from resolving the live container.
    const missing = new Map<string, { kind: string; name: string; key?: string; live?: RefProblem }>();
    for (const p of parsed) {
      if (p.missingKey) missing.set(`${p.missingKey.kind}/${p.missingKey.name}/${p.missingKey.key}`, { ...p.missingKey });
      else if (p.missingObject) missing.set(`${p.missingObject.kind}/${p.missingObject.name}/`, { ...p.missingObject });
    }
    for (const p of c.provision?.problems ?? []) {
      if (p.optional) continue;
      const k = `${p.kind}/${p.name}/${p.problem === 'missing-key' ? (p.key ?? '') : ''}`;
      missing.set(k, { ...(missing.get(k) ?? { kind: p.kind, name: p.name, ...(p.problem === 'missing-key' && p.key ? { key: p.key } : {}) }), live: p });
    }
    if (missing.size === 0) return [];
    const out: Cause[] = [];
    const ns = ctx.workload.namespace;
    for (const m of missing.values()) {
      const evidence: string[] = [];
      if (waiting.length) evidence.push(`${plural(waiting.length, 'pod')} waiting with CreateContainerConfigError (${waiting.map((s) => s.pod).join(', ')})`);
      const ev = c.events.filter((e) => e.reason === 'Failed' && (e.parsed.missingKey?.name === m.name || e.parsed.missingObject?.name === m.name));
      if (ev.length) evidence.push(`event Failed ×${ev.reduce((n, e) => n + e.count, 0)}: the kubelet ${m.key ? `could not find key ${m.key} in ${m.kind} ${m.name}` : `found no ${m.kind} ${m.name}`}`);
      if (m.live) evidence.push(`the live ${m.key ? `${m.kind} ${m.name} has no key ${m.key}` : `namespace ${ns ?? '?'} has no ${m.kind} ${m.name}`}${m.live.envName ? ` (read as ${m.live.envName})` : ' (envFrom)'}`);
      const locations: Location[] = [];
      // Where git makes the reference, and whether git declares what is missing.
      const gp = c.gitProvision;
      if (gp) {
        const ref = [...gp.vars.values(), ...gp.shadowed].find((v) => v.from && v.from.kind === m.kind && v.from.name === m.name && (!m.key || v.from.key === m.key));
        const prob = gp.problems.find((p) => p.kind === m.kind && p.name === m.name && (!m.key || p.key === m.key));
        if (prob) {
          locations.push({ ...prob.location, note: `reference to ${refWords(m)}` });
          evidence.push(`git makes the same reference (${prob.location.file}:${prob.location.line}) and does not declare ${refWords(m)} either`);
        } else if (ref) {
          locations.push({ ...(ref.from?.location ?? ref.location), note: `git declares ${refWords(m)}` });
          evidence.push(`git declares ${refWords(m)} (${(ref.from?.location ?? ref.location).file}:${(ref.from?.location ?? ref.location).line}), the cluster does not: not synced yet, pruned, or deleted by hand`);
        }
      }
      const gitHasIt = locations.some((l) => l.note?.startsWith('git declares'));
      out.push({
        id: 'config-ref-missing',
        score: waiting.length || ev.length ? 100 : 60,
        container: c.name,
        summary: `Container ${c.name} cannot start: it references ${refWords(m)}, which does not exist in namespace ${ns ?? '?'} (CreateContainerConfigError).`,
        evidence,
        fix: gitHasIt
          ? `Sync the app so the cluster gets ${refWords(m)} from git (or find who deleted it).`
          : `Create ${refWords(m)}${m.key ? '' : ` in namespace ${ns ?? '?'}`} (in git), fix the reference's name, or mark it optional: true if the app copes without it.`,
        locations: locations.length ? locations : [c.gitLocation ?? c.location],
        details: { kind: m.kind, name: m.name, ...(m.key ? { key: m.key } : {}) },
      });
    }
    return out;
  },
};
