import type { DriftCheck } from './types.js';
import { driftFinding, objWords, refWords } from '../drift/words.js';

/** Git says something the cluster does not have yet (or no longer should have). */
export const pendingInGit: DriftCheck = {
  meta: {
    id: 'pending-in-git',
    description: 'A key or object git declares that is not live yet, or a value a GitOps engine wrote that git has since changed or removed.',
    defaultSeverity: 'info',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return ctx.items
      .filter((i) => i.change === 'pending' || i.change === 'removed-in-git' || (i.change === 'changed' && i.who?.class === 'gitops'))
      .map((i) => {
        const msg =
          i.key === ''
            ? i.fate.words
            : i.change === 'pending'
              ? `${i.key} is in ${objWords(i)} in ${refWords(ctx.ref)} but not in the cluster yet. ${i.fate.words}`
              : i.change === 'removed-in-git'
                ? `${i.key} in ${objWords(i)} was written by ${i.who?.manager} and ${refWords(ctx.ref)} no longer has it. ${i.fate.words}`
                : `${i.key} in ${objWords(i)} is owned by ${i.who?.manager}${i.who?.time ? ` (its last write to this object was at ${i.who.time})` : ''}; ${refWords(ctx.ref)} has another value that is not synced yet.`;
        return driftFinding(i, 'pending-in-git', 'info', msg);
      });
  },
};
