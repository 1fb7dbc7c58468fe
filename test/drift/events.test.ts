/**
 * ArgoCD's Events name who synced and when, where the Application's status.history does not:
 * Events as ArgoCD's AuditLogger writes them (core/v1, in the Application's namespace, about
 * the Application, annotation `user`), read through events.k8s.io/v1 where served, else
 * core/v1 — each with its own field selector, as the real server requires. Events expire
 * after an hour: none, or none readable, is never an error.
 */
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from '../../src/testing/fake-apiserver.js';
import { RawKube, collection } from '../e2e-cluster/raw.js';
import { runCli } from '../helpers/cli.js';
import { argoApp, gitRepo, rm, USER_AUTH_CM } from './helpers.js';

const REV = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const cmPath = `${collection('v1', 'configmaps', 'prod')}/user-auth-config`;
const T = (t: string) => `2026-11-20T${t}Z`;

/** One audit Event, as util/argo/audit_logger.go makes it. */
const auditEvent = (reason: string, message: string, time: string, component: string, user?: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `user-auth.${Date.parse(time).toString(16)}${reason.length}`, namespace: 'argocd', annotations: { 'dest-server': 'https://kubernetes.default.svc', 'dest-namespace': 'prod', ...(user ? { user } : {}) } },
  involvedObject: { kind: 'Application', name: 'user-auth', namespace: 'argocd', apiVersion: 'argoproj.io/v1alpha1', uid: '00000000-0000-4000-8000-0000000000aa', resourceVersion: '1' },
  source: { component },
  firstTimestamp: time,
  lastTimestamp: time,
  count: 1,
  type: 'Normal',
  reason,
  message,
});

/** ArgoCD applies git's ConfigMap at 13:00:00 (a sync from 12:59:58 to 13:00:03); kubectl edit changes LOG_LEVEL at 13:30. */
async function cluster(opts: { history?: unknown[]; events?: Record<string, any>[]; fake?: FakeApiServerOptions }): Promise<FakeApiServer> {
  let now = new Date(T('13:00:00'));
  const srv = await startFakeApiServer({ ...opts.fake, clock: () => now, crds: ['argocd'] });
  const k = new RawKube(srv.writeKubeconfig({ context: 'setup' }), 'setup');
  for (const ns of ['prod', 'argocd']) await k.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const git = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod', labels: { 'app.kubernetes.io/instance': 'user-auth' } }, data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' } };
  await k.must('PATCH', `${cmPath}?fieldManager=argocd-controller`, git, 'application/apply-patch+yaml');
  now = new Date(T('13:30:00'));
  await k.must('PATCH', `${cmPath}?fieldManager=kubectl-edit`, { data: { LOG_LEVEL: 'debug' } }, 'application/strategic-merge-patch+json');
  for (const e of opts.events ?? []) await k.must('POST', collection('v1', 'events', 'argocd'), e);
  const app = argoApp({ automated: false }) as any;
  if (opts.history) app.status.history = opts.history;
  srv.put(app);
  return srv;
}

const STARTED_BY_ADMIN = auditEvent('OperationStarted', 'admin initiated sync to main (bbbbbbb)', T('12:59:57'), 'argocd-server', 'admin');
const STARTED_AUTO = auditEvent('OperationStarted', `Initiated automated sync to '${REV}'`, T('12:59:58'), 'argocd-application-controller');
const COMPLETED = auditEvent('OperationCompleted', `Sync operation to ${REV} succeeded`, T('13:00:03'), 'argocd-application-controller');
const OLD_HISTORY = [{ id: 2, revision: REV, deployStartedAt: T('12:59:58'), deployedAt: T('13:00:03') }]; // no initiatedBy (older ArgoCD)

describe("ArgoCD's Events in the drift report", () => {
  let repo: string;
  const servers: FakeApiServer[] = [];
  const drift = async (srv: FakeApiServer) => {
    servers.push(srv);
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', srv.writeKubeconfig(), '-n', 'prod', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    return { j, f: j.findings.find((x: any) => x.key === 'LOG_LEVEL') };
  };
  beforeAll(() => {
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    rm(repo);
  });

  it('history without initiatedBy: the OperationStarted Event names the user (read via events.k8s.io/v1, regarding.kind)', async () => {
    const srv = await cluster({ history: OLD_HISTORY, events: [STARTED_BY_ADMIN, COMPLETED] });
    const { f } = await drift(srv);
    expect(f.message).toContain(`kubectl-edit (Update) owns it; its last write to this object was at ${T('13:30:00')}, after sync 2 (revision bbbbbbb, started ${T('12:59:58')}, deployed ${T('13:00:03')}, by admin (from its Event)) of ArgoCD app argocd/user-auth`);
    expect(f.details.history.deployedBy).toMatchObject({ id: 2, initiatedBy: { username: 'admin' }, initiatedFrom: 'event', recordedIn: 'history' });
    expect(srv.requests.find((r) => r.resource === 'events' && r.method === 'GET')).toMatchObject({ path: '/apis/events.k8s.io/v1/namespaces/argocd/events', query: { fieldSelector: 'regarding.kind=Application' }, status: 200 });
  });

  it('no status.history at all, a server without events.k8s.io: the syncs come from core/v1 Events (involvedObject.kind)', async () => {
    const srv = await cluster({ events: [STARTED_AUTO, COMPLETED], fake: { omitGroups: ['events.k8s.io'] } });
    const { f } = await drift(srv);
    expect(f.message).toContain(`after sync (revision bbbbbbb, started ${T('12:59:58')}, deployed ${T('13:00:03')}, automated (from its Event), from the app's Events) of ArgoCD app argocd/user-auth, the last sync that wrote git's state of this object (argocd-controller at ${T('13:00:00')}): an out-of-band edit since that sync`);
    expect(srv.requests.find((r) => r.resource === 'events' && r.method === 'GET')).toMatchObject({ path: '/api/v1/namespaces/argocd/events', query: { fieldSelector: 'involvedObject.kind=Application' }, status: 200 });
  });

  it('Events expired (none): no error, nothing claimed of who synced', async () => {
    const srv = await cluster({ history: OLD_HISTORY });
    const { j, f } = await drift(srv);
    expect(f.message).toContain(`after sync 2 (revision bbbbbbb, started ${T('12:59:58')}, deployed ${T('13:00:03')}) of ArgoCD app argocd/user-auth`);
    expect(f.message).not.toMatch(/ by \w|automated \(/);
    expect(j.skipped.filter((s: any) => /Events/.test(s.what))).toEqual([]);
  });

  it('Events forbidden: a skip reason, the report as without them', async () => {
    const srv = await cluster({ history: OLD_HISTORY, events: [STARTED_BY_ADMIN], fake: { forbid: [{ resource: 'events' }] } });
    const { j, f } = await drift(srv);
    expect(f.message).not.toContain('by admin');
    expect(j.skipped).toContainEqual(expect.objectContaining({ what: "Events in namespace argocd (ArgoCD's record of who synced, live)", reason: expect.stringMatching(/^forbidden: events\.events\.k8s\.io is forbidden: User ".*" cannot list resource "events" in API group "events\.k8s\.io" in the namespace "argocd"; who synced is taken from the Applications' status\.history only$/) }));
  });
});
