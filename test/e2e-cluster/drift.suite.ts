/**
 * End to end against a real cluster (kind, k3d, minikube…): skipped unless
 * KEYDRIFT_E2E_KUBECONFIG names a kubeconfig whose current context may create namespaces,
 * CRDs, ConfigMaps and Secrets. See README "Running the cluster end-to-end suite".
 *
 * Writes go through client-node the way kubectl and ArgoCD make them: server-side apply as
 * field manager `argocd-controller`, then a merge patch as field manager `kubectl-patch`
 * (what `kubectl patch` records) and `kubectl-edit`. Then `keydrift drift` reads it back.
 */
import { randomBytes } from 'node:crypto';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { runCli } from '../helpers/cli.js';
import { gitRepo, rm } from '../drift/helpers.js';

const KUBECONFIG = process.env.KEYDRIFT_E2E_KUBECONFIG;
const maybe = KUBECONFIG ? describe : describe.skip;

const NS = `keydrift-e2e-${randomBytes(3).toString('hex')}`;
const GIT_TOKEN = 'e2e-git-Vq3nW8-token';
const LIVE_TOKEN = 'e2e-live-Rk5mZ2-token';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const CM = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'user-auth-config', namespace: NS, labels: { 'app.kubernetes.io/instance': 'user-auth' } },
  data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' },
};
const SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { name: 'user-auth-secrets', namespace: NS, labels: { 'app.kubernetes.io/instance': 'user-auth' } },
  data: { API_TOKEN: b64(GIT_TOKEN) },
};
const APP_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'applications.argoproj.io' },
  spec: {
    group: 'argoproj.io',
    names: { kind: 'Application', plural: 'applications', singular: 'application', listKind: 'ApplicationList' },
    scope: 'Namespaced',
    versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const APP = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'user-auth', namespace: NS },
  spec: {
    project: 'default',
    source: { repoURL: 'https://git.example.invalid/gitops.git', path: 'apps/user-auth', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc', namespace: NS },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
};

const yamlOf = (o: typeof CM | typeof SECRET) =>
  `apiVersion: v1\nkind: ${o.kind}\nmetadata:\n  name: ${o.metadata.name}\n  namespace: ${NS}\n${'type' in o ? `type: ${o.type}\n` : ''}data:\n${Object.entries(o.data)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n')}\n`;

maybe('keydrift drift against a real cluster', () => {
  let api: KubernetesObjectApi;
  let repo: string;
  const apply = (o: object, manager: string) => api.patch(o as any, undefined, undefined, manager, true, PatchStrategy.ServerSideApply);
  const mergePatch = (o: object, manager: string) => api.patch(o as any, undefined, undefined, manager, undefined, PatchStrategy.MergePatch);

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(KUBECONFIG!);
    api = KubernetesObjectApi.makeApiClient(kc);
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as any);
    try {
      await apply(APP_CRD, 'keydrift-e2e');
    } catch {
      // Already installed (ArgoCD present) or not allowed: the Application create below tells.
    }
    // Wait for the CRD to be served.
    for (let i = 0; ; i++) {
      try {
        await apply(APP, 'keydrift-e2e');
        break;
      } catch (e) {
        if (i > 30) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await apply(CM, 'argocd-controller');
    await apply(SECRET, 'argocd-controller');
    // The incident: kubectl patch configmap user-auth-config -p '{"data":{"REDIS_URL":…}}'
    await mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CM.metadata.name, namespace: NS }, data: { REDIS_URL: 'redis://redis.prod.svc:6379/0' } }, 'kubectl-patch');
    await mergePatch({ apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET.metadata.name, namespace: NS }, data: { API_TOKEN: b64(LIVE_TOKEN) } }, 'kubectl-edit');
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': yamlOf(CM), 'apps/user-auth/secret.yaml': yamlOf(SECRET) });
  }, 60000);

  afterAll(async () => {
    if (repo) rm(repo);
    await api?.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as any).catch(() => undefined);
  });

  it('reports who patched REDIS_URL, its fate and the patch; the Secret only as changed', async () => {
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', KUBECONFIG!, '--namespace', NS, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    const byKey = Object.fromEntries(j.findings.map((f: any) => [f.key, f]));
    expect(byKey.REDIS_URL).toMatchObject({ check: 'live-only-key', details: { manager: 'kubectl-patch', operation: 'Update', managerClass: 'manual', app: `ArgoCD app ${NS}/user-auth` } });
    expect(byKey.REDIS_URL.details.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byKey.REDIS_URL.message).toContain('does not see it');
    expect(byKey.REDIS_URL.patch).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');
    expect(byKey.API_TOKEN).toMatchObject({ check: 'will-be-reverted', details: { manager: 'kubectl-edit', secret: true } });
    const text = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', KUBECONFIG!, '--namespace', NS]);
    for (const out of [r.stdout, text.stdout]) for (const v of [GIT_TOKEN, LIVE_TOKEN, b64(GIT_TOKEN), b64(LIVE_TOKEN)]) expect(out).not.toContain(v);
  }, 60000);
});
