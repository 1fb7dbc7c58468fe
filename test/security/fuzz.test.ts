/**
 * Fuzz test over every parser and extractor (issue 15, "Must show"): fixed seeds and a bounded
 * count in CI; `npm run fuzz` runs the same targets with a large count (FUZZ_RUNS) and prints
 * its figures. See fuzz-targets.ts for the properties.
 */
import fc from 'fast-check';
import { targets } from './fuzz-targets.js';

const RUNS = Number(process.env.FUZZ_CI_RUNS ?? 60);

describe('fuzz: never a crash, never the canary', () => {
  for (const [i, t] of targets().entries()) {
    test(t.name, async () => {
      await fc.assert(
        fc.asyncProperty(t.arb, async (input) => {
          await t.run(input);
        }),
        { seed: 15_000 + i, numRuns: RUNS, endOnFailure: true },
      );
    });
  }
});
