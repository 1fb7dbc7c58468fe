import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runCli } from '../helpers/cli.js';
import { argoApp, gitRepo, liveConfigMap, rm, T_PATCH, USER_AUTH_CM } from './helpers.js';

const LIVE = liveConfigMap({ data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' }, patched: ['REDIS_URL'] });

describe('keydrift drift (CLI)', () => {
  let srv: FakeApiServer;
  let repo: string;
  let tmp: string;
  beforeAll(async () => {
    repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM, 'apps/billing/cm.yaml': USER_AUTH_CM.replace(/user-auth-config/, 'billing').replace('prod', 'billing') });
    srv = await startFakeApiServer({ objects: [LIVE, argoApp()] });
    tmp = mkdtempSync(path.join(tmpdir(), 'kd-cli-'));
  });
  afterAll(async () => {
    await srv.close();
    rm(repo);
    rm(tmp);
  });

  it('text: grouped by app, with who, when, fate and patch; exit 1 on the warning', async () => {
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', srv.writeKubeconfig(), '--namespace', 'prod']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^git \S+@main \([0-9a-f]{7}\) vs cluster http:\/\/127\.0\.0\.1:\d+ \(context fake\)\n\nApps and changes ordered by the newest manual change, as managedFields know it: each field manager's last write to the object \(they keep no time per key\)\.\n\nArgoCD app argocd\/user-auth\n {2}warning live-only-key REDIS_URL/);
    expect(r.stdout).toContain(`who:  kubectl-patch (Update); its last write to this object: ${T_PATCH}`);
    expect(r.stdout).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');
    expect(r.stdout).toContain('keydrift drift: 1 finding (0 errors, 1 warning, 0 info); 1 live object compared with git');
    // --namespace prod: billing's ConfigMap is not looked at.
    expect(r.stdout).not.toContain('billing');
  });

  it('json: the v1 report with details; --fail-on error exits 0', async () => {
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', srv.writeKubeconfig(), '-n', 'prod', '--format', 'json', '--fail-on', 'error']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schemaVersion: 1, command: 'drift', summary: { warning: 1 } });
    const schema = JSON.parse(readFileSync(new URL('../../schema/report.v1.json', import.meta.url), 'utf8'));
    const AjvCtor = (Ajv as any).default ?? Ajv;
    const validate = new AjvCtor({ allErrors: true, strict: false }).compile(schema);
    expect(validate(j) ? [] : validate.errors).toEqual([]);
    expect(j.findings[0]).toMatchObject({ check: 'live-only-key', key: 'REDIS_URL', details: { manager: 'kubectl-patch', time: T_PATCH } });
  });

  it('--cluster-dump reads kubectl get -o yaml output', async () => {
    const dump = path.join(tmp, 'dump.yaml');
    writeFileSync(dump, stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [LIVE, argoApp()] }));
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--cluster-dump', dump, '-n', 'prod', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => [f.check, f.key])).toEqual([['live-only-key', 'REDIS_URL']]);
  });

  it('a dump without managedFields says who is unknown and how to dump it', async () => {
    const dump = path.join(tmp, 'bare.yaml');
    const bare = structuredClone(LIVE) as any;
    delete bare.metadata.managedFields;
    writeFileSync(dump, stringify({ apiVersion: 'v1', kind: 'List', items: [bare] }));
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--cluster-dump', dump, '-n', 'prod']);
    expect(r.stdout).toContain('in ConfigMap prod/user-auth-config: who made it is unknown (the object carries no managedFields: dump it with kubectl get --show-managed-fields)');
  });

  it('an unreachable cluster: exit 2, one line, nothing on stdout', async () => {
    const s2 = await startFakeApiServer({});
    const kc = s2.writeKubeconfig({ dir: tmp });
    await s2.close();
    const r = await runCli(['drift', '--repo', repo, '--ref', 'main', '--kubeconfig', kc], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keydrift: cannot reach the cluster at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(discovery \/api, 5 attempts\)\n$/);
  }, 30000);

  it('bad input: exit 2 with one line', async () => {
    for (const args of [
      ['drift', '--repo', repo, '--ref', 'nope', '--cluster-dump', tmp],
      ['drift', '--repo', repo, '--cluster-dump', path.join(tmp, 'missing')],
      ['drift', '--repo', repo, '--kubeconfig', path.join(tmp, 'missing')],
      ['drift', '--repo', repo, '--cluster-dump', tmp, '--kubeconfig', 'x'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });
});
