import type { DriftCheck } from './types.js';
import { driftFinding, fixWords, objWords, readersWords, refWords, whoWords, cap } from '../drift/words.js';

/** A declared key whose live value was changed by hand and that the GitOps engine will set back. */
export const willBeReverted: DriftCheck = {
  meta: {
    id: 'will-be-reverted',
    description: "A key git declares whose live value was changed by hand: the GitOps engine will write git's value back (self-heal, next sync, Flux reconcile).",
    defaultSeverity: 'error',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return ctx.items
      .filter((i) => i.change === 'changed' && i.who?.class !== 'gitops' && i.fate.outcome === 'reverted')
      .map((i) =>
        driftFinding(
          i,
          'will-be-reverted',
          'error',
          `${i.key} in ${objWords(i)} was changed in the cluster: ${whoWords(i)}. ${cap(refWords(ctx.ref))} has another value.${readersWords(i)} ${i.fate.words}`,
          fixWords(i, 'set'),
        ),
      );
  },
};
