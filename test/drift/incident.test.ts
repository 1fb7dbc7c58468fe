/**
 * The incident's second half: REDIS_URL was added to the live ConfigMap by `kubectl patch`
 * and never reached git. Read through client-node from the fake API server.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runDrift } from '../../src/commands/drift.js';
import { renderDriftText } from '../../src/drift/text.js';
import { argoApp, gitRepo, liveConfigMap, rm, T_PATCH, USER_AUTH_CM } from './helpers.js';

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };

describe('incident: REDIS_URL patched into the live ConfigMap', () => {
  let srv: FakeApiServer;
  let repo: string;
  beforeAll(async () => {
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
    srv = await startFakeApiServer({
      objects: [
        liveConfigMap({
          data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' },
          patched: ['REDIS_URL'],
        }),
        argoApp({ selfHeal: true }),
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'user-auth', namespace: 'prod' },
          spec: { template: { spec: { containers: [{ name: 'user-auth', image: 'ghcr.io/acme/user-auth:3.14.0', envFrom: [{ configMapRef: { name: 'user-auth-config' } }] }] } } },
        },
      ],
    });
  });
  afterAll(async () => {
    await srv.close();
    rm(repo);
  });

  it('says who, when, that ArgoCD does not see it, when it will be lost, and the patch', async () => {
    const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(report.command).toBe('drift');
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f.check).toBe('live-only-key');
    expect(f.severity).toBe('warning');
    expect(f.key).toBe('REDIS_URL');
    expect(f.message).toContain(`in ConfigMap prod/user-auth-config: kubectl-patch (Update) owns it; its last write to this object was at ${T_PATCH}`);
    expect(f.message).toContain('Git at main does not have it');
    expect(f.message).toContain('ArgoCD app argocd/user-auth does not see it');
    expect(f.message).toContain('survives apply but exists only in the cluster');
    expect(f.message).toContain('Read by Deployment prod/user-auth (envFrom).');
    expect(f.details).toMatchObject({
      app: 'ArgoCD app argocd/user-auth',
      change: 'added',
      manager: 'kubectl-patch',
      operation: 'Update',
      time: T_PATCH,
      managerClass: 'manual',
      fate: { outcome: 'kept', visibleToGitOps: false },
      liveValue: 'redis://redis.prod.svc:6379/0',
    });
    expect(f.locations[0]).toMatchObject({ object: { kind: 'ConfigMap', namespace: 'prod', name: 'user-auth-config' } });
    expect(f.locations[1]).toMatchObject({ file: 'apps/user-auth/configmap.yaml', line: 6 });
    expect(f.patch).toBe(
      [
        '--- a/apps/user-auth/configmap.yaml',
        '+++ b/apps/user-auth/configmap.yaml',
        '@@ -7,3 +7,4 @@',
        '   REDIS_HOST: redis.prod.svc',
        '   REDIS_PORT: "6379"',
        '   LOG_LEVEL: info',
        '+  REDIS_URL: redis://redis.prod.svc:6379/0',
        '',
      ].join('\n'),
    );
    expect(report.checked).toEqual(['ConfigMap/prod/user-auth-config']);

    const text = renderDriftText(report, { color: false });
    expect(text).toContain('ArgoCD app argocd/user-auth\n  warning live-only-key REDIS_URL');
    expect(text).toContain(`who:  kubectl-patch (Update); its last write to this object: ${T_PATCH}`);
    expect(text).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');
  });

  it('reads with few requests: discovery + one list per kind', async () => {
    srv.resetLog();
    const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST });
    const lists = srv.requests.filter((r) => r.type === 'list');
    expect(new Set(lists.map((r) => r.resource)).size).toBe(lists.length);
    expect(report.requests).toBe(srv.requests.length);
  });

  it('the Application found through status.resources when the object carries no tracking label', async () => {
    const s2 = await startFakeApiServer({
      objects: [
        liveConfigMap({ labels: {}, data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'x' }, patched: ['REDIS_URL'] }),
        argoApp({ name: 'auth', resources: [{ version: 'v1', kind: 'ConfigMap', namespace: 'prod', name: 'user-auth-config' }] }),
      ],
    });
    try {
      const r = await runDrift({ repo, ref: 'main', kubeconfig: s2.writeKubeconfig(), retry: FAST });
      expect(r.findings[0]!.details).toMatchObject({ app: 'ArgoCD app argocd/auth' });
    } finally {
      await s2.close();
    }
  });
});
