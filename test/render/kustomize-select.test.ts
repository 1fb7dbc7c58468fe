/** Patch targets (src/render/kustomize/select.ts), each case against every real kubectl available. */
import { describeKustomizeCases, type KustomizeCase } from '../support/kustomize-cases.js';

const role = (kind: string, name: string) => `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nrules: []\n`;
const cm = (name: string) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const del = (kind: string) => `$patch: delete\napiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: x\n`;
const names = (o: any[]) => o.map((x) => `${x.kind}/${x.metadata.name}`).sort();
const label = 'patch: |\n    - op: add\n      path: /metadata/labels\n      value: {hit: "yes"}\n';
const hits = (o: any[]) => o.filter((x) => x.metadata.labels?.hit === 'yes').map((x) => `${x.kind}/${x.metadata.name}`).sort();

const CASES: KustomizeCase[] = [
  {
    name: 'a kind that is a regular expression selects every kind it matches',
    files: {
      'k/kustomization.yaml': 'resources: [r.yaml]\npatches:\n- path: d.yaml\n  target:\n    kind: "Cluster(Role|RoleBinding)"\n    name: "(results|prometheus-results).*"\n',
      'k/d.yaml': del('ClusterRole'),
      'k/r.yaml': role('ClusterRole', 'results-admin') + role('ClusterRoleBinding', 'prometheus-results-reader') + role('ClusterRole', 'other') + role('Role', 'results-x'),
    },
    dir: 'k',
    expect: (o) => expect(names(o)).toEqual(['ClusterRole/other', 'Role/results-x']),
  },
  {
    name: 'group and version are regular expressions; an empty group selects every group',
    files: {
      'k/kustomization.yaml': `resources: [r.yaml]\npatches:\n- target:\n    group: "rbac.*"\n    version: "v1|v2"\n    name: a\n  ${label}- target:\n    group: ""\n    name: b\n  ${label}`,
      'k/r.yaml': role('Role', 'a') + cm('a') + role('Role', 'b') + cm('b'),
    },
    dir: 'k',
    expect: (o) => expect(hits(o)).toEqual(['ConfigMap/b', 'Role/a', 'Role/b']),
  },
];

describeKustomizeCases(CASES);
