/**
 * An RBAC-limited identity, as a real API server enforces it (the fake grants exactly the
 * rules given, as Role/ClusterRole bindings would): a read keydrift cannot do without is
 * exit 2 with one line naming the resource as the server does (`deployments.apps`,
 * `configmaps`) and quoting its words; a read it can do without is a skip reason.
 */
import { startFakeApiServer, type FakeApiServer, type RbacRule } from '../../src/testing/fake-apiserver.js';
import { runCli } from '../helpers/cli.js';
import { argoApp, gitRepo, liveConfigMap, rm, USER_AUTH_CM } from './helpers.js';

const SA = 'system:serviceaccount:keydrift:reader';
const LIVE = liveConfigMap({ data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' }, patched: ['REDIS_URL'] });
const DEPLOY = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'user-auth', namespace: 'prod' },
  spec: { selector: { matchLabels: { app: 'user-auth' } }, template: { metadata: { labels: { app: 'user-auth' } }, spec: { containers: [{ name: 'user-auth', image: 'user-auth:3.14.0', envFrom: [{ configMapRef: { name: 'user-auth-config' } }] }] } } },
};
const read = (apiGroups: string[], resources: string[], namespaces?: string[]): RbacRule => ({ verbs: ['get', 'list'], apiGroups, resources, ...(namespaces ? { namespaces } : {}) });

describe('RBAC-limited identity (CLI)', () => {
  let repo: string;
  const servers: FakeApiServer[] = [];
  const serve = async (rules: RbacRule[]) => {
    const s = await startFakeApiServer({ objects: [LIVE, DEPLOY, argoApp()], rules, user: SA });
    servers.push(s);
    return s;
  };
  beforeAll(() => {
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    rm(repo);
  });

  it('drift: may read neither ConfigMaps nor Secrets in the namespace asked → exit 2, one line naming them', async () => {
    const s = await serve([read(['apps'], ['deployments'], ['prod'])]);
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', s.writeKubeconfig(), '-n', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `keydrift: drift: nothing to compare: the cluster at ${s.url} (context fake) forbids reading configmaps and secrets in namespace prod (403 Forbidden: configmaps is forbidden: User "${SA}" cannot list resource "configmaps" in API group "" in the namespace "prod")\n`,
    );
  });

  it('explain: may not read Deployments → exit 2 naming deployments.apps, not "not found"', async () => {
    const s = await serve([read([''], ['configmaps', 'secrets', 'pods', 'events'], ['prod'])]);
    const r = await runCli(['explain', 'Deployment/prod/user-auth', '--kubeconfig', s.writeKubeconfig()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `keydrift: explain: cannot look for Deployment/prod/user-auth: the cluster at ${s.url} (context fake) forbids reading deployments.apps in namespace prod (403 Forbidden: deployments.apps is forbidden: User "${SA}" cannot list resource "deployments" in API group "apps" in the namespace "prod")\n`,
    );
  });

  it('a Role for what drift needs in prod (Applications cluster-wide refused): the report, with skip reasons naming each resource', async () => {
    const s = await serve([read(['', 'apps', 'batch'], ['configmaps', 'secrets', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'], ['prod']), read(['argoproj.io'], ['applications'], ['argocd'])]);
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', s.writeKubeconfig(), '-n', 'prod', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    // The Application was found in argocd (the Role there), so the owner is known.
    expect(j.findings.map((f: any) => [f.check, f.key, f.details.app])).toEqual([['live-only-key', 'REDIS_URL', 'ArgoCD app argocd/user-auth']]);
    expect(j.skipped).toContainEqual(expect.objectContaining({ what: 'ArgoCD Applications (live)', reason: `forbidden: applications.argoproj.io is forbidden: User "${SA}" cannot list resource "applications" in API group "argoproj.io" at the cluster scope` }));
  });

  it('discovery refused (no system:discovery): exit 2, one line', async () => {
    const s = await startFakeApiServer({ objects: [LIVE], faults: [{ path: /^\/api$/, status: 403, times: 1 }] });
    servers.push(s);
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', s.writeKubeconfig(), '-n', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^keydrift: the cluster at http:\/\/127\.0\.0\.1:\d+ forbids discovery \/api to these credentials \(403 Forbidden: /);
  });
});
