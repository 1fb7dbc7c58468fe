import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { corpusDir, writeTree } from './helpers.js';
import { GitTree } from '../../src/sources/tree.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { affectedApps, changedFiles, prRenderOptions } from '../../src/render/pr.js';

const files = {
  'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
  'base/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n',
  'overlays/a/kustomization.yaml': 'resources:\n- ../../base\nnamespace: a\nimages:\n- name: web\n  newTag: "1"\n',
  'overlays/b/kustomization.yaml': 'resources:\n- ../../base\nnamespace: b\n',
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  'values/web-prod.yaml': 'a: 1\n',
  'apps/web-helm.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web-helm\n  namespace: argocd\nspec:\n  sources:\n    - repoURL: https://example.com/repo.git\n      ref: values\n    - repoURL: https://example.com/repo.git\n      path: charts/web\n      helm:\n        valueFiles: [$values/values/web-prod.yaml]\n  destination:\n    namespace: web\n',
  // A plain file beside the root app manifest: the bootstrap directory, applied by hand.
  'apps/shared-cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n',
};

function git(dir: string, ...args: string[]) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
}

describe('PR mode: only the apps whose inputs changed', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ['an overlay image tag', { 'overlays/a/kustomization.yaml': files['overlays/a/kustomization.yaml'].replace('newTag: "1"', 'newTag: "2"') }, ['kustomize/overlays/a']],
    ['a shared base', { 'base/deploy.yaml': files['base/deploy.yaml'].replace('web:1', 'web:3') }, ['kustomize/overlays/a', 'kustomize/overlays/b']],
    ['a values file of a multi-source Helm app', { 'values/web-prod.yaml': 'a: 2\n' }, ['Application/argocd/web-helm']],
    ['a plain file only', { 'apps/shared-cm.yaml': files['apps/shared-cm.yaml'] + 'data:\n  A: "1"\n' }, []],
  ];
  test.each(cases)('%s', async (_name, change, expected) => {
    const t = writeTree(files);
    try {
      git(t.dir, 'init', '-q', '-b', 'main');
      git(t.dir, 'add', '-A');
      git(t.dir, 'commit', '-qm', 'base');
      for (const [f, text] of Object.entries(change)) writeFileSync(path.join(t.dir, f), text);
      git(t.dir, 'commit', '-qam', 'head');
      const base = await GitTree.open(t.dir, 'HEAD~1');
      const head = await GitTree.open(t.dir, 'HEAD');
      const changed = await changedFiles(base, head);
      expect([...changed]).toEqual(Object.keys(change));
      const full = await loadSnapshot(head, { helm: false });
      expect(affectedApps(full.apps, changed).map((a) => a.id).sort()).toEqual(expected);
      const pr = await loadSnapshot(head, { helm: false, ...prRenderOptions(changed) });
      expect(pr.apps.map((a) => a.id).sort()).toEqual(expected);
      // Plain files something applies are always loaded; objects of untouched apps are not.
      expect(pr.objects.some((o) => o.name === 'shared')).toBe(true);
      expect(pr.objects.filter((o) => o.kind === 'Deployment').map((o) => o.namespace).sort()).toEqual(expected.filter((e) => e.startsWith('kustomize/')).map((e) => e.slice(-1)));
    } finally {
      t.cleanup();
    }
  });
});

describe('PR-mode shortcuts select exactly the apps a full render says are touched', () => {
  const CORPUS = corpusDir();
  (existsSync(CORPUS) ? test : test.skip)('over single-file changes in the corpus', async () => {
    const { DirTree } = await import('../../src/sources/tree.js');
    const { newRenderCache } = await import('../../src/render/host.js');
    const tree = new DirTree(path.join(CORPUS, 'xunholy__k8s-gitops'));
    const full = await loadSnapshot(tree, { helm: false, delegate: false });
    const files = (await tree.list()).filter((f) => /\.ya?ml$/.test(f));
    const cache = newRenderCache();
    let compared = 0;
    let nonEmpty = 0;
    for (let i = 0; i < files.length; i += Math.ceil(files.length / 60)) {
      const changed = new Set([files[i]!]);
      const expected = affectedApps(full.apps, changed).map((a) => a.id).sort();
      const pr = await loadSnapshot(tree, { helm: false, delegate: false, ...prRenderOptions(changed, cache) });
      expect({ file: files[i], apps: pr.apps.map((a) => a.id).sort() }).toEqual({ file: files[i], apps: expected });
      compared++;
      if (expected.length) nonEmpty++;
    }
    expect(compared).toBeGreaterThan(50);
    expect(nonEmpty).toBeGreaterThan(15);
  }, 120000);
});

test('mayReachChange: relative source paths, root apps, value files', async () => {
  const { mayReachChange } = await import('../../src/render/index.js');
  const reach = new Set(['', 'kubernetes', 'kubernetes/apps', 'kubernetes/apps/web', 'kubernetes/apps/web/app']);
  const changed = new Set(['kubernetes/apps/web/app/deploy.yaml']);
  expect(mayReachChange('kind: Kustomization\nspec:\n  path: ./apps/web/app\n', changed, reach)).toBe(true);
  expect(mayReachChange('kind: Kustomization\nspec:\n  path: ./apps/other/app\n', changed, reach)).toBe(false);
  expect(mayReachChange('kind: Application\nspec:\n  source:\n    path: .\n', changed, reach)).toBe(true);
  expect(mayReachChange('kind: Application\nspec:\n  source:\n    chart: redis\n    repoURL: x\n', changed, reach)).toBe(false);
  expect(mayReachChange('kind: Application\nspec:\n  source:\n    helm:\n      valueFiles: [deploy.yaml]\n', changed, reach)).toBe(true);
  expect(mayReachChange('kind: ApplicationSet\n', changed, reach)).toBe(true);
  expect(mayReachChange('kind: Application\nspec: {}\n', changed, reach)).toBe(true);
});
