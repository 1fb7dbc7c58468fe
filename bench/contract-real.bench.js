// Contract build over real application trees (issue 9), against ripgrep searching the same
// trees for the same read patterns. Goal: keydrift ≤ 3× rg. The trees come from repositories
// fetched into /work/.mirror (KEYDRIFT_EVAL_MIRROR); each one absent is skipped, saying so.
// A tree is extracted with `git archive` into a temporary directory, removed afterwards.
// KEYDRIFT_BENCH_ROUNDS sets the runs (default 3).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildContract } from '../lib/contract/build.js';
import { clearReadsMemo } from '../lib/contract/engine/reads.js';
import { DirTree } from '../lib/sources/tree.js';
import { RG_PATTERNS } from './source-scan.bench.js';

const TREES = [
  { repo: 'outline/outline', ref: 'v0.64.0', what: 'TS app' },
  { repo: 'miniflux/v2', ref: '2.2.10', what: 'Go app' },
  { repo: 'healthchecks/healthchecks', ref: 'v3.0', what: 'Python/Django app' },
  { repo: 'docker-mailserver/docker-mailserver', ref: 'v14.0.0', what: 'shell image' },
];

async function time(fn, rounds) {
  await fn();
  const ms = [];
  let result;
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    result = await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)], result };
}

function runRg(dir) {
  const args = ['--no-heading', '--line-number', '--no-messages', '--no-config', ...RG_PATTERNS.flatMap((p) => ['-e', p]), dir];
  const r = spawnSync('rg', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed: ${r.stderr}`);
  return r.stdout.length ? r.stdout.split('\n').length - 1 : 0;
}

export default async function () {
  const rounds = Number(process.env.KEYDRIFT_BENCH_ROUNDS ?? 3);
  const mirror = process.env.KEYDRIFT_EVAL_MIRROR ?? '/work/.mirror';
  if (spawnSync('rg', ['--version']).status !== 0) {
    console.log('skipped: ripgrep (rg) not installed');
    return;
  }
  for (const t of TREES) {
    const gitDir = path.join(mirror, t.repo.replace('/', '+'), 'repo');
    if (!existsSync(gitDir)) {
      console.log(`${t.repo}: skipped (not fetched into ${mirror})`);
      continue;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-bench-real-'));
    try {
      execSync(`git --git-dir=${JSON.stringify(gitDir)} archive ${t.ref} | tar -x -C ${JSON.stringify(dir)}`, { stdio: ['ignore', 'ignore', 'pipe'] });
      const tree = await DirTree.open(dir);
      const files = (await tree.list()).length;
      // Each build starts with an empty engine memo, as a build in a fresh process does.
      const ours = await time(() => (clearReadsMemo(), buildContract(tree, { label: t.repo, location: dir })), rounds);
      const rg = await time(() => runRg(dir), rounds);
      console.log(
        `${t.repo}@${t.ref} (${t.what}, ${files} files): keydrift ${ours.ms.toFixed(0)} ms (${ours.result.filesScanned} scanned, ${ours.result.entries.size} names, ${ours.result.unresolved.length} unresolved); rg ${rg.ms.toFixed(0)} ms (${rg.result} lines); ratio ${(ours.ms / rg.ms).toFixed(1)}× (goal ≤ 3×)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
