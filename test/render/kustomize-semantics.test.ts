/**
 * Kustomize semantics seen on real repositories, one fixture each: the native build must
 * give what `kubectl kustomize` gives. Expectations are written out (from kustomize v5.5,
 * v5.6 and v5.7), and, when real kubectls are available (test/support/kube-tools.ts: the
 * devDependency layers and kubectl on PATH), the native output is compared with each.
 */
import { isDeepStrictEqual } from 'node:util';
import { buildNative, plainBodies } from './helpers.js';
import { kubeTools, kustomizeAll } from '../support/kube-tools.js';
import { KustomizeError } from '../../src/render/kustomize/build.js';

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
const deploy = (name: string, labels: string) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  labels: {${labels}}\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  dir: string;
  /** Checks on the native objects (plain bodies). */
  expect?: (objs: any[]) => void;
  /** The native build fails with this message. */
  error?: RegExp;
}

const get = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec: {}\n';
const CASES: Case[] = [
  {
    name: 'a JSON patch adds an annotation to an object without annotations',
    files: { 'k/kustomization.yaml': 'resources: [s.yaml]\npatches:\n- target: {kind: Service}\n  patch: |\n    - op: add\n      path: /metadata/annotations/a~1b\n      value: x\n', 'k/s.yaml': svc },
    dir: 'k',
    expect: (o) => expect(get(o, 'Service', 's').metadata).toEqual({ name: 's', annotations: { 'a/b': 'x' } }),
  },
  {
    name: 'a JSON patch replace of a missing key of a map sets it',
    files: { 'k/kustomization.yaml': 'resources: [s.yaml]\npatches:\n- target: {kind: Service}\n  patch: |\n    - op: replace\n      path: /spec/missing\n      value: r\n', 'k/s.yaml': svc },
    dir: 'k',
    expect: (o) => expect(get(o, 'Service', 's').spec).toEqual({ missing: 'r' }),
  },
  {
    name: 'a JSON patch add below a missing map fails, as in kustomize',
    files: { 'k/kustomization.yaml': 'resources: [s.yaml]\npatches:\n- target: {kind: Service}\n  patch: |\n    - op: add\n      path: /spec/deep/er\n      value: [1]\n', 'k/s.yaml': svc },
    dir: 'k',
    error: /path does not exist/,
  },
  {
    name: '`namespace:` renames a Namespace object of a base to the target namespace',
    files: { 'base/kustomization.yaml': 'resources: [ns.yaml]\n', 'base/ns.yaml': ns('_'), 'top/kustomization.yaml': 'namespace: target\nresources: [../base]\n' },
    dir: 'top',
    expect: (o) => expect(o).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'target' } }]),
  },
  {
    name: 'two Namespace objects renamed to one namespace collide, as in kustomize',
    files: { 'a/kustomization.yaml': 'resources: [ns.yaml]\n', 'a/ns.yaml': ns('_'), 'b/kustomization.yaml': 'resources: [ns.yaml]\n', 'b/ns.yaml': ns('other'), 'top/kustomization.yaml': 'namespace: target\nresources: [../a, ../b]\n' },
    dir: 'top',
    error: /namespace transformation produces ID conflict/,
  },
  {
    name: 'YAML 1.1 octal as go-yaml reads it: 0644 is 420, 0o644 is 420, 0755 is 493',
    files: { 'k/kustomization.yaml': 'resources: [pod.yaml]\n', 'k/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: v\n    secret:\n      secretName: s\n      defaultMode: 0644\n      items: [{key: a, path: a, mode: 0o644}, {key: b, path: b, mode: 0755}, {key: c, path: c, mode: 420}]\n' },
    dir: 'k',
    expect: (o) => {
      const v = get(o, 'Pod', 'p').spec.volumes[0].secret;
      expect(v.defaultMode).toBe(420);
      expect(v.items.map((i: any) => i.mode)).toEqual([420, 493, 420]);
    },
  },
  {
    name: 'a block scalar that ends the file without a final newline has no final line break',
    files: { 'k/kustomization.yaml': 'resources: [cm.yaml]\n', 'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: eof\ndata:\n  keep: |\n    kept\n  s: |\n    last line' },
    dir: 'k',
    expect: (o) => expect(get(o, 'ConfigMap', 'eof').data).toEqual({ keep: 'kept\n', s: 'last line' }),
  },
  {
    name: 'folded scalars with more-indented lines follow go-yaml (one more line break before them)',
    files: {
      'k/kustomization.yaml': 'resources: [cm.yaml]\n',
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\ndata:\n  f1: >\n    a\n      more\n    c\n  f2: >\n    a\n\n      more\n\n    c\n  f4: >-\n    p\n      q\n      r\n    s\n  plain: >-\n    one\n    two\n',
    },
    dir: 'k',
    expect: (o) => expect(get(o, 'ConfigMap', 'f').data).toEqual({ f1: 'a\n\n  more\nc\n', f2: 'a\n\n\n  more\n\nc\n', f4: 'p\n\n  q\n  r\ns', plain: 'one two' }),
  },
  {
    name: "folded scalars in an object's own annotations read as the spec says; labels and template annotations keep go-yaml's extra break",
    files: {
      'k/kustomization.yaml': 'resources: [d.yaml]\n',
      'k/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: f\n  labels:\n    l1: >\n      a\n        b\n  annotations:\n    a1: >\n      "Postgres needs a writable root fs and\n       this is for development only."\n    a2: >-\n      p\n        q\n      r\nspec:\n  template:\n    metadata:\n      annotations:\n        t1: >\n          a\n            b\n',
    },
    dir: 'k',
    expect: (o) => {
      const d = get(o, 'Deployment', 'f');
      expect(d.metadata.annotations).toEqual({ a1: '"Postgres needs a writable root fs and\n this is for development only."\n', a2: 'p\n  q\nr' });
      expect(d.metadata.labels).toEqual({ l1: 'a\n\n  b\n' });
      expect(d.spec.template.metadata.annotations).toEqual({ t1: 'a\n\n  b\n' });
    },
  },
  {
    name: 'YAML merge keys (<<) are merged',
    files: { 'k/kustomization.yaml': 'resources: [sm.yaml]\n', 'k/sm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: &l\n    app: x\ndata:\n  <<: *l\n  own: "1"\n' },
    dir: 'k',
    expect: (o) => expect(get(o, 'ConfigMap', 'm').data).toEqual({ app: 'x', own: '1' }),
  },
  {
    name: 'set-based label selectors in a patch target: in (a, b, c), notin, !key',
    files: {
      'k/kustomization.yaml': 'resources: [d.yaml]\npatches:\n- target:\n    kind: Deployment\n    labelSelector: "app in (a, b, c),tier notin (db),!skip"\n  patch: |\n    - op: add\n      path: /metadata/labels/patched\n      value: "yes"\n',
      'k/d.yaml': deploy('a', 'app: a') + deploy('b', 'app: b') + deploy('c', 'app: c') + deploy('d', 'app: d') + deploy('e', 'app: a, skip: x') + deploy('f', 'app: b, tier: db'),
    },
    dir: 'k',
    expect: (o) => expect(o.filter((x) => x.metadata.labels.patched === 'yes').map((x) => x.metadata.name)).toEqual(['a', 'b', 'c']),
  },
  {
    name: 'annotation values are strings, an empty annotations map is dropped, labels keep their types',
    files: {
      'k/kustomization.yaml': 'resources: [cm.yaml]\n',
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    z: true\n    n: 1\n  labels:\n    l: true\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e\n  annotations:\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e2\n  annotations: {}\n',
    },
    dir: 'k',
    expect: (o) => {
      expect(get(o, 'ConfigMap', 'c').metadata).toEqual({ name: 'c', annotations: { z: 'true', n: '1' }, labels: { l: true } });
      expect(get(o, 'ConfigMap', 'e').metadata).toEqual({ name: 'e' });
      expect(get(o, 'ConfigMap', 'e2').metadata).toEqual({ name: 'e2' });
    },
  },
  {
    name: 'RoleBinding subjects: only one named default gets the namespace; one without a namespace stays without',
    files: {
      'k/kustomization.yaml': 'namespace: x\nresources: [rb.yaml]\n',
      'k/rb.yaml':
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n- {kind: ServiceAccount, name: default}\n- {kind: ServiceAccount, name: sa2, namespace: default}\n- {kind: User, name: u}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n- {kind: ServiceAccount, name: default}\n',
    },
    dir: 'k',
    expect: (o) => {
      expect(get(o, 'RoleBinding', 'rb').subjects).toEqual([{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'ServiceAccount', name: 'default', namespace: 'x' }, { kind: 'ServiceAccount', name: 'sa2', namespace: 'default' }, { kind: 'User', name: 'u' }]);
      expect(get(o, 'ClusterRoleBinding', 'crb').subjects).toEqual([{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'ServiceAccount', name: 'default', namespace: 'x' }]);
    },
  },
  {
    name: 'a (Cluster)RoleBinding subject naming a ServiceAccount of the build in its namespace follows it into the new namespace; one of another namespace stays',
    files: {
      'k/kustomization.yaml': 'namespace: x\nresources: [sa.yaml]\n',
      'k/sa.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: job\n  namespace: op\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\nsubjects:\n- {kind: ServiceAccount, name: job, namespace: op}\n- {kind: ServiceAccount, name: job, namespace: elsewhere}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\n  namespace: op\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: job, namespace: op}\n',
    },
    dir: 'k',
    expect: (o) => {
      expect(get(o, 'ClusterRoleBinding', 'crb').subjects).toEqual([{ kind: 'ServiceAccount', name: 'job', namespace: 'x' }, { kind: 'ServiceAccount', name: 'job', namespace: 'elsewhere' }]);
      expect(get(o, 'RoleBinding', 'rb').subjects).toEqual([{ kind: 'ServiceAccount', name: 'job', namespace: 'x' }]);
    },
  },
  {
    name: 'labels with includeSelectors reach topology spread and pod affinity selectors of a Deployment',
    files: {
      'k/kustomization.yaml': 'resources: [d.yaml]\nlabels:\n- includeSelectors: true\n  pairs: {app: web-backend}\n',
      'k/d.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: web}]\n      topologySpreadConstraints:\n      - maxSkew: 1\n        topologyKey: zone\n        labelSelector:\n          matchLabels: {app: web}\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - topologyKey: host\n            labelSelector:\n              matchLabels: {app: web}\n',
    },
    dir: 'k',
    expect: (o) => {
      const spec = get(o, 'Deployment', 'web').spec.template.spec;
      expect(spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ app: 'web-backend' });
      expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({ app: 'web-backend' });
    },
  },
  {
    name: 'a kind: Component directory built alone renders as kubectl renders it',
    files: {
      'c/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\nnamespace: cns\nconfigMapGenerator:\n- name: g\n  literals: [A=1]\npatches:\n- target: {kind: ConfigMap, name: c}\n  patch: |\n    - op: add\n      path: /data/B\n      value: "2"\n',
      'c/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: "1"\n',
    },
    dir: 'c',
    expect: (o) => {
      expect(get(o, 'ConfigMap', 'c')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'cns' }, data: { A: '1', B: '2' } });
      expect(get(o, 'ConfigMap', 'g-89g4tffbfk').metadata.namespace).toBe('cns');
    },
  },
];

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const sorted = (xs: any[]) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
const { kubectls, why } = kubeTools();

describe.each(CASES)('$name', (c) => {
  test('native build', async () => {
    if (c.error) {
      await expect(buildNative(c.files, c.dir)).rejects.toThrow(KustomizeError);
      await expect(buildNative(c.files, c.dir)).rejects.toThrow(c.error);
      return;
    }
    const { objects, cleanup } = await buildNative(c.files, c.dir);
    try {
      c.expect!(plainBodies(objects));
    } finally {
      cleanup();
    }
  });
  (kubectls.length ? test : test.skip)(`equals ${kubectls.map((k) => k.label).join(', ') || `real kubectl (skipped: ${why})`}`, async () => {
    const real = kustomizeAll(c.files, c.dir);
    let ours: any[] | undefined;
    try {
      const { objects, cleanup } = await buildNative(c.files, c.dir);
      ours = plainBodies(objects);
      cleanup();
    } catch {
      ours = undefined;
    }
    for (const r of real) {
      if (ours === undefined) expect({ [r.label]: r.error !== undefined }).toEqual({ [r.label]: true });
      else expect({ [r.label]: isDeepStrictEqual(sorted(ours), sorted(r.objects ?? [])) ? 'equal' : { ours: sorted(ours), theirs: r.objects ?? r.error } }).toEqual({ [r.label]: 'equal' });
    }
  });
});
