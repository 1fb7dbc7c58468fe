/**
 * Secrets: only "added / removed / changed / same" — no value, hash or length in any output.
 * Values below are markers the outputs are searched for.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeApiServer, managedFieldsEntry, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runDrift } from '../../src/commands/drift.js';
import { renderDriftText } from '../../src/drift/text.js';
import { argoApp, gitRepo, rm, T_ARGO, T_PATCH } from './helpers.js';
import { runCli } from '../helpers/cli.js';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };
const GIT_VALUE = 'mk-git-Zq81xV-payload';
const LIVE_VALUE = 'mk-live-Hb77Qp-changed-by-hand';
const ADDED_VALUE = 'mk-added-Pw42Lc-only-live';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const forms = (v: string) => [v, b64(v), createHash('sha256').update(v).digest('hex'), createHash('sha256').update(v).digest('base64'), b64(v).replace(/=+$/, '')];

const SECRET_YAML = `apiVersion: v1
kind: Secret
metadata:
  name: user-auth-secrets
  namespace: prod
type: Opaque
stringData:
  API_TOKEN: ${GIT_VALUE}
  SAME: same-value-1
`;

const liveSecret = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: {
    name: 'user-auth-secrets',
    namespace: 'prod',
    labels: { 'app.kubernetes.io/instance': 'user-auth' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { API_TOKEN: GIT_VALUE } }) },
    managedFields: [
      managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: T_ARGO, keys: ['SAME'] }),
      managedFieldsEntry({ manager: 'kubectl-edit', operation: 'Update', time: T_PATCH, keys: ['API_TOKEN', 'REDIS_PASSWORD'] }),
    ],
  },
  data: { API_TOKEN: b64(LIVE_VALUE), SAME: b64('same-value-1'), REDIS_PASSWORD: b64(ADDED_VALUE) },
};

function expectClean(out: string) {
  for (const v of [GIT_VALUE, LIVE_VALUE, ADDED_VALUE]) for (const f of forms(v)) expect(out).not.toContain(f);
  expect(out).not.toMatch(/length|bytes|sha256|hmac|digest/i);
}

describe('Secret drift', () => {
  let srv: FakeApiServer;
  let repo: string;
  beforeAll(async () => {
    repo = gitRepo({ 'apps/user-auth/secret.yaml': SECRET_YAML });
    srv = await startFakeApiServer({ objects: [liveSecret, argoApp()] });
  });
  afterAll(async () => {
    await srv.close();
    rm(repo);
  });

  it('says only "changed" and "added", in every output', async () => {
    const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST });
    const byKey = Object.fromEntries(report.findings.map((f) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual(['API_TOKEN', 'REDIS_PASSWORD']);
    expect(byKey.API_TOKEN!.check).toBe('will-be-reverted');
    expect(byKey.API_TOKEN!.message).toMatch(/^API_TOKEN in Secret prod\/user-auth-secrets was changed in the cluster: kubectl-edit \(Update\) owns it; its last write to this object was at /);
    expect(byKey.REDIS_PASSWORD!.check).toBe('live-only-key');
    for (const f of report.findings) {
      // The patch puts a placeholder where the value goes; git's own values are redacted too.
      expect(f.patch).toContain('<value from your secret store>');
      expectClean(f.patch!);
      expect(f.details).not.toHaveProperty('gitValue');
      expect(f.details).not.toHaveProperty('liveValue');
    }
    expectClean(JSON.stringify(report));
    expectClean(renderDriftText(report, { color: false }));
    expectClean(renderDriftText(report, { color: true }));
    expectClean(inspect(report, { depth: 20 }));
  });

  it('a dump of the same cluster gives the same findings and leaks nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kd-dump-'));
    try {
      const list = { apiVersion: 'v1', kind: 'List', items: [liveSecret, argoApp()] };
      writeFileSync(path.join(dir, 'all.json'), JSON.stringify(list));
      const report = await runDrift({ repo, ref: 'main', clusterDump: dir });
      expect(report.findings.map((f) => [f.check, f.key])).toEqual([
        ['will-be-reverted', 'API_TOKEN'],
        ['live-only-key', 'REDIS_PASSWORD'],
      ]);
      expectClean(JSON.stringify(report) + renderDriftText(report, { color: false }) + inspect(report, { depth: 20 }));
    } finally {
      rm(dir);
    }
  });

  it('the CLI in every format, drift and check --cluster, leaks nothing', async () => {
    const kc = srv.writeKubeconfig();
    const outs: string[] = [];
    for (const format of ['text', 'json']) {
      const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', kc, '--format', format]);
      expect(r.code).toBe(1);
      outs.push(r.stdout, r.stderr);
    }
    // A PR that removes the Secret: its live-only key is lost.
    const repo2 = gitRepo({ 'apps/user-auth/secret.yaml': SECRET_YAML });
    try {
      rmSync(path.join(repo2, 'apps/user-auth/secret.yaml'));
      writeFileSync(path.join(repo2, 'README'), 'x');
      execFileSync('git', ['add', '-A'], { cwd: repo2 });
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'drop'], { cwd: repo2 });
      for (const format of ['text', 'json']) {
        const r = await runCli(['check', '--repo', repo2, '--base', 'main~1', '--head', 'main', '--cluster', '--kubeconfig', kc, '--format', format]);
        expect(r.stdout).toContain('REDIS_PASSWORD');
        outs.push(r.stdout, r.stderr);
      }
    } finally {
      rm(repo2);
    }
    expectClean(outs.join('\n'));
  });

  it('forbidden Secrets: the report is still produced, with a skip reason', async () => {
    const s2 = await startFakeApiServer({ objects: [liveSecret, argoApp()], forbid: [{ resource: 'secrets' }] });
    try {
      const report = await runDrift({ repo, ref: 'main', kubeconfig: s2.writeKubeconfig(), retry: FAST });
      expect(report.findings).toEqual([]);
      expect(report.skipped).toContainEqual(expect.objectContaining({ what: 'Secrets (live)', reason: expect.stringMatching(/^forbidden: secrets is forbidden/) }));
    } finally {
      await s2.close();
    }
  });
});

describe('RBAC per namespace', () => {
  it('Secrets forbidden in one namespace only: the other namespace is still compared', async () => {
    const other = { ...liveSecret, metadata: { ...liveSecret.metadata, namespace: 'dev' } };
    const repo2 = gitRepo({ 'prod.yaml': SECRET_YAML, 'dev.yaml': SECRET_YAML.replace('namespace: prod', 'namespace: dev') });
    const s2 = await startFakeApiServer({ objects: [liveSecret, other, argoApp()], forbid: [{ resource: 'secrets', namespace: 'prod' }] });
    try {
      const report = await runDrift({ repo: repo2, ref: 'main', kubeconfig: s2.writeKubeconfig(), namespaces: ['prod', 'dev'], retry: FAST });
      expect(report.skipped).toContainEqual(expect.objectContaining({ what: 'Secrets (live, namespace prod)' }));
      expect(new Set(report.findings.map((f) => (f.details as any).object))).toEqual(new Set(['Secret/dev/user-auth-secrets']));
    } finally {
      await s2.close();
      rm(repo2);
    }
  });
});
