/** `keydrift check --cluster`: a change that drops a key that exists only live. */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { changeDropsLiveKeys } from '../../src/drift/pr.js';
import { startFakeApiServer } from '../../src/testing/fake-apiserver.js';
import type { KObject } from '../../src/sources/yaml.js';
import { runCli } from '../helpers/cli.js';
import { argoApp, gitRepo, liveConfigMap, liveOf, rm, snapshotOf, USER_AUTH_CM } from './helpers.js';

const ADDED = { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' };

describe('changeDropsLiveKeys', () => {
  const live = liveOf([liveConfigMap({ data: ADDED, patched: ['REDIS_URL'] }), argoApp()]);
  const base = snapshotOf({ 'cm.yaml': USER_AUTH_CM });

  it('nothing when the object stays under its name (the key survives apply)', () => {
    const head = snapshotOf({ 'cm.yaml': USER_AUTH_CM.replace('LOG_LEVEL: info', 'LOG_LEVEL: debug') });
    expect(changeDropsLiveKeys(base, head, live).findings).toEqual([]);
  });

  it('the change turns on Replace=true for the object, or for its Application', () => {
    const withAnno = USER_AUTH_CM.replace('  namespace: prod\n', '  namespace: prod\n  annotations:\n    argocd.argoproj.io/sync-options: Replace=true\n');
    const [f] = changeDropsLiveKeys(base, snapshotOf({ 'cm.yaml': withAnno }), live).findings;
    expect(f).toMatchObject({ check: 'fix-will-be-lost', key: 'REDIS_URL' });
    expect(f!.message).toContain('This change turns on Replace=true for ConfigMap prod/user-auth-config');
    expect(f!.patch).toContain('+  REDIS_URL: redis://redis.prod.svc:6379/0');
    const app = (opts: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: user-auth\n  namespace: argocd\nspec:\n  syncPolicy:\n    syncOptions: [${opts}]\n`;
    const b2 = snapshotOf({ 'cm.yaml': USER_AUTH_CM, 'app.yaml': app('CreateNamespace=true') });
    const h2 = snapshotOf({ 'cm.yaml': USER_AUTH_CM, 'app.yaml': app('CreateNamespace=true, Replace=true') });
    expect(changeDropsLiveKeys(b2, h2, live).findings).toHaveLength(1);
    // Already on before this change: not this change's doing.
    expect(changeDropsLiveKeys(h2, h2, live).findings).toHaveLength(0);
  });

  it('the change removes the object', () => {
    const { findings } = changeDropsLiveKeys(base, snapshotOf({}), live, { head: 'HEAD' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'fix-will-be-lost', severity: 'error', key: 'REDIS_URL' });
    expect(findings[0]!.message).toContain('This change removes ConfigMap prod/user-auth-config from git at HEAD');
    expect(findings[0]!.message).toContain('kubectl-patch (Update) owns it');
  });

  it('the change regenerates the object under a new hash: the patch goes to the head generator', () => {
    const kz = (lvl: string) => `configMapGenerator:\n  - name: user-auth-config\n    namespace: prod\n    literals:\n      - REDIS_HOST=redis.prod.svc\n      - REDIS_PORT=6379\n      - LOG_LEVEL=${lvl}\n`;
    const gen = (o: KObject) => {
      if (o.kind !== 'ConfigMap') return;
      o.generated = { generator: 'configMapGenerator', file: 'kustomization.yaml', line: 2, hashed: true };
      o.locate = (p) => ({ file: 'kustomization.yaml', line: ({ REDIS_HOST: 5, REDIS_PORT: 6, LOG_LEVEL: 7 } as Record<string, number>)[String(p[1])] ?? 2 });
    };
    const b = snapshotOf({ 'kustomization.yaml': kz('info'), 'r.yaml': USER_AUTH_CM.replace('name: user-auth-config', 'name: user-auth-config-5f8t2b7m9k') }, gen);
    const h = snapshotOf({ 'kustomization.yaml': kz('debug'), 'r.yaml': USER_AUTH_CM.replace('name: user-auth-config', 'name: user-auth-config-c6t9k4m2bh').replace('LOG_LEVEL: info', 'LOG_LEVEL: debug') }, gen);
    const lv = liveOf([liveConfigMap({ name: 'user-auth-config-5f8t2b7m9k', data: ADDED, patched: ['REDIS_URL'] }), argoApp()]);
    const { findings } = changeDropsLiveKeys(b, h, lv);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('This change regenerates ConfigMap prod/user-auth-config-5f8t2b7m9k as user-auth-config-c6t9k4m2bh');
    expect(findings[0]!.patch).toContain('       - LOG_LEVEL=debug\n+      - REDIS_URL=redis://redis.prod.svc:6379/0\n');
  });
});

describe('keydrift check --cluster', () => {
  it('reports the key the PR drops, read from the cluster', async () => {
    const repo = gitRepo({ 'apps/user-auth/configmap.yaml': USER_AUTH_CM });
    const srv = await startFakeApiServer({ objects: [liveConfigMap({ data: ADDED, patched: ['REDIS_URL'] }), argoApp()] });
    try {
      rmSync(path.join(repo, 'apps/user-auth/configmap.yaml'));
      writeFileSync(path.join(repo, 'README'), 'x');
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'drop the ConfigMap'], { cwd: repo });
      const r = await runCli(['check', '--repo', repo, '--base', 'main~1', '--head', 'main', '--cluster', '--kubeconfig', srv.writeKubeconfig(), '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout);
      expect(j.findings.map((f: any) => [f.check, f.key])).toEqual([['fix-will-be-lost', 'REDIS_URL']]);
      // Without --base there is nothing to compare: a skip reason, not a failure.
      const r2 = await runCli(['check', '--repo', repo, '--cluster', '--kubeconfig', srv.writeKubeconfig(), '--format', 'json']);
      expect(JSON.parse(r2.stdout).skipped).toContainEqual(expect.objectContaining({ what: 'cluster comparison' }));
    } finally {
      await srv.close();
      rm(repo);
    }
  });
});
