/**
 * ArgoCD's sync history, and where a manual change sits in it. An Application keeps its last
 * syncs in `status.history` (RevisionHistory: `id`, `revision`/`revisions`, `deployedAt`,
 * `deployStartedAt`, `source`/`sources`, `initiatedBy {username, automated}`). managedFields
 * say when ArgoCD's field manager last wrote the object (a sync that changes nothing writes
 * nothing): the sync whose run covers that write is the one that last deployed git's state of
 * the object. A manual owner's later write is an out-of-band edit made after that sync; syncs
 * after the edit that did not write the object left it in place.
 */
import type { ManagedEntry } from '../cluster/live.js';
import { classifyManager, type Attribution } from './managed.js';

export interface SyncRecord {
  /** RevisionHistory.id (increasing per sync). */
  id?: number;
  revision?: string;
  /** Multi-source apps: one revision per source. */
  revisions?: string[];
  deployedAt: string;
  deployStartedAt?: string;
  /** "repoURL path|chart" of the source(s) deployed. */
  source?: string;
  initiatedBy?: { username?: string; automated?: boolean };
  /** Where initiatedBy comes from: the history entry itself, or an ArgoCD Event about the sync. */
  initiatedFrom?: 'history' | 'event';
  /** Where the sync itself is known from: `status.history` (default) or, when the app keeps none, ArgoCD's Events. */
  recordedIn?: 'history' | 'events';
}

const ms = (s?: string) => (s ? Date.parse(s) : NaN);
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

function sourceWords(s: any): string | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const repo = str(s.repoURL);
  const where = str(s.path) ?? str(s.chart);
  return repo ? `${repo}${where ? ` ${where}` : ''}` : undefined;
}

/** The Application's sync history, oldest first (entries without a valid `deployedAt` are left out). */
export function syncRecords(app: Record<string, any>): SyncRecord[] {
  const hist = Array.isArray(app.status?.history) ? app.status.history : [];
  const out: SyncRecord[] = [];
  for (const h of hist) {
    if (!h || typeof h !== 'object' || !Number.isFinite(ms(str(h.deployedAt)))) continue;
    const by = h.initiatedBy && typeof h.initiatedBy === 'object' ? h.initiatedBy : undefined;
    const initiatedBy = by && (str(by.username) || by.automated === true) ? { ...(str(by.username) ? { username: String(by.username) } : {}), ...(by.automated === true ? { automated: true } : {}) } : undefined;
    const sources = Array.isArray(h.sources) ? h.sources.map(sourceWords).filter((x: string | undefined): x is string => !!x) : [];
    const source = sourceWords(h.source) ?? (sources.length ? sources.join(', ') : undefined);
    out.push({
      ...(Number.isFinite(Number(h.id)) && h.id !== null && h.id !== '' ? { id: Number(h.id) } : {}),
      ...(str(h.revision) ? { revision: String(h.revision) } : {}),
      ...(Array.isArray(h.revisions) && h.revisions.length ? { revisions: h.revisions.map(String) } : {}),
      deployedAt: String(h.deployedAt),
      ...(Number.isFinite(ms(str(h.deployStartedAt))) ? { deployStartedAt: String(h.deployStartedAt) } : {}),
      ...(source ? { source } : {}),
      ...(initiatedBy ? { initiatedBy, initiatedFrom: 'history' as const } : {}),
    });
  }
  return out.sort((a, b) => ms(a.deployedAt) - ms(b.deployedAt) || (a.id ?? 0) - (b.id ?? 0));
}

export interface Placement {
  /** The sync that last wrote git's state of the object (its run covers ArgoCD's last write). */
  deployedBy?: SyncRecord;
  /** ArgoCD's field manager and its last write to the object. */
  gitopsWrite?: { manager: string; time: string };
  /** The manual write came after `deployedBy` finished: an out-of-band edit since that sync. */
  editedAfterSync?: boolean;
  /** Syncs that finished after the manual write (they did not write the object: managedFields would show it). */
  laterSyncs: SyncRecord[];
}

/** The newest write of ArgoCD's field manager to the object (not to a subresource). */
export function argoWrite(mf: ManagedEntry[]): { manager: string; time: string } | undefined {
  let best: { manager: string; time: string } | undefined;
  for (const m of mf) {
    if (m.subresource || !m.time || classifyManager(m.manager).engine !== 'argocd') continue;
    if (!best || ms(m.time) > ms(best.time)) best = { manager: m.manager, time: m.time };
  }
  return best;
}

/**
 * Place a manual change in the app's sync history. `who` is the manual owner of the key; its
 * time is that manager's last write to the object (managedFields keep no time per key).
 */
export function placeInHistory(records: SyncRecord[], mf: ManagedEntry[], who: Attribution | undefined): Placement | undefined {
  if (!records?.length || !who?.time || who.class !== 'manual') return undefined;
  const t = ms(who.time);
  if (!Number.isFinite(t)) return undefined;
  const w = argoWrite(mf);
  let deployedBy: SyncRecord | undefined;
  if (w) {
    const tw = ms(w.time);
    // The first sync that finished at or after ArgoCD's write and had started by then.
    const first = records.find((r) => ms(r.deployedAt) >= tw);
    if (first) {
      const started = first.deployStartedAt ? ms(first.deployStartedAt) : ms(records[records.indexOf(first) - 1]?.deployedAt ?? '') || -Infinity;
      if (started <= tw) deployedBy = first;
    }
  }
  const laterSyncs = records.filter((r) => ms(r.deployedAt) > t && (!deployedBy || r !== deployedBy));
  return {
    ...(deployedBy ? { deployedBy, editedAfterSync: t > ms(deployedBy.deployedAt) } : {}),
    ...(w ? { gitopsWrite: w } : {}),
    laterSyncs,
  };
}

/** "sync 7 (revision 0123456, started T, deployed T, automated)" */
export function syncWords(r: SyncRecord): string {
  const rev = r.revision ? `revision ${r.revision.slice(0, 7)}` : r.revisions?.length ? `revisions ${r.revisions.map((x) => x.slice(0, 7)).join(', ')}` : undefined;
  const by = r.initiatedBy?.automated ? 'automated' : r.initiatedBy?.username ? `by ${r.initiatedBy.username}` : undefined;
  const parts = [rev, r.deployStartedAt ? `started ${r.deployStartedAt}` : undefined, `deployed ${r.deployedAt}`, by ? `${by}${r.initiatedFrom === 'event' ? ' (from its Event)' : ''}` : undefined].filter(Boolean);
  if (r.recordedIn === 'events') parts.push("from the app's Events");
  return `sync${r.id !== undefined ? ` ${r.id}` : ''} (${parts.join(', ')})`;
}

/** The JSON form of a sync, for report details. */
export function syncDetails(r: SyncRecord): Record<string, unknown> {
  return {
    ...(r.id !== undefined ? { id: r.id } : {}),
    ...(r.revision ? { revision: r.revision } : {}),
    ...(r.revisions ? { revisions: r.revisions } : {}),
    deployedAt: r.deployedAt,
    ...(r.deployStartedAt ? { deployStartedAt: r.deployStartedAt } : {}),
    ...(r.source ? { source: r.source } : {}),
    ...(r.initiatedBy ? { initiatedBy: r.initiatedBy, initiatedFrom: r.initiatedFrom } : {}),
    recordedIn: r.recordedIn ?? 'history',
  };
}
