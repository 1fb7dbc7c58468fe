// Contract build over real JS/TS application trees (issue 9: scan speed, goal ≤ 3× rg), against
// ripgrep searching the same trees for the same read patterns (source-scan's RG_PATTERNS), with
// what the JS/TS prefilter (src/contract/extractors/js-prefilter.ts) lets through: per tree the
// files, the JS/TS files buildContract reads, those passing the prefilter and those parsed (the
// prefilter's plus the files linked lazily: applied schemas, imported helpers).
// The trees come from repositories fetched into /work/.mirror (KEYDRIFT_EVAL_MIRROR); each one
// absent is skipped, saying so. A tree is extracted with `git archive` into a temporary
// directory (blobs the fetch left out are left out), removed afterwards.
// KEYDRIFT_BENCH_ROUNDS sets the runs (default 5; the median is shown).
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildContract, skipReason } from '../lib/contract/build.js';
import { javascriptExtractor, parsedFiles } from '../lib/contract/extractors/javascript.js';
import { DirTree } from '../lib/sources/tree.js';
import { RG_PATTERNS } from './source-scan.bench.js';

const TREES = [
  { repo: 'outline/outline', ref: 'v1.9.2', what: 'TS app (React + Koa)' },
  { repo: 'umami-software/umami', ref: 'v3.1.0', what: 'TS app (Next.js)' },
  { repo: 'formbricks/formbricks', ref: '5.3.4', what: 'TS monorepo (Next.js, t3-env)' },
  { repo: 'lukevella/rallly', ref: 'v4.12.3', what: 'TS monorepo (Next.js)' },
  { repo: 'Squidex/squidex', ref: '7.23.0', what: 'C# app with an Angular frontend' },
  { repo: 'mealie-recipes/mealie', ref: 'v2.0.0', what: 'Python app with a Nuxt frontend' },
  { repo: 'woodpecker-ci/woodpecker', ref: 'v3.17.0', what: 'Go app with a Vue frontend' },
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

/** `git archive` of `ref` into `dir`, leaving out blobs the partial fetch does not hold. */
function extract(gitDir, ref, dir) {
  const git = (args, input) => execFileSync('git', ['--git-dir', gitDir, ...args], { input, maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
  const blobs = git(['ls-tree', '-r', ref])
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.split(/\s+/)[2], path: l.slice(l.indexOf('\t') + 1) }))
    .filter((e) => /^[0-9a-f]{40}$/.test(e.sha));
  const check = git(['cat-file', '--batch-check'], blobs.map((b) => b.sha).join('\n') + '\n').split('\n');
  const missing = blobs.filter((_, i) => / missing$/.test(check[i] ?? '')).map((b) => `:(exclude,literal)${b.path}`);
  execSync(`git --git-dir=${JSON.stringify(gitDir)} archive ${ref} -- . ${missing.map((m) => JSON.stringify(m)).join(' ')} | tar -x -C ${JSON.stringify(dir)}`, {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return missing.length;
}

export default async function () {
  const rounds = Number(process.env.KEYDRIFT_BENCH_ROUNDS ?? 5);
  const mirror = process.env.KEYDRIFT_EVAL_MIRROR ?? '/work/.mirror';
  if (spawnSync('rg', ['--version']).status !== 0) {
    console.log('skipped: ripgrep (rg) not installed');
    return;
  }
  console.log('tree | files | JS/TS read | prefilter | parsed | keydrift ms | rg ms | ratio (goal ≤ 3×)');
  for (const t of TREES) {
    const gitDir = path.join(mirror, t.repo.replace('/', '+'), 'repo');
    if (!existsSync(gitDir)) {
      console.log(`${t.repo}: skipped (not fetched into ${mirror})`);
      continue;
    }
    if (spawnSync('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${t.ref}^{commit}`]).status !== 0) {
      console.log(`${t.repo}: skipped (${t.ref} not in the fetched repository)`);
      continue;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-bench-js-'));
    try {
      const left = extract(gitDir, t.ref, dir);
      const tree = await DirTree.open(dir);
      const all = await tree.list();
      const before = parsedFiles.count;
      const c = await buildContract(tree, { label: t.repo, location: dir });
      const parsed = parsedFiles.count - before;
      // The JS/TS files of the app that buildContract reads (not tests, tooling, build output …).
      const texts = await tree.readMany(all.filter((p) => javascriptExtractor.matches(p) && !skipReason(p)));
      const js = [...texts];
      const pass = js.filter(([, text]) => javascriptExtractor.quick.test(text)).length;
      const ours = await time(() => buildContract(tree, { label: t.repo, location: dir }), rounds);
      const rg = await time(() => runRg(dir), rounds);
      console.log(
        `${t.repo}@${t.ref} (${t.what}${left ? `; ${left} blobs not fetched` : ''}) | ${all.length} | ${js.length} | ${pass} | ${parsed} | ${ours.ms.toFixed(0)} (${ours.result.entries.size} names) | ${rg.ms.toFixed(0)} (${rg.result} lines) | ${(ours.ms / rg.ms).toFixed(1)}×`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
