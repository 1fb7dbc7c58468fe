/**
 * "Who and when" from the Application's whole sync history: the sync that last deployed git's
 * state of the object is the one whose run covers ArgoCD's last write (managedFields time of
 * argocd-controller); a manual owner's later write is an out-of-band edit since that sync, and
 * syncs after it that did not write the object left it in place. The live side is written to
 * the fake API server with the requests kubectl makes (field managers as kubectl names them),
 * on a server clock the test sets.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { RawKube, collection } from '../e2e-cluster/raw.js';
import { runCli } from '../helpers/cli.js';
import { argoApp, gitRepo, rm, USER_AUTH_CM } from './helpers.js';

const LA = 'kubectl.kubernetes.io/last-applied-configuration';
const REPO_URL = 'https://git.example.com/gitops.git';
const REV = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const cmPath = `${collection('v1', 'configmaps', 'prod')}/user-auth-config`;

describe('the sync history places each manual edit', () => {
  let srv: FakeApiServer;
  let repo: string;
  let kubeconfig: string;
  let now = new Date('2026-11-20T13:00:00Z');
  const at = (t: string) => void (now = new Date(`2026-11-20T${t}Z`));
  beforeAll(async () => {
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
    srv = await startFakeApiServer({ clock: () => now, crds: ['argocd'] });
    kubeconfig = srv.writeKubeconfig();
    const k = new RawKube(kubeconfig, 'fake');
    await k.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await k.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    // Sync 2 (12:59:58–13:00:03): ArgoCD's server-side apply of git's ConfigMap.
    at('13:00:00');
    const git = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod', labels: { 'app.kubernetes.io/instance': 'user-auth' } }, data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' } };
    await k.must('PATCH', `${cmPath}?fieldManager=argocd-controller`, git, 'application/apply-patch+yaml');
    // 13:20 client-side kubectl apply of a file with NEW_FLAG (a strategic patch with the annotation).
    at('13:20:00');
    await k.must('PATCH', `${cmPath}?fieldManager=kubectl-client-side-apply`, { metadata: { annotations: { [LA]: JSON.stringify({ ...git, data: { ...git.data, NEW_FLAG: 'on' } }) } }, data: { NEW_FLAG: 'on' } }, 'application/strategic-merge-patch+json');
    // Sync 3 (13:22:00–13:22:01) by alice: nothing to change (an added key is invisible): no write.
    // 13:30 kubectl edit of LOG_LEVEL; 13:35 kubectl patch adding REDIS_URL.
    at('13:30:00');
    await k.must('PATCH', `${cmPath}?fieldManager=kubectl-edit`, { data: { LOG_LEVEL: 'debug' } }, 'application/strategic-merge-patch+json');
    at('13:35:00');
    await k.must('PATCH', `${cmPath}?fieldManager=kubectl-patch`, { data: { REDIS_URL: 'redis://redis.prod.svc:6379/0' } }, 'application/merge-patch+json');
    const app = argoApp({ automated: false }) as any;
    app.status.history = [
      { id: 1, revision: 'a'.repeat(40), deployStartedAt: '2026-11-20T12:00:00Z', deployedAt: '2026-11-20T12:00:04Z', source: app.spec.source, initiatedBy: { automated: true } },
      { id: 2, revision: REV, deployStartedAt: '2026-11-20T12:59:58Z', deployedAt: '2026-11-20T13:00:03Z', source: app.spec.source, initiatedBy: { username: 'admin' } },
      { id: 3, revision: REV, deployStartedAt: '2026-11-20T13:22:00Z', deployedAt: '2026-11-20T13:22:01Z', source: app.spec.source, initiatedBy: { username: 'alice' } },
    ];
    app.status.operationState = { phase: 'Succeeded', startedAt: '2026-11-20T13:22:00Z', finishedAt: '2026-11-20T13:22:01Z', operation: { sync: { revision: REV }, initiatedBy: { username: 'alice' } }, syncResult: { revision: REV } };
    srv.put(app);
  });
  afterAll(async () => {
    await srv.close();
    rm(repo);
  });

  it('kubectl-client-side-apply and kubectl-edit: out-of-band edits since sync 2, with manager and time; sync 3 left the first in place', async () => {
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', kubeconfig, '-n', 'prod', '--format', 'json']);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    const by = (k: string) => j.findings.find((f: any) => f.key === k);
    const sync2 = `sync 2 (revision bbbbbbb, started 2026-11-20T12:59:58Z, deployed 2026-11-20T13:00:03Z, by admin) of ArgoCD app argocd/user-auth, the last sync that wrote git's state of this object (argocd-controller at 2026-11-20T13:00:00Z): an out-of-band edit since that sync`;
    expect(by('NEW_FLAG').message).toContain(
      `kubectl-client-side-apply (Update) owns it; its last write to this object was at 2026-11-20T13:20:00Z, after ${sync2}; a later sync (sync 3 (revision bbbbbbb, started 2026-11-20T13:22:00Z, deployed 2026-11-20T13:22:01Z, by alice)) did not write this object and left it in place.`,
    );
    expect(by('LOG_LEVEL').message).toContain(`kubectl-edit (Update) owns it; its last write to this object was at 2026-11-20T13:30:00Z, after ${sync2}.`);
    expect(by('REDIS_URL').message).toContain(`kubectl-patch (Update) owns it; its last write to this object was at 2026-11-20T13:35:00Z, after ${sync2}.`);
    expect(by('LOG_LEVEL').details).toMatchObject({
      manager: 'kubectl-edit',
      time: '2026-11-20T13:30:00Z',
      history: {
        deployedBy: { id: 2, revision: REV, deployedAt: '2026-11-20T13:00:03Z', deployStartedAt: '2026-11-20T12:59:58Z', source: `${REPO_URL} apps/user-auth`, initiatedBy: { username: 'admin' }, initiatedFrom: 'history' },
        gitopsWrite: { manager: 'argocd-controller', time: '2026-11-20T13:00:00Z' },
        editedAfterSync: true,
        laterSyncs: [],
      },
    });
    expect(by('NEW_FLAG').details.history.laterSyncs.map((s: any) => s.id)).toEqual([3]);
  });
});

describe('history in the text report', () => {
  it('the who line names the sync that last deployed git state', async () => {
    const { renderDriftText } = await import('../../src/drift/text.js');
    const f = { check: 'live-value-changed', severity: 'warning' as const, message: 'm', key: 'LOG_LEVEL', locations: [], details: { app: 'ArgoCD app argocd/user-auth', object: 'ConfigMap/prod/x', manager: 'kubectl-edit', operation: 'Update', time: 'T2', lastSync: { finishedAt: 'T3' }, history: { deployedBy: { id: 2, deployedAt: 'T1' }, editedAfterSync: true } } };
    const text = renderDriftText({ command: 'drift', findings: [f], skipped: [], checked: [] } as any, { color: false });
    expect(text).toContain("who:  kubectl-edit (Update); its last write to this object: T2; last sync of the app: T3; git's state of the object last deployed by sync 2 at T1, edited since");
  });
});
