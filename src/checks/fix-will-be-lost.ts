import type { DriftCheck } from './types.js';
import { driftFinding, fixWords, objWords, readersWords, refWords, whoWords, cap } from '../drift/words.js';

/** A key added by hand that the GitOps engine, a Replace sync or a regeneration will throw away. */
export const fixWillBeLost: DriftCheck = {
  meta: {
    id: 'fix-will-be-lost',
    description: 'A manual live change (an added key) that will be lost: Flux strips it, Replace=true or a generator hash change recreates the object, or this change drops it.',
    defaultSeverity: 'error',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return ctx.items
      .filter((i) => i.change === 'added' && i.fate.outcome === 'lost')
      .map((i) =>
        driftFinding(
          i,
          'fix-will-be-lost',
          'error',
          `${i.key} exists only in the cluster, in ${objWords(i)}: ${whoWords(i)}. ${cap(refWords(ctx.ref))} does not have it: it will be lost ${i.fate.when}.${readersWords(i)} ${i.fate.words}`,
          fixWords(i, 'add'),
        ),
      );
  },
};
