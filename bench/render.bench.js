// Rendering benchmarks (issue 4).
// 1. Native Kustomize vs spawning `kubectl kustomize` (or `kustomize build`) per overlay,
//    over every kustomization of ../shared/corpus the real tool can build. Goal ≥ 10× faster.
// 2. PR mode: a change touching one app of a generated 500-app GitOps repo, rendered and
//    resolved at base and head, vs the same for every app. Goal ≤ 10% of the full run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirTree, GitTree } from '../lib/sources/tree.js';
import { treeHost } from '../lib/render/host.js';
import { Kustomizer, KUSTOMIZATION_FILES } from '../lib/render/kustomize/build.js';
import { findKustomizeTool, runKustomizeTool } from '../lib/render/kustomize/delegate.js';
import { loadSnapshot } from '../lib/sources/snapshot.js';
import { changedFiles, prRenderOptions } from '../lib/render/pr.js';
import { newRenderCache } from '../lib/render/host.js';
import { SourceIndex } from '../lib/resolve/sources.js';
import { containersOf, isWorkload } from '../lib/resolve/workloads.js';
import { resolveContainer } from '../lib/resolve/provision.js';
import { existsSync } from 'node:fs';

function corpusDir() {
  // $KEYDRIFT_CORPUS, or ../shared/corpus beside the project (../../ from a worktree).
  for (const c of [process.env.KEYDRIFT_CORPUS, new URL('../../shared/corpus', import.meta.url).pathname, new URL('../../../shared/corpus', import.meta.url).pathname]) {
    if (c && existsSync(c)) return c;
  }
  return undefined;
}

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function nativeVsTool() {
  const dir = corpusDir();
  const tool = findKustomizeTool();
  if (!dir) return console.log('native vs kustomize: corpus not found (set KEYDRIFT_CORPUS): skipped');
  if (!tool) return console.log('native vs kustomize: neither kubectl nor kustomize on PATH: skipped');
  const tree = new DirTree(dir);
  const files = await tree.list();
  const kdirs = files.filter((f) => KUSTOMIZATION_FILES.includes(path.posix.basename(f))).map((f) => path.posix.dirname(f));

  let t0 = process.hrtime.bigint();
  const buildable = [];
  for (const d of kdirs) if (runKustomizeTool(tool, path.join(dir, d)).ok) buildable.push(d);
  const toolMs = ms(t0);

  const rounds = 5;
  let fresh = 0;
  let shared = 0;
  let objects = 0;
  for (let r = 0; r < rounds + 1; r++) {
    // Fresh per overlay: a new host (list + read) and a new builder for every kustomization.
    t0 = process.hrtime.bigint();
    const host = await treeHost(tree, files.filter((f) => /\.ya?ml$/.test(f) || KUSTOMIZATION_FILES.includes(path.posix.basename(f))));
    let n = 0;
    for (const d of buildable) n += (await new Kustomizer(host).build(d)).length;
    const a = ms(t0);
    // One builder for the whole repo, bases built once and cloned (what loadSnapshot does).
    t0 = process.hrtime.bigint();
    const host2 = await treeHost(tree, files.filter((f) => /\.ya?ml$/.test(f) || KUSTOMIZATION_FILES.includes(path.posix.basename(f))));
    const k = new Kustomizer(host2);
    for (const d of buildable) await k.build(d);
    const b = ms(t0);
    if (r > 0) {
      fresh += a;
      shared += b;
      objects = n;
    }
  }
  fresh /= rounds;
  shared /= rounds;
  console.log(`kustomizations: ${buildable.length} buildable by ${tool.label} (of ${kdirs.length}), ${objects} objects`);
  console.log(`${tool.label} per overlay  ${toolMs.toFixed(0)} ms  (${(toolMs / buildable.length).toFixed(1)} ms/overlay)`);
  console.log(`native, fresh builder per overlay  ${fresh.toFixed(0)} ms  (${(fresh / buildable.length).toFixed(2)} ms/overlay)  ${(toolMs / fresh).toFixed(1)}× faster`);
  console.log(`native, one builder (shared bases)  ${shared.toFixed(0)} ms  ${(toolMs / shared).toFixed(1)}× faster  (goal ≥ 10×; native includes listing and reading the corpus)`);
}

export function generateRepo(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-bench-500-'));
  const w = (f, t) => {
    const p = path.join(dir, f);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, t);
  };
  for (let i = 0; i < n; i++) {
    const s = `svc-${i}`;
    w(`apps/${s}/base/kustomization.yaml`, 'resources:\n- deployment.yaml\n- service.yaml\n');
    w(
      `apps/${s}/base/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${s}\n  labels: {app: ${s}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${s}}\n  template:\n    metadata:\n      labels: {app: ${s}}\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/example/${s}:1.0.0\n          envFrom:\n            - configMapRef:\n                name: ${s}-config\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: ${s}-db, key: password}\n            - name: LOG_LEVEL\n              value: info\n`,
    );
    w(`apps/${s}/base/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${s}\nspec:\n  selector: {app: ${s}}\n  ports:\n    - port: 80\n      targetPort: 8080\n`);
    w(
      `apps/${s}/overlays/prod/kustomization.yaml`,
      `resources:\n- ../../base\nnamespace: ${s}\nimages:\n- name: ghcr.io/example/${s}\n  newTag: 1.0.0\nconfigMapGenerator:\n- name: ${s}-config\n  literals:\n  - REDIS_HOST=redis.${s}.svc\n  - REDIS_PORT=6379\n  - FEATURE_X=on\nsecretGenerator:\n- name: ${s}-db\n  literals:\n  - password=not-a-real-password\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: ${s}\n    spec:\n      replicas: 3\n`,
    );
    w(
      `argocd/${s}.yaml`,
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${s}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/gitops.git\n    path: apps/${s}/overlays/prod\n  destination:\n    namespace: ${s}\n  syncPolicy:\n    automated: {selfHeal: true}\n`,
    );
  }
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' };
  const git = (...a) => execFileSync('git', a, { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  w('apps/svc-7/overlays/prod/kustomization.yaml', `resources:\n- ../../base\nnamespace: svc-7\nimages:\n- name: ghcr.io/example/svc-7\n  newTag: 1.1.0\nconfigMapGenerator:\n- name: svc-7-config\n  literals:\n  - REDIS_URL=redis://redis.svc-7.svc:6379/0\n  - FEATURE_X=on\nsecretGenerator:\n- name: svc-7-db\n  literals:\n  - password=not-a-real-password\n`);
  git('commit', '-qam', 'svc-7 1.1.0');
  git('gc', '-q'); // packed, as a clone is
  return dir;
}

function resolveAll(snap) {
  const index = new SourceIndex(snap.objects);
  let n = 0;
  for (const w of snap.objects) if (isWorkload(w)) for (const c of containersOf(w).containers) (resolveContainer(c, index), n++);
  return n;
}

async function prVsFull() {
  const n = 500;
  const dir = generateRepo(n);
  try {
    const full = async () => {
      const base = await GitTree.open(dir, 'HEAD~1');
      const head = await GitTree.open(dir, 'HEAD');
      const [a, b] = await Promise.all([loadSnapshot(base, { helm: false }), loadSnapshot(head, { helm: false })]);
      return { apps: b.apps.length, containers: resolveAll(a) + resolveAll(b), objects: a.objects.length + b.objects.length };
    };
    const pr = async () => {
      const base = await GitTree.open(dir, 'HEAD~1');
      const head = await GitTree.open(dir, 'HEAD');
      const changed = await changedFiles(base, head);
      // Head first; base then reuses every text and parse that did not change.
      const o = { helm: false, ...prRenderOptions(changed, newRenderCache()) };
      const b = await loadSnapshot(head, o);
      const a = await loadSnapshot(base, o);
      return { apps: b.apps.length, containers: resolveAll(a) + resolveAll(b), objects: a.objects.length + b.objects.length };
    };
    const time = async (fn, rounds) => {
      await fn();
      const t0 = process.hrtime.bigint();
      let r;
      for (let i = 0; i < rounds; i++) r = await fn();
      return { ms: ms(t0) / rounds, r };
    };
    const f = await time(full, 5);
    const p = await time(pr, 5);
    console.log(`generated repo: ${n} ArgoCD apps over Kustomize overlays (generators, patch, images), one app changed`);
    console.log(`full check (render+resolve base and head, all apps)  ${f.ms.toFixed(0)} ms  apps ${f.r.apps}, objects ${f.r.objects}, containers ${f.r.containers}`);
    console.log(`PR mode (changed files, render+resolve touched apps)  ${p.ms.toFixed(0)} ms  apps ${p.r.apps}, objects ${p.r.objects}, containers ${p.r.containers}`);
    console.log(`PR / full = ${((p.ms / f.ms) * 100).toFixed(1)}% (goal ≤ 10%)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function () {
  await nativeVsTool();
  await prVsFull();
}
