/** Shared phrasing for drift findings. Secret values never reach any of these strings. */
import type { Finding, Severity } from '../model.js';
import type { DriftItem } from './compare.js';

export const objWords = (i: DriftItem) => `${i.object.kind} ${i.object.namespace ? i.object.namespace + '/' : ''}${i.object.name}`;

export function whoWords(i: DriftItem): string {
  if (!i.who && i.live && i.live.managedFields.length === 0)
    return 'by someone unknown (the object carries no managedFields: dump it with kubectl get --show-managed-fields)';
  if (!i.who) return 'by an unknown field manager (no managedFields entry owns it)';
  return `by ${i.who.manager} (${i.who.operation || 'unknown operation'})${i.who.time ? ` at ${i.who.time}` : ''}`;
}

export const refWords = (ref?: string) => (ref ? `git at ${ref}` : 'git');

/** The finding every drift check builds: locations live first, then git; details for JSON. */
export function driftFinding(i: DriftItem, check: string, severity: Severity, message: string, fix?: string): Finding {
  const details: Record<string, unknown> = {
    app: i.app,
    change: i.change,
    object: `${i.object.kind}/${i.object.namespace ?? '-'}/${i.object.name}`,
    secret: i.secret,
    fate: { outcome: i.fate.outcome, when: i.fate.when, ...(i.fate.visible !== undefined ? { visibleToGitOps: i.fate.visible } : {}) },
  };
  if (i.who) Object.assign(details, { manager: i.who.manager, operation: i.who.operation, managerClass: i.who.class, ...(i.who.time ? { time: i.who.time } : {}) });
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
  if (i.secret)
    return `Put the live value into the Secret's source in git (${i.git.kind} ${i.git.name} in ${i.gitLocation.file}): ${verb} ${i.key} there; keydrift does not show Secret values.`;
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
