/**
 * `keydrift explain`'s core: the causes of a workload's failure, most likely first, from
 * facts already gathered (pods, events, the config the containers get, the contract of
 * the version they run). One rule per cause, like the checks; a pure function.
 */
import type { Cause, CauseRule, ContainerFacts, EventFact, ExplainContext, Explanation } from './types.js';
import { configRefRule } from './config-ref.js';
import { imagePullRule } from './image-pull.js';
import { oomRule } from './oom.js';
import { missingKeyRule } from './missing-key.js';
import { probeKillRule } from './probe-kill.js';
import { evictedRule } from './evicted.js';
import { liveOnlyFixRule } from './live-only-fix.js';
import { exitCodeRule, describeExit } from './exit-code.js';
import { lastExit, restarts } from './util.js';

/** Every rule; `exit-code` last: it speaks only when nothing else explains the exit. */
export const CAUSE_RULES: CauseRule[] = [configRefRule, imagePullRule, oomRule, evictedRule, missingKeyRule, liveOnlyFixRule, probeKillRule, exitCodeRule];

function stateOf(c: ContainerFacts): string {
  const states = new Map<string, number>();
  for (const s of c.statuses) {
    const k = s.waiting ? `waiting: ${s.waiting.reason}` : s.running ? (s.ready ? 'running, ready' : 'running, not ready') : s.terminated ? `terminated: ${s.terminated.reason ?? 'exited'}` : 'unknown';
    states.set(k, (states.get(k) ?? 0) + 1);
  }
  if (!states.size) return 'no status (no pod found)';
  return [...states].map(([k, n]) => (c.statuses.length > 1 ? `${n}× ${k}` : k)).join('; ');
}

/** An event in words: its reason, count and the parts keydrift parsed — never its message. */
export function eventWords(e: EventFact): string {
  const p = e.parsed;
  const bits: string[] = [];
  if (p.missingKey) bits.push(`no key ${p.missingKey.key} in ${p.missingKey.kind} ${p.missingKey.name}`);
  else if (p.missingObject) bits.push(`no ${p.missingObject.kind} ${p.missingObject.name}`);
  if (p.probe) bits.push(`${p.probe} probe failed${p.probeFailure ? ` (${p.probeFailure}${p.httpStatus ? ` ${p.httpStatus}` : ''})` : ''}`);
  if (p.killedByProbe) bits.push(`killed: failed ${p.killedByProbe} probe`);
  if (p.pullFailure) bits.push(`image pull failed (${p.pullFailure})`);
  if (p.evictedFor) bits.push(`node low on ${p.evictedFor}`);
  return `${e.type} ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''} on ${e.object.kind} ${e.object.name}${e.container ? ` (container ${e.container})` : ''}${bits.length ? `: ${bits.join('; ')}` : ''}`;
}

function timelineOf(ctx: ExplainContext): { time: string; what: string }[] {
  const out: { time: string; what: string }[] = [];
  const seen = new Set<string>();
  const events = [...ctx.podEvents, ...ctx.containers.flatMap((c) => c.events)];
  for (const e of events) {
    const w = eventWords(e);
    const t = e.lastTime ?? e.firstTime;
    if (!t || seen.has(t + w)) continue;
    seen.add(t + w);
    out.push({ time: t, what: w });
  }
  for (const c of ctx.containers)
    for (const s of c.statuses)
      for (const t of [s.lastTerminated, s.terminated]) if (t?.finishedAt) out.push({ time: t.finishedAt, what: `pod ${s.pod} container ${c.name} stopped: ${describeExit(t)}` });
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.what.localeCompare(b.what)));
}

export function explain(ctx: ExplainContext): Explanation {
  const causes: Cause[] = [];
  for (const c of ctx.containers) {
    const mine: Cause[] = [];
    for (const rule of CAUSE_RULES) {
      if (rule === exitCodeRule && mine.some((x) => x.explainsExit)) continue;
      mine.push(...rule.run(ctx, c));
    }
    causes.push(...mine);
  }
  causes.sort((a, b) => b.score - a.score || (a.container ?? '').localeCompare(b.container ?? '') || a.id.localeCompare(b.id));
  const ns = ctx.workload.namespace;
  const notSeen: Explanation['notSeen'] = [];
  for (const c of ctx.containers) {
    const last = lastExit(c);
    const pod = last?.status.pod ?? c.statuses[0]?.pod;
    if (!pod) continue;
    notSeen.push({
      what: `the log of container ${c.name}${last ? ' from the run that stopped' : ''} (keydrift reads no logs: they may hold secrets)`,
      command: `kubectl logs${ns ? ` -n ${ns}` : ''} ${pod} -c ${c.name}${last ? ' --previous' : ''}`,
    });
  }
  if (ctx.pods.length) notSeen.push({ what: 'event messages in full (keydrift prints only the parts it parsed: they may hold probe URLs with tokens)', command: `kubectl describe pod${ns ? ` -n ${ns}` : ''} ${ctx.pods[0]!.name}` });
  const wl = ctx.workload;
  return {
    timeline: timelineOf(ctx),
    workload: `${wl.kind}/${wl.namespace ?? '-'}/${wl.name}`,
    pods: ctx.pods,
    containers: ctx.containers.map((c) => {
      const last = lastExit(c);
      return { name: c.name, init: c.init, image: c.image, state: stateOf(c), restarts: restarts(c), ...(last ? { lastExit: describeExit(last.term) } : {}) };
    }),
    causes,
    failing: ctx.containers.some((c) => !c.statuses.length || c.statuses.some((s) => !s.running || !s.ready)) || ctx.pods.some((p) => p.reason === 'Evicted' || p.phase === 'Failed'),
    drift: ctx.drift,
    notSeen,
    skipped: ctx.skipped,
    sources: { live: ctx.liveSource, ...(ctx.git ? { git: ctx.git } : {}) },
  };
}
