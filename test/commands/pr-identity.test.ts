/**
 * PR mode matches a workload with its base version, and the ConfigMaps it reads, by app and
 * source file as well as Kind/namespace/name: a repository with duplicate ids (the same
 * Deployment and ConfigMap in two cluster directories) never re-checks the copy a PR did not touch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/commands/check.js';
import { commit, initRepo } from '../helpers/git.js';

const deploy = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n          envFrom:\n            - configMapRef:\n                name: web-cfg\n`;
const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-cfg\n  namespace: web\ndata:\n  A: "${v}"\n`;
const flux = (name: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/${name}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-pr-identity-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

test('plain files: a Deployment changed in one directory does not re-check its namesake in another', async () => {
  const repo = initRepo(path.join(tmp, 'r'));
  const base = commit(repo, {
    'team-a/web.yaml': deploy('example.com/unmapped:1'),
    'team-b/web.yaml': deploy('example.com/unmapped:2'),
  });
  const head = commit(repo, { 'team-a/web.yaml': deploy('example.com/unmapped:3') });
  const r = await runCheck({ repo, base, head });
  expect(r.checked).toEqual(['Deployment/web/web']);
  const head2 = commit(repo, { 'team-b/web.yaml': deploy('example.com/unmapped:4') });
  expect((await runCheck({ repo, base: head, head: head2 })).checked).toEqual(['Deployment/web/web']);
});

test('apps: a ConfigMap changed in one app does not re-check the other app\'s workload of the same ids', async () => {
  const repo = initRepo(path.join(tmp, 'r'));
  const app = (name: string, image: string, v: string) => ({
    [`flux/${name}.yaml`]: flux(name),
    [`clusters/${name}/kustomization.yaml`]: 'resources:\n- web.yaml\n- cm.yaml\n',
    [`clusters/${name}/web.yaml`]: deploy(image),
    [`clusters/${name}/cm.yaml`]: cm(v),
  });
  const base = commit(repo, { ...app('eu', 'example.com/unmapped:1', 'eu'), ...app('us', 'example.com/unmapped:1', 'us') });
  // eu's ConfigMap changes; us is rendered too (a comment in its kustomization) but reads nothing new.
  const head = commit(repo, { 'clusters/eu/cm.yaml': cm('eu2'), 'clusters/us/kustomization.yaml': '# us\nresources:\n- web.yaml\n- cm.yaml\n' });
  const r = await runCheck({ repo, base, head });
  expect(r.checked).toEqual(['Deployment/web/web']);
});
