/**
 * Pods and events, as the API server returns them, turned into facts. Messages are parsed
 * for the few things keydrift needs and then dropped: a kubelet message can carry a probe
 * URL with a token in its query, an exec probe's output, or an app's termination message.
 */
import type { ContainerStatusFact, EventFact, ParsedMessage, Termination } from './types.js';

const KIND_OF: Record<string, 'ConfigMap' | 'Secret'> = { configmap: 'ConfigMap', secret: 'Secret' };
/** A Kubernetes object name or key: only these characters are ever copied out of a message. */
const NAME = '[A-Za-z0-9._-]{1,253}';

/** Parse a kubelet / controller message; only names, classes and numbers come out. */
export function parseMessage(msg: unknown): ParsedMessage {
  const out: ParsedMessage = {};
  if (typeof msg !== 'string' || !msg) return out;
  let m: RegExpExecArray | null;
  // CreateContainerConfigError: `configmap "x" not found`, `secret "x" not found`.
  if ((m = new RegExp(`\\b(configmap|secret) "(${NAME})" not found`, 'i').exec(msg))) out.missingObject = { kind: KIND_OF[m[1]!.toLowerCase()]!, name: m[2]! };
  // `couldn't find key K in ConfigMap ns/x` (kubelet, env valueFrom).
  if ((m = new RegExp(`couldn't find key (${NAME}) in (ConfigMap|Secret) (?:${NAME}/)?(${NAME})`).exec(msg))) out.missingKey = { kind: m[2] as 'ConfigMap' | 'Secret', key: m[1]!, name: m[3]! };
  if ((m = /\b(Liveness|Readiness|Startup) probe (?:failed|errored)/.exec(msg))) {
    out.probe = m[1]!.toLowerCase() as ParsedMessage['probe'];
    const rest = msg.slice(m.index);
    let s: RegExpExecArray | null;
    if (/context deadline exceeded|Client\.Timeout|timed out|timeout/i.test(rest)) out.probeFailure = 'timeout';
    else if ((s = /statuscode: (\d{3})/.exec(rest))) (out.probeFailure = 'http-status'), (out.httpStatus = Number(s[1]));
    else if (/connection refused/i.test(rest)) out.probeFailure = 'connection-refused';
    else if (/command .* exited|exit code|OCI runtime exec failed/i.test(rest)) out.probeFailure = 'command-failed';
    else out.probeFailure = 'other';
  }
  if ((m = /failed (liveness|startup) probe, will be restarted/.exec(msg))) out.killedByProbe = m[1] as 'liveness' | 'startup';
  // Pull failures: `Failed to pull image "ref": …`, `Back-off pulling image "ref"`.
  // Only failures are classified: "Successfully pulled image … in 401ms" is not a 401.
  if ((m = /(?:Failed to pull image|Back-off pulling image) "([A-Za-z0-9._\/:@-]{1,400})"/.exec(msg))) {
    out.image = m[1]!;
    const rest = msg.slice(m.index + m[0].length);
    if (/\bnot found\b|manifest unknown|does not exist/i.test(rest)) out.pullFailure = 'not-found';
    else if (/unauthorized|authentication required|access denied|denied: |\b403 Forbidden\b|\b401 Unauthorized\b/i.test(rest)) out.pullFailure = 'unauthorized';
    else out.pullFailure = 'other';
  } else if (/^Error: (ErrImagePull|ImagePullBackOff)$/.test(msg.trim())) out.pullFailure = 'other';
  if ((m = /low on resource: ([a-z-]+)/.exec(msg))) out.evictedFor = m[1]!;
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : v instanceof Date ? v.toISOString() : undefined);

function termination(t: any): Termination | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const exitCode = num(t.exitCode);
  const signal = num(t.signal);
  return {
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(signal !== undefined && signal !== 0 ? { signal } : {}),
    ...(str(t.reason) ? { reason: str(t.reason)! } : {}),
    ...(str(t.startedAt) ? { startedAt: str(t.startedAt)! } : {}),
    ...(str(t.finishedAt) ? { finishedAt: str(t.finishedAt)! } : {}),
  };
}

/** Container statuses of one pod (containers and initContainers), keyed by container name. */
export function containerStatuses(pod: Record<string, any>): Map<string, ContainerStatusFact> {
  const out = new Map<string, ContainerStatusFact>();
  const podName = String(pod?.metadata?.name ?? '?');
  for (const field of ['initContainerStatuses', 'containerStatuses']) {
    const list = pod?.status?.[field];
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      if (!s || typeof s.name !== 'string') continue;
      const st = s.state ?? {};
      const f: ContainerStatusFact = { pod: podName, restartCount: num(s.restartCount) ?? 0, ready: s.ready === true };
      if (st.waiting) f.waiting = { reason: String(st.waiting.reason ?? 'Waiting'), parsed: parseMessage(st.waiting.message) };
      if (st.running) f.running = str(st.running.startedAt) ? { startedAt: str(st.running.startedAt)! } : {};
      const t = termination(st.terminated);
      if (t) f.terminated = t;
      const lt = termination(s.lastState?.terminated);
      if (lt) f.lastTerminated = lt;
      if (typeof s.image === 'string') f.image = s.image;
      out.set(s.name, f);
    }
  }
  return out;
}

/**
 * One event, core `v1` (`involvedObject`, `message`, `count`, `firstTimestamp`/`lastTimestamp`)
 * or `events.k8s.io/v1` (`regarding`, `note`, `deprecatedCount`, `series`, `eventTime`).
 */
export function eventFact(e: Record<string, any>): EventFact | undefined {
  const obj = e?.involvedObject ?? e?.regarding;
  if (!obj || typeof obj.name !== 'string' || typeof e.reason !== 'string') return undefined;
  const fieldPath = typeof obj.fieldPath === 'string' ? obj.fieldPath : '';
  const cm = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}$/.exec(fieldPath);
  const count = num(e.count) ?? num(e.series?.count) ?? num(e.deprecatedCount) ?? 1;
  const first = str(e.firstTimestamp) ?? str(e.deprecatedFirstTimestamp) ?? str(e.eventTime);
  const last = str(e.lastTimestamp) ?? str(e.series?.lastObservedTime) ?? str(e.deprecatedLastTimestamp) ?? str(e.eventTime) ?? first;
  return {
    reason: e.reason,
    type: String(e.type ?? 'Normal'),
    count,
    ...(first ? { firstTime: first } : {}),
    ...(last ? { lastTime: last } : {}),
    object: { kind: String(obj.kind ?? ''), name: obj.name },
    ...(cm ? { container: cm[1]! } : {}),
    parsed: parseMessage(e.message ?? e.note),
  };
}
