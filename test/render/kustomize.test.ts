import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { kustomizeHash, encodeHash } from '../../src/render/kustomize/hash.js';
import { buildNative, buildReal, byName, kustomizeTool, plainBodies, writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { SourceIndex } from '../../src/resolve/sources.js';
import { containersOf } from '../../src/resolve/workloads.js';
import { resolveContainer } from '../../src/resolve/provision.js';

const withTool = kustomizeTool ? test : test.skip;
const sortByKey = (xs: any[]) => [...xs].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

describe('generator hashes', () => {
  // Expected suffixes computed by `kubectl kustomize` (kustomize v5.5.0) on the same inputs.
  test.each([
    ['ConfigMap literal', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { A: '1' } }, '89g4tffbfk'],
    ['ConfigMap file', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'yy' }, data: { 'f.txt': 'a: 1\n' } }, 'mh6mf4mh59'],
    ['Secret literal', { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 's' }, data: { A: 'MQ==' } }, '526mcbf5c2'],
    ['incident ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-auth-config', namespace: 'prod' }, data: { REDIS_HOST: 'redis.prod.svc.cluster.local', REDIS_PORT: '6379' } }, 'cdhd28mg5f'],
  ])('%s', (_n, body, expected) => {
    expect(kustomizeHash(body)).toBe(expected);
  });

  test('hash encoding maps 0,1,3,a,e so the suffix is never a number', () => {
    expect(encodeHash('0123ae4567ff')).toBe('gh2kmt4567');
  });

  test('generated names equal the real tool on a fixture (file, env and literal sources; merge)', async () => {
    const files = {
      'k/kustomization.yaml': 'configMapGenerator:\n- name: a\n  literals: [A=1, "B=two words", C=\'q\']\n- name: b\n  envs: [app.env]\n- name: c\n  files: [conf.txt, renamed=conf.txt]\nsecretGenerator:\n- name: s\n  literals: [PASSWORD=hunter2]\n  type: Opaque\n',
      'k/app.env': '# comment\nX=1\n  Y=2 \nZ="quoted"\n',
      'k/conf.txt': 'line1\nline2 <&>\n',
    };
    const { objects, dir, cleanup } = await buildNative(files, 'k');
    try {
      const real = buildReal(path.join(dir, 'k'));
      if (!real) return; // no tool: the hard-coded hashes above still hold
      expect(sortByKey(plainBodies(objects))).toEqual(sortByKey(real));
    } finally {
      cleanup();
    }
  });
});

const base = {
  'base/kustomization.yaml': 'resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: app-config\n  literals:\n  - A=1\n  - B=2\nsecretGenerator:\n- name: app-secret\n  literals:\n  - TOKEN=t0ken\n',
  'base/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1
          envFrom:
            - configMapRef:
                name: app-config
            - secretRef:
                name: app-secret
          env:
            - name: FROM_KEY
              valueFrom:
                configMapKeyRef:
                  name: app-config
                  key: A
            - name: FROM_SECRET
              valueFrom:
                secretKeyRef:
                  name: app-secret
                  key: TOKEN
            - name: KEEP
              value: "1"
          volumeMounts:
            - name: cfg
              mountPath: /cfg
      volumes:
        - name: cfg
          configMap:
            name: app-config
        - name: sec
          secret:
            secretName: app-secret
        - name: proj
          projected:
            sources:
              - configMap:
                  name: app-config
`,
};

describe('merge / replace behaviour', () => {
  for (const behavior of ['merge', 'replace'] as const) {
    test(behavior, async () => {
      const files = {
        ...base,
        'overlay/kustomization.yaml': `resources:\n- ../base\nconfigMapGenerator:\n- name: app-config\n  behavior: ${behavior}\n  literals:\n  - B=3\n  - C=4\n`,
      };
      const { objects, dir, cleanup } = await buildNative(files, 'overlay');
      try {
        const cm = byName(objects, 'ConfigMap', 'app-config');
        expect(cm.body.data).toEqual(behavior === 'merge' ? { A: '1', B: '3', C: '4' } : { B: '3', C: '4' });
        expect(cm.generated).toMatchObject({ generator: 'configMapGenerator', hashed: true });
        // Provenance: B and C from the overlay literal lines; A (merge) from the base.
        expect(cm.locate(['data', 'B'])).toEqual({ file: 'overlay/kustomization.yaml', line: 7 });
        expect(cm.locate(['data', 'C'])).toEqual({ file: 'overlay/kustomization.yaml', line: 8 });
        if (behavior === 'merge') expect(cm.locate(['data', 'A'])).toEqual({ file: 'base/kustomization.yaml', line: 6 });
        const real = buildReal(path.join(dir, 'overlay'));
        if (real) expect(sortByKey(plainBodies(objects))).toEqual(sortByKey(real));
      } finally {
        cleanup();
      }
    });
  }

  test('create over an existing name is an error with the generator line', async () => {
    const t = writeTree({ ...base, 'overlay/kustomization.yaml': 'resources:\n- ../base\nconfigMapGenerator:\n- name: app-config\n  literals: [X=1]\n' });
    try {
      const snap = await loadSnapshot(t.tree);
      expect(snap.problems).toEqual([expect.objectContaining({ file: 'overlay/kustomization.yaml', line: 4, message: expect.stringContaining('behavior must be merge or replace') })]);
      expect(snap.skipped.some((s) => s.reason.includes('kustomize/overlay'))).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});

describe('name-reference rewriting', () => {
  test('env valueFrom, envFrom and volumes point at the hashed, prefixed names', async () => {
    const files = { ...base, 'overlay/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: prod-\nnamespace: prod\n' };
    const { objects, dir, cleanup } = await buildNative(files, 'overlay');
    try {
      const cm = byName(objects, 'ConfigMap', 'prod-app-config-').name;
      const sec = byName(objects, 'Secret', 'prod-app-secret-').name;
      expect(cm).toMatch(/^prod-app-config-[a-z0-9]{10}$/);
      const pod = byName(objects, 'Deployment', 'prod-web').body.spec.template.spec;
      const c = pod.containers[0];
      expect(c.envFrom).toEqual([{ configMapRef: { name: cm } }, { secretRef: { name: sec } }]);
      expect(c.env[0].valueFrom.configMapKeyRef.name).toBe(cm);
      expect(c.env[1].valueFrom.secretKeyRef.name).toBe(sec);
      expect(pod.volumes[0].configMap.name).toBe(cm);
      expect(pod.volumes[1].secret.secretName).toBe(sec);
      expect(pod.volumes[2].projected.sources[0].configMap.name).toBe(cm);
      const real = buildReal(path.join(dir, 'overlay'));
      if (real) expect(sortByKey(plainBodies(objects))).toEqual(sortByKey(real));
    } finally {
      cleanup();
    }
  });
});

describe('patches', () => {
  const overlay = (k: string, extra: Record<string, string> = {}) => ({ ...base, 'overlay/kustomization.yaml': k, ...extra });

  test('strategic merge adds and removes env entries; positions follow the patch', async () => {
    const files = overlay('resources:\n- ../base\npatches:\n- path: env.yaml\n', {
      'overlay/env.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: REDIS_URL
              value: redis://r:6379/0
            - name: KEEP
              $patch: delete
`,
    });
    const { objects, dir, cleanup } = await buildNative(files, 'overlay');
    try {
      const d = byName(objects, 'Deployment', 'web');
      const env = d.body.spec.template.spec.containers[0].env;
      expect(env.map((e: any) => e.name)).toEqual(['REDIS_URL', 'FROM_KEY', 'FROM_SECRET']);
      const p = ['spec', 'template', 'spec', 'containers', 0, 'env'];
      expect(d.locate([...p, 0])).toEqual({ file: 'overlay/env.yaml', line: 11 });
      expect(d.locate([...p, 0, 'value'])).toEqual({ file: 'overlay/env.yaml', line: 12 });
      // Untouched entries still point at the base file, and keep their text ranges there.
      expect(d.locate([...p, 1])).toEqual({ file: 'base/deploy.yaml', line: 21 });
      expect(d.file).toBe('base/deploy.yaml');
      expect(d.rangeOf([...p, 1, 'name'])).toBeDefined();
      // Its configMapKeyRef name was rewritten to the hashed name: no longer the file's text.
      expect(d.rangeOf([...p, 1])).toBeUndefined();
      expect(d.rangeOf([...p, 1, 'valueFrom', 'configMapKeyRef', 'name'])).toBeUndefined();
      // The added entry has no range in the base file; the image has one.
      expect(d.rangeOf([...p, 0])).toBeUndefined();
      expect(d.rangeOf(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBeDefined();
      const real = buildReal(path.join(dir, 'overlay'));
      if (real) expect(sortByKey(plainBodies(objects))).toEqual(sortByKey(real));
    } finally {
      cleanup();
    }
  });

  test('JSON 6902 adds and removes env entries', async () => {
    const files = overlay(`resources:
- ../base
patches:
- target:
    kind: Deployment
    name: web
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value:
        name: REDIS_URL
        value: redis://r:6379/0
    - op: remove
      path: /spec/template/spec/containers/0/env/2
`);
    const { objects, dir, cleanup } = await buildNative(files, 'overlay');
    try {
      const d = byName(objects, 'Deployment', 'web');
      const env = d.body.spec.template.spec.containers[0].env;
      expect(env.map((e: any) => e.name)).toEqual(['FROM_KEY', 'FROM_SECRET', 'REDIS_URL']);
      expect(d.locate(['spec', 'template', 'spec', 'containers', 0, 'env', 2, 'value'])).toEqual({ file: 'overlay/kustomization.yaml', line: 12 });
      const real = buildReal(path.join(dir, 'overlay'));
      if (real) expect(sortByKey(plainBodies(objects))).toEqual(sortByKey(real));
    } finally {
      cleanup();
    }
  });

  test('namespaced and renamed fields have no text range in the original file', async () => {
    const { objects, cleanup } = await buildNative({ ...base, 'overlay/kustomization.yaml': 'resources:\n- ../base\nnamespace: prod\n' }, 'overlay');
    try {
      const d = byName(objects, 'Deployment', 'web');
      expect(d.namespace).toBe('prod');
      expect(d.rangeOf(['metadata', 'namespace'])).toBeUndefined();
      expect(d.locate(['metadata', 'namespace'])).toEqual({ file: 'overlay/kustomization.yaml', line: 3 });
      expect(d.rangeOf(['metadata', 'name'])).toBeDefined();
    } finally {
      cleanup();
    }
  });
});

describe('load restrictor', () => {
  test('a generator file outside the kustomization root is a clear error, not a crash', async () => {
    const t = writeTree({
      'secret.env': 'TOKEN=x\n',
      'apps/web/kustomization.yaml': 'configMapGenerator:\n- name: web\n  envs:\n  - ../../secret.env\n',
    });
    try {
      const snap = await loadSnapshot(t.tree);
      expect(snap.problems).toHaveLength(1);
      expect(snap.problems[0]).toMatchObject({ file: 'apps/web/kustomization.yaml', line: 4 });
      expect(snap.problems[0]!.message).toMatch(/load restrictor: '..\/..\/secret.env' \(secret.env\) is not in or below the kustomization root 'apps\/web'/);
      expect(snap.apps[0]).toMatchObject({ id: 'kustomize/apps/web', skipped: expect.stringContaining('load restrictor') });
      expect(snap.objects).toHaveLength(0);
      if (kustomizeTool) expect(() => buildReal(path.join(t.dir, 'apps/web'))).toThrow(/security|restrict/i);
    } finally {
      t.cleanup();
    }
  });
});

describe('the incident as a Kustomize overlay', () => {
  const root = path.resolve('test/fixtures/render/incident');

  test('loadSnapshot renders the overlay: hashed ConfigMap, rewritten envFrom, provenance at the literal lines', async () => {
    const { DirTree } = await import('../../src/sources/tree.js');
    const snap = await loadSnapshot(new DirTree(root), { helm: false });
    const app = snap.apps.find((a) => a.id === 'Application/argocd/user-auth')!;
    expect(app).toMatchObject({ kind: 'Application', path: 'overlays/prod', namespace: 'prod', syncPolicy: { automated: { selfHeal: true, prune: true } } });
    expect(app.inputs).toEqual(expect.arrayContaining(['argocd/user-auth.yaml', 'overlays/prod/kustomization.yaml', 'base/kustomization.yaml', 'base/deployment.yaml']));
    // The base is not loaded again as a plain file, and the overlay is rendered once (by the app).
    const deps = snap.objects.filter((o) => o.kind === 'Deployment' && o.name === 'user-auth');
    expect(deps).toHaveLength(1);
    const d = deps[0]!;
    expect(d.namespace).toBe('prod');
    expect(d.app).toBe('Application/argocd/user-auth');
    const cm = snap.objects.find((o) => o.kind === 'ConfigMap' && o.name.startsWith('user-auth-config'))!;
    expect(cm.name).toBe('user-auth-config-cdhd28mg5f');
    expect(cm.generated).toEqual({ generator: 'configMapGenerator', file: 'overlays/prod/kustomization.yaml', line: 10, hashed: true });
    expect(d.body.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(cm.name);
    expect(d.body.spec.template.spec.containers[0].image).toBe('ghcr.io/example/user-auth:3.14.0');
    expect(d.locate(['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ file: 'overlays/prod/kustomization.yaml', line: 7 });
    // A missing key is added where the literals are: the data map points at the last literal line.
    expect(cm.locate(['data'])).toEqual({ file: 'overlays/prod/kustomization.yaml', line: 13 });
    expect(cm.locate(['data', 'REDIS_HOST'])).toEqual({ file: 'overlays/prod/kustomization.yaml', line: 12 });
    // The container resolves REDIS_HOST/REDIS_PORT from the generated ConfigMap.
    const index = new SourceIndex(snap.objects);
    const prov = resolveContainer(containersOf(d).containers[0]!, index);
    expect([...prov.vars.keys()].sort()).toEqual(['LOG_LEVEL', 'REDIS_HOST', 'REDIS_PORT']);
    expect(prov.vars.has('REDIS_URL')).toBe(false);
    // The Helm app is listed, skipped with a clear reason.
    const helmApp = snap.apps.find((a) => a.id === 'Application/argocd/user-auth-helm')!;
    expect(helmApp).toMatchObject({ renderer: 'helm', namespace: 'prod-helm', skipped: expect.stringContaining('helm') });
    expect(snap.skipped.some((s) => s.file === 'argocd/user-auth-helm.yaml' && /helm/.test(s.reason))).toBe(true);
    expect(snap.texts.get('base/deployment.yaml')).toBe(readFileSync(path.join(root, 'base/deployment.yaml'), 'utf8'));
  });
});

describe('never a crash, never a hang', () => {
  test('a cycle of bases is an error with the kustomization line', async () => {
    const t = writeTree({
      'a/kustomization.yaml': 'resources:\n- ../b\n',
      'b/kustomization.yaml': 'resources:\n- ../a\n',
      'c/kustomization.yaml': 'resources:\n- ../c\n',
    });
    try {
      const snap = await loadSnapshot(t.tree);
      expect(snap.problems.map((p) => p.message).join('\n')).toMatch(/cycle/);
      expect(snap.objects).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  test('broken YAML, a missing resource and a bad patch become problems with file:line', async () => {
    const t = writeTree({
      'x/kustomization.yaml': 'resources:\n- missing.yaml\n',
      'y/kustomization.yaml': 'resources: [\n',
      'z/kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: replace\n      path: /spec/nope/x\n      value: 1\n',
      'z/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
    });
    try {
      const snap = await loadSnapshot(t.tree);
      const byFile = Object.fromEntries(snap.problems.map((p) => [p.file, p]));
      expect(byFile['x/kustomization.yaml']).toMatchObject({ line: 2, message: expect.stringContaining("resource 'missing.yaml' not found") });
      expect(byFile['y/kustomization.yaml']!.message).toMatch(/YAML could not be parsed/);
      expect(byFile['z/kustomization.yaml']).toMatchObject({ line: 4, message: expect.stringContaining('path does not exist') });
      expect(snap.apps.every((a) => a.skipped)).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});

describe('kitchen sink: most features at once, equal to the real tool', () => {
  const root = path.resolve('test/fixtures/render/kitchen-sink');
  (kustomizeTool ? test : test.skip).each(['overlay', 'base'])(`%s equals ${kustomizeTool?.label ?? 'kustomize'}`, async (dir) => {
    const { DirTree } = await import('../../src/sources/tree.js');
    const { treeHost } = await import('../../src/render/host.js');
    const { Kustomizer } = await import('../../src/render/kustomize/build.js');
    const host = await treeHost(new DirTree(root));
    const ours = (await new Kustomizer(host).build(dir)).map((r) => JSON.parse(JSON.stringify(r.body)));
    const real = buildReal(path.join(root, dir))!;
    const key = (o: any) => `${o.kind}/${o.metadata.name}`;
    const a = Object.fromEntries(ours.map((o) => [key(o), o]));
    const b = Object.fromEntries(real.map((o) => [key(o), o]));
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(b)) expect({ k, o: a[k] }).toEqual({ k, o: b[k] });
  });
});

test('a patched scalar: edited in the patch, still at its line in the original file, no text range', async () => {
  const files = {
    ...base,
    'overlay/kustomization.yaml': 'resources:\n- ../base\npatches:\n- path: p.yaml\n',
    'overlay/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:2\n',
  };
  const { objects, cleanup } = await buildNative(files, 'overlay');
  try {
    const d = byName(objects, 'Deployment', 'web');
    const img = ['spec', 'template', 'spec', 'containers', 0, 'image'];
    expect(d.body.spec.template.spec.containers[0].image).toBe('web:2');
    expect(d.locate(img)).toEqual({ file: 'overlay/p.yaml', line: 10 });
    expect(d.lineOf(img)).toBe(14);
    expect(d.rangeOf(img)).toBeUndefined();
    expect(d.rangeOf(['spec', 'template', 'spec', 'containers', 0, 'name'])).toBeDefined();
  } finally {
    cleanup();
  }
});

test('env-file provenance, and malformed secret sources never echoed in errors', async () => {
  const { objects, cleanup } = await buildNative({ 'k/kustomization.yaml': 'configMapGenerator:\n- name: c\n  envs: [a.env]\n', 'k/a.env': '# c\nHOST=r\n\nPORT=1\n' }, 'k');
  try {
    const cm = objects[0]!;
    expect(cm.locate(['data', 'PORT'])).toEqual({ file: 'k/a.env', line: 4 });
    expect(cm.locate(['data'])).toEqual({ file: 'k/a.env', line: 4 });
    expect(cm.rangeOf(['data', 'PORT'])).toBeUndefined();
  } finally {
    cleanup();
  }
  const t = writeTree({
    'a/kustomization.yaml': 'secretGenerator:\n- name: s\n  envs: [s.env]\n',
    'a/s.env': 'p@ss-w0rd!-value\n',
    'b/kustomization.yaml': 'secretGenerator:\n- name: s\n  literals: [hunter2-no-equals]\n',
  });
  try {
    const snap = await loadSnapshot(t.tree);
    const all = JSON.stringify(snap.problems) + JSON.stringify(snap.skipped) + JSON.stringify(snap.apps);
    expect(snap.problems).toHaveLength(2);
    expect(all).not.toContain('p@ss-w0rd');
    expect(all).not.toContain('hunter2');
  } finally {
    t.cleanup();
  }
});
