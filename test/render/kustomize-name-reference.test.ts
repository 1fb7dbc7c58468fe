/** Kustomize's default name references (DEFAULT_NAME_REFS in build.ts), each case against every real kubectl available. */
import { describeKustomizeCases, getObj, type KustomizeCase } from '../support/kustomize-cases.js';

const vap = (kind: string, name: string, extra = '') => `---\napiVersion: admissionregistration.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${extra}`;

const CASES: KustomizeCase[] = [
  {
    name: 'a ValidatingAdmissionPolicyBinding follows its renamed policy (spec/policyName)',
    files: {
      'k/kustomization.yaml': 'namePrefix: team-\nresources: [p.yaml]\n',
      'k/p.yaml': vap('ValidatingAdmissionPolicy', 'restrict.example.dev', '  failurePolicy: Fail\n') + vap('ValidatingAdmissionPolicyBinding', 'restrict.example.dev', '  policyName: restrict.example.dev\n  validationActions: [Deny]\n'),
    },
    dir: 'k',
    expect: (o) => expect(getObj(o, 'ValidatingAdmissionPolicyBinding', 'team-restrict.example.dev').spec.policyName).toBe('team-restrict.example.dev'),
  },
];

describeKustomizeCases(CASES);
