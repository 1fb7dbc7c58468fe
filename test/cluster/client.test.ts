import { startFakeApiServer, managedFieldsEntry, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { openCluster, ApiStatusError } from '../../src/cluster/client.js';
import { readCluster } from '../../src/cluster/live.js';
import { KeydriftError } from '../../src/errors.js';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 300 };

const cms = (n: number, ns = 'prod') =>
  Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: ns, labels: { app: i % 2 ? 'odd' : 'even' } },
    data: { K: String(i) },
  }));

describe('fake API server + client-node', () => {
  let srv: FakeApiServer;
  afterEach(async () => srv?.close());

  it('lists with limit/continue paging through client-node and a real kubeconfig file', async () => {
    srv = await startFakeApiServer({ objects: cms(25) });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), pageSize: 10, retry: FAST });
    const items = await client.list('v1', 'ConfigMap');
    expect(items).toHaveLength(25);
    expect(items[0]).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm-000' } });
    expect(new Set(items.map((i) => i.metadata.name)).size).toBe(25);
    const lists = srv.requests.filter((r) => r.type === 'list');
    expect(lists).toHaveLength(3);
    expect(lists.map((r) => r.query.limit)).toEqual(['10', '10', '10']);
    expect(lists[0]!.query.continue).toBeUndefined();
    expect(lists[1]!.query.continue).toBeTruthy();
  });

  it('honours label and field selectors and namespaces', async () => {
    srv = await startFakeApiServer({ objects: [...cms(6), ...cms(3, 'dev')] });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(await client.list('v1', 'ConfigMap', { labelSelector: 'app=odd' })).toHaveLength(4);
    expect(await client.list('v1', 'ConfigMap', { labelSelector: 'app in (odd,even),app!=even', namespace: 'prod' })).toHaveLength(3);
    expect(await client.list('v1', 'ConfigMap', { fieldSelector: 'metadata.name=cm-001' })).toHaveLength(2);
    expect(await client.list('v1', 'ConfigMap', { namespace: 'dev' })).toHaveLength(3);
  });

  it('answers get and missing resources with Status objects', async () => {
    srv = await startFakeApiServer({ objects: cms(1) });
    const get = (await fetch(`${srv.url}/api/v1/namespaces/prod/configmaps/cm-000`).then((r) => r.json())) as any;
    expect(get.metadata.name).toBe('cm-000');
    const res = await fetch(`${srv.url}/api/v1/namespaces/prod/configmaps/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    expect((await fetch(`${srv.url}/apis/argoproj.io/v1alpha1`)).status).toBe(404); // not installed
  });

  it('serves ArgoCD and Flux groups in discovery only when installed', async () => {
    srv = await startFakeApiServer({ crds: ['argocd'] });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    const gvs = await client.groupVersions();
    expect(gvs.has('v1')).toBe(true);
    expect(gvs.has('apps/v1')).toBe(true);
    expect(gvs.has('argoproj.io/v1alpha1')).toBe(true);
    expect(gvs.has('kustomize.toolkit.fluxcd.io/v1')).toBe(false);
  });

  it('a forbidden Secrets list is a skip reason and the rest is still read', async () => {
    srv = await startFakeApiServer({ objects: [...cms(2), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'prod' }, data: { A: 'eA==' } }], forbid: [{ resource: 'secrets' }] });
    const live = await readCluster(openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST }));
    expect(live.objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(2);
    expect(live.objects.filter((o) => o.kind === 'Secret')).toHaveLength(0);
    const skip = live.skipped.find((s) => s.what.startsWith('Secrets'));
    expect(skip?.reason).toMatch(/^forbidden: secrets is forbidden: User ".*" cannot list resource "secrets"/);
    // A 403 is not retried.
    expect(srv.requests.filter((r) => r.resource === 'secrets')).toHaveLength(1);
  });

  it('retries 429 and 5xx with bounded back-off', async () => {
    srv = await startFakeApiServer({ objects: cms(3), faults: [{ type: 'list', status: 429, times: 1, retryAfterSeconds: 0 }, { type: 'list', status: 503, times: 1 }] });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(await client.list('v1', 'ConfigMap')).toHaveLength(3);
    expect(srv.requests.filter((r) => r.type === 'list').map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it('retries a request that times out, and dropped connections', async () => {
    srv = await startFakeApiServer({ objects: cms(3), faults: [{ type: 'list', status: 'hang', times: 1, delayMs: 2000 }, { type: 'list', status: 'reset', times: 1 }] });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(await client.list('v1', 'ConfigMap')).toHaveLength(3);
    expect(srv.requests.filter((r) => r.type === 'list')).toHaveLength(3);
  });

  it('gives up after the bounded attempts with one line', async () => {
    srv = await startFakeApiServer({ objects: cms(3), faults: [{ type: 'list', status: 500, times: 100 }] });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    const err = await client.list('v1', 'ConfigMap').catch((e) => e);
    expect(err).toBeInstanceOf(KeydriftError);
    expect(err.message).toMatch(/kept answering 500 .*4 attempts/);
    expect(err.message).not.toContain('\n');
    expect(srv.requests.filter((r) => r.type === 'list')).toHaveLength(4);
  });

  it('an unreachable cluster is a KeydriftError with one line', async () => {
    srv = await startFakeApiServer({});
    const dir = mkdtempSync(path.join(tmpdir(), 'kd-'));
    const kc = srv.writeKubeconfig({ dir });
    await srv.close();
    const err = await openCluster({ kubeconfig: kc, retry: FAST }).groupVersions().catch((e) => e);
    expect(err).toBeInstanceOf(KeydriftError);
    expect(err.message).toMatch(/^cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    srv = await startFakeApiServer({}); // for afterEach
  });

  it('talks HTTPS with a self-signed CA from the kubeconfig, with a bearer token', async () => {
    srv = await startFakeApiServer({ objects: cms(2), tls: true, token: 'test-token-1' });
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(await client.list('v1', 'ConfigMap')).toHaveLength(2);
    const bad = openCluster({ kubeconfig: srv.writeKubeconfig({ token: 'wrong' }), retry: FAST });
    const err = await bad.list('v1', 'ConfigMap').catch((e) => e);
    expect(err).toBeInstanceOf(KeydriftError);
    expect(err.message).toMatch(/401/);
  });

  it('an unknown context is a KeydriftError', async () => {
    srv = await startFakeApiServer({});
    expect(() => openCluster({ kubeconfig: srv.writeKubeconfig(), context: 'nope' })).toThrow(/no context 'nope'/);
  });

  it('keeps managedFields as the API server wrote them', async () => {
    const cm = { ...cms(1)[0]!, metadata: { ...cms(1)[0]!.metadata, managedFields: [managedFieldsEntry({ manager: 'kubectl-patch', operation: 'Update', time: '2026-11-20T14:03:27Z', keys: ['REDIS_URL'] })] } };
    srv = await startFakeApiServer({ objects: [cm] });
    const [item] = await openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST }).list('v1', 'ConfigMap');
    expect(item!.metadata.managedFields[0]).toEqual({
      manager: 'kubectl-patch',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-11-20T14:03:27Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { 'f:REDIS_URL': {} } },
    });
  });

  it('ApiStatusError carries the Status code and reason', () => {
    const e = new ApiStatusError(403, 'Forbidden', 'x');
    expect([e.code, e.reason]).toEqual([403, 'Forbidden']);
  });
});

describe('in-cluster service account', () => {
  it('reads the token, CA and namespace files and talks HTTPS to KUBERNETES_SERVICE_HOST', async () => {
    const srv = await startFakeApiServer({ objects: cms(2), tls: true, token: 'sa-token-2' });
    const prefix = mkdtempSync(path.join(tmpdir(), 'kd-sa-'));
    const sa = path.join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token-2');
    writeFileSync(path.join(sa, 'ca.crt'), srv.ca!);
    writeFileSync(path.join(sa, 'namespace'), 'keydrift');
    const saved = { h: process.env.KUBERNETES_SERVICE_HOST, p: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String(srv.port);
    try {
      const client = openCluster({ inCluster: true, inClusterPathPrefix: prefix, retry: FAST });
      expect(await client.list('v1', 'ConfigMap')).toHaveLength(2);
    } finally {
      for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.h], ['KUBERNETES_SERVICE_PORT', saved.p]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await srv.close();
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it('outside a pod: one clear line', () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      expect(() => openCluster({ inCluster: true })).toThrow('--in-cluster: not running in a pod');
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});

describe('expired continue token', () => {
  it('starts the list over once', async () => {
    const srv = await startFakeApiServer({ objects: cms(25), faults: [{ type: 'list', withContinue: true, status: 410, times: 1 }] });
    try {
      const items = await openCluster({ kubeconfig: srv.writeKubeconfig(), pageSize: 10, retry: FAST }).list('v1', 'ConfigMap');
      expect(items).toHaveLength(25);
      expect(srv.requests.filter((r) => r.type === 'list').map((r) => r.status)).toEqual([200, 410, 200, 200, 200]);
    } finally {
      await srv.close();
    }
  });
});

describe('a group served without the kind', () => {
  it('argoproj.io with Rollouts but no Applications: no ArgoCD, no failure', async () => {
    const srv = await startFakeApiServer({ objects: cms(1), crds: ['argocd'], omitKinds: ['Application'] });
    try {
      const live = await readCluster(openCluster({ kubeconfig: srv.writeKubeconfig(), retry: FAST }));
      expect(live.objects.map((o) => o.kind)).toEqual(['ConfigMap']);
      expect(live.skipped).toEqual([]);
    } finally {
      await srv.close();
    }
  });
});

describe('request count', () => {
  it('grows with kinds and pages, not with objects', async () => {
    const counts: number[] = [];
    for (const n of [10, 120]) {
      const srv = await startFakeApiServer({ objects: [...cms(n), ...cms(n, 'dev')] });
      try {
        await readCluster(openCluster({ kubeconfig: srv.writeKubeconfig(), pageSize: 100, retry: FAST }));
        counts.push(srv.requests.length);
        const cmLists = srv.requests.filter((r) => r.resource === 'configmaps').length;
        expect(cmLists).toBe(Math.ceil((2 * n) / 100) || 1);
      } finally {
        await srv.close();
      }
    }
    // 20 → 240 ConfigMaps: one page → three pages; nothing else changes.
    expect(counts[1]! - counts[0]!).toBe(2);
  });
});
