import type { DriftCheck } from './types.js';
import { driftFinding, fixWords, objWords, refWords, whoWords } from '../drift/words.js';

/** A declared key whose live value was changed by hand and that nothing will revert. */
export const liveValueChanged: DriftCheck = {
  meta: {
    id: 'live-value-changed',
    description: 'A key git declares whose live value was changed by hand and is not reverted (no GitOps owner, or hidden and respected). Secrets: "changed", nothing more.',
    defaultSeverity: 'warning',
    needs: 'cluster',
  },
  scope: 'drift',
  run(ctx) {
    return ctx.items
      .filter((i) => i.change === 'changed' && i.who?.class !== 'gitops' && i.fate.outcome !== 'reverted')
      .map((i) =>
        driftFinding(
          i,
          'live-value-changed',
          'warning',
          i.secret
            ? `${i.key} in ${objWords(i)}: changed in the cluster; ${whoWords(i)}. It differs from ${refWords(ctx.ref)}. ${i.fate.words}`
            : `${i.key} in ${objWords(i)} was changed in the cluster: ${whoWords(i)}. It differs from ${refWords(ctx.ref)}. ${i.fate.words}`,
          fixWords(i, 'set'),
        ),
      );
  },
};
