/**
 * `npm run fuzz` (scripts/fuzz.js): the fuzz targets with a large count (FUZZ_RUNS per target),
 * every input run, crashes and inputs slower than 2 s counted and written to FUZZ_REPORT. A
 * report, not an assertion: skipped unless FUZZ_RUNS is set.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { targets, CANARY } from './fuzz-targets.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const SLOW_MS = 2000;
const maybe = RUNS > 0 ? describe : describe.skip;

interface Row {
  target: string;
  inputs: number;
  crashes: number;
  slow: number;
  maxMs: number;
  totalMs: number;
  examples: { error: string; input: string; ms?: number }[];
}

const show = (input: unknown) => JSON.stringify(input).replaceAll(CANARY, '<CANARY>').slice(0, 400);

maybe('fuzz report', () => {
  test(
    'every target',
    async () => {
      const rows: Row[] = [];
      for (const [i, t] of targets().entries()) {
        const row: Row = { target: t.name, inputs: 0, crashes: 0, slow: 0, maxMs: 0, totalMs: 0, examples: [] };
        for (let chunk = 0; row.inputs < RUNS; chunk++) {
          const batch = fc.sample(t.arb, { seed: 150_000 + i * 1_000 + chunk, numRuns: Math.min(500, RUNS - row.inputs) });
          for (const input of batch) {
            const t0 = performance.now();
            try {
              await t.run(input);
            } catch (e) {
              row.crashes++;
              if (row.examples.length < 5) row.examples.push({ error: String((e as Error)?.message ?? e).replaceAll(CANARY, '<CANARY>').split('\n')[0]!.slice(0, 200), input: show(input) });
            }
            const ms = performance.now() - t0;
            row.inputs++;
            row.totalMs += ms;
            row.maxMs = Math.max(row.maxMs, ms);
            if (ms > SLOW_MS) {
              row.slow++;
              if (row.examples.length < 5) row.examples.push({ error: `slow: ${ms.toFixed(0)} ms`, input: show(input), ms });
            }
          }
        }
        rows.push(row);
        process.stderr.write(`fuzz: ${t.name}: ${row.inputs} inputs, ${row.crashes} crashes, ${row.slow} over 2 s\n`);
      }
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(rows, null, 2));
    },
    24 * 3600 * 1000,
  );
});
