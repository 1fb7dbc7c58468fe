/**
 * One cause is one finding: a base that several overlays render unchanged gives the same finding,
 * at the same file and line, from each overlay; the report says it once. Overlays that make it
 * differ (another namespace) keep their own finding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/commands/check.js';
import { commit, initRepo } from '../helpers/git.js';

const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: example.com/web:1\n          env:\n            - name: TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: web-token\n                  key: token\n`;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-once-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

test('three overlays of one base, two of them alike: one finding for the alike pair, one for the other', async () => {
  const repo = initRepo(path.join(tmp, 'r'));
  commit(repo, {
    'base/kustomization.yaml': 'resources:\n- web.yaml\n',
    'base/web.yaml': deploy,
    'overlays/a/kustomization.yaml': 'resources:\n- ../../base\ncommonAnnotations:\n  team: a\n',
    'overlays/b/kustomization.yaml': 'resources:\n- ../../base\ncommonAnnotations:\n  team: b\n',
    'overlays/prod/kustomization.yaml': 'namespace: prod\nresources:\n- ../../base\n',
  });
  const r = await runCheck({ repo });
  const dangling = r.findings.filter((f) => f.check === 'dangling-ref');
  expect(dangling.map((f) => `${f.workload} ${f.locations[0]!.file}:${f.locations[0]!.line}`).sort()).toEqual([
    'Deployment/-/web base/web.yaml:12',
    'Deployment/prod/web base/web.yaml:12',
  ]);
});
