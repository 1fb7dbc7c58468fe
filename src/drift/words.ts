/** Shared phrasing for drift findings. Secret values never reach any of these strings. */
import type { Finding, Severity } from '../model.js';
import type { DriftItem } from './compare.js';
import { syncDetails, syncWords } from './history.js';

export const objWords = (i: DriftItem) => `${i.object.kind} ${i.object.namespace ? i.object.namespace + '/' : ''}${i.object.name}`;

/**
 * Who made a live change and what is known of when, as a clause: "kubectl-patch (Update) owns
 * it; its last write to this object was at T". managedFields keep no time per field: the time
 * is the manager's last write to the object, which may have been another key. Where the
 * object's history says more (the owning app's last sync), that is added.
 */
export function whoWords(i: DriftItem): string {
  if (!i.who && i.live && i.live.managedFields.length === 0)
    return 'who made it is unknown (the object carries no managedFields: dump it with kubectl get --show-managed-fields)';
  if (!i.who) return 'who made it is unknown (no managedFields entry owns it)';
  const w = i.who;
  const when = w.time ? `; its last write to this object was at ${w.time}` : ' (managedFields record no time for it)';
  return `${w.manager} (${w.operation || 'unknown operation'}) owns it${when}${historyWords(i)}`;
}

/** ", after the last sync of ArgoCD app a/b (finished T, revision abc1234)" — from the owning app's status. */
export function historyWords(i: DriftItem): string {
  const h = i.history;
  if (!h || !i.who?.time) return '';
  // The sync that last wrote git's state of the object (from status.history and ArgoCD's managedFields time).
  if (h.deployedBy && h.gitopsWrite) {
    const placed = h.editedAfterSync
      ? `, after ${syncWords(h.deployedBy)} of ${h.app}, the last sync that wrote git's state of this object (${h.gitopsWrite.manager} at ${h.gitopsWrite.time}): an out-of-band edit since that sync`
      : `, not after ${syncWords(h.deployedBy)} of ${h.app}, the last sync that wrote git's state of this object (${h.gitopsWrite.manager} at ${h.gitopsWrite.time})`;
    const later = h.laterSyncs ?? [];
    const left = later.length ? `; ${later.length === 1 ? 'a later sync' : `${later.length} later syncs`} (${later.map(syncWords).join('; ')}) did not write this object and left it in place` : '';
    return placed + left;
  }
  const t = Date.parse(i.who.time);
  const s = Date.parse(h.lastSync);
  if (!Number.isFinite(t) || !Number.isFinite(s)) return '';
  const what = `the last sync of ${h.app} (finished ${h.lastSync}${h.revision ? `, revision ${h.revision.slice(0, 7)}` : ''}${h.from === 'git' ? ', as git declares the app' : ''})`;
  if (t > s) return `, after ${what}`;
  if (t < s) return `, before ${what}, which left it in place`;
  return `, at the time of ${what}`;
}

export const refWords = (ref?: string) => (ref ? `git at ${ref}` : 'git');
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The finding every drift check builds: locations live first, then git; details for JSON. */
export function driftFinding(i: DriftItem, check: string, severity: Severity, message: string, fix?: string): Finding {
  const details: Record<string, unknown> = {
    app: i.app,
    change: i.change,
    object: `${i.object.kind}/${i.object.namespace ?? '-'}/${i.object.name}`,
    secret: i.secret,
    fate: { outcome: i.fate.outcome, when: i.fate.when, ...(i.fate.visible !== undefined ? { visibleToGitOps: i.fate.visible } : {}) },
  };
  if (i.who) Object.assign(details, { manager: i.who.manager, operation: i.who.operation, managerClass: i.who.class, ...(i.who.time ? { time: i.who.time, timeIs: 'the last write of this field manager to the object (managedFields keep no time per key)' } : {}) });
  if (i.history) details.lastSync = { app: i.history.app, finishedAt: i.history.lastSync, ...(i.history.revision ? { revision: i.history.revision } : {}) };
  if (i.history?.deployedBy && i.history.gitopsWrite)
    details.history = {
      deployedBy: syncDetails(i.history.deployedBy),
      gitopsWrite: i.history.gitopsWrite,
      editedAfterSync: i.history.editedAfterSync === true,
      laterSyncs: (i.history.laterSyncs ?? []).map(syncDetails),
    };
  if (i.owner) details.owner = { engine: i.owner.engine, name: i.owner.app };
  if (i.keysOnly) details.valuesCompared = false;
  if (i.readBy) details.readBy = i.readBy;
  if (!i.secret) {
    if (i.gitValue !== undefined) details.gitValue = i.gitValue;
    if (i.liveValue !== undefined) details.liveValue = i.liveValue;
  }
  return {
    check,
    severity,
    message,
    ...(i.key ? { key: i.key } : {}),
    locations: [...(i.liveLocation ? [i.liveLocation] : []), i.gitLocation],
    ...(fix ? { fix } : {}),
    ...(i.patch ? { patch: i.patch.patch } : {}),
    details,
  };
}

/** How to put a manual live change into git, in words. */
export function fixWords(i: DriftItem, verb: 'add' | 'set'): string {
  if (i.secret) {
    if (i.patch) return `Make it permanent in git: ${verb} ${i.key} in ${i.patch.file} (${i.git.kind} ${i.git.name}) — the patch below has a placeholder: fill in the value from your secret store; keydrift never shows Secret values.`;
    return `Make it permanent in git (${i.git.kind} ${i.git.name} in ${i.gitLocation.file}): ${i.secretFix ?? `${verb} ${i.key} there`}; keydrift never shows Secret values.`;
  }
  const regen = i.git.generated?.hashed ? ' Merging it changes the generator hash: a new ConfigMap is created and the workloads that use it restart with it.' : '';
  if (i.patch) return `Make it permanent in git: ${verb} ${i.key} ${verb === 'add' ? 'to' : 'in'} ${i.patch.file}, keeping the other keys (patch below).${regen}`;
  return `Make it permanent in git: ${verb} ${i.key} ${verb === 'add' ? 'to' : 'in'} ${objWords(i)} at ${i.gitLocation.file}:${i.gitLocation.line ?? 1}, keeping the other keys.`;
}

/** " Read by Deployment prod/user-auth (envFrom)." when live workloads read the key. */
export function readersWords(i: DriftItem): string {
  if (!i.readBy?.length) return '';
  const l = i.readBy.length > 3 ? [...i.readBy.slice(0, 3), `${i.readBy.length - 3} more`] : i.readBy;
  return ` Read by ${l.join(', ')}.`;
}
