/** Kustomize `patches:` entries (the PatchTransformer's checks), each case against every real kubectl available. */
import { describeKustomizeCases, getObj, type KustomizeCase } from '../support/kustomize-cases.js';

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: "1"\n';

const CASES: KustomizeCase[] = [
  {
    name: 'a patch file of comments only changes nothing',
    files: { 'k/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap, name: c}\n  path: p.yaml\n', 'k/cm.yaml': cm, 'k/p.yaml': '# Example patch for an overlay\n# set fields as needed\n' },
    dir: 'k',
    // kustomize v5.5/v5.6 fail ("illegally qualifies as both an SM and JSON patch"); v5.7 applies nothing.
    since: '5.7',
    expect: (o) => expect(getObj(o, 'ConfigMap', 'c').data).toEqual({ A: '1' }),
  },
  {
    name: 'an inline patch of comments only changes nothing',
    files: { 'k/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    # nothing yet\n', 'k/cm.yaml': cm },
    dir: 'k',
    // kustomize v5.5/v5.6 fail ("illegally qualifies as both an SM and JSON patch"); v5.7 applies nothing.
    since: '5.7',
    expect: (o) => expect(getObj(o, 'ConfigMap', 'c').data).toEqual({ A: '1' }),
  },
  {
    name: 'a patch with neither path nor patch fails, as in kustomize',
    files: { 'k/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: "  "\n', 'k/cm.yaml': cm },
    dir: 'k',
    error: /neither path nor patch/,
  },
  {
    name: 'a patch with both path and patch fails, as in kustomize',
    files: { 'k/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  path: p.yaml\n  patch: |\n    - op: add\n      path: /data/B\n      value: "2"\n', 'k/cm.yaml': cm, 'k/p.yaml': '# x\n' },
    dir: 'k',
    error: /can't be set at the same time/,
  },
];

describeKustomizeCases(CASES);
