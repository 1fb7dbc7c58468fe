/**
 * ArgoCD's audit Events about Applications (util/argo/audit_logger.go): core/v1 Events in the
 * Application's namespace, `involvedObject` (events.k8s.io/v1: `regarding`) the Application,
 * annotations `user`, `dest-server`, `dest-namespace`. The reasons read here:
 *
 * - `OperationStarted`: "Initiated automated sync to '<rev>'" (the controller), or
 *   "<user> initiated sync to <rev>" / "<user> initiated partial sync to <rev>" (the API server);
 * - `OperationCompleted`: "Sync operation to <rev> succeeded" ("Partial sync operation …",
 *   "… failed: …").
 *
 * They name who started a sync when `status.history` does not (ArgoCD before initiatedBy was
 * recorded there), and stand in for the history when the Application has none. Events expire
 * (an hour by default): none is never an error, only less that can be said.
 */
import type { LiveObject } from '../cluster/live.js';
import type { SyncRecord } from './history.js';

export interface AppEvent {
  /** "namespace/name" of the Application. */
  app: string;
  reason: 'OperationStarted' | 'OperationCompleted';
  time: string;
  revision?: string;
  username?: string;
  automated?: boolean;
  /** OperationCompleted: the sync succeeded. */
  succeeded?: boolean;
}

const ms = (s?: string) => (s ? Date.parse(s) : NaN);
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** One Event (core/v1 or events.k8s.io/v1) about an Application, if it is one of the reasons read. */
export function appEventOf(body: Record<string, any>): AppEvent | undefined {
  const ref = body?.involvedObject ?? body?.regarding;
  if (!ref || ref.kind !== 'Application' || !str(ref.name)) return undefined;
  if (ref.apiVersion && !String(ref.apiVersion).startsWith('argoproj.io/')) return undefined;
  const ns = str(ref.namespace) ?? str(body.metadata?.namespace) ?? 'argocd';
  const message = str(body.message) ?? str(body.note) ?? '';
  const time = [body.lastTimestamp, body.deprecatedLastTimestamp, body.series?.lastObservedTime, body.eventTime, body.firstTimestamp, body.deprecatedFirstTimestamp, body.metadata?.creationTimestamp].map(str).find((t) => Number.isFinite(ms(t)));
  if (!time) return undefined;
  const app = `${ns}/${ref.name}`;
  const annotated = str(body.metadata?.annotations?.user);
  let m: RegExpExecArray | null;
  if (body.reason === 'OperationStarted') {
    if ((m = /^Initiated automated sync to '([^']*)'/.exec(message))) return { app, reason: 'OperationStarted', time, ...(m[1] ? { revision: m[1] } : {}), automated: true };
    if ((m = /^(.+?) initiated (?:partial )?sync (?:to (.+)|locally)$/.exec(message))) {
      const user = annotated ?? (m[1] === 'Unknown user' ? undefined : m[1]);
      return { app, reason: 'OperationStarted', time, ...(m[2] ? { revision: m[2] } : {}), ...(user ? { username: user } : {}) };
    }
    return undefined;
  }
  if (body.reason === 'OperationCompleted' && (m = /^(?:Partial )?[Ss]ync operation to (\S+) (succeeded|failed)/.exec(message)))
    return { app, reason: 'OperationCompleted', time, revision: m[1]!, succeeded: m[2] === 'succeeded' };
  return undefined;
}

/** The Events about each Application, by "namespace/name", oldest first. */
export function appEventsByApp(objects: LiveObject[]): Map<string, AppEvent[]> {
  const out = new Map<string, AppEvent[]>();
  const seen = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Event') continue;
    // The same Event read through both APIs (or a dump and a list) counts once.
    const id = `${o.namespace ?? ''}/${o.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const e = appEventOf(o.body);
    if (!e) continue;
    const l = out.get(e.app) ?? [];
    l.push(e);
    out.set(e.app, l);
  }
  for (const l of out.values()) l.sort((a, b) => ms(a.time) - ms(b.time));
  return out;
}

const initiator = (e: AppEvent): SyncRecord['initiatedBy'] | undefined =>
  e.automated ? { automated: true } : e.username ? { username: e.username } : undefined;

/**
 * The sync history with what the Events add: who started each sync that `status.history`
 * does not say (the newest OperationStarted after the previous sync finished and by the time
 * this one did), and — when the Application keeps no history — the syncs the Events record
 * (each succeeded OperationCompleted, started by the OperationStarted before it).
 */
export function withEvents(records: SyncRecord[], events: AppEvent[]): SyncRecord[] {
  if (!events.length) return records;
  const started = events.filter((e) => e.reason === 'OperationStarted');
  if (records.length) {
    return records.map((r, i) => {
      if (r.initiatedBy) return r;
      const lo = i > 0 ? ms(records[i - 1]!.deployedAt) : -Infinity;
      const hi = ms(r.deployedAt);
      const e = [...started].reverse().find((x) => ms(x.time) > lo && ms(x.time) <= hi);
      const by = e && initiator(e);
      return by ? { ...r, initiatedBy: by, initiatedFrom: 'event' as const } : r;
    });
  }
  const out: SyncRecord[] = [];
  let prev = -Infinity;
  for (const c of events) {
    if (c.reason !== 'OperationCompleted' || !c.succeeded) continue;
    const t = ms(c.time);
    const s = [...started].reverse().find((x) => ms(x.time) > prev && ms(x.time) <= t);
    const by = s && initiator(s);
    out.push({
      ...(c.revision ? { revision: c.revision } : {}),
      deployedAt: c.time,
      ...(s ? { deployStartedAt: s.time } : {}),
      ...(by ? { initiatedBy: by, initiatedFrom: 'event' as const } : {}),
      recordedIn: 'events',
    });
    prev = t;
  }
  return out;
}
