/** A changed or added Secret key gets a patch with a placeholder — never a value, git's or the cluster's. */
import { secretEdit, secretPatchOf } from '../../src/drift/secret-patch.js';
import { snapshotOf } from './helpers.js';

const GIT_VALUE = 'sp-git-Kx82-canary';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const OTHER = 'sp-other-Jq19-canary';

const files: Record<string, string> = {
  'data.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-data\n  namespace: prod\ndata:\n  API_TOKEN: ${b64(GIT_VALUE)}\n  OTHER: ${b64(OTHER)}\n`,
  'string.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-string\n  namespace: prod\nstringData:\n  API_TOKEN: ${GIT_VALUE}\n  OTHER: |\n    ${OTHER}\n    second line\n`,
  'sealed.yaml': `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s-sealed\n  namespace: prod\nspec:\n  encryptedData:\n    API_TOKEN: AgB${b64(GIT_VALUE)}\n  template:\n    metadata:\n      name: s-sealed\n`,
  'external.yaml': `apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: s-ext\n  namespace: prod\nspec:\n  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n  target:\n    name: s-ext\n  data:\n    - secretKey: API_TOKEN\n      remoteRef:\n        key: prod/user-auth\n        property: api_token\n`,
  'sops.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-sops\n  namespace: prod\nstringData:\n  API_TOKEN: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  version: 3.8.1\n`,
};
const snap = snapshotOf(files);
const obj = (file: string) => snap.objects.find((o) => o.file === file)!;

describe('secretEdit', () => {
  it.each([
    ['Secret data, added', 'data.yaml', 'NEW_KEY', 'add', ['+  NEW_KEY: <base64 of the value from your secret store>']],
    ['Secret data, changed', 'data.yaml', 'API_TOKEN', 'change', ['-  API_TOKEN: <redacted: keydrift does not show Secret values>', '+  API_TOKEN: <base64 of the value from your secret store>', '   OTHER: <redacted: keydrift does not show Secret values>']],
    ['Secret stringData, added', 'string.yaml', 'NEW_KEY', 'add', ['+  NEW_KEY: <value from your secret store>']],
    ['Secret stringData, changed (a block scalar stays redacted line by line)', 'string.yaml', 'API_TOKEN', 'change', ['+  API_TOKEN: <value from your secret store>', '   OTHER: <redacted: keydrift does not show Secret values>']],
    ['SealedSecret, added', 'sealed.yaml', 'NEW_KEY', 'add', ['+    NEW_KEY: <output of: kubeseal --raw --namespace prod --name s-sealed --from-file=/dev/stdin, given the value>']],
    ['ExternalSecret, added', 'external.yaml', 'NEW_KEY', 'add', ['+    - secretKey: NEW_KEY\n+      remoteRef:\n+        key: <where NEW_KEY is in your secret store>']],
  ])('%s', (_n, file, key, mode, want) => {
    const r = secretEdit(snap, obj(file), key, mode as 'add' | 'change');
    expect(r.edit).toBeDefined();
    const patch = secretPatchOf(snap, [r.edit!])!;
    expect(patch).toContain(`--- a/${file}`);
    for (const w of want) expect(patch).toContain(w);
    for (const v of [GIT_VALUE, OTHER, b64(GIT_VALUE), b64(OTHER), 'second line']) expect(patch).not.toContain(v);
  });
  it.each([
    ['an ExternalSecret value changed: it lives in the store', 'external.yaml', 'API_TOKEN', 'change', 'the value lives in the secret store ExternalSecret s-ext reads (external.yaml): change it there'],
    ['a SOPS file: edited with sops, not as text', 'sops.yaml', 'API_TOKEN', 'change', 'sops sops.yaml (the file is SOPS-encrypted: edit it with sops) and set API_TOKEN'],
  ])('%s: no patch, words', (_n, file, key, mode, words) => {
    const r = secretEdit(snap, obj(file), key, mode as 'add' | 'change');
    expect(r.edit).toBeUndefined();
    expect(r.how).toBe(words);
  });
});
