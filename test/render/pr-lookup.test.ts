/**
 * Issue 10, cost follows the change: in a PR check a workload may read a ConfigMap another
 * (untouched) app deploys. Looking it up renders only the apps whose files name it, not the
 * whole head tree; a reference that is missing everywhere is still found missing, as a full
 * check finds it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/commands/check.js';
import { loadPrSnapshots } from '../../src/render/pr.js';
import { GitTree } from '../../src/sources/tree.js';
import { commit, initRepo } from '../helpers/git.js';

const deploy = (name: string, tag: string, cms: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: prod
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: ${name}
        image: ghcr.io/acme/${name}:${tag}
        envFrom:
${cms.map((c) => `        - configMapRef: {name: ${c}}`).join('\n')}
`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: prod\ndata:\n  A: "1"\n`;
const app = (files: string[]) => `resources:\n${files.map((f) => `- ${f}`).join('\n')}\n`;

let tmp: string;
let repo: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-pr-lookup-'));
  repo = initRepo(path.join(tmp, 'gitops'));
  const files: Record<string, string> = {
    'apps/web/kustomization.yaml': app(['deploy.yaml']),
    'apps/web/deploy.yaml': deploy('web', '1.0.0', ['shared-config']),
    'apps/shared/kustomization.yaml': app(['cm.yaml']),
    'apps/shared/cm.yaml': cm('shared-config'),
  };
  // Unrelated apps: nothing in them names shared-config.
  for (let i = 0; i < 5; i++) {
    files[`apps/other${i}/kustomization.yaml`] = app(['deploy.yaml', 'cm.yaml']);
    files[`apps/other${i}/deploy.yaml`] = deploy(`other${i}`, '1.0.0', [`other${i}-config`]);
    files[`apps/other${i}/cm.yaml`] = cm(`other${i}-config`);
  }
  commit(repo, files, 'base');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('a reference to another app’s ConfigMap renders that app only, and is not reported', async () => {
  commit(repo, { 'apps/web/deploy.yaml': deploy('web', '1.1.0', ['shared-config']) }, 'bump web');
  const [head, base] = await Promise.all([GitTree.open(repo, 'HEAD'), GitTree.open(repo, 'HEAD~1')]);
  const pr = await loadPrSnapshots(head, base);
  expect(pr.head.apps.map((a) => a.id)).toEqual(['kustomize/apps/web']);
  const found = await pr.more!.objects(['shared-config']);
  expect(found.map((o) => `${o.kind}/${o.name}`)).toEqual(['ConfigMap/shared-config']);
  expect([...pr.more!.rendered]).toEqual(['kustomize/apps/shared']);

  const report = await runCheck({ repo, base: 'HEAD~1', head: 'HEAD' });
  expect(report.checked).toEqual(['Deployment/prod/web']);
  expect(report.findings.filter((f) => f.check === 'dangling-ref')).toEqual([]);
});

test('a reference missing from every app is reported as the full check reports it', async () => {
  commit(repo, { 'apps/web/deploy.yaml': deploy('web', '1.2.0', ['shared-config', 'nowhere-config']) }, 'web reads a ConfigMap nobody deploys');
  const [head, base] = await Promise.all([GitTree.open(repo, 'HEAD'), GitTree.open(repo, 'HEAD~1')]);
  const pr = await loadPrSnapshots(head, base);
  await pr.more!.objects(['nowhere-config']);
  expect([...pr.more!.rendered]).toEqual([]); // no app names it: nothing rendered for it
  await pr.more!.objects('all');
  expect([...pr.more!.rendered].sort()).toEqual(['kustomize/apps/other0', 'kustomize/apps/other1', 'kustomize/apps/other2', 'kustomize/apps/other3', 'kustomize/apps/other4', 'kustomize/apps/shared']);

  const prReport = await runCheck({ repo, base: 'HEAD~1', head: 'HEAD' });
  const full = await runCheck({ repo, head: 'HEAD' });
  const dangling = (r: typeof full) => r.findings.filter((f) => f.check === 'dangling-ref' && f.workload === 'Deployment/prod/web').map((f) => f.message);
  expect(dangling(prReport)).toHaveLength(1);
  expect(dangling(prReport)[0]).toMatch(/nowhere-config/);
  expect(dangling(prReport)).toEqual(dangling(full));
});
