#!/usr/bin/env node
// keydrift benchmarks. Figures, not pass/fail: report them in closing notes.
// Runs every bench/*.bench.js in turn; `npm run bench -- NAME` runs the ones matching NAME.
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const dir = new URL('./', import.meta.url);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of benches) {
  const mod = await import(new URL(f, dir).href);
  console.log(`\n## ${f.replace(/\.bench\.js$/, '')}`);
  await mod.default();
}
