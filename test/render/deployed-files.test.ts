/**
 * Which files are deployed: a directory an app applies is read for manifests only — never
 * README, LICENSE, .gitignore, Terraform or shell files, which must never become invalid-yaml.
 */
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

const flux = (p: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ${p}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

test.each([
  ['LICENSE', 'Copyright: the authors\n  - not: [yaml\n'],
  ['README.md', '# Title\n\n- item: {broken\n'],
  ['.gitignore', '*.tgz\n: x\n'],
  ['main.tf', 'resource "x" "y" {\n  a = 1\n}\n'],
  ['run.sh', '#!/bin/sh\necho "a: [b"\n'],
])('a Flux directory app never reads %s as a manifest', async (name, text) => {
  const t = writeTree({
    'clusters/prod/apps.yaml': flux('./apps'),
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\ndata:\n  A: "1"\n',
    [`apps/${name}`]: text,
  });
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.problems).toEqual([]);
    const app = snap.apps.find((a) => a.id.includes('apps'))!;
    expect(app.skipped).toBeUndefined();
    expect(snap.objects.filter((o) => o.app === app.id).map((o) => `${o.kind}/${o.name}`)).toEqual(['ConfigMap/c']);
  } finally {
    t.cleanup();
  }
});

test('a chart nothing renders: its templates are skipped without claiming they were rendered, never invalid-yaml', async () => {
  const t = writeTree({
    'clusters/prod/apps.yaml': flux('./apps'),
    'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\n',
    'charts/unused/Chart.yaml': 'apiVersion: v2\nname: unused\nversion: 0.1.0\n',
    'charts/unused/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false });
    expect(snap.problems).toEqual([]);
    const s = snap.skipped.find((x) => x.file === 'charts/unused/templates/cm.yaml');
    if (s) expect(s.reason).not.toMatch(/\brendered,/);
    expect(snap.skipped.map((x) => x.reason).join('\n')).not.toMatch(/: rendered, not read as YAML/);
  } finally {
    t.cleanup();
  }
});
