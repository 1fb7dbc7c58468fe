/**
 * Sources that are not this repository (a Flux OCIRepository, a GitRepository of another URL or
 * branch, an ArgoCD repoURL other than the one this repository's apps use) are "Not checked"
 * with the reason, never rendered from this checkout — even when a directory of the same path
 * happens to exist here.
 */
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { normalizeRepoUrl } from '../../src/render/self-repo.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\ndata:\n  A: "1"\n`;
const fluxKs = (name: string, kind: string, src: string, p: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${p}
  prune: true
  sourceRef:
    kind: ${kind}
    name: ${src}
`;
const gitRepo = (name: string, url: string, branch: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1m
  url: ${url}
  ref:
    branch: ${branch}
`;

test('repository URLs compare by host and path, whatever the spelling', () => {
  const want = 'github.com/me/fleet';
  for (const u of ['https://github.com/me/fleet.git', 'ssh://git@github.com/me/fleet', 'git@github.com:me/fleet.git', 'https://GitHub.com/me/fleet/', 'ssh://git@github.com:22/me/fleet.git']) expect(normalizeRepoUrl(u)).toBe(want);
  expect(normalizeRepoUrl('https://github.com/me/other')).not.toBe(want);
});

test('Flux: an OCIRepository, a GitRepository of another repository and one of another branch are not checked, with the reason', async () => {
  const t = writeTree({
    'clusters/prod/flux-system/gotk-sync.yaml': gitRepo('flux-system', 'ssh://git@github.com/me/fleet', 'main') + '---\n' + fluxKs('flux-system', 'GitRepository', 'flux-system', './clusters/prod'),
    'clusters/prod/apps.yaml': fluxKs('apps', 'GitRepository', 'flux-system', './apps'),
    'clusters/prod/podinfo.yaml': `apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n  ref:\n    tag: latest\n---\n` + fluxKs('podinfo', 'OCIRepository', 'podinfo', './apps'),
    'clusters/prod/upstream.yaml': gitRepo('upstream', 'https://github.com/vendor/manifests.git', 'main') + '---\n' + fluxKs('upstream', 'GitRepository', 'upstream', './apps'),
    'clusters/prod/staging.yaml': gitRepo('fleet-staging', 'https://github.com/me/fleet.git', 'staging') + '---\n' + fluxKs('staging', 'GitRepository', 'fleet-staging', './apps'),
    'clusters/prod/same.yaml': gitRepo('fleet-again', 'https://github.com/me/fleet.git', 'main') + '---\n' + fluxKs('same', 'GitRepository', 'fleet-again', './apps'),
    'apps/cm.yaml': cm('c'),
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    const app = (n: string) => snap.apps.find((a) => a.id === `Kustomization/flux-system/${n}`)!;
    expect(app('apps').skipped).toBeUndefined();
    expect(app('same').skipped).toBeUndefined();
    expect(app('podinfo').skipped).toMatch(/OCIRepository\/podinfo \(oci:\/\/ghcr\.io\/stefanprodan\/manifests\/podinfo\) is an artifact built elsewhere, not this repository: not rendered from this checkout/);
    expect(app('upstream').skipped).toMatch(/GitRepository\/upstream is https:\/\/github\.com\/vendor\/manifests\.git, not this repository/);
    expect(app('staging').skipped).toMatch(/GitRepository\/fleet-staging follows branch staging of this repository, not the branch main checked here/);
    for (const n of ['podinfo', 'upstream', 'staging']) {
      expect(snap.skipped.some((s) => s.file === `clusters/prod/${n}.yaml` && s.reason.startsWith(`Kustomization/flux-system/${n}: `))).toBe(true);
      expect(snap.objects.filter((o) => o.app === app(n).id)).toEqual([]);
    }
    expect(snap.objects.filter((o) => o.kind === 'ConfigMap' && o.name === 'c').map((o) => o.app).sort()).toEqual(['Kustomization/flux-system/apps', 'Kustomization/flux-system/same']);
  } finally {
    t.cleanup();
  }
});

test('Flux without a flux-system GitRepository: the one most Kustomizations use with a path here is this repository; a vendor repository at the root is not checked', async () => {
  const vendor = (n: string) => gitRepo(`${n}-source`, `https://github.com/${n}/charts.git`, 'main') + '---\n' + fluxKs(`crds-${n}`, 'GitRepository', `${n}-source`, './').replace('  path: ./\n', '');
  const t = writeTree({
    'cluster/flux/fleet.yaml': gitRepo('fleet', 'https://github.com/me/fleet', 'main') + '---\n' + fluxKs('apps', 'GitRepository', 'fleet', './apps') + '---\n' + fluxKs('crds', 'GitRepository', 'fleet', './cluster/crds'),
    'cluster/crds/a.yaml': vendor('a'),
    'cluster/crds/b.yaml': vendor('b'),
    'apps/cm.yaml': cm('c'),
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    const app = (n: string) => snap.apps.find((a) => a.id === `Kustomization/flux-system/${n}`)!;
    expect(app('apps').skipped).toBeUndefined();
    expect(app('crds-a').skipped).toMatch(/GitRepository\/a-source is https:\/\/github\.com\/a\/charts\.git, not this repository/);
    expect(app('crds-b').skipped).toMatch(/GitRepository\/b-source is https:\/\/github\.com\/b\/charts\.git, not this repository/);
    expect(snap.objects.filter((o) => o.kind === 'ConfigMap' && o.name === 'c').map((o) => o.app)).toEqual(['Kustomization/flux-system/apps']);
  } finally {
    t.cleanup();
  }
});

test('ArgoCD: an Application whose repoURL is not the one this repository uses is not checked, even when its path exists here', async () => {
  const argo = (name: string, repo: string, p: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  destination:\n    namespace: web\n  source:\n    repoURL: ${repo}\n    path: ${p}\n`;
  const t = writeTree({
    'argocd/a.yaml': argo('a', 'https://github.com/me/gitops.git', 'apps/a'),
    'argocd/b.yaml': argo('b', 'git@github.com:me/gitops.git', 'apps/b'),
    'argocd/vendor.yaml': argo('vendor', 'https://github.com/vendor/manifests.git', 'apps/a'),
    // idpbuilder's cnoe:// (and file://) name local directories: never judged as another repository.
    'argocd/local.yaml': argo('local', 'cnoe://apps/b', 'apps/b'),
    'apps/a/cm.yaml': cm('a'),
    'apps/b/cm.yaml': cm('b'),
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    const vendor = snap.apps.find((a) => a.id === 'Application/argocd/vendor')!;
    expect(vendor.skipped).toBe('source repoURL https://github.com/vendor/manifests.git is not this repository (github.com/me/gitops): not rendered from this checkout');
    expect(snap.skipped.find((s) => s.file === 'argocd/vendor.yaml')?.reason).toMatch(/^Application\/argocd\/vendor: source repoURL/);
    expect(snap.apps.find((a) => a.id === 'Application/argocd/local')!.skipped).toBeUndefined();
    expect(snap.objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${o.app} ${o.name}`).sort()).toEqual(['Application/argocd/a a', 'Application/argocd/b b', 'Application/argocd/local b']);
  } finally {
    t.cleanup();
  }
});
