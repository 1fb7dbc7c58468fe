/**
 * What the native renderer leaves out (here `replacements`) is delegated to kustomize or
 * kubectl when one is on PATH — from a directory, or from a git ref materialised into a
 * temp dir — and otherwise skipped with the reason. Never a crash, never a silent pass.
 */
import { execFileSync } from 'node:child_process';
import { writeTree, kustomizeTool, buildReal } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { GitTree } from '../../src/sources/tree.js';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { delegateBuild, resetKustomizeTool } from '../../src/render/kustomize/delegate.js';

const files = {
  'app/kustomization.yaml': `resources:
- deploy.yaml
configMapGenerator:
- name: cfg
  literals: [HOST=redis]
replacements:
- source: {kind: ConfigMap, name: cfg, fieldPath: data.HOST}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.env.0.value]
`,
  'app/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          env:\n            - name: HOST\n              value: placeholder\n',
};

afterEach(() => {
  delete process.env.KEYDRIFT_NO_KUSTOMIZE;
  resetKustomizeTool();
});

(kustomizeTool ? test : test.skip)(`unsupported features are delegated to ${kustomizeTool?.label ?? 'kustomize'}, at a git ref too${kustomizeTool ? '' : ' (skipped: neither kustomize nor kubectl is on PATH)'}`, async () => {
  const t = writeTree(files);
  try {
    for (const ref of [undefined, 'HEAD']) {
      let tree = t.tree as any;
      if (ref) {
        const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
        execFileSync('git', ['init', '-q'], { cwd: t.dir, env });
        execFileSync('git', ['add', '-A'], { cwd: t.dir, env });
        execFileSync('git', ['commit', '-qm', 'x'], { cwd: t.dir, env });
        tree = await GitTree.open(t.dir, ref);
      }
      const snap = await loadSnapshot(tree);
      expect(snap.skipped).toEqual([]);
      const d = snap.objects.find((o) => o.kind === 'Deployment')!;
      expect(d.body.spec.template.spec.containers[0].env[0].value).toBe('redis');
      // File-level provenance only.
      expect(d.file).toBe('app/kustomization.yaml');
      expect(d.locate(['spec', 'template'])).toEqual({ file: 'app/kustomization.yaml', line: 1 });
      expect(d.rangeOf(['spec'])).toBeUndefined();
      expect(snap.objects.find((o) => o.kind === 'ConfigMap')!.name).toMatch(/^cfg-[a-z0-9]{10}$/);
    }
  } finally {
    t.cleanup();
  }
});

test('without kustomize or kubectl the app is skipped with the reason', async () => {
  process.env.KEYDRIFT_NO_KUSTOMIZE = '1';
  resetKustomizeTool();
  const t = writeTree(files);
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.objects).toEqual([]);
    expect(snap.skipped).toEqual([{ file: 'app/kustomization.yaml', reason: expect.stringMatching(/'replacements' is not supported by the native renderer \(app\/kustomization.yaml:6\); neither kustomize nor kubectl is on PATH/) }]);
    expect(snap.apps[0]!.skipped).toMatch(/replacements/);
  } finally {
    t.cleanup();
  }
});

test('helmCharts are never delegated (kustomize would fetch the chart): skipped with the reason', async () => {
  const t = writeTree({ 'c/kustomization.yaml': 'helmCharts:\n- name: cilium\n  repo: https://helm.cilium.io/\n  version: 1.0.0\n' });
  try {
    const snap = await loadSnapshot(t.tree);
    expect(snap.skipped).toEqual([{ file: 'c/kustomization.yaml', reason: "kustomize/c: Helm chart 'cilium' 1.0.0 from https://helm.cilium.io/ (helmCharts in c/kustomization.yaml:2): keydrift does not fetch charts or run kustomize --enable-helm, so its objects are not checked" }]);
    expect(snap.objects).toEqual([]);
    expect(snap.problems).toEqual([]);
  } finally {
    t.cleanup();
  }
});

describe('one replacements: in a leaf delegates only that leaf', () => {
  const files = {
    'leaf/kustomization.yaml': 'resources: [cm.yaml, d.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: src, fieldPath: data.HOST}\n  targets:\n  - select: {kind: Deployment, name: web}\n    fieldPaths: [spec.template.spec.containers.0.env.0.value]\n',
    'leaf/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: src\ndata:\n  HOST: redis\n',
    'leaf/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web\n        env:\n        - {name: HOST, value: x}\n',
    'app/kustomization.yaml': 'namespace: prod\nnamePrefix: p-\nresources:\n- ../leaf\n- own.yaml\n',
    'app/own.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: own\ndata:\n  A: "1"\n',
  };
  (kustomizeTool ? test : test.skip)(`the parent keeps line provenance for its own objects and equals ${kustomizeTool?.label ?? 'kustomize'}`, async () => {
    const t = writeTree(files);
    try {
      const snap = await loadSnapshot(t.tree);
      const app = snap.apps.find((a) => a.id === 'kustomize/app')!;
      expect(app.skipped).toBeUndefined();
      expect(app.notes?.join('\n')).toMatch(/base leaf was built by .*replacements/);
      const own = snap.objects.find((o) => o.app === app.id && o.name === 'p-own')!;
      expect(own.locate(['data', 'A'])).toEqual({ file: 'app/own.yaml', line: 6 });
      const web = snap.objects.find((o) => o.app === app.id && o.kind === 'Deployment')!;
      expect(web.file).toBe('leaf/kustomization.yaml');
      expect(web.body.spec.template.spec.containers[0].env[0].value).toBe('redis');
      const real = buildReal(`${t.dir}/app`)!;
      const key = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
      const ours = snap.objects.filter((o) => o.app === app.id).map((o) => JSON.parse(JSON.stringify(o.body)));
      expect(ours.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(real.sort((a, b) => key(a).localeCompare(key(b))));
    } finally {
      t.cleanup();
    }
  });
});

describe('a delegated build gets only the files its kustomization tree can read (issue 10: cost follows the change)', () => {
  // A stand-in tool (node running a script): prints one ConfigMap whose keys are the files of
  // the temporary copy it was given, so the test sees exactly what was materialised.
  const LISTER = `const fs = require('fs'), path = require('path');
const dir = process.argv[process.argv.length - 1];
let root = dir; while (!path.basename(root).startsWith('keydrift-kustomize-')) root = path.dirname(root);
const out = [];
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else out.push(path.relative(root, p).split(path.sep).join('/')); } };
walk(root);
process.stdout.write('apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: listing\\ndata:\\n' + out.sort().map((f) => '  ' + JSON.stringify(f) + ': "1"\\n').join(''));
`;
  const repo = {
    'apps/web/kustomization.yaml': 'resources:\n- ../../bases/web\n- cm.yaml\nreplacements:\n- source: {kind: ConfigMap, name: own, fieldPath: data.A}\n  targets:\n  - select: {kind: ConfigMap, name: own}\n    fieldPaths: [data.B]\n',
    'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: own\ndata:\n  A: "1"\n  B: "2"\n',
    'apps/web/patches/p.yaml': 'x: 1\n',
    'bases/web/kustomization.yaml': 'resources: [d.yaml]\n',
    'bases/web/d.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n',
    'apps/other/kustomization.yaml': 'resources: [cm.yaml]\n',
    'apps/other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n',
    'bases/unused/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unused\n',
    'README.md': '# repo\n',
  };
  test('the kustomization roots it reaches, nothing else of the repository', async () => {
    const t = writeTree({ ...repo, '.tool/lister.cjs': LISTER });
    try {
      const tool = { cmd: process.execPath, args: [path.join(t.dir, '.tool/lister.cjs')], label: 'lister' };
      const r = await delegateBuild(t.tree, 'apps/web', tool);
      expect(r.ok).toBe(true);
      const listed = Object.keys((parseAllDocuments((r as { yaml: string }).yaml)[0]!.toJS() as any).data);
      expect(listed).toEqual(['apps/web/cm.yaml', 'apps/web/kustomization.yaml', 'apps/web/patches/p.yaml', 'bases/web/d.yaml', 'bases/web/kustomization.yaml']);
    } finally {
      t.cleanup();
    }
  });
  test('a build of the repository root still gets the whole repository', async () => {
    const t = writeTree({ 'kustomization.yaml': 'resources: [apps/other]\n', ...repo, '.tool/lister.cjs': LISTER });
    try {
      const tool = { cmd: process.execPath, args: [path.join(t.dir, '.tool/lister.cjs')], label: 'lister' };
      const r = await delegateBuild(t.tree, '', tool);
      const listed = Object.keys((parseAllDocuments((r as { yaml: string }).yaml)[0]!.toJS() as any).data);
      expect(listed).toContain('bases/unused/cm.yaml');
      expect(listed).toContain('README.md');
    } finally {
      t.cleanup();
    }
  });
});
