/**
 * From per-key deltas to a sorted list of findings: grouped by app (the GitOps owner), the
 * group with the newest manual change first, and inside a group newest manual change first.
 */
import type { Finding } from '../model.js';
import { SEVERITY_RANK } from '../model.js';
import type { DriftCheck, DriftContext } from './types.js';
import { CHECKS } from '../checks/index.js';

/** The registered drift checks (src/checks/index.ts), in registry order. */
export const DRIFT_CHECKS: DriftCheck[] = CHECKS.filter((c): c is DriftCheck => c.scope === 'drift');

const timeOf = (f: Finding) => {
  const d = f.details as { time?: string; managerClass?: string } | undefined;
  return d?.time && d.managerClass !== 'gitops' ? Date.parse(d.time) || 0 : 0;
};
const appOf = (f: Finding) => String((f.details as { app?: string } | undefined)?.app ?? '');

export function sortDriftFindings(fs: Finding[]): Finding[] {
  const newest = new Map<string, number>();
  for (const f of fs) newest.set(appOf(f), Math.max(newest.get(appOf(f)) ?? 0, timeOf(f)));
  const tie = (f: Finding) => [String(9 - SEVERITY_RANK[f.severity]), f.check, String((f.details as any)?.object ?? ''), f.key ?? ''].join('\u0000');
  return [...fs].sort(
    (a, b) =>
      newest.get(appOf(b))! - newest.get(appOf(a))! ||
      (appOf(a) < appOf(b) ? -1 : appOf(a) > appOf(b) ? 1 : 0) ||
      timeOf(b) - timeOf(a) ||
      (tie(a) < tie(b) ? -1 : tie(a) > tie(b) ? 1 : 0),
  );
}

export function runDriftChecks(ctx: DriftContext, checks: DriftCheck[] = DRIFT_CHECKS): Finding[] {
  return sortDriftFindings(checks.flatMap((c) => c.run(ctx)));
}
