/**
 * mode: drift, and the cluster part of mode: check, through the bundled Action: git vs a live
 * cluster served by the in-repo fake API server, reached with the kubeconfig input.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { startFakeApiServer, managedFieldsEntry, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { argoApp, liveConfigMap, T_PATCH } from '../drift/helpers.js';
import { pullRequestEvent, runAction, type ActionRun } from './runner.js';
import { sarifValidator } from '../report/helpers.js';

const LIVE_SECRET_VALUE = 'kd-live-canary-3b8e0d';
let tmp: string;
let broken: IncidentRepos;
let srv: FakeApiServer;
let kubeconfig: string;
const runs: ActionRun[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-action-drift-'));
  broken = await buildIncident(path.join(tmp, 'broken'));
  srv = await startFakeApiServer({
    objects: [
      // The incident's second half: REDIS_URL patched into the live ConfigMap, never in git.
      liveConfigMap({
        data: { LOG_LEVEL: 'info', REDIS_HOST: 'redis-master.prod.svc.cluster.local', REDIS_PORT: '6379', REDIS_URL: 'redis://redis-master.prod.svc.cluster.local:6379/0' },
        patched: ['REDIS_URL'],
      }),
      // And the Secret's value edited by hand: reported as changed, its values never shown.
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name: 'user-auth-secrets',
          namespace: 'prod',
          labels: { 'app.kubernetes.io/instance': 'user-auth' },
          managedFields: [managedFieldsEntry({ manager: 'kubectl-edit', operation: 'Update', time: T_PATCH, keys: ['jwt-secret'] })],
        },
        data: { 'jwt-secret': Buffer.from(LIVE_SECRET_VALUE).toString('base64') },
      },
      argoApp({ selfHeal: false }),
    ],
  });
  kubeconfig = readFileSync(srv.writeKubeconfig(), 'utf8');
});
afterAll(async () => {
  await srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function act(inputs: Record<string, string>, event: { name: string; payload: object } = { name: 'schedule', payload: { schedule: '0 6 * * 1-5' } }) {
  const r = await runAction({ workspace: broken.gitops, event, inputs: { comment: 'false', ...inputs } });
  runs.push(r);
  return r;
}

describe('mode: drift', () => {
  it('with a kubeconfig: the live-only REDIS_URL is annotated on the ConfigMap in git; fail-on decides the exit code', async () => {
    const r = await act({ mode: 'drift', kubeconfig, 'fail-on': 'warning', 'sarif-file': 'drift.sarif' });
    expect(sarifValidator()(JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8')))).toBe(true);
    expect(r.stderr).toBe('');
    const report = JSON.parse(readFileSync(r.outputs['report-json']!, 'utf8'));
    expect(report.command).toBe('drift');
    const live = report.findings.find((f: any) => f.key === 'REDIS_URL');
    expect(live).toMatchObject({ check: 'live-only-key', severity: 'warning' });
    expect(r.code).toBe(1);
    const a = r.annotations.find((x) => x.props.title === 'keydrift/live-only-key: REDIS_URL');
    expect(a?.level).toBe('warning');
    expect(a?.props.file).toBe('apps/user-auth/configmap.yaml');
    expect(r.summary).toContain('## keydrift drift');
    expect(r.summary).toContain('`live-only-key`');
    expect(Number(r.outputs.findings)).toBe(report.findings.length);
    // The Secret's value changed live: reported (its values never shown), with the file in git.
    const secret = report.findings.find((f: any) => f.key === 'jwt-secret');
    expect(secret.locations.some((l: any) => l.file === 'apps/user-auth/secret.yaml')).toBe(true);
    expect((await act({ mode: 'drift', kubeconfig, 'fail-on': 'never' })).code).toBe(0);
    // Without fail-on, drift fails on warnings, as the CLI's `keydrift drift`.
    expect((await act({ mode: 'drift', kubeconfig })).code).toBe(1);
    expect(readdirSync(r.runnerTemp).filter((f) => f.startsWith('keydrift-kube-'))).toEqual([]);
  });

  it('without a kubeconfig the live part is skipped, not failed', async () => {
    const r = await act({ mode: 'drift' });
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('0');
    expect(r.summary).toContain('### Not checked');
    expect(r.summary).toContain('- live cluster: no kubeconfig input: git was not compared with a cluster');
  });
});

describe('mode: check and the cluster', () => {
  it('without a kubeconfig the cluster comparison is reported as skipped', async () => {
    const r = await act({}, pullRequestEvent({ number: 3, base: broken.base, head: broken.head }));
    expect(r.code).toBe(1);
    expect(r.summary).toContain('- cluster comparison: no kubeconfig input');
  });

  it('with a kubeconfig it reads the cluster (nothing this change drops) and says nothing is skipped', async () => {
    const r = await act({ kubeconfig }, pullRequestEvent({ number: 3, base: broken.base, head: broken.head }));
    expect(r.code).toBe(1);
    expect(r.summary).not.toContain('cluster comparison');
    expect(srv.requests.length).toBeGreaterThan(0);
  });
});

describe('secrets', () => {
  it('neither the git Secret value nor the live one, nor the kubeconfig token, appears in any output', () => {
    expect(runs.length).toBeGreaterThan(4);
    for (const r of runs) {
      expect(r.everything).not.toContain(EXAMPLE_SECRET_VALUE);
      expect(r.everything).not.toContain(LIVE_SECRET_VALUE);
      expect(r.everything).not.toContain(Buffer.from(LIVE_SECRET_VALUE).toString('base64'));
      // Nor the cluster's address, which comes from the kubeconfig secret.
      expect(r.everything).not.toContain(srv.url);
    }
  });
});
