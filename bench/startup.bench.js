// Start-up (issue 13.8): `keydrift --help` and `keydrift check` on the bundled example, each
// against a bare `node -e 0` measured in the same run (the same node, interleaved, so a busy
// machine slows all three alike). Goals: --help ≤ 3× bare node; check on the example ≤ 0.8 s.
// Figures, not pass/fail. KEYDRIFT_BENCH_ROUNDS sets the rounds (default 7); medians reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildIncident } from '../lib/example/incident.js';

const bin = new URL('../bin/keydrift.js', import.meta.url).pathname;

function once(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export default async function () {
  const rounds = Number(process.env.KEYDRIFT_BENCH_ROUNDS ?? 7);
  const tmp = mkdtempSync(path.join(tmpdir(), 'kd-bench-startup-'));
  try {
    const repos = await buildIncident(path.join(tmp, 'example'));
    const cases = [
      ['node -e 0', ['-e', '0'], 0],
      ['keydrift --help', [bin, '--help'], 0],
      ['keydrift check (example)', [bin, 'check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head], 1],
    ];
    const times = new Map(cases.map(([n]) => [n, []]));
    for (const [, args] of cases) once(args, tmp); // warm the file cache
    for (let i = 0; i < rounds; i++) {
      for (const [name, args, want] of cases) {
        const r = once(args, tmp);
        if (r.status !== want) throw new Error(`${name}: exit ${r.status}, expected ${want}`);
        times.get(name).push(r.ms);
      }
    }
    const bare = median(times.get('node -e 0'));
    const help = median(times.get('keydrift --help'));
    const check = median(times.get('keydrift check (example)'));
    console.log(`node ${process.version}, ${rounds} rounds, medians:`);
    console.log(`  node -e 0                 ${bare.toFixed(0).padStart(6)} ms`);
    console.log(`  keydrift --help           ${help.toFixed(0).padStart(6)} ms  = ${(help / bare).toFixed(2)}× bare node (goal ≤ 3×)`);
    console.log(`  keydrift check (example)  ${check.toFixed(0).padStart(6)} ms  = ${(check / bare).toFixed(2)}× bare node (goal ≤ 800 ms)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
