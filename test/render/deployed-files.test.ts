/**
 * Which files are deployed: a directory an app applies is read for manifests only — never
 * README, LICENSE, .gitignore, Terraform or shell files, which must never become invalid-yaml.
 */
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

const flux = (p: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ${p}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

test.each([
  ['LICENSE', 'Copyright: the authors\n  - not: [yaml\n'],
  ['README.md', '# Title\n\n- item: {broken\n'],
  ['.gitignore', '*.tgz\n: x\n'],
  ['main.tf', 'resource "x" "y" {\n  a = 1\n}\n'],
  ['run.sh', '#!/bin/sh\necho "a: [b"\n'],
])('a Flux directory app never reads %s as a manifest', async (name, text) => {
  const t = writeTree({
    'clusters/prod/apps.yaml': flux('./apps'),
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\ndata:\n  A: "1"\n',
    [`apps/${name}`]: text,
  });
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.problems).toEqual([]);
    const app = snap.apps.find((a) => a.id.includes('apps'))!;
    expect(app.skipped).toBeUndefined();
    expect(snap.objects.filter((o) => o.app === app.id).map((o) => `${o.kind}/${o.name}`)).toEqual(['ConfigMap/c']);
  } finally {
    t.cleanup();
  }
});

test('a chart nothing renders: its templates are skipped without claiming they were rendered, never invalid-yaml', async () => {
  const t = writeTree({
    'clusters/prod/apps.yaml': flux('./apps'),
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\n',
    'charts/unused/Chart.yaml': 'apiVersion: v2\nname: unused\nversion: 0.1.0\n',
    'charts/unused/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    expect(snap.problems).toEqual([]);
    const s = snap.skipped.find((x) => x.file === 'charts/unused/templates/cm.yaml');
    if (s) expect(s.reason).not.toMatch(/\brendered,/);
    expect(snap.skipped.map((x) => x.reason).join('\n')).not.toMatch(/: rendered, not read as YAML/);
  } finally {
    t.cleanup();
  }
});

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  A: "1"\n`;
const brokenManifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n';
const ids = (snap: Awaited<ReturnType<typeof loadSnapshot>>) => snap.objects.map((o) => `${o.kind}/${o.name}`).sort();

describe('files that are not deployed are never read as objects and never invalid-yaml', () => {
  test('a kustomization deploys what it lists: unlisted files and commented-out patches are not objects', async () => {
    const t = writeTree({
      'app/kustomization.yaml': 'resources:\n- cm.yaml\n# - extra.yaml\npatches:\n# - path: patch.yaml\n',
      'app/cm.yaml': cm('listed'),
      'app/extra.yaml': cm('unlisted'),
      'app/patch.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: listed\ndata:\n  B: "2"\n',
      'app/old/broken.yaml': brokenManifest,
    });
    try {
      const snap = await loadSnapshot(t.tree, { helm: false });
      expect(snap.problems).toEqual([]);
      expect(ids(snap)).toEqual(['ConfigMap/listed']);
      expect(snap.objects[0]!.body.data).toEqual({ A: '1' });
    } finally {
      t.cleanup();
    }
  });

  test('documentation and examples YAML is not deployed', async () => {
    const t = writeTree({
      'manifests/cm.yaml': cm('real'),
      'website/docs/example.yaml': cm('doc-example') + '---\n' + brokenManifest,
      'docs/guide/broken.yaml': brokenManifest,
      'examples/demo.yaml': cm('demo'),
    });
    try {
      const snap = await loadSnapshot(t.tree, { helm: false });
      expect(snap.problems).toEqual([]);
      expect(ids(snap)).toEqual(['ConfigMap/real']);
    } finally {
      t.cleanup();
    }
  });

  test('Jinja/Ansible templates and YAML that is not a manifest are not objects; a broken manifest still is invalid-yaml', async () => {
    const t = writeTree({
      'roles/web/templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "{{ app_name }}"\nspec:\n  replicas: {{ replicas }}\n',
      'roles/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ app_name }}"\n',
      'ansible/svc.yaml': '{% if enabled %}\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n{% endif %}\n',
      'ansible/playbook.yaml': '- hosts: all\n  tasks:\n  - name: x\n    debug: msg={{ a\n',
      '.pre-commit-config.yaml': 'repos:\n  - repo: [x\n',
      'monitoring/rules.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n  alert: "{{ $labels.instance }} is down"\n',
      'manifests/broken.yaml': brokenManifest,
    });
    try {
      const snap = await loadSnapshot(t.tree, { helm: false });
      expect(ids(snap)).toEqual(['ConfigMap/rules']);
      expect(snap.problems.map((p) => p.file)).toEqual(['manifests/broken.yaml']);
    } finally {
      t.cleanup();
    }
  });

  test('a plain directory is read only when something applies it: an app, the bootstrap directory of a root app, or the root of a repository without apps', async () => {
    const argo = (p: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  destination:\n    namespace: web\n  source:\n    repoURL: https://example.com/r.git\n    path: ${p}\n`;
    const withApps = writeTree({
      'bootstrap/root.yaml': argo('apps/web'),
      'bootstrap/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
      'apps/web/cm.yaml': cm('deployed'),
      'scratch/cm.yaml': cm('nobody-applies-this'),
      'scratch/broken.yaml': brokenManifest,
    });
    const noApps = writeTree({ 'scratch/cm.yaml': cm('root-applies-this') });
    try {
      const snap = await loadSnapshot(withApps.tree, { helm: false });
      expect(snap.problems).toEqual([]);
      expect(ids(snap)).toEqual(['Application/web', 'ConfigMap/deployed', 'Namespace/web']);
      expect(ids(await loadSnapshot(noApps.tree, { helm: false }))).toEqual(['ConfigMap/root-applies-this']);
    } finally {
      withApps.cleanup();
      noApps.cleanup();
    }
  });

  test('a directory an app applies: a template in it is skipped with the reason, not invalid-yaml', async () => {
    const t = writeTree({
      'clusters/prod/apps.yaml': flux('./apps'),
      'apps/cm.yaml': cm('c'),
      'apps/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ name }}\n  labels: {{ labels }}\n',
    });
    try {
      const snap = await loadSnapshot(t.tree, { helm: false });
      expect(snap.problems).toEqual([]);
      expect(snap.skipped.find((s) => s.file === 'apps/svc.yaml')?.reason).toMatch(/template .*not a manifest: not checked/);
      expect(ids(snap).filter((x) => x.startsWith('ConfigMap'))).toEqual(['ConfigMap/c']);
    } finally {
      t.cleanup();
    }
  });
});

test('a kustomization nothing renders in a hidden or documentation directory is not an app; one in a directory an app points at is', async () => {
  const broken = 'resources:\n- ../../../../templates/volsync\n';
  const t = writeTree({
    'clusters/prod/apps.yaml': flux('./.shared/apps'),
    '.archive/kubernetes/old/app/kustomization.yaml': broken,
    '.archive/kubernetes/old/app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n',
    'docs/examples/kustomization.yaml': broken,
    '.shared/apps/kustomization.yaml': 'resources: [cm.yaml]\n',
    '.shared/apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n',
  });
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.problems).toEqual([]);
    expect(snap.apps.map((a) => a.id).sort()).toEqual(['Kustomization/flux-system/apps']);
    expect(snap.objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.name)).toEqual(['shared']);
  } finally {
    t.cleanup();
  }
});

test('a directory that is both a Helm chart and a kustomization, which no app renders, is not checked, saying why (not render-failed)', async () => {
  // The ArgoCD "kustomized-helm" plugin pattern: helm template writes all.yaml, then kustomize builds.
  const t = writeTree({
    'plugins/kh/Chart.yaml': 'apiVersion: v2\nname: kh\nversion: 0.1.0\n',
    'plugins/kh/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
    'plugins/kh/kustomization.yaml': 'namePrefix: k-\nresources:\n- ./all.yaml\n',
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    expect(snap.problems).toEqual([]);
    const app = snap.apps.find((a) => a.id === 'kustomize/plugins/kh')!;
    expect(app.skipped).toMatch(/plugins\/kh is both a Helm chart and a kustomization, and no app says how it is rendered .*: not checked/);
  } finally {
    t.cleanup();
  }
});

test('scaffolding is not an app: a kustomization under templates/ (not a chart), or one that is a Jinja or Go template', async () => {
  const t = writeTree({
    'hack/new-cluster/templates/web/kustomization.yaml': 'resources:\n- ../base\n',
    'hack/gen/kustomization.yaml': "resources:\n- ../../{{ 'rings/' + ring if env == 'production' else 'base' }}\n{% if x %}\nnamespace: x\n{% endif %}\n",
    'boilerplate/app/overlays/dev/kustomization.yaml': 'namespace: {{ .app_namespace }}\nresources:\n  - ../../base\nconfigMapGenerator:\n  - name: {{ .app_name }}-values\n    behavior: merge\n',
    'apps/kustomization.yaml': 'resources: [cm.yaml]\n',
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
  });
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.problems).toEqual([]);
    expect(snap.apps.map((a) => a.id)).toEqual(['kustomize/apps']);
  } finally {
    t.cleanup();
  }
});
