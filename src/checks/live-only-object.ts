import type { DriftCheck } from './types.js';
import type { Finding } from '../model.js';
import { refWords } from '../drift/words.js';

/**
 * A ConfigMap/Secret that exists only in the cluster, inside a GitOps app (the app tracks it),
 * and that git does not declare: the app's prune decides its fate. Pruned and still read by a
 * live workload is an error (the workload breaks at that sync); pruned and unread a warning;
 * kept is information.
 */
export const liveOnlyObject: DriftCheck = {
  meta: {
    id: 'live-only-object',
    description: 'A ConfigMap/Secret an app tracks in the cluster that git does not declare: pruned at the next sync (prune: true), or kept.',
    defaultSeverity: 'warning',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return (ctx.liveOnlyObjects ?? []).map((o): Finding => {
      const what = `${o.object.kind} ${o.object.namespace ? o.object.namespace + '/' : ''}${o.object.name}`;
      const pruned = o.fate.outcome === 'lost';
      const severity = pruned ? (o.readBy?.length ? 'error' : 'warning') : 'info';
      const readers = o.readBy?.length ? ` Read by ${o.readBy.slice(0, 3).join(', ')}${o.readBy.length > 3 ? `, ${o.readBy.length - 3} more` : ''}${pruned ? ': they lose it at that sync' : ''}.` : '';
      const creator = o.live.managedFields.find((m) => m.operation === 'Update' && !m.subresource) ?? o.live.managedFields[0];
      const who = creator ? ` ${creator.manager} (${creator.operation}) owns fields of it${creator.time ? `; its last write to it was at ${creator.time}` : ''}.` : '';
      return {
        check: 'live-only-object',
        severity,
        message: `${what} exists only in the cluster: ${refWords(ctx.ref)} does not declare it.${who} ${o.fate.words}${readers}`,
        locations: [o.liveLocation],
        fix: pruned
          ? `If it is still needed, declare ${what} in git (in the app's source) before the next sync${o.secret ? ' — its values from your secret store; keydrift never shows Secret values' : ''}; if not, nothing to do: the sync removes it.`
          : `Declare ${what} in git if it is meant to stay, or delete it.`,
        details: {
          app: o.app,
          change: 'live-only-object',
          object: `${o.object.kind}/${o.object.namespace ?? '-'}/${o.object.name}`,
          secret: o.secret,
          fate: { outcome: o.fate.outcome, when: o.fate.when, ...(o.fate.visible !== undefined ? { visibleToGitOps: o.fate.visible } : {}) },
          owner: { engine: o.owner.engine, name: o.owner.app },
          ...(creator ? { manager: creator.manager, operation: creator.operation, managerClass: /^kubectl/.test(creator.manager) ? 'manual' : undefined } : {}),
          ...(o.readBy ? { readBy: o.readBy } : {}),
        },
      };
    });
  },
};
