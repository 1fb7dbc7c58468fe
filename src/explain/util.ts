/** Small helpers shared by the explain rules. */
import type { ContainerFacts, ContainerStatusFact, Termination } from './types.js';

/** The most recent termination of a container across its pods: current state first, then lastState. */
export function lastExit(c: ContainerFacts): { status: ContainerStatusFact; term: Termination } | undefined {
  let best: { status: ContainerStatusFact; term: Termination } | undefined;
  for (const s of c.statuses) {
    for (const t of [s.terminated, s.lastTerminated]) {
      if (!t) continue;
      if (!best || (t.finishedAt ?? '') > (best.term.finishedAt ?? '')) best = { status: s, term: t };
    }
  }
  return best;
}

/** Every termination seen (one per pod and state). */
export function exits(c: ContainerFacts): Termination[] {
  return c.statuses.flatMap((s) => [s.terminated, s.lastTerminated].filter((t): t is Termination => !!t));
}

export function restarts(c: ContainerFacts): number {
  return c.statuses.reduce((n, s) => n + s.restartCount, 0);
}

/** "pod user-auth-7d9f-x2x9k (7 restarts, waiting: CrashLoopBackOff)". */
export function statusLabel(s: ContainerStatusFact): string {
  const state = s.waiting ? `waiting: ${s.waiting.reason}` : s.running ? 'running' : s.terminated ? 'terminated' : 'unknown state';
  return `pod ${s.pod} (${s.restartCount} restart${s.restartCount === 1 ? '' : 's'}, ${state})`;
}

export function isCrashing(c: ContainerFacts): boolean {
  return c.statuses.some((s) => s.restartCount > 0 || s.waiting?.reason === 'CrashLoopBackOff' || (s.terminated && s.terminated.exitCode !== 0));
}

/** Kubernetes quantity → number (CPU in cores, memory in bytes). */
export function quantity(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti|E|Ei|P|Pi)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = { m: 1e-3, k: 1e3, Ki: 1024, M: 1e6, Mi: 1024 ** 2, G: 1e9, Gi: 1024 ** 3, T: 1e12, Ti: 1024 ** 4, P: 1e15, Pi: 1024 ** 5, E: 1e18, Ei: 1024 ** 6 };
  return n * (m[2] ? mult[m[2]]! : 1);
}

export const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
