/**
 * Flux's kustomize-controller builds with `LoadRestrictionsNone`: a kustomization of a Flux
 * Kustomization may load files from anywhere in the repository (a shared patch or replacement
 * config under `../../components/`), natively and when delegated to the real tool. ArgoCD and
 * kubectl build root-only, so the same kustomization under an ArgoCD Application fails there.
 * A delegated build still reads nothing outside the repository.
 */
import { writeTree, kustomizeTool } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { delegateBuild, findKustomizeTool, preflight, resetKustomizeTool } from '../../src/render/kustomize/delegate.js';

const flux = (path: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  path: ./${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const argo = (path: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  destination:\n    namespace: web\n  source:\n    repoURL: https://example.com/r.git\n    path: ${path}\n`;
const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          env:\n            - name: HOST\n              value: placeholder\n';
const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        patched: "yes"\n';
const replacement = 'source: {kind: ConfigMap, name: cfg, fieldPath: data.HOST}\ntargets:\n- select: {kind: Deployment}\n  fieldPaths: [spec.template.spec.containers.0.env.0.value]\n';

const native = {
  'apps/web/kustomization.yaml': 'resources: [deploy.yaml]\npatches:\n- path: ../../components/patch.yaml\n  target: {kind: Deployment}\n',
  'apps/web/deploy.yaml': deploy,
  'components/patch.yaml': patch,
};
const delegated = {
  'apps/web/kustomization.yaml': 'resources: [deploy.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [HOST=redis]\nreplacements:\n- path: ../../components/replacement.yaml\n',
  'apps/web/deploy.yaml': deploy,
  'components/replacement.yaml': replacement,
};

afterEach(() => resetKustomizeTool());

test('a Flux Kustomization loads a patch file outside its kustomization root natively; an ArgoCD Application does not', async () => {
  const f = writeTree({ ...native, 'clusters/c/web.yaml': flux('apps/web') });
  const a = writeTree({ ...native, 'apps/app.yaml': argo('apps/web') });
  try {
    const fs = await loadSnapshot(f.tree, { delegate: false });
    expect(fs.problems).toEqual([]);
    expect(fs.objects.find((o) => o.kind === 'Deployment')!.body.spec.template.metadata.labels).toEqual({ patched: 'yes' });
    const as = await loadSnapshot(a.tree, { delegate: false });
    expect(as.problems.map((p) => p.message)).toEqual([expect.stringMatching(/load restrictor: '..\/..\/components\/patch.yaml'/)]);
  } finally {
    f.cleanup();
    a.cleanup();
  }
});

(kustomizeTool ? test : test.skip)(`a delegated Flux build loads files anywhere in the repository (${kustomizeTool?.label ?? 'skipped: no kustomize or kubectl on PATH'})`, async () => {
  const f = writeTree({ ...delegated, 'clusters/c/web.yaml': flux('apps/web') });
  const a = writeTree({ ...delegated, 'apps/app.yaml': argo('apps/web') });
  try {
    const fs = await loadSnapshot(f.tree);
    expect(fs.problems).toEqual([]);
    expect(fs.objects.find((o) => o.kind === 'Deployment')!.body.spec.template.spec.containers[0].env[0].value).toBe('redis');
    // Root-only for ArgoCD, as ArgoCD builds it: the tool refuses the file.
    const as = await loadSnapshot(a.tree);
    expect(as.problems.map((p) => p.file)).toEqual(['apps/web/kustomization.yaml']);
    expect(as.objects.find((o) => o.kind === 'Deployment')).toBeUndefined();
  } finally {
    f.cleanup();
    a.cleanup();
  }
});

test('loading anywhere, the preflight refuses a loaded file outside the repository, and stays root-only with a remote base or a plugin', async () => {
  const t = writeTree({
    'a/kustomization.yaml': 'resources: [d.yaml]\nconfigMapGenerator:\n- name: x\n  files: [k=../../../etc/hostname]\n',
    'a/d.yaml': deploy,
    'b/kustomization.yaml': 'resources: [https://127.0.0.1:1/x.yaml, ../c]\npatches:\n- path: ../components/p.yaml\n',
    'c/kustomization.yaml': 'resources: [d.yaml]\ntransformers: [t.yaml]\n',
    'c/d.yaml': deploy,
    'c/t.yaml': 'apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: t}\npath: /etc/hostname\n',
    'components/p.yaml': patch,
  });
  try {
    expect((await preflight(t.tree, 'a', { loadAnywhere: true })).refusal).toMatch(/configMapGenerator entry "..\/..\/..\/etc\/hostname" leaves the repository/);
    expect((await preflight(t.tree, 'a')).refusal).toBeUndefined(); // root-only: the tool itself refuses it
    const b = await preflight(t.tree, 'b', { loadAnywhere: true });
    expect(b.refusal).toBeUndefined();
    expect(b.loaded).toEqual(expect.arrayContaining(['components/p.yaml', 'c/d.yaml']));
    expect(b.rootOnly).toMatch(/c\/kustomization.yaml has 'transformers'|remote bases/);
    const tool = findKustomizeTool();
    if (tool) {
      const r = await delegateBuild(t.tree, 'c', tool, { loadAnywhere: true });
      expect(r.ok).toBe(false); // root-only: the transformer's absolute path is refused by the tool, never read
    }
  } finally {
    t.cleanup();
  }
});
