#!/usr/bin/env node
// `npm run fuzz [-- RUNS]`: the fuzz targets of test/security/fuzz-targets.ts with a large count
// (default 5,000 inputs per target, or FUZZ_RUNS), then the figures: inputs run, crashes (an
// unknown error type, or the canary Secret value in output), inputs that took over 2 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const runs = Number(process.argv[2] ?? process.env.FUZZ_RUNS ?? 5000);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('fuzz: RUNS must be a positive integer');
  process.exit(2);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-fuzz-'));
const report = path.join(dir, 'report.json');
const t0 = Date.now();
const r = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', 'test/security/fuzz-report.test.ts', '--testTimeout=86400000'],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: report } },
);
let rows;
try {
  rows = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error(`fuzz: no report (jest exited ${r.status})`);
  process.exit(2);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('target', 40)} ${pad('inputs', 8)} ${pad('crashes', 8)} ${pad('>2 s', 6)} max ms`);
for (const x of rows) console.log(`${pad(x.target, 40)} ${pad(x.inputs, 8)} ${pad(x.crashes, 8)} ${pad(x.slow, 6)} ${x.maxMs.toFixed(0)}`);
const sum = (k) => rows.reduce((a, x) => a + x[k], 0);
console.log(`${pad('total', 40)} ${pad(sum('inputs'), 8)} ${pad(sum('crashes'), 8)} ${pad(sum('slow'), 6)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
for (const x of rows) for (const e of x.examples) console.log(`  ${x.target}: ${e.error}\n    input: ${e.input}`);
process.exit(sum('crashes') > 0 ? 1 : 0);
