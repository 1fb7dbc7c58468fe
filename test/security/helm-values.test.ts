/**
 * Issue 15.3: Helm in a working tree read value files outside the repository
 * (`valueFiles: ../../x`, `$values/../x`, a HelmRelease's `valuesFiles`) and followed symlinks in
 * the chart (`.Files.Get`). A value file must be a normal path inside the repository, as at a git
 * ref; the chart is copied out without symlinks. A stand-in `helm` prints every values file and
 * the chart's `files/` into its output, so whatever it could read shows in the rendered objects.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { DirTree, GitTree } from '../../src/sources/tree.js';
import { commit, initRepo } from '../helpers/git.js';
import { sandbox, type Sandbox } from './helpers.js';

const CANARY = 'outside-values-canary-91c2';
/** Prints a ConfigMap whose data holds every --values file and the chart's files/ directory. */
const FAKE_HELM = `chart="$3"
echo '# Source: c/templates/cm.yaml'
echo 'apiVersion: v1'
echo 'kind: ConfigMap'
echo 'metadata: {name: seen}'
echo 'data:'
echo '  seen: |'
while [ $# -gt 0 ]; do if [ "$1" = --values ]; then sed 's/^/    /' "$2"; fi; shift; done
for f in "$chart"/files/*; do [ -f "$f" ] && sed 's/^/    /' "$f"; done
exit 0`;

const CHART = {
  'charts/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
  'charts/c/templates/cm.yaml': 'kind: ConfigMap\n',
  'charts/c/values-ok.yaml': 'ok: inside\n',
};
const argo = (valueFiles: string[], withRef = false) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: c
  namespace: argocd
spec:
  destination: {namespace: web}
  sources:
    - repoURL: https://example.com/gitops.git
      path: charts/c
      helm:
        valueFiles: ${JSON.stringify(valueFiles)}
${withRef ? '    - repoURL: https://example.com/gitops.git\n      ref: values\n' : ''}`;
const helmRelease = (valuesFiles: string[]) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: c
  namespace: web
spec:
  chart:
    spec:
      chart: charts/c
      sourceRef: {kind: GitRepository, name: gitops}
      valuesFiles: ${JSON.stringify(valuesFiles)}
`;

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
}

describe('Helm value files and chart files stay inside the repository', () => {
  let sb: Sandbox;
  let repo: string;
  beforeEach(() => {
    sb = sandbox('kd-sec-helm-');
    sb.tool('helm', FAKE_HELM);
    writeFiles(sb.root, { 'outside/values.yaml': `stolen: ${CANARY}\n` });
    repo = initRepo(path.join(sb.root, 'repo'));
  });
  afterEach(() => sb.cleanup());

  const cases: [string, Record<string, string>, RegExp][] = [
    ['ArgoCD valueFiles: ../../../outside', { 'apps/c.yaml': argo(['values-ok.yaml', '../../../outside/values.yaml']) }, /values file "\.\.\/\.\.\/\.\.\/outside\/values\.yaml" has a '\.\.' segment: keydrift reads value files inside the repository only/],
    ['ArgoCD $values/../outside', { 'apps/c.yaml': argo(['$values/../outside/values.yaml'], true) }, /values file "\$values\/\.\.\/outside\/values\.yaml" has a '\.\.' segment/],
    ['Flux HelmRelease valuesFiles: ../outside', { 'apps/c.yaml': helmRelease(['../outside/values.yaml']) }, /values file "\.\.\/outside\/values\.yaml" has a '\.\.' segment/],
  ];

  for (const mode of ['working tree', 'git ref'] as const) {
    it.each(cases)(`${mode}: %s is refused`, async (_n, files, why) => {
      writeFiles(repo, { ...CHART, ...files });
      commit(repo, {});
      const snap = await sb.with({}, async () => loadSnapshot(mode === 'git ref' ? await GitTree.open(repo, 'HEAD') : new DirTree(repo)));
      expect(JSON.stringify(snap.objects.map((o) => o.body))).not.toContain(CANARY);
      expect(snap.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(why)]);
    });
  }

  it('working tree: a symlink in the chart (read with .Files.Get) is not followed', async () => {
    writeFiles(repo, { ...CHART, 'charts/c/files/own.txt': 'own: inside\n', 'apps/c.yaml': argo(['values-ok.yaml']) });
    symlinkSync(path.join(sb.root, 'outside/values.yaml'), path.join(repo, 'charts/c/files/link.txt'));
    const snap = await sb.with({}, () => loadSnapshot(new DirTree(repo)));
    expect(snap.skipped).toEqual([]);
    const seen = snap.objects.find((o) => o.name === 'seen')!.body.data.seen as string;
    expect(seen).toContain('ok: inside');
    expect(seen).toContain('own: inside');
    expect(seen).not.toContain(CANARY);
  });

  it('a value file through a symlinked directory is not read', async () => {
    writeFiles(repo, { ...CHART, 'apps/c.yaml': argo(['values-ok.yaml', 'linked/values.yaml']) });
    symlinkSync(path.join(sb.root, 'outside'), path.join(repo, 'charts/c/linked'));
    const snap = await sb.with({}, () => loadSnapshot(new DirTree(repo)));
    expect(JSON.stringify(snap.objects.map((o) => o.body))).not.toContain(CANARY);
    expect(snap.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/values file charts\/c\/linked\/values\.yaml not found/)]);
  });
});
