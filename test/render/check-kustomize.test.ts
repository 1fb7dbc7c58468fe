/**
 * The incident as a Kustomize overlay, through `keydrift check`: the overlay bumps the tag
 * to 3.14.0 while its configMapGenerator still has REDIS_HOST/REDIS_PORT. The missing
 * REDIS_URL must point at the generator's literal lines in the kustomization, and PR mode
 * renders only the app whose inputs changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, type IncidentRepos } from '../../src/example/incident.js';
import { runCheck } from '../../src/commands/check.js';
import { commit, initRepo } from '../helpers/git.js';

let tmp: string;
let repos: IncidentRepos;
let gitops: string;

const overlay = (tag: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
resources:
  - ../../base
images:
  - name: ghcr.io/acme/user-auth
    newTag: ${tag}
configMapGenerator:
  - name: user-auth-config
    literals:
      - REDIS_HOST=redis.prod.svc.cluster.local
      - REDIS_PORT=6379
`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
spec:
  selector:
    matchLabels: {app: user-auth}
  template:
    metadata:
      labels: {app: user-auth}
    spec:
      containers:
        - name: user-auth
          image: ghcr.io/acme/user-auth:3.13.2
          envFrom:
            - configMapRef:
                name: user-auth-config
`;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-kustomize-incident-'));
  repos = await buildIncident(path.join(tmp, 'incident'));
  gitops = initRepo(path.join(tmp, 'gitops'));
  commit(gitops, {
    '.keydrift.yaml': `sources:\n  ghcr.io/acme/user-auth:\n    path: ${repos.app}\n    ref: "v{tag}"\n`,
    'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'base/deployment.yaml': deployment,
    'overlays/prod/kustomization.yaml': overlay('3.13.2'),
    'overlays/staging/kustomization.yaml': overlay('3.13.2').replace('namespace: prod', 'namespace: staging'),
    'remote/app.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: redis\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: redis\n  destination:\n    namespace: redis\n',
  }, 'deploy 3.13.2');
  commit(gitops, { 'overlays/prod/kustomization.yaml': overlay('3.14.0') }, 'bump prod to 3.14.0');
}, 60000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('missing REDIS_URL points at the kustomization literal lines; only the prod app is rendered', async () => {
  const report = await runCheck({ repo: gitops, base: 'HEAD~1', head: 'HEAD' });
  // One cause, one finding: the rename of the required REDIS_URL, not a missing-key as well.
  expect(report.findings.filter((f) => f.key === 'REDIS_URL').map((f) => f.check)).toEqual(['renamed-key']);
  const renamed = report.findings.find((f) => f.check === 'renamed-key')!;
  expect(renamed.workload).toBe('Deployment/prod/user-auth');
  expect(renamed.message).toContain('fail to start');
  // The container map changed in rendering (image tag, hashed envFrom name): no text patch
  // is offered against the base file, rather than a wrong one.
  expect(renamed.patch).toBeUndefined();
  {
    expect(renamed.locations).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'overlays/prod/kustomization.yaml', line: 12 }),
      expect.objectContaining({ file: 'overlays/prod/kustomization.yaml', line: 13 }),
    ]));
  }
  expect(report.checked).toEqual(['Deployment/prod/user-auth']);
  // PR mode: the untouched remote-chart app is not rendered, so not reported as skipped.
  expect(report.skipped.some((s) => /redis/.test(s.reason) && /remote charts/.test(s.reason))).toBe(false);
  // Without a base every app is rendered and the remote chart is reported.
  const full = await runCheck({ repo: gitops });
  expect(full.skipped.some((s) => /chart 'redis' from https:\/\/charts\.example\.com/.test(s.reason))).toBe(true);
}, 60000);
