/** render-failed: a kustomization that does not build is its own finding, with kustomize's cause and the kustomization's line. */
import { writeTree } from '../render/helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { renderFailed } from '../../src/checks/render-failed.js';
import { invalidYaml } from '../../src/checks/invalid-yaml.js';
import { lastCause } from '../../src/render/index.js';

const CASES: [string, Record<string, string>, RegExp, string, number][] = [
  ['a missing resource', { 'app/kustomization.yaml': 'resources:\n  - deploy.yaml\n  - missing.yaml\n', 'app/deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' }, /resource 'missing.yaml' not found/, 'app/kustomization.yaml', 3],
  ['a patch that matches nothing', { 'app/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n  - path: p.yaml\n', 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'app/p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata: {A: "1"}\n' }, /no resource matches strategic merge patch ConfigMap\/other/, 'app/kustomization.yaml', 3],
];

test.each(CASES)('%s: render-failed with the cause and the kustomization line, not invalid-yaml', async (_n, files, cause, file, line) => {
  const t = writeTree(files);
  try {
    const snapshot = await loadSnapshot(t.tree, { delegate: false } as any);
    const f = renderFailed.run({ snapshot });
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(cause);
    expect(f[0]!.message).not.toMatch(/Fix the YAML/);
    expect(f[0]!.locations[0]).toMatchObject({ file, line });
    expect(invalidYaml.run({ snapshot })).toEqual([]);
  } finally {
    t.cleanup();
  }
});

test('broken YAML in a resource stays invalid-yaml', async () => {
  const t = writeTree({ 'app/kustomization.yaml': 'resources: [cm.yaml]\n', 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [c\n' });
  try {
    const snapshot = await loadSnapshot(t.tree);
    expect(renderFailed.run({ snapshot })).toEqual([]);
    expect(invalidYaml.run({ snapshot })).toHaveLength(1);
  } finally {
    t.cleanup();
  }
});

test('the cause never shows a temporary path', () => {
  expect(lastCause("error: accumulating resources: accumulation err='accumulating resources from '/tmp/keydrift-kustomize-Ab12/app/x.yaml': open /tmp/keydrift-kustomize-Ab12/app/x.yaml: no such file or directory'")).not.toMatch(/tmp|keydrift-kustomize/);
});
