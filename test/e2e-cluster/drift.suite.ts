/**
 * End to end against a real API server (kind, k3d, minikube, a shared cluster…), given by
 * KEYDRIFT_E2E_KUBECONFIG and KEYDRIFT_E2E_CONTEXT (see guard.ts and the README, "Running the
 * cluster end-to-end suite"). It never modifies anything it did not create:
 *
 * - everything it writes lives in a namespace it creates, unique per run (a name clash is a
 *   failure, never a reuse), deleted at the end;
 * - ArgoCD's Application CRD is used as it is when present; when absent, the suite creates a
 *   minimal one (raw JSON: `x-kubernetes-preserve-unknown-fields` kept) and deletes it at the end;
 * - server-side apply is never forced, and is only ever sent for objects of its own namespace;
 * - the last test lists namespaces, CRDs, ConfigMaps, Secrets and Applications before and after
 *   and asserts they are the same.
 *
 * The writes are the requests kubectl and ArgoCD make, with their field managers: server-side
 * apply by `argocd-controller`, `kubectl patch` (merge and strategic), `kubectl edit`, and a
 * `kubectl replace` of a file that carries the last-applied-configuration annotation.
 */
import { randomBytes } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { gitRepo, rm } from '../drift/helpers.js';
import { collection, RawKube } from './raw.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CRD_NAME = 'applications.argoproj.io';
const CRD_PATH = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The minimal Application CRD, created only when the cluster has none. */
export const MINIMAL_APP_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME, labels: { 'app.kubernetes.io/managed-by': 'keydrift-e2e' } },
  spec: {
    group: 'argoproj.io',
    names: { kind: 'Application', plural: 'applications', singular: 'application', listKind: 'ApplicationList', shortNames: ['app', 'apps'] },
    scope: 'Namespaced',
    versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

/** What the suite compares before and after: every object of these kinds, by uid and resourceVersion (a leader-election lock by uid only). */
async function inventory(k: RawKube): Promise<string[]> {
  const out: string[] = [];
  const add = async (apiVersion: string, plural: string) => {
    let cont = '';
    for (;;) {
      const r = await k.request('GET', `${collection(apiVersion, plural)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      if (r.status === 404) return; // not served
      if (r.status !== 200) throw new Error(`list ${plural}: HTTP ${r.status}: ${r.body?.message}`);
      for (const o of r.body.items ?? []) {
        // A leader-election lock (older controllers keep it in a ConfigMap) changes by itself every few seconds.
        const moving = o.metadata.annotations?.['control-plane.alpha.kubernetes.io/leader'] !== undefined;
        out.push(`${plural}/${o.metadata.namespace ?? '-'}/${o.metadata.name} uid=${o.metadata.uid}${moving ? '' : ` rv=${o.metadata.resourceVersion}`}`);
      }
      cont = r.body.metadata?.continue ?? '';
      if (!cont) return;
    }
  };
  await add('v1', 'namespaces');
  await add('apiextensions.k8s.io/v1', 'customresourcedefinitions');
  await add('v1', 'configmaps');
  await add('v1', 'secrets');
  await add('argoproj.io/v1alpha1', 'applications');
  return out.sort();
}

async function waitGone(k: RawKube, path: string, what: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const r = await k.request('GET', path);
    if (r.status === 404) return;
    await sleep(500);
  }
  throw new Error(`${what} was not gone after 120 s`);
}

/**
 * Define the suite against the target `target()` returns (read when the suite starts, so a
 * test file can start a server first). `label` names the variant in the test names.
 */
export function e2eSuite(label: string, target: () => { kubeconfig: string; context: string } | { skip: string }): void {
  const t0 = target();
  const maybe = 'skip' in t0 ? describe.skip : describe;
  maybe(`keydrift drift against a real API server (${label})`, () => {
    const RUN = randomBytes(4).toString('hex');
    const NS = `keydrift-e2e-${RUN}`;
    const APP = `user-auth-${RUN}`;
    const GIT_TOKEN = `e2e-git-${RUN}-Vq3nW8`;
    const LIVE_TOKEN = `e2e-live-${RUN}-Rk5mZ2`;
    const labels = { 'app.kubernetes.io/instance': APP };
    let k: RawKube;
    let kubeconfig = '';
    let context = '';
    let repo = '';
    let before: string[] = [];
    let createdCrd = false;
    let createdNs = false;
    let cleaned = false;

    const CM = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: NS, labels }, data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' } };
    const FLAGS = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'feature-flags', namespace: NS, labels }, data: { NEW_LOGIN: 'false' } };
    const SECRET = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'user-auth-secrets', namespace: NS, labels }, data: { API_TOKEN: b64(GIT_TOKEN) } };
    const OLD = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config-old', namespace: NS, labels }, data: { REDIS_HOST: 'redis.old.svc' } };
    const cmPath = (name: string) => `${collection('v1', 'configmaps', NS)}/${name}`;
    const ssa = (path: string, o: object, manager: string) => k.must('PATCH', `${path}?fieldManager=${manager}`, o, 'application/apply-patch+yaml');

    const cleanup = async () => {
      if (cleaned || !k) return;
      cleaned = true;
      if (createdNs) {
        await k.must('DELETE', `/api/v1/namespaces/${NS}`, undefined, undefined, [200, 202, 404]);
        await waitGone(k, `/api/v1/namespaces/${NS}`, `namespace ${NS}`);
      }
      if (createdCrd) {
        await k.must('DELETE', `${CRD_PATH}/${CRD_NAME}`, undefined, undefined, [200, 202, 404]);
        await waitGone(k, `${CRD_PATH}/${CRD_NAME}`, `CRD ${CRD_NAME}`);
      }
    };

    beforeAll(async () => {
      const t = target();
      if ('skip' in t) throw new Error(t.skip);
      ({ kubeconfig, context } = t);
      k = new RawKube(kubeconfig, context);
      before = await inventory(k);

      // The namespace: ours alone. A clash is a failure, never a reuse.
      await k.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'app.kubernetes.io/managed-by': 'keydrift-e2e' } } });
      createdNs = true;

      // ArgoCD's Application CRD: as it is when present, else a minimal one of ours.
      const crd = await k.request('GET', `${CRD_PATH}/${CRD_NAME}`);
      if (crd.status === 404) {
        const r = await k.request('POST', CRD_PATH, MINIMAL_APP_CRD);
        if (r.status === 201 || r.status === 200) createdCrd = true;
        else if (r.status !== 409) throw new Error(`creating CRD ${CRD_NAME}: HTTP ${r.status}: ${r.body?.message}`);
      } else if (crd.status !== 200) throw new Error(`reading CRD ${CRD_NAME}: HTTP ${crd.status}: ${crd.body?.message}`);
      // Wait until Applications are served.
      for (let i = 0; ; i++) {
        const r = await k.request('GET', collection('argoproj.io/v1alpha1', 'applications', NS));
        if (r.status === 200) break;
        if (i > 120) throw new Error(`Applications are not served after 60 s (HTTP ${r.status})`);
        await sleep(500);
      }

      const synced = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const source = { repoURL: 'https://git.example.invalid/gitops.git', path: 'apps/user-auth', targetRevision: 'main' };
      await k.must('POST', collection('argoproj.io/v1alpha1', 'applications', NS), {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: APP, namespace: NS },
        spec: { project: 'default', source, destination: { server: 'https://kubernetes.default.svc', namespace: NS }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
        status: {
          sync: { status: 'Synced', revision: '0123456789abcdef0123456789abcdef01234567' },
          operationState: { operation: { sync: { revision: '0123456789abcdef0123456789abcdef01234567' } }, phase: 'Succeeded', startedAt: synced, finishedAt: synced, syncResult: { revision: '0123456789abcdef0123456789abcdef01234567' } },
          history: [{ id: 1, revision: '0123456789abcdef0123456789abcdef01234567', deployedAt: synced, deployStartedAt: synced, source }],
        },
      });

      // What ArgoCD applied (server-side apply, never forced: the objects are new).
      await ssa(cmPath(CM.metadata.name), CM, 'argocd-controller');
      await ssa(cmPath(FLAGS.metadata.name), FLAGS, 'argocd-controller');
      await ssa(cmPath(OLD.metadata.name), OLD, 'argocd-controller');
      await ssa(`${collection('v1', 'secrets', NS)}/${SECRET.metadata.name}`, SECRET, 'argocd-controller');
      // The incident. managedFields times have a resolution of one second: keep the writes apart.
      await sleep(1100);
      // kubectl patch configmap user-auth-config --type merge -p '{"data":{"REDIS_URL":…}}'
      await k.must('PATCH', `${cmPath(CM.metadata.name)}?fieldManager=kubectl-patch`, { data: { REDIS_URL: 'redis://redis.prod.svc:6379/0' } }, 'application/merge-patch+json');
      await sleep(1100);
      // kubectl patch configmap user-auth-config -p '{"data":{"LOG_LEVEL":"debug"}}' (strategic, kubectl's default)
      await k.must('PATCH', `${cmPath(CM.metadata.name)}?fieldManager=kubectl-patch`, { data: { LOG_LEVEL: 'debug' } }, 'application/strategic-merge-patch+json');
      // kubectl edit secret user-auth-secrets (a strategic merge patch of what changed)
      await k.must('PATCH', `${collection('v1', 'secrets', NS)}/${SECRET.metadata.name}?fieldManager=kubectl-edit`, { data: { API_TOKEN: b64(LIVE_TOKEN) } }, 'application/strategic-merge-patch+json');
      // kubectl replace -f flags.yaml, where the file (from an old `kubectl get -o yaml`) carries the
      // last-applied annotation: kubectl rewrites it with the new content, NEW_FLAG included.
      const cur = await k.must('GET', cmPath(FLAGS.metadata.name));
      const replaced = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: FLAGS.metadata.name, namespace: NS, labels, resourceVersion: cur.metadata.resourceVersion }, data: { NEW_LOGIN: 'false', NEW_FLAG: 'on' } };
      const annotation = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: FLAGS.metadata.name, namespace: NS, labels, annotations: {} }, data: replaced.data });
      await k.must('PUT', `${cmPath(FLAGS.metadata.name)}?fieldManager=kubectl-replace`, { ...replaced, metadata: { ...replaced.metadata, annotations: { [LAST_APPLIED]: annotation } } });

      const yaml = (o: { kind: string; metadata: { name: string }; data: Record<string, string>; type?: string }) =>
        `apiVersion: v1\nkind: ${o.kind}\nmetadata:\n  name: ${o.metadata.name}\n  namespace: ${NS}\n${o.type ? `type: ${o.type}\n` : ''}data:\n${Object.entries(o.data)
          .map(([key, v]) => `  ${key}: ${JSON.stringify(v)}`)
          .join('\n')}\n`;
      repo = gitRepo({ 'apps/user-auth/configmap.yaml': yaml(CM), 'apps/user-auth/flags.yaml': yaml(FLAGS), 'apps/user-auth/secret.yaml': yaml(SECRET) });
    }, 240_000);

    afterAll(async () => {
      if (repo) rm(repo);
      await cleanup();
    }, 240_000);

    it('reports who, what is known of when, each fate, and patches — never a Secret value', async () => {
      const args = ['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', kubeconfig, '--context', context, '--namespace', NS];
      const r = await runCli([...args, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout);
      const by = (key: string, object?: string) => j.findings.find((f: any) => f.key === key && (!object || f.details?.object?.endsWith(`/${object}`)));
      const live = await k.must('GET', cmPath(CM.metadata.name));
      const patchTime = live.metadata.managedFields.find((m: any) => m.manager === 'kubectl-patch').time;
      const app = `ArgoCD app ${NS}/${APP}`;

      const url = by('REDIS_URL');
      expect(url).toMatchObject({ check: 'live-only-key', details: { manager: 'kubectl-patch', operation: 'Update', managerClass: 'manual', app, time: patchTime } });
      // The manager's last write (the LOG_LEVEL patch), not a time of REDIS_URL's own.
      expect(url.message).toContain(`kubectl-patch (Update) owns it; its last write to this object was at ${patchTime}`);
      const appBody = await k.must('GET', `${collection('argoproj.io/v1alpha1', 'applications', NS)}/${APP}`);
      if (appBody.status?.operationState?.finishedAt) expect(url.message).toContain(`after the last sync of ${app}`);
      expect(url.message).toContain('does not see it');
      expect(url.patch).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');

      expect(by('LOG_LEVEL')).toMatchObject({ check: 'will-be-reverted', details: { manager: 'kubectl-patch', time: patchTime } });
      const token = by('API_TOKEN');
      expect(token).toMatchObject({ check: 'will-be-reverted', details: { manager: 'kubectl-edit', secret: true } });
      expect(token.patch).toContain('+  API_TOKEN: <base64 of the value from your secret store>');

      const flag = by('NEW_FLAG');
      expect(flag).toMatchObject({ check: 'fix-will-be-lost', details: { manager: 'kubectl-replace' } });
      expect(flag.message).toContain('kubectl replace (field manager kubectl-replace) wrote it into the last-applied-configuration annotation');
      expect(flag.message).not.toContain('kubectl apply recorded');

      const old = j.findings.find((f: any) => f.check === 'live-only-object');
      expect(old).toMatchObject({ details: { object: `ConfigMap/${NS}/user-auth-config-old`, fate: { outcome: 'lost' } } });
      expect(old.message).toContain('pruned at the next sync');

      const text = await runCli(args);
      expect(text.stdout).toContain('ordered by');
      for (const out of [r.stdout, text.stdout, r.stderr, text.stderr]) for (const v of [GIT_TOKEN, LIVE_TOKEN, b64(GIT_TOKEN), b64(LIVE_TOKEN)]) expect(out).not.toContain(v);
    }, 120_000);

    it('leaves the cluster exactly as it found it (lists before and after)', async () => {
      await cleanup();
      expect(await inventory(k)).toEqual(before);
    }, 240_000);
  });
}
