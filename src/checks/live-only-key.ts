import type { DriftCheck } from './types.js';
import { driftFinding, fixWords, objWords, readersWords, refWords, whoWords, cap } from '../drift/words.js';

/** A key added by hand that exists only live, whose fate is to stay (for now). */
export const liveOnlyKey: DriftCheck = {
  meta: {
    id: 'live-only-key',
    description: 'A key someone added to a live ConfigMap/Secret that git does not declare: invisible to ArgoCD, kept only in the cluster.',
    defaultSeverity: 'warning',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return ctx.items
      .filter((i) => i.change === 'added' && i.fate.outcome !== 'lost')
      .map((i) =>
        driftFinding(
          i,
          'live-only-key',
          'warning',
          `${i.key} exists only in the cluster, in ${objWords(i)}: ${whoWords(i)}. ${cap(refWords(ctx.ref))} does not have it.${readersWords(i)} ${i.fate.words}`,
          fixWords(i, 'add'),
        ),
      );
  },
};
