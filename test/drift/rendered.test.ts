/**
 * Drift against git as the renderer sees it: a Kustomize configMapGenerator (literals and
 * an env file) in an app ArgoCD syncs. The live ConfigMap carries the generated hash name.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runDrift } from '../../src/commands/drift.js';
import { DirTree } from '../../src/sources/tree.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { argoApp, gitRepo, liveConfigMap, rm } from './helpers.js';

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 };

const FILES = {
  'apps/user-auth/kustomization.yaml': `namespace: prod
resources:
  - deployment.yaml
configMapGenerator:
  - name: user-auth-config
    literals:
      - REDIS_HOST=redis.prod.svc
      - REDIS_PORT=6379
    envs:
      - app.env
`,
  'apps/user-auth/app.env': 'LOG_LEVEL=info\n',
  'apps/user-auth/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
spec:
  template:
    spec:
      containers:
        - name: user-auth
          image: ghcr.io/acme/user-auth:3.14.0
          envFrom:
            - configMapRef:
                name: user-auth-config
`,
};

describe('drift on rendered git', () => {
  let repo: string;
  let srv: FakeApiServer;
  let cmName: string;
  beforeAll(async () => {
    repo = gitRepo(FILES);
    const snap = await loadSnapshot(await DirTree.open(repo));
    const cm = snap.objects.find((o) => o.kind === 'ConfigMap')!;
    expect(cm.generated?.hashed).toBe(true);
    cmName = cm.name;
    srv = await startFakeApiServer({
      objects: [
        liveConfigMap({ name: cmName, data: { REDIS_HOST: 'redis.prod.svc', REDIS_PORT: '6379', LOG_LEVEL: 'info', REDIS_URL: 'redis://redis.prod.svc:6379/0' }, patched: ['REDIS_URL'] }),
        argoApp(),
      ],
    });
  });
  afterAll(async () => {
    await srv?.close();
    rm(repo);
  });

  it('the generated ConfigMap: lost at regeneration, the patch adds a literal to the generator', async () => {
    const report = await runDrift({ repo, ref: 'main', kubeconfig: srv.writeKubeconfig(), retry: FAST });
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ check: 'fix-will-be-lost', key: 'REDIS_URL' });
    expect(f.message).toContain(`in ConfigMap prod/${cmName}: kubectl-patch (Update) owns it`);
    expect(f.message).toContain('lost the next time this ConfigMap is regenerated (any change to configMapGenerator user-auth-config in apps/user-auth/kustomization.yaml');
    expect(f.patch).toContain('--- a/apps/user-auth/kustomization.yaml');
    expect(f.patch).toContain('       - REDIS_PORT=6379\n+      - REDIS_URL=redis://redis.prod.svc:6379/0\n');
    expect(f.fix).toContain('Merging it changes the generator hash');
  });
});
