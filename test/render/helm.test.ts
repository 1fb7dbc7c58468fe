/**
 * Helm rendering without a real helm: a stand-in `helm` on PATH records its arguments and
 * prints what `helm template` prints. Checks the invocation (release, namespace, values in
 * order, --no-hooks, never a post-renderer or a fetch) and the provenance of the output.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

const OUTPUT = `---
# Source: user-auth/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: user-auth-config
data:
  REDIS_HOST: "redis.prod.svc.cluster.local"
---
# Source: user-auth/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
spec:
  template:
    spec:
      containers:
        - name: user-auth
          image: "ghcr.io/example/user-auth:3.14.0"
          envFrom:
            - configMapRef:
                name: user-auth-config
`;

test('ArgoCD Application over a local chart: helm template arguments and file-level provenance', async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
  const log = path.join(bin, 'args.log');
  writeFileSync(path.join(bin, 'out.yaml'), OUTPUT);
  writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > '${log}'\nfor a in "$@"; do case "$a" in *.yaml) [ -f "$a" ] && { echo "--- $a"; cat "$a"; } >> '${log}.values';; esac; done\ncat '${path.join(bin, 'out.yaml')}'\n`);
  chmodSync(path.join(bin, 'helm'), 0o755);
  const t = writeTree({
    'charts/user-auth/Chart.yaml': 'apiVersion: v2\nname: user-auth\nversion: 0.1.0\n',
    'charts/user-auth/values.yaml': 'redis:\n  host: redis\n',
    'charts/user-auth/templates/configmap.yaml': 'kind: ConfigMap\n{{ .Values.redis.host }}\n',
    'charts/user-auth/values-prod.yaml': 'redis:\n  host: redis.prod.svc.cluster.local\n',
    'argocd/app.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: user-auth
  namespace: argocd
spec:
  source:
    repoURL: https://example.com/gitops.git
    path: charts/user-auth
    helm:
      releaseName: user-auth
      valueFiles: [values-prod.yaml]
      valuesObject:
        replicas: 3
      parameters:
        - name: image.tag
          value: 3.14.0
  destination:
    namespace: prod
`,
  });
  const oldPath = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${oldPath}`;
  try {
    const snap = await loadSnapshot(t.tree);
    const app = snap.apps.find((a) => a.id === 'Application/argocd/user-auth')!;
    expect(app.skipped).toBeUndefined();
    expect(app.renderer).toBe('helm');
    const args = readFileSync(log, 'utf8').trim().split('\n');
    expect(args.slice(0, 2)).toEqual(['template', 'user-auth']);
    expect(args).toEqual(expect.arrayContaining(['--no-hooks', '--skip-tests', '--namespace', 'prod', '--set', 'image.tag=3.14.0']));
    expect(args).not.toContain('--post-renderer');
    expect(args).not.toContain('--dependency-update');
    const values = readFileSync(`${log}.values`, 'utf8');
    expect(values.indexOf('redis.prod.svc.cluster.local')).toBeLessThan(values.indexOf('replicas: 3'));
    const cm = snap.objects.find((o) => o.kind === 'ConfigMap')!;
    expect(cm).toMatchObject({ namespace: 'prod', app: app.id, file: 'charts/user-auth/templates/configmap.yaml' });
    expect(cm.locate(['data', 'REDIS_HOST'])).toEqual({ file: 'charts/user-auth/templates/configmap.yaml', line: 1 });
    expect(cm.rangeOf(['data', 'REDIS_HOST'])).toBeUndefined();
    const d = snap.objects.find((o) => o.kind === 'Deployment')!;
    expect(d.namespace).toBe('prod');
    expect(app.inputs).toEqual(expect.arrayContaining(['argocd/app.yaml', 'charts/user-auth/values-prod.yaml', 'charts/user-auth/templates/configmap.yaml']));
    // Chart templates are never read as plain YAML.
    expect(snap.problems).toEqual([]);
  } finally {
    process.env.PATH = oldPath;
    t.cleanup();
    rmSync(bin, { recursive: true, force: true });
  }
});
