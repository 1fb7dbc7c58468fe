/**
 * A liveness probe killing a throttled container: probe-failure events, kills "failed liveness
 * probe, will be restarted", exits 137/143 — with a short probe timeout or few tries and a
 * CPU limit, the self-reinforcing loop of the static check `probe-throttle-kill`.
 */
import type { Location } from '../model.js';
import { objLocation } from '../sources/yaml.js';
import { describeProbeRisk, probeRisk, PROBE_FIX } from '../checks/probe-throttle-kill.js';
import type { Cause, CauseRule, ContainerFacts } from './types.js';
import { exits, plural } from './util.js';

export const probeKillRule: CauseRule = {
  meta: { id: 'probe-kill', description: 'The liveness probe kills the container; with a CPU limit and a short timeout, throttling keeps it failing.' },
  run(_ctx, c: ContainerFacts): Cause[] {
    const kills = c.events.filter((e) => e.parsed.killedByProbe === 'liveness');
    const fails = c.events.filter((e) => e.parsed.probe === 'liveness');
    const killed = exits(c).filter((t) => t.exitCode === 137 || t.exitCode === 143);
    const oom = exits(c).some((t) => t.reason === 'OOMKilled');
    const risk = probeRisk(c.spec);
    if (!kills.length && !fails.length && !(risk && killed.length && !oom)) return [];
    if (!kills.length && !killed.length) return [];
    const n = (es: typeof kills) => es.reduce((s, e) => s + e.count, 0);
    const evidence: string[] = [];
    if (kills.length) evidence.push(`event Killing ×${n(kills)}: the kubelet restarted ${c.name} because it failed its liveness probe`);
    if (fails.length) {
      const classes = [...new Set(fails.map((e) => e.parsed.probeFailure ?? 'other'))];
      const words: Record<string, string> = { timeout: 'no answer within the timeout', 'http-status': `HTTP ${[...new Set(fails.map((e) => e.parsed.httpStatus).filter(Boolean))].join('/')}`, 'connection-refused': 'connection refused', 'command-failed': 'the probe command failed', other: 'failed' };
      evidence.push(`event Unhealthy ×${n(fails)}: liveness probe — ${classes.map((k) => words[k]).join(', ')}`);
    }
    if (killed.length) {
      const codes = [...new Set(killed.map((t) => t.exitCode!))].sort();
      evidence.push(`${plural(killed.length, 'termination')} with exit code ${codes.map((x) => `${x} (${x === 137 ? 'SIGKILL' : 'SIGTERM'})`).join(' or ')}: killed from outside, not a crash`);
    }
    if (risk) evidence.push(`${describeProbeRisk(risk)}: under load the CPU limit throttles the app, the probe times out, and each restart adds start-up CPU while the other replicas take the load`);
    const timeouts = fails.some((e) => e.parsed.probeFailure === 'timeout');
    const score = kills.length || fails.length ? (risk ? 86 : 75) : 55;
    const locations: Location[] = [];
    const gp = c.gitProvision;
    if (gp) locations.push(objLocation(gp.container.workload, [...gp.container.path, 'livenessProbe'], `livenessProbe of container ${c.name}`));
    else locations.push(c.gitLocation ?? c.location);
    return [
      {
        id: 'probe-kill',
        score,
        container: c.name,
        summary: risk
          ? `The liveness probe kills ${c.name} while the CPU limit (${risk.cpuLimit}) throttles it: a probe that gives up after ${risk.timeoutSeconds} s fails under load, and the restarts keep the loop going.`
          : `The liveness probe kills ${c.name}${timeouts ? ': it does not answer within the probe timeout' : ''}.`,
        evidence,
        fix: risk ? PROBE_FIX : 'Find why the probe fails (the endpoint, the port, a slow dependency in the health check); give it timeoutSeconds ≥ 5 and failureThreshold ≥ 10, and a startupProbe for a slow start.',
        locations,
        explainsExit: killed.length > 0,
        details: { ...(risk ? { risk } : {}), kills: n(kills), probeFailures: n(fails) },
      },
    ];
  },
};
