/**
 * A delegated build that fails inside a remote base (not fetched: no network, a host that does
 * not answer) is not a failure of this repository: the app is "Not checked", naming the remote
 * base, never a render-failed problem. A Flux Kustomization's own fields (commonMetadata, …)
 * over a kustomization that must be delegated reach the tool too, and a failure there points at
 * the Kustomization and the directory a person knows, never at keydrift's virtual overlay.
 */
import { writeTree, kustomizeTool } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { resetKustomizeTool } from '../../src/render/kustomize/delegate.js';

const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          env:\n            - name: HOST\n              value: placeholder\n';
const flux = (path: string, extra = '') => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  path: ./${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
const replacements = 'configMapGenerator:\n- name: cfg\n  literals: [HOST=redis]\nreplacements:\n- source: {kind: ConfigMap, name: cfg, fieldPath: data.HOST}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.0.env.0.value]\n';
const metadata = '  commonMetadata:\n    labels:\n      team: a\n';

afterEach(() => resetKustomizeTool());

const run = kustomizeTool ? test : test.skip;
const skipNote = kustomizeTool ? '' : ' (skipped: neither kustomize nor kubectl is on PATH)';

run(`a remote base that cannot be fetched makes the app "Not checked", not render-failed${skipNote}`, async () => {
  // Port 1 on loopback: refused at once, as an unreachable host would be.
  const t = writeTree({ 'k/kustomization.yaml': 'resources:\n- https://127.0.0.1:1/crds.yaml\n- deploy.yaml\n', 'k/deploy.yaml': deploy });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems).toEqual([]);
    expect(s.skipped.map((x) => x.reason)).toEqual([expect.stringMatching(/^kustomize\/k: remote resource 'https:\/\/127\.0\.0\.1:1\/crds\.yaml' could not be fetched or built by .+; its objects are not checked/)]);
  } finally {
    t.cleanup();
  }
});

run(`a local failure before a remote base stays render-failed${skipNote}`, async () => {
  // kustomize reads resources in order: a missing local file listed first is this repository's failure.
  const t = writeTree({ 'k/kustomization.yaml': 'resources:\n- missing.yaml\n- https://127.0.0.1:1/crds.yaml\n' });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems.map((p) => [p.file, p.render?.dir])).toEqual([['k/kustomization.yaml', 'k']]);
  } finally {
    t.cleanup();
  }
});

run(`Flux commonMetadata over a delegated kustomization is applied by the tool${skipNote}`, async () => {
  const t = writeTree({ 'clusters/c/web.yaml': flux('apps/web', metadata), 'apps/web/kustomization.yaml': `resources: [deploy.yaml]\n${replacements}`, 'apps/web/deploy.yaml': deploy });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems).toEqual([]);
    expect(s.skipped).toEqual([]);
    const d = s.objects.find((o) => o.kind === 'Deployment')!;
    expect(d.body.metadata.labels).toEqual({ team: 'a' });
    expect(d.body.spec.template.spec.containers[0].env[0].value).toBe('redis');
    expect(d.file).toBe('apps/web/kustomization.yaml');
  } finally {
    t.cleanup();
  }
});

run(`a failing delegated build under Flux overrides names the real directory, never the virtual overlay${skipNote}`, async () => {
  const t = writeTree({ 'clusters/c/web.yaml': flux('apps/web', metadata), 'apps/web/kustomization.yaml': `resources: [deploy.yaml, gone.yaml]\n${replacements}`, 'apps/web/deploy.yaml': deploy });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems.map((p) => [p.file, p.render?.dir])).toEqual([['apps/web/kustomization.yaml', 'apps/web']]);
    expect(JSON.stringify([s.problems, s.skipped])).not.toMatch(/keydrift-argocd|\/tmp\//);
  } finally {
    t.cleanup();
  }
});

run(`a generator file source that is a URL is fetched by the tool; when it cannot be, the app is "Not checked"${skipNote}`, async () => {
  const t = writeTree({ 'k/kustomization.yaml': 'configMapGenerator:\n- name: dash\n  files:\n  - d.json=https://127.0.0.1:1/d.json\n' });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems).toEqual([]);
    expect(s.skipped.map((x) => x.reason)).toEqual([expect.stringMatching(/^kustomize\/k: remote resource 'https:\/\/127\.0\.0\.1:1\/d\.json' could not be fetched/)]);
  } finally {
    t.cleanup();
  }
});

test('a kustomization that several apps build fails once: one cause, one problem', async () => {
  const app = (n: string) => `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${n}\n  namespace: argocd\nspec:\n  destination:\n    namespace: ${n}\n  source:\n    repoURL: https://example.com/r.git\n    path: base\n`;
  const t = writeTree({ 'apps/a.yaml': app('a'), 'apps/b.yaml': app('b'), 'base/kustomization.yaml': 'resources: [gone.yaml]\n' });
  try {
    const s = await loadSnapshot(t.tree, { delegate: false });
    expect(s.problems.map((p) => [p.file, p.line])).toEqual([['base/kustomization.yaml', 1]]);
    expect(s.apps.filter((a) => a.skipped).map((a) => a.id).sort()).toEqual(['Application/argocd/a', 'Application/argocd/b']);
  } finally {
    t.cleanup();
  }
});

run(`a delegated build that inflates a Helm chart is "Not checked" (keydrift never passes --enable-helm), not render-failed${skipNote}`, async () => {
  const t = writeTree({
    'k/kustomization.yaml': `resources: [deploy.yaml]\nhelmCharts:\n- name: redis\n  repo: https://127.0.0.1:1/charts\n  version: 1.0.0\n${replacements}`,
    'k/deploy.yaml': deploy,
  });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems).toEqual([]);
    expect(s.skipped.map((x) => x.reason)).toContainEqual(expect.stringMatching(/^kustomize\/k: k inflates a Helm chart .*needs kustomize --enable-helm; keydrift never runs it/));
  } finally {
    t.cleanup();
  }
});

run(`a Helm chart deep in a long failure message is still recognised (the whole message is judged, not the shown part)${skipNote}`, async () => {
  // A chart in a base two levels down: kustomize's message grows with every accumulating path.
  const deep = 'a-rather-long-directory-name-to-make-the-message-long/another-long-directory-name-for-the-same-reason';
  const t = writeTree({
    [`${deep}/base/kustomization.yaml`]: 'helmCharts:\n- name: redis\n  repo: https://127.0.0.1:1/charts\n  version: 1.0.0\n',
    [`${deep}/mid/kustomization.yaml`]: 'resources:\n- ../base\n',
    [`${deep}/top/kustomization.yaml`]: `resources:\n- ../mid\n- deploy.yaml\n${replacements}`,
    [`${deep}/top/deploy.yaml`]: deploy,
  });
  try {
    const s = await loadSnapshot(t.tree);
    expect(s.problems).toEqual([]);
    expect(s.skipped.map((x) => x.reason)).toContainEqual(expect.stringMatching(/inflates a Helm chart .*--enable-helm/));
  } finally {
    t.cleanup();
  }
});
