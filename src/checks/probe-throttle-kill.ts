/**
 * A liveness probe that kills a throttled container. With a CPU limit, a busy container is
 * throttled (CFS quota); a liveness probe with a short timeout (`timeoutSeconds` ≤ 1, the
 * default) or few tries (`failureThreshold` ≤ 3, the default) then fails although the app is
 * only slow, the kubelet kills it, the restart burns more CPU and the other replicas take its
 * load — a loop that can keep a healthy service down for good.
 */
import type { Finding, Location } from '../model.js';
import { objLocation, type PathSeg } from '../sources/yaml.js';
import type { ContainerCheck } from './types.js';
import { baseFinding, containerLabel } from './util.js';

export interface ProbeRisk {
  timeoutSeconds: number;
  failureThreshold: number;
  periodSeconds: number;
  /** True when the field is not set (Kubernetes' default applies). */
  timeoutDefault: boolean;
  thresholdDefault: boolean;
  cpuLimit: string;
  hasStartupProbe: boolean;
  /** Seconds from the first failed probe to the kill. */
  secondsToKill: number;
}

const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** The risk of a container spec, or undefined when its liveness probe is not fragile or it has no CPU limit. */
export function probeRisk(spec: Record<string, any>): ProbeRisk | undefined {
  const p = spec?.livenessProbe;
  if (!p || typeof p !== 'object') return undefined;
  const cpu = spec?.resources?.limits?.cpu;
  if (cpu === undefined || cpu === null || cpu === '') return undefined;
  const timeout = int(p.timeoutSeconds);
  const threshold = int(p.failureThreshold);
  const period = int(p.periodSeconds) ?? 10;
  const r: ProbeRisk = {
    timeoutSeconds: timeout ?? 1,
    failureThreshold: threshold ?? 3,
    periodSeconds: period,
    timeoutDefault: timeout === undefined,
    thresholdDefault: threshold === undefined,
    cpuLimit: String(cpu),
    hasStartupProbe: !!spec.startupProbe,
    secondsToKill: (threshold ?? 3) * period,
  };
  return r.timeoutSeconds <= 1 || r.failureThreshold <= 3 ? r : undefined;
}

/** The risk in words, for the check and for `keydrift explain`. */
export function describeProbeRisk(r: ProbeRisk): string {
  return (
    `its liveness probe gives up after ${r.timeoutSeconds} s (timeoutSeconds${r.timeoutDefault ? ', the default' : ''}) and restarts it after ${r.failureThreshold} failures ` +
    `(failureThreshold${r.thresholdDefault ? ', the default' : ''}; ${r.secondsToKill} s at periodSeconds ${r.periodSeconds}), and it has a CPU limit of ${r.cpuLimit}`
  );
}

export const PROBE_FIX =
  'Remove the CPU limit or raise it well above the busy-time use, give the liveness probe timeoutSeconds: 5 or more and failureThreshold: 10 or more, and add a startupProbe so a slow start is not killed.';

export const probeThrottleKill: ContainerCheck = {
  meta: {
    id: 'probe-throttle-kill',
    description: 'A liveness probe with a short timeout or few tries on a container with a CPU limit: throttling under load makes it fail, and the kubelet kills a container that was only slow.',
    defaultSeverity: 'warning',
    needs: 'manifests',
  },
  scope: 'container',
  run(ctx) {
    const c = ctx.provision.container;
    const r = probeRisk(c.spec);
    if (!r) return [];
    const probePath: PathSeg[] = [...c.path, 'livenessProbe'];
    const field = r.timeoutSeconds <= 1 && !r.timeoutDefault ? 'timeoutSeconds' : r.failureThreshold <= 3 && !r.thresholdDefault ? 'failureThreshold' : undefined;
    const locations: Location[] = [objLocation(c.workload, field ? [...probePath, field] : probePath, `livenessProbe of container ${c.name}`)];
    locations.push(objLocation(c.workload, [...c.path, 'resources', 'limits', 'cpu'], 'CPU limit'));
    return [
      {
        check: 'probe-throttle-kill',
        severity: 'warning',
        ...baseFinding(ctx),
        message:
          `${containerLabel(ctx)}: ${describeProbeRisk(r)}. Under load the CPU limit throttles the container, the probe's answer comes late, and the kubelet kills a container that was only slow (exit 137 or 143); ` +
          'the restart costs more CPU and the other replicas take its load, so they fail the same way — a loop that can keep the service down.',
        locations,
        fix: PROBE_FIX,
        details: { ...r },
      } satisfies Finding,
    ];
  },
};
