/**
 * Generator `behavior: merge|replace` over an object of the bases: the result's name is hashed
 * only when both the original and the merging generator are hashed. Each case against every
 * real kubectl available.
 */
import { describeKustomizeCases, type KustomizeCase } from '../support/kustomize-cases.js';

const plainSecret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: app\ntype: Opaque\nstringData:\n  A: "1"\n';
const names = (o: any[]) => o.map((x) => `${x.kind}/${x.metadata.name}`).sort();

const CASES: KustomizeCase[] = [
  {
    name: 'secretGenerator replace over a plain Secret keeps the plain name',
    files: { 'base/kustomization.yaml': 'resources: [s.yaml]\n', 'base/s.yaml': plainSecret, 'k/kustomization.yaml': 'resources: [../base]\nsecretGenerator:\n- name: creds\n  namespace: app\n  behavior: replace\n  literals: [B=2]\n' },
    dir: 'k',
    expect: (o) => expect(names(o)).toEqual(['Secret/creds']),
  },
  {
    name: 'configMapGenerator merge over a plain ConfigMap keeps the plain name',
    files: {
      'base/kustomization.yaml': 'resources: [c.yaml]\n',
      'base/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  A: "1"\n',
      'k/kustomization.yaml': 'resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [B=2]\n',
    },
    dir: 'k',
    expect: (o) => {
      expect(names(o)).toEqual(['ConfigMap/cfg']);
      expect(o[0].data).toEqual({ A: '1', B: '2' });
    },
  },
  {
    name: 'a merge with disableNameSuffixHash over a hashed generated ConfigMap is not hashed',
    files: {
      'base/kustomization.yaml': 'configMapGenerator:\n- name: cfg\n  literals: [A=1]\n',
      'k/kustomization.yaml': 'resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [B=2]\n  options:\n    disableNameSuffixHash: true\n',
    },
    dir: 'k',
    expect: (o) => expect(names(o)).toEqual(['ConfigMap/cfg']),
  },
  {
    name: 'a merge over a hashed generated ConfigMap is hashed',
    files: {
      'base/kustomization.yaml': 'configMapGenerator:\n- name: cfg\n  literals: [A=1]\n',
      'k/kustomization.yaml': 'resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [B=2]\n',
    },
    dir: 'k',
    expect: (o) => expect(names(o)).toEqual([expect.stringMatching(/^ConfigMap\/cfg-[a-z0-9]{10}$/)]),
  },
  {
    name: 'a merge over an unhashed generated ConfigMap is not hashed',
    files: {
      'base/kustomization.yaml': 'configMapGenerator:\n- name: cfg\n  literals: [A=1]\n  options:\n    disableNameSuffixHash: true\n',
      'k/kustomization.yaml': 'resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [B=2]\n',
    },
    dir: 'k',
    expect: (o) => expect(names(o)).toEqual(['ConfigMap/cfg']),
  },
];

describeKustomizeCases(CASES);
