/**
 * The fake API server writes what a real one writes, where keydrift and the e2e suite depend
 * on it. Each expectation below is the real server's behaviour (Kubernetes server-side apply
 * and managedFields docs; the Status bodies kube-apiserver sends): a fake that disagrees is
 * wrong. The writes are the requests each kubectl command makes, with its field manager.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { KubeConfig, ApiextensionsV1Api } from '@kubernetes/client-node';
import { RawKube, collection } from './raw.js';
import { MINIMAL_APP_CRD } from './drift.suite.js';

let srv: FakeApiServer;
let k: RawKube;
let kubeconfig: string;
const NS = 'fidelity';
const cm = (name: string) => `${collection('v1', 'configmaps', NS)}/${name}`;
const LA = 'kubectl.kubernetes.io/last-applied-configuration';
const strip = (mf: any[]) => mf.map(({ time: _t, ...rest }) => rest);

beforeAll(async () => {
  srv = await startFakeApiServer({ crds: [] });
  kubeconfig = srv.writeKubeconfig({ context: 'fidelity' });
  k = new RawKube(kubeconfig, 'fidelity');
  await k.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});
afterAll(async () => {
  await srv.close();
});

const BASE = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: NS, labels: { 'app.kubernetes.io/instance': 'user-auth' } }, data: { REDIS_HOST: 'redis.prod.svc', LOG_LEVEL: 'info' } };
const applied = (name: string) => ({ ...BASE, metadata: { ...BASE.metadata, name } });
const ARGO_APPLY = { manager: 'argocd-controller', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' };

describe('managedFields, as the API server writes them for each command', () => {
  it('server-side apply by argocd-controller: an Apply entry owning exactly what it sent (no "." entries)', async () => {
    const o = await k.must('PATCH', `${cm('a')}?fieldManager=argocd-controller`, applied('a'), 'application/apply-patch+yaml');
    expect(strip(o.metadata.managedFields)).toEqual([{ ...ARGO_APPLY, fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {}, 'f:REDIS_HOST': {} }, 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } } } }]);
    expect(o.metadata.managedFields[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
  it('kubectl patch (merge) adding a key: kubectl-patch Update owns that key only', async () => {
    await k.must('PATCH', `${cm('b')}?fieldManager=argocd-controller`, applied('b'), 'application/apply-patch+yaml');
    const o = await k.must('PATCH', `${cm('b')}?fieldManager=kubectl-patch`, { data: { REDIS_URL: 'redis://x' } }, 'application/merge-patch+json');
    expect(strip(o.metadata.managedFields)).toEqual([
      { ...ARGO_APPLY, fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {}, 'f:REDIS_HOST': {} }, 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } } } },
      { manager: 'kubectl-patch', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:REDIS_URL': {} } } },
    ]);
  });
  it('kubectl edit changing a key: ownership moves from the applier to kubectl-edit', async () => {
    await k.must('PATCH', `${cm('c')}?fieldManager=argocd-controller`, applied('c'), 'application/apply-patch+yaml');
    const o = await k.must('PATCH', `${cm('c')}?fieldManager=kubectl-edit`, { data: { LOG_LEVEL: 'debug' } }, 'application/strategic-merge-patch+json');
    expect(strip(o.metadata.managedFields)).toEqual([
      { ...ARGO_APPLY, fieldsV1: { 'f:data': { 'f:REDIS_HOST': {} }, 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } } } },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {} } } },
    ]);
  });
  it('kubectl apply (client-side) creating, then adding a key: kubectl-client-side-apply owns the maps it made ("."), then the key and the annotation', async () => {
    const v1 = { ...applied('d'), metadata: { ...applied('d').metadata, annotations: { [LA]: JSON.stringify(applied('d')) } } };
    const created = await k.must('POST', `${collection('v1', 'configmaps', NS)}?fieldManager=kubectl-client-side-apply`, v1);
    expect(strip(created.metadata.managedFields)).toEqual([
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:LOG_LEVEL': {}, 'f:REDIS_HOST': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} }, 'f:labels': { '.': {}, 'f:app.kubernetes.io/instance': {} } } },
      },
    ]);
    // ArgoCD syncs (client-side too, as argocd-controller), then someone kubectl-applies NEW_KEY.
    const o = await k.must('PATCH', `${cm('d')}?fieldManager=kubectl-client-side-apply`, { data: { NEW_KEY: 'v' }, metadata: { annotations: { [LA]: '{"data":{"NEW_KEY":"v"}}' } } }, 'application/strategic-merge-patch+json');
    expect(o.metadata.managedFields).toHaveLength(1);
    expect(o.metadata.managedFields[0].fieldsV1['f:data']).toEqual({ '.': {}, 'f:LOG_LEVEL': {}, 'f:REDIS_HOST': {}, 'f:NEW_KEY': {} });
  });
  it('kubectl replace: kubectl-replace owns what the PUT changed, the annotation included', async () => {
    await k.must('PATCH', `${cm('e')}?fieldManager=argocd-controller`, applied('e'), 'application/apply-patch+yaml');
    const cur = await k.must('GET', cm('e'));
    const o = await k.must('PUT', `${cm('e')}?fieldManager=kubectl-replace`, { ...applied('e'), metadata: { ...applied('e').metadata, resourceVersion: cur.metadata.resourceVersion, annotations: { [LA]: '{}' } }, data: { ...BASE.data, NEW_FLAG: 'on' } });
    expect(strip(o.metadata.managedFields)).toEqual([
      { ...ARGO_APPLY, fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {}, 'f:REDIS_HOST': {} }, 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } } } },
      { manager: 'kubectl-replace', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:NEW_FLAG': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LA}`]: {} } } } },
    ]);
    // A stale resourceVersion is a 409 Conflict, as kubectl replace sees it.
    const stale = await k.request('PUT', `${cm('e')}?fieldManager=kubectl-replace`, { ...applied('e'), metadata: { ...applied('e').metadata, resourceVersion: cur.metadata.resourceVersion } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: `Operation cannot be fulfilled on configmaps "e": the object has been modified; please apply your changes to the latest version and try again` });
  });
  it('a write that changes nothing changes nothing (same resourceVersion, same times)', async () => {
    const a = await k.must('PATCH', `${cm('b')}?fieldManager=kubectl-patch`, { data: { REDIS_URL: 'redis://x' } }, 'application/merge-patch+json');
    const b = await k.must('GET', cm('b'));
    expect(b.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
  });
});

describe('server-side apply conflicts and Status bodies', () => {
  it('a non-forced apply over a field another manager changed is a 409 with FieldManagerConflict causes; force takes it', async () => {
    const r = await k.request('PATCH', `${cm('b')}?fieldManager=argocd-controller`, { ...applied('b'), data: { ...BASE.data, REDIS_URL: 'redis://git' } }, 'application/apply-patch+yaml');
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.REDIS_URL',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-patch" using v1', field: '.data.REDIS_URL' }] },
      code: 409,
    });
    const forced = await k.must('PATCH', `${cm('b')}?fieldManager=argocd-controller&force=true`, { ...applied('b'), data: { ...BASE.data, REDIS_URL: 'redis://git' } }, 'application/apply-patch+yaml');
    expect(forced.metadata.managedFields.map((m: any) => m.manager)).toEqual(['argocd-controller']);
  });
  it.each([
    ['get of a missing object: 404 NotFound', 'GET', cm('nope'), undefined, undefined, 404, { reason: 'NotFound', message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' } }],
    ['create of an existing object: 409 AlreadyExists', 'POST', collection('v1', 'configmaps', NS), applied('a'), undefined, 409, { reason: 'AlreadyExists', message: 'configmaps "a" already exists', details: { name: 'a', kind: 'configmaps' } }],
    ['create in a namespace that does not exist: 404', 'POST', collection('v1', 'configmaps', 'ghost'), applied('x'), undefined, 404, { reason: 'NotFound', message: 'namespaces "ghost" not found' }],
    ['an invalid name: 422 Invalid with causes', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } }, undefined, 422, { reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] } }],
    ['apply without fieldManager: 400', 'PATCH', cm('a'), applied('a'), 'application/apply-patch+yaml', 400, { reason: 'BadRequest', message: 'PATCH, application/apply-patch+yaml requires fieldManager' }],
  ])('%s', async (_n, method, path, body, ct, code, want) => {
    const r = await k.request(method, path, body, ct);
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, ...want });
  });
  it('a new namespace gets its kube-root-ca.crt, as kube-controller-manager makes it', async () => {
    expect(srv.get('ConfigMap', NS, 'kube-root-ca.crt')?.data?.['ca.crt']).toContain('BEGIN CERTIFICATE');
  });
});

describe('custom resources and their CRD schema', () => {
  it("client-node's typed CRD model drops x-kubernetes-preserve-unknown-fields: the Application then fails with 'field not declared in schema' (why the suite sends raw JSON)", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: MINIMAL_APP_CRD as any });
    const crd = await k.must('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/applications.argoproj.io');
    expect(crd.spec.versions[0].schema.openAPIV3Schema).toEqual({ type: 'object' });
    expect(crd.status.conditions.find((c: any) => c.type === 'Established')).toMatchObject({ status: 'True' });
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x', namespace: NS }, spec: { project: 'default' } };
    const r = await k.request('PATCH', `${collection('argoproj.io/v1alpha1', 'applications', NS)}/x?fieldManager=keydrift-e2e`, app, 'application/apply-patch+yaml');
    expect(r.status).toBe(500);
    expect(r.body.message).toBe(`failed to create typed patch object (${NS}/x; argoproj.io/v1alpha1, Kind=Application): .spec: field not declared in schema`);
    // A plain create is pruned instead, silently: spec is gone.
    const created = await k.must('POST', collection('argoproj.io/v1alpha1', 'applications', NS), app);
    expect(created.spec).toBeUndefined();
    // Deleting the CRD removes its resources and stops serving them.
    await k.must('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/applications.argoproj.io');
    expect((await k.request('GET', collection('argoproj.io/v1alpha1', 'applications', NS))).status).toBe(404);
  });
  it('the same CRD as raw JSON keeps the key, and the Application is stored whole', async () => {
    await k.must('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', MINIMAL_APP_CRD);
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'y', namespace: NS }, spec: { project: 'default', destination: { namespace: NS } } };
    const o = await k.must('PATCH', `${collection('argoproj.io/v1alpha1', 'applications', NS)}/y?fieldManager=keydrift-e2e`, app, 'application/apply-patch+yaml');
    expect(o.spec).toEqual(app.spec);
  });
});

describe('RBAC: 403 Forbidden as kube-apiserver writes it (apierrors.NewForbidden + the authorizer message)', () => {
  let rs: FakeApiServer;
  let rk: RawKube;
  const SA = 'system:serviceaccount:ns:sa';
  beforeAll(async () => {
    rs = await startFakeApiServer({
      user: SA,
      objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'ns' }, spec: {} }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' }, data: {} }],
      // A Role in ns that may read Pods only, and a ClusterRole that may list Secrets named "s".
      rules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], namespaces: ['ns'] },
        { verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['s'] },
      ],
    });
    rk = new RawKube(rs.writeKubeconfig({ context: 'rbac' }), 'rbac');
  });
  afterAll(() => rs.close());
  it.each([
    ['get of a non-core object names resource.group', `${collection('apps/v1', 'deployments', 'ns')}/x`, 'deployments.apps "x" is forbidden: User "system:serviceaccount:ns:sa" cannot get resource "deployments" in API group "apps" in the namespace "ns"', { name: 'x', group: 'apps', kind: 'deployments' }],
    ['list of a non-core resource', collection('apps/v1', 'deployments', 'ns'), 'deployments.apps is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "deployments" in API group "apps" in the namespace "ns"', { group: 'apps', kind: 'deployments' }],
    ['get of a core object: API group ""', `${collection('v1', 'configmaps', 'ns')}/x`, 'configmaps "x" is forbidden: User "system:serviceaccount:ns:sa" cannot get resource "configmaps" in API group "" in the namespace "ns"', { name: 'x', kind: 'configmaps' }],
    ['a Role does not reach the cluster scope', collection('v1', 'pods'), 'pods is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "pods" in API group "" at the cluster scope', { kind: 'pods' }],
    ['resourceNames: a list without a field selector naming the object is denied', collection('v1', 'secrets', 'ns'), 'secrets is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "secrets" in API group "" in the namespace "ns"', { kind: 'secrets' }],
  ])('%s', async (_n, path, message, details) => {
    const r = await rk.request('GET', path);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
  });
  it('what the rules allow is served; writes are authorized too; discovery stays open (system:discovery)', async () => {
    expect((await rk.request('GET', collection('v1', 'pods', 'ns'))).status).toBe(200);
    expect((await rk.request('GET', `${collection('v1', 'secrets', 'ns')}?fieldSelector=metadata.name%3Ds`)).status).toBe(200);
    const w = await rk.request('POST', collection('v1', 'configmaps', 'ns'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } });
    expect(w.body.message).toBe('configmaps is forbidden: User "system:serviceaccount:ns:sa" cannot create resource "configmaps" in API group "" in the namespace "ns"');
    expect((await rk.request('GET', '/apis')).status).toBe(200);
  });
});

describe('Events: core/v1 and events.k8s.io/v1 views of one object, with their field selectors', () => {
  // As ArgoCD's AuditLogger writes one (util/argo/audit_logger.go): in the Application's namespace.
  const ev = (name: string, app: string, reason: string, message: string, ts: string, user?: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: NS, annotations: { 'dest-server': 'https://kubernetes.default.svc', 'dest-namespace': 'prod', ...(user ? { user } : {}) } },
    involvedObject: { kind: 'Application', name: app, namespace: NS, apiVersion: 'argoproj.io/v1alpha1', uid: 'u-1', resourceVersion: '7' },
    source: { component: 'argocd-server' },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type: 'Normal',
    reason,
    message,
  });
  beforeAll(async () => {
    await k.must('POST', collection('v1', 'events', NS), ev('user-auth.1', 'user-auth', 'OperationStarted', 'admin initiated sync to HEAD (abc1234)', '2026-11-20T13:00:00Z', 'admin'));
    await k.must('POST', collection('v1', 'events', NS), ev('billing.1', 'billing', 'OperationCompleted', 'Sync operation to abc1234 succeeded', '2026-11-20T13:00:05Z'));
    await k.must('POST', collection('v1', 'events', NS), { ...ev('pod.1', 'p', 'Pulled', 'x', '2026-11-20T13:00:06Z'), involvedObject: { kind: 'Pod', name: 'p', namespace: NS } });
  });
  const names = (r: any) => r.items.map((i: any) => i.metadata.name).sort();
  it('core/v1: involvedObject.kind/name/namespace, reason, source, type; a missing field is ""', async () => {
    const sel = (s: string) => k.must('GET', `${collection('v1', 'events', NS)}?fieldSelector=${encodeURIComponent(s)}`);
    expect(names(await sel('involvedObject.kind=Application'))).toEqual(['billing.1', 'user-auth.1']);
    expect(names(await sel('involvedObject.kind=Application,involvedObject.name=user-auth'))).toEqual(['user-auth.1']);
    expect(names(await sel(`involvedObject.namespace=${NS},reason=OperationCompleted`))).toEqual(['billing.1']);
    expect(names(await sel('source=argocd-server,type=Normal,involvedObject.kind!=Application'))).toEqual(['pod.1']);
    expect(names(await sel('involvedObject.fieldPath='))).toHaveLength(3);
  });
  it('events.k8s.io/v1: the same objects as regarding/note/deprecated*, selected by regarding.*; involvedObject.* is not a field there', async () => {
    const r = await k.must('GET', `${collection('events.k8s.io/v1', 'events', NS)}?fieldSelector=${encodeURIComponent('regarding.kind=Application,regarding.name=user-auth')}`);
    expect(r).toMatchObject({ kind: 'EventList', apiVersion: 'events.k8s.io/v1' });
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({
      eventTime: null,
      reason: 'OperationStarted',
      note: 'admin initiated sync to HEAD (abc1234)',
      regarding: { kind: 'Application', name: 'user-auth', namespace: NS },
      deprecatedSource: { component: 'argocd-server' },
      deprecatedFirstTimestamp: '2026-11-20T13:00:00Z',
      deprecatedLastTimestamp: '2026-11-20T13:00:00Z',
      deprecatedCount: 1,
      type: 'Normal',
    });
    expect(r.items[0].message).toBeUndefined();
    const bad = await k.request('GET', `${collection('events.k8s.io/v1', 'events', NS)}?fieldSelector=involvedObject.name%3Duser-auth`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: involvedObject.name' });
    const bad2 = await k.request('GET', `${collection('v1', 'events', NS)}?fieldSelector=regarding.name%3Duser-auth`);
    expect(bad2.body).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: regarding.name' });
    // Discovery serves the group.
    expect((await k.must('GET', '/apis')).groups.map((g: any) => g.name)).toContain('events.k8s.io');
  });
});
