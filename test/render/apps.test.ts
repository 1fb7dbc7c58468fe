import * as path from 'node:path';
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { DirTree } from '../../src/sources/tree.js';
import { kubeTools } from '../support/kube-tools.js';
import { findHelm } from '../../src/render/helm.js';

const deploy = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - name: DOMAIN
              value: \${CLUSTER_DOMAIN}
            - name: REGION
              value: \${REGION:=eu-west-1}
${extra}`;

describe('ArgoCD and Flux apps', () => {
  test('Flux Kustomization: targetNamespace overrides, postBuild.substitute, sync policy kept', async () => {
    const t = writeTree({
      'clusters/prod/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  prune: true
  path: ./apps/prod
  targetNamespace: web
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      CLUSTER_DOMAIN: prod.example.com
`,
      'apps/prod/deploy.yaml': deploy('web').replace('  name: web', '  name: web\n  namespace: other'),
      'apps/prod/nested/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  A: "1"\n',
      'apps/prod/gen/kustomization.yaml': 'configMapGenerator:\n- name: generated\n  literals: [B=2]\n',
      'apps/prod/gen/ignored.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-listed\n',
    });
    try {
      const snap = await loadSnapshot(t.tree);
      const app = snap.apps.find((a) => a.id === 'Kustomization/flux-system/apps')!;
      expect(app).toMatchObject({ kind: 'Kustomization', path: 'apps/prod', namespace: 'web', syncPolicy: { interval: '10m', prune: true }, renderer: 'directory', objects: 3 });
      // A subdirectory with a kustomization is built as such: its generator runs, unlisted files stay out.
      expect(snap.objects.filter((o) => o.name.startsWith('generated-'))).toEqual([expect.objectContaining({ namespace: 'web', app: app.id })]);
      expect(snap.apps.map((a) => a.id)).toEqual(['Kustomization/flux-system/apps']);
      expect(snap.objects.find((o) => o.name === 'not-listed')).toBeUndefined();
      const d = snap.objects.find((o) => o.kind === 'Deployment')!;
      expect(d.namespace).toBe('web');
      expect(d.app).toBe(app.id);
      expect(d.locate(['metadata', 'namespace'])).toEqual({ file: 'clusters/prod/apps.yaml', line: 10 });
      expect(d.rangeOf(['metadata', 'namespace'])).toBeUndefined();
      expect(d.body.spec.template.spec.containers[0].env).toEqual([
        { name: 'DOMAIN', value: 'prod.example.com' },
        { name: 'REGION', value: 'eu-west-1' },
      ]);
      // The app's files are not loaded a second time as plain files.
      expect(snap.objects.filter((o) => o.name === 'web-config')).toHaveLength(1);
      expect(snap.objects.find((o) => o.name === 'web-config')!.namespace).toBe('web');
      expect(app.inputs).toEqual(expect.arrayContaining(['clusters/prod/apps.yaml', 'apps/prod/deploy.yaml', 'apps/prod/nested/cm.yaml']));
    } finally {
      t.cleanup();
    }
  });

  test('ArgoCD ApplicationSet (git directories) and an app-of-apps; destination namespace only where none is set', async () => {
    const t = writeTree({
      'argocd/root.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: root
  namespace: argocd
spec:
  source:
    repoURL: https://example.com/repo.git
    path: argocd/apps
  destination:
    namespace: argocd
`,
      'argocd/apps/set.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: services
  namespace: argocd
spec:
  generators:
    - git:
        repoURL: https://example.com/repo.git
        directories:
          - path: services/*
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      source:
        repoURL: https://example.com/repo.git
        path: '{{path}}'
      destination:
        namespace: '{{path.basename}}'
      syncPolicy:
        automated: {}
`,
      'services/a/kustomization.yaml': 'resources:\n- deploy.yaml\n',
      'services/a/deploy.yaml': deploy('a'),
      'services/b/deploy.yaml': deploy('b').replace('  name: b', '  name: b\n  namespace: fixed'),
    });
    try {
      const snap = await loadSnapshot(t.tree);
      const ids = snap.apps.map((a) => a.id).sort();
      expect(ids).toEqual(['Application/argocd/root', 'ApplicationSet/argocd/services/a', 'ApplicationSet/argocd/services/b']);
      const a = snap.objects.find((o) => o.name === 'a')!;
      const b = snap.objects.find((o) => o.name === 'b')!;
      expect(a.namespace).toBe('a');
      expect(b.namespace).toBe('fixed');
      expect(snap.apps.find((x) => x.id.endsWith('/a'))).toMatchObject({ renderer: 'kustomize', syncPolicy: { automated: {} } });
      // The ApplicationSet itself is an object the root app applies.
      expect(snap.objects.find((o) => o.kind === 'ApplicationSet')!.app).toBe('Application/argocd/root');
      expect(snap.apps.find((x) => x.id === 'Application/argocd/root')!.inputs).toContain('argocd/apps/set.yaml');
    } finally {
      t.cleanup();
    }
  });

  test('remote charts and HelmRepository charts are skipped with a reason, never fetched', async () => {
    const t = writeTree({
      'apps/redis.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: redis
  namespace: argocd
spec:
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 18.0.0
  destination:
    namespace: redis
`,
      'apps/podinfo.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      sourceRef:
        kind: HelmRepository
        name: podinfo
  driftDetection:
    mode: enabled
`,
    });
    try {
      const snap = await loadSnapshot(t.tree);
      // A pinned remote chart: not fetched without --fetch-charts, saying so (test/render/helm-fetch.test.ts fetches).
      expect(snap.apps.find((a) => a.id === 'Application/argocd/redis')!.skipped).toBe(
        "chart 'redis' 18.0.0 from https://charts.bitnami.com/bitnami is a remote chart and remote charts were not fetched (run with --fetch-charts, or the Action input fetch-charts: true, to fetch and render it)",
      );
      const hr = snap.apps.find((a) => a.id === 'HelmRelease/podinfo/podinfo')!;
      expect(hr.skipped).toBe("chart 'podinfo' from HelmRepository/podinfo/podinfo: that HelmRepository is not in this repository, so the chart cannot be located");
      expect(hr.syncPolicy).toEqual({ driftDetection: { mode: 'enabled' } });
      expect(snap.skipped.map((s) => s.file).sort()).toEqual(['apps/podinfo.yaml', 'apps/redis.yaml']);
    } finally {
      t.cleanup();
    }
  });
});

test('ArgoCD kustomize overrides (images, namePrefix) are applied, pointing at the Application', async () => {
  const t = writeTree({
    'base/kustomization.yaml': 'resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\n',
    'base/deploy.yaml': deploy('web').replace('          env:', '          envFrom:\n            - configMapRef:\n                name: cfg\n          env:'),
    'argocd/web.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  source:
    repoURL: https://example.com/repo.git
    path: base
    kustomize:
      namePrefix: prod-
      images:
        - app=registry.example.com/app:2.0.0
      forceCommonLabels: true
  destination:
    namespace: prod
`,
  });
  try {
    const snap = await loadSnapshot(t.tree);
    const app = snap.apps.find((a) => a.id === 'Application/argocd/web')!;
    expect(app.notes).toEqual(['ArgoCD kustomize options not applied: forceCommonLabels']);
    expect(app.inputs).not.toEqual(expect.arrayContaining([expect.stringContaining('.keydrift-argocd')]));
    const d = snap.objects.find((o) => o.kind === 'Deployment')!;
    expect(d.name).toBe('prod-web');
    expect(d.namespace).toBe('prod');
    const c = d.body.spec.template.spec.containers[0];
    expect(c.image).toBe('registry.example.com/app:2.0.0');
    expect(c.envFrom[0].configMapRef.name).toMatch(/^prod-cfg-[a-z0-9]{10}$/);
    expect(d.locate(['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ file: 'argocd/web.yaml', line: 10 });
    expect(d.file).toBe('base/deploy.yaml');
  } finally {
    t.cleanup();
  }
});

test('Flux Kustomization images and patches apply over the path', async () => {
  const t = writeTree({
    'app/kustomization.yaml': 'resources:\n- deploy.yaml\n',
    'app/deploy.yaml': deploy('web'),
    'flux/web.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  path: ./app
  targetNamespace: web
  sourceRef: {kind: GitRepository, name: flux-system}
  images:
    - name: app
      newTag: "9"
  patches:
    - target: {kind: Deployment, name: web}
      patch: |
        - op: add
          path: /spec/template/spec/containers/0/env/-
          value: {name: EXTRA, value: "1"}
`,
  });
  try {
    const snap = await loadSnapshot(t.tree);
    const d = snap.objects.find((o) => o.kind === 'Deployment')!;
    const c = d.body.spec.template.spec.containers[0];
    expect(c.image).toBe('app:9');
    expect(c.env.map((e: any) => e.name)).toEqual(['DOMAIN', 'REGION', 'EXTRA']);
    expect(d.namespace).toBe('web');
    expect(d.locate(['spec', 'template', 'spec', 'containers', 0, 'image']).file).toBe('flux/web.yaml');
  } finally {
    t.cleanup();
  }
});

describe('the incident as an ArgoCD Application over a Helm chart', () => {
  // A real helm: on PATH, else helm v4 from the kubectl layer devDependency (test/support/kube-tools.ts).
  const extracted = findHelm() ? undefined : kubeTools().helm;
  const helm = findHelm() ?? extracted;
  const root = path.resolve('test/fixtures/render/incident');
  (helm ? test : test.skip)(`renders the chart with a real helm template${helm ? '' : ` (skipped: no helm: ${kubeTools().why})`}`, async () => {
    const oldPath = process.env.PATH;
    if (extracted) process.env.PATH = `${path.dirname(extracted)}${path.delimiter}${oldPath}`;
    let snap;
    try {
      snap = await loadSnapshot(new DirTree(root));
    } finally {
      process.env.PATH = oldPath;
    }
    const app = snap.apps.find((a) => a.id === 'Application/argocd/user-auth-helm')!;
    expect(app.skipped).toBeUndefined();
    const d = snap.objects.find((o) => o.kind === 'Deployment' && o.app === app.id)!;
    expect(d.namespace).toBe('prod-helm');
    expect(d.body.spec.template.spec.containers[0].image).toBe('ghcr.io/example/user-auth:3.14.0');
    const cm = snap.objects.find((o) => o.kind === 'ConfigMap' && o.app === app.id)!;
    expect(cm.body.data).toEqual({ REDIS_HOST: 'redis.prod.svc.cluster.local', REDIS_PORT: '6379' });
    expect(cm.file).toBe('charts/user-auth/templates/configmap.yaml');
  });

  test('without helm the app is listed as skipped with the reason, and its templates are not read as YAML', async () => {
    const snap = await loadSnapshot(new DirTree(root), { helm: false });
    const app = snap.apps.find((a) => a.id === 'Application/argocd/user-auth-helm')!;
    expect(app.skipped).toMatch(/`helm` is not on PATH/);
    expect(app.inputs).toEqual(expect.arrayContaining(['charts/user-auth/values-prod.yaml', 'charts/user-auth/templates/deployment.yaml']));
    expect(snap.objects.some((o) => o.file.startsWith('charts/'))).toBe(false);
    expect(snap.problems).toEqual([]);
  });
});
