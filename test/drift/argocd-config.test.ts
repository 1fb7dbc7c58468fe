/**
 * What ArgoCD is configured to do, from its own configuration, read from the cluster (the
 * fake API server, with managedFields as the real server writes them) or, when the cluster
 * does not allow it, from git — and objects that exist only live inside an app.
 */
import { startFakeApiServer, managedFieldsEntry, type Forbid } from '../../src/testing/fake-apiserver.js';
import { runDrift } from '../../src/commands/drift.js';
import { argoApp, gitRepo, liveConfigMap, rm, USER_AUTH_CM, T_PATCH } from './helpers.js';

const FAST = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };
const CHANGED = { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'debug' };
const ADDED = { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' };
const LA = 'kubectl.kubernetes.io/last-applied-configuration';
const argoCm = (data: Record<string, string>, name = 'argocd-cm') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } }, data });
const changedCm = () => liveConfigMap({ data: CHANGED, patched: ['LOG_LEVEL'] });
/** Added by `kubectl apply` (client-side): the key and the last-applied annotation are kubectl-client-side-apply's. */
const appliedCm = () =>
  liveConfigMap({
    data: ADDED,
    patched: ['REDIS_URL'],
    patchManager: 'kubectl-client-side-apply',
    patchAnnotations: [LA],
    annotations: { [LA]: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod' }, data: ADDED }) },
  });
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'user-auth', namespace: 'prod' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'x:1', envFrom: [{ configMapRef: { name: 'user-auth-config-old' } }] }] } } } };

async function driftOn(objects: Record<string, any>[], opts: { git?: Record<string, string>; forbid?: Forbid[] } = {}) {
  const repo = gitRepo(opts.git ?? { 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
  const srv = await startFakeApiServer({ objects, ...(opts.forbid ? { forbid: opts.forbid } : {}) });
  try {
    const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), namespaces: ['prod'], retry: FAST });
    return { report, byKey: (k: string) => report.findings.find((f) => f.key === k)!, requests: srv.requests };
  } finally {
    await srv.close();
    rm(repo);
  }
}

describe('argocd-cm and argocd-cmd-params-cm change the fate', () => {
  it('system-level ignoreDifferences (argocd-cm, core group key): hidden from the diff, reverted only at the next sync', async () => {
    const { byKey, requests } = await driftOn([changedCm(), argoApp(), argoCm({ 'resource.customizations.ignoreDifferences.ConfigMap': 'jsonPointers:\n- /data/LOG_LEVEL\n' })]);
    const f = byKey('LOG_LEVEL');
    expect(f.check).toBe('will-be-reverted');
    expect(f.message).toContain('hides it from the diff (argocd-cm resource.customizations.ignoreDifferences.ConfigMap jsonPointers /data/LOG_LEVEL)');
    expect(f.details).toMatchObject({ fate: { outcome: 'reverted', visibleToGitOps: false } });
    // --namespace prod: argocd-cm was fetched from the Application's namespace, by name.
    expect(requests.some((r) => r.path === '/api/v1/namespaces/argocd/configmaps' && r.query.fieldSelector === 'metadata.name=argocd-cm')).toBe(true);
  });
  it('ignoreDifferences.all with managedFieldsManagers, and RespectIgnoreDifferences=true: kept', async () => {
    const { byKey } = await driftOn([changedCm(), argoApp({ syncOptions: ['RespectIgnoreDifferences=true'] }), argoCm({ 'resource.customizations.ignoreDifferences.all': 'managedFieldsManagers:\n- kubectl-patch\n' })]);
    expect(byKey('LOG_LEVEL')).toMatchObject({ check: 'live-value-changed' });
    expect(byKey('LOG_LEVEL').message).toContain('argocd-cm resource.customizations.ignoreDifferences.all managedFieldsManagers kubectl-patch');
  });
  it('the older resource.customizations block works the same', async () => {
    const { byKey } = await driftOn([changedCm(), argoApp(), argoCm({ 'resource.customizations': 'ConfigMap:\n  ignoreDifferences: |\n    jqPathExpressions:\n    - .data.LOG_LEVEL\n' })]);
    expect(byKey('LOG_LEVEL').message).toContain('argocd-cm resource.customizations ConfigMap.ignoreDifferences jqPathExpressions .data.LOG_LEVEL');
  });
  it('ignoreResourceUpdates: self-heal waits for the periodic refresh (timeout.reconciliation), not seconds', async () => {
    const cm = argoCm({ 'resource.customizations.ignoreResourceUpdates.ConfigMap': 'jsonPointers:\n- /data\n', 'timeout.reconciliation': '300s' });
    const f = (await driftOn([changedCm(), argoApp(), cm])).byKey('LOG_LEVEL');
    expect(f.check).toBe('will-be-reverted');
    expect(f.details).toMatchObject({ fate: { when: 'at the next periodic refresh (self-heal)' } });
    expect(f.message).toContain('ignores updates of this field (argocd-cm resource.customizations.ignoreResourceUpdates.ConfigMap jsonPointers /data)');
    expect(f.message).toContain('timeout.reconciliation 300s in argocd-cm');
    // Turned off: within seconds again.
    const off = (await driftOn([changedCm(), argoApp(), argoCm({ 'resource.customizations.ignoreResourceUpdates.ConfigMap': 'jsonPointers:\n- /data\n', 'resource.ignoreResourceUpdatesEnabled': 'false' })])).byKey('LOG_LEVEL');
    expect(off.details).toMatchObject({ fate: { when: 'within seconds (self-heal)' } });
  });
  it('argocd-cmd-params-cm self-heal back-off is quoted', async () => {
    const params = argoCm({ 'controller.self.heal.backoff.timeout.seconds': '5', 'controller.self.heal.backoff.factor': '2', 'controller.self.heal.backoff.cap.seconds': '60' }, 'argocd-cmd-params-cm');
    const f = (await driftOn([changedCm(), argoApp(), params])).byKey('LOG_LEVEL');
    expect(f.message).toContain('retries back off from 5 s, ×2 each, up to 60 s, as argocd-cmd-params-cm sets');
  });
  it.each([
    ['argocd-cmd-params-cm controller.diff.server.side=true', [argoCm({ 'controller.diff.server.side': 'true' }, 'argocd-cmd-params-cm')], {}, 'controller.diff.server.side=true in argocd-cmd-params-cm'],
    ["the Application's compare-options ServerSideDiff=true", [], { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true' }, 'compare-options ServerSideDiff=true'],
  ])('server-side diff (%s): a kubectl-applied key is not OutOfSync, but the next client-side sync removes it', async (_n, extra, appAnn, words) => {
    const app = argoApp({ selfHeal: false });
    (app.metadata as any).annotations = appAnn;
    const f = (await driftOn([appliedCm(), app, ...extra])).byKey('REDIS_URL');
    expect(f.check).toBe('fix-will-be-lost');
    expect(f.details).toMatchObject({ fate: { outcome: 'lost', visibleToGitOps: false } });
    expect(f.message).toContain(`does not show it (server-side diff, ${words})`);
    expect(f.message).toContain('kubectl apply (client-side) (field manager kubectl-client-side-apply) wrote it into the last-applied-configuration annotation');
    expect(f.message).toContain('at the next automated sync');
  });
  it('ServerSideApply=true: a changed key is still reverted — the forced apply takes the field back', async () => {
    const f = (await driftOn([changedCm(), argoApp({ syncOptions: ['ServerSideApply=true'] })])).byKey('LOG_LEVEL');
    expect(f.check).toBe('will-be-reverted');
    expect(f.message).toContain('ownership of LOG_LEVEL moves back to argocd-controller');
  });
  it('argocd-cm not readable (RBAC): taken from git, and the report says so', async () => {
    const git = { 'apps/user-auth/configmap.yaml': USER_AUTH_CM, 'argocd/argocd-cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  resource.customizations.ignoreDifferences.ConfigMap: |\n    jsonPointers:\n    - /data/LOG_LEVEL\n' };
    const { report, byKey } = await driftOn([changedCm(), argoApp(), argoCm({})], { git, forbid: [{ resource: 'configmaps', namespace: 'argocd' }] });
    expect(byKey('LOG_LEVEL').message).toContain("jsonPointers /data/LOG_LEVEL, as git declares it (argocd/argocd-cm.yaml; the cluster's could not be read)");
    expect(report.skipped.find((s) => s.what === "ConfigMap argocd/argocd-cm (ArgoCD's settings, live)")?.reason).toMatch(/^forbidden: /);
  });
});

describe('live-only-object: what an app tracks that git does not declare', () => {
  const old = (annotations?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'user-auth-config-old', namespace: 'prod', labels: { 'app.kubernetes.io/instance': 'user-auth' }, ...(annotations ? { annotations } : {}), managedFields: [managedFieldsEntry({ manager: 'kubectl-create', operation: 'Update', time: T_PATCH, keys: ['REDIS_HOST'], createdMap: true })] },
    data: { REDIS_HOST: 'redis.old.svc' },
  });
  const base = liveConfigMap({ data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info' } });
  it.each([
    ['prune: true, read by a workload: pruned at the next sync — an error', [old(), argoApp(), deployment], 'error', 'lost', 'with automated sync and prune: true it is pruned at the next sync'],
    ['prune: true, read by nothing: a warning', [old(), argoApp()], 'warning', 'lost', 'pruned at the next sync'],
    ['Prune=false on the object: kept', [old({ 'argocd.argoproj.io/sync-options': 'Prune=false' }), argoApp()], 'info', 'kept', 'Prune=false keeps it'],
    ['manual sync: kept until someone syncs with prune', [old(), argoApp({ automated: false })], 'info', 'kept', 'it stays until someone syncs the app with prune'],
  ])('%s', async (_n, objects, severity, outcome, words) => {
    const { report } = await driftOn([base, ...objects]);
    const f = report.findings.find((x) => x.check === 'live-only-object')!;
    expect(f).toMatchObject({ severity, details: { object: 'ConfigMap/prod/user-auth-config-old', fate: { outcome }, owner: { engine: 'argocd', name: 'argocd/user-auth' }, manager: 'kubectl-create' } });
    expect(f.message).toContain('ConfigMap prod/user-auth-config-old exists only in the cluster: git at main does not declare it.');
    expect(f.message).toContain(words);
    expect(f.locations[0]).toMatchObject({ object: { kind: 'ConfigMap', namespace: 'prod', name: 'user-auth-config-old' } });
  });
  it('objects no app tracks, or that a controller made, or that git declares, are not reported', async () => {
    const untracked = { ...old(), metadata: { ...old().metadata, labels: {} } };
    const owned = { ...old(), metadata: { ...old().metadata, name: 'made-by-controller', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] } };
    const { report } = await driftOn([base, untracked, owned, argoApp()]);
    expect(report.findings.filter((f) => f.check === 'live-only-object')).toEqual([]);
  });
});
