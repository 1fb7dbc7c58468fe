/**
 * "When" is what managedFields know: a manager's last write to the object, not a time of the
 * key. kubectl patch added REDIS_URL at 13:09:54 and changed LOG_LEVEL at 13:09:58; the real
 * server then keeps one kubectl-patch entry owning both keys, with time 13:09:58.
 */
import { startFakeApiServer, managedFieldsEntry } from '../../src/testing/fake-apiserver.js';
import { runDrift } from '../../src/commands/drift.js';
import { renderDriftText } from '../../src/drift/text.js';
import { argoApp, gitRepo, rm, USER_AUTH_CM, T_ARGO } from './helpers.js';

const FAST = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };
const T2 = '2026-11-20T13:09:58Z';
const SYNC = '2026-11-20T13:05:12Z';

const live = (ns: string, patchTime: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'user-auth-config',
    namespace: ns,
    labels: { 'app.kubernetes.io/instance': ns === 'prod' ? 'user-auth' : 'billing' },
    managedFields: [
      managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_ARGO, keys: ['REDIS_HOST', 'REDIS_PORT'], labels: ['app.kubernetes.io/instance'] }),
      // One entry for both patches: the server keeps one per manager and operation.
      managedFieldsEntry({ manager: 'kubectl-patch', operation: 'Update', time: patchTime, keys: ['LOG_LEVEL', 'REDIS_URL'] }),
    ],
  },
  data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'debug', REDIS_URL: 'redis://redis.prod.svc:6379/0' },
});
const withSync = (app: ReturnType<typeof argoApp>, at: string, revision: string) => {
  (app.status as any).operationState = { phase: 'Succeeded', startedAt: at, finishedAt: at, operation: { sync: { revision } }, syncResult: { revision } };
  (app.status as any).history = [{ id: 3, revision, deployedAt: at, deployStartedAt: at }];
  return app;
};

describe('what is known of when', () => {
  it("says the manager's last write to the object, placed against the app's last sync — never 'added at'", async () => {
    const repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM, 'apps/billing/configmap.yaml': USER_AUTH_CM.replace('namespace: prod', 'namespace: billing') });
    const billingApp = withSync(argoApp({ name: 'billing' }), '2026-11-20T14:30:00Z', 'fedcba9876543210');
    (billingApp.spec.destination as any).namespace = 'billing';
    const srv = await startFakeApiServer({ objects: [live('prod', T2), live('billing', '2026-11-20T12:00:00Z'), withSync(argoApp(), SYNC, '0123456789abcdef'), billingApp] });
    try {
      const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST });
      const prod = report.findings.filter((f) => (f.details as any).object === 'ConfigMap/prod/user-auth-config');
      const url = prod.find((f) => f.key === 'REDIS_URL')!;
      const level = prod.find((f) => f.key === 'LOG_LEVEL')!;
      for (const f of [url, level]) {
        expect(f.message).toContain(`kubectl-patch (Update) owns it; its last write to this object was at ${T2}, after the last sync of ArgoCD app argocd/user-auth (finished ${SYNC}, revision 0123456)`);
        expect(f.message).not.toMatch(/added (to \S+ )?(by \S+ )?at/);
        expect(f.details).toMatchObject({ time: T2, timeIs: 'the last write of this field manager to the object (managedFields keep no time per key)', lastSync: { app: 'ArgoCD app argocd/user-auth', finishedAt: SYNC, revision: '0123456789abcdef' } });
      }
      // billing's manual write came before its app's last sync, which left it in place.
      const billing = report.findings.find((f) => (f.details as any).object === 'ConfigMap/billing/user-auth-config' && f.key === 'REDIS_URL')!;
      expect(billing.message).toContain('before the last sync of ArgoCD app argocd/billing (finished 2026-11-20T14:30:00Z, revision fedcba9), which left it in place');
      // Ordered by what is known (the newest manager write first), and the report says so.
      expect(report.findings.map((f) => (f.details as any).app)).toEqual(['ArgoCD app argocd/user-auth', 'ArgoCD app argocd/user-auth', 'ArgoCD app argocd/billing', 'ArgoCD app argocd/billing']);
      const text = renderDriftText(report, { color: false });
      expect(text).toContain("ordered by the newest manual change, as managedFields know it: each field manager's last write to the object (they keep no time per key)");
      expect(text).toContain(`who:  kubectl-patch (Update); its last write to this object: ${T2}; last sync of the app: ${SYNC}`);
    } finally {
      await srv.close();
      rm(repo);
    }
  });
  it('managedFields without a time: says so, claims no time', async () => {
    const repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
    const cm = live('prod', T2);
    delete (cm.metadata.managedFields[1] as any).time;
    const srv = await startFakeApiServer({ objects: [cm, argoApp()] });
    try {
      const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST, namespaces: ['prod'] });
      const f = report.findings.find((x) => x.key === 'REDIS_URL')!;
      expect(f.message).toContain('kubectl-patch (Update) owns it (managedFields record no time for it)');
      expect(f.details).not.toHaveProperty('time');
    } finally {
      await srv.close();
      rm(repo);
    }
  });
});
