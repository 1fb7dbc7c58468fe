// Cost follows the change (issue 10): `keydrift check --base` (PR check) against `keydrift check`
// (the full check of head) on real repositories of ../shared/corpus — each copied into a temp git
// repository where one commit changes one key of one ConfigMap — and on the generated 500-app
// repository of render.bench.js. Goal: a PR check never slower than the full check, and ≤ 10% of
// it on the 500-app repository. Figures only; skipped, saying so, when the corpus is absent.
//
// Figures (2026-12-03, the 2-core shared machine, full / PR ms and PR/full):
//                          before (9 git processes)      after (3 git processes, as a full check)
//   gitops-catalog         5,423 / 515   9.5%            3,392 / 253   7.5%
//   home-ops               9,667 / 684   7.1%            7,606 / 652   8.6%
//   opentelemetry-demo       252 / 634   251.8% SLOWER     130 / 118   90.2%
//   generated 500 apps     3,580 / 604   16.9%           1,407 / 162   11.5% (goal 10%)
// Load varied between runs (load average 2-12); ratios within one run are what compare. What a
// PR check still pays on the 500-app repo: three git processes (~16 ms each to spawn from a large
// heap), the one cat-file batch of every YAML file (app discovery needs every text), and the
// head's discovery over 1,000 kustomizations and 2,500 files; the base render reuses the rest.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../lib/commands/check.js';
import { loadSnapshot } from '../lib/sources/snapshot.js';
import { DirTree } from '../lib/sources/tree.js';
import { generateRepo } from './render.bench.js';

const REPOS = ['redhat-cop__gitops-catalog', 'joryirving__home-ops', 'open-telemetry__opentelemetry-demo', 'stefanprodan__podinfo'];

function corpusDir() {
  for (const c of [process.env.KEYDRIFT_CORPUS, new URL('../../shared/corpus', import.meta.url).pathname, new URL('../../../shared/corpus', import.meta.url).pathname]) {
    if (c && existsSync(c)) return c;
  }
  return undefined;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' };
const git = (dir, ...a) => execFileSync('git', a, { cwd: dir, env, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });

/** Copy a corpus repo into a temp git repo; commit; change one key of a rendered ConfigMap's data; commit. */
export async function prepare(src) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-bench-pr-'));
  cpSync(src, dir, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', dir]);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  // A ConfigMap some app renders, with a plain `data:` entry on its own line in its source file;
  // one a workload reads first, so that the PR check has a workload to check.
  const snap = await loadSnapshot(new DirTree(dir), { helm: false });
  const read = new Set();
  for (const o of snap.objects) {
    const pod = o.body?.spec?.template?.spec ?? o.body?.spec?.jobTemplate?.spec?.template?.spec;
    if (!pod) continue;
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      for (const ef of c?.envFrom ?? []) if (ef?.configMapRef?.name) read.add(`${o.namespace ?? ''}/${ef.configMapRef.name}`);
      for (const e of c?.env ?? []) if (e?.valueFrom?.configMapKeyRef?.name) read.add(`${o.namespace ?? ''}/${e.valueFrom.configMapKeyRef.name}`);
    }
  }
  const isRead = (o) => read.has(`${o.namespace ?? ''}/${o.name}`);
  for (const o of [...snap.objects.filter(isRead), ...snap.objects.filter((x) => !isRead(x))]) {
    if (o.kind !== 'ConfigMap' || !o.body.data || typeof o.body.data !== 'object') continue;
    const file = path.join(dir, o.file);
    if (!existsSync(file) || o.generated) continue;
    const text = readFileSync(file, 'utf8');
    for (const [k, v] of Object.entries(o.body.data)) {
      if (typeof v !== 'string' || v.includes('\n')) continue;
      const re = new RegExp(`^(\\s+${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*)(["']?)${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2\\s*$`, 'm');
      if (!re.test(text)) continue;
      writeFileSync(file, text.replace(re, (_m, a) => `${a}"changed-by-bench"`));
      git(dir, 'commit', '-qam', `change ${k} of ConfigMap ${o.name}`);
      return { dir, what: `${o.file}: ConfigMap ${o.name} key ${k}${isRead(o) ? ', read by a workload' : ''}` };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

/** Mean wall time over `rounds` runs after a warm one (fewer when one run takes over 10 s). */
async function time(fn, rounds) {
  let t0 = process.hrtime.bigint();
  let r = await fn(); // warm: the OS cache, the module graph
  if (ms(t0) > 10_000) rounds = 1;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) r = await fn();
  return { ms: ms(t0) / rounds, r };
}

async function compare(label, dir, rounds) {
  const full = await time(() => runCheck({ repo: dir, head: 'HEAD' }), rounds);
  const pr = await time(() => runCheck({ repo: dir, base: 'HEAD~1', head: 'HEAD' }), rounds);
  console.log(`${label}`);
  console.log(`  full check (head, every app)   ${full.ms.toFixed(0)} ms  workloads checked ${full.r.checked.length}`);
  console.log(`  PR check (--base HEAD~1)       ${pr.ms.toFixed(0)} ms  workloads checked ${pr.r.checked.length}`);
  console.log(`  PR / full = ${((pr.ms / full.ms) * 100).toFixed(1)}%${pr.ms > full.ms ? '  (PR check SLOWER than the full check)' : ''}`);
}

export default async function () {
  const corpus = corpusDir();
  if (!corpus) console.log('PR vs full on real repositories: corpus not found (set KEYDRIFT_CORPUS or put it at ../shared/corpus): skipped');
  else {
    let n = 0;
    for (const r of REPOS) {
      if (!existsSync(path.join(corpus, r))) {
        console.log(`${r}: not in the corpus: skipped`);
        continue;
      }
      const p = await prepare(path.join(corpus, r));
      if (!p) {
        console.log(`${r}: no ConfigMap key to change: skipped`);
        continue;
      }
      try {
        await compare(`${r} (one-key change: ${p.what})`, p.dir, 3);
        n++;
      } finally {
        rmSync(p.dir, { recursive: true, force: true });
      }
    }
    if (n < 2) console.log(`only ${n} real repositories measured`);
  }
  const dir = generateRepo(500);
  try {
    await compare('generated repo: 500 ArgoCD apps over Kustomize overlays, one app changed (goal: PR ≤ 10% of full)', dir, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
