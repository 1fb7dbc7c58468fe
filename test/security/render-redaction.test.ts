/**
 * Issue 15.7: `keydrift render` redacts a Secret's last-applied-configuration annotation (it
 * holds stringData in plain text), a SealedSecret's `spec.template.data`, an ExternalSecret's
 * target template, and Secrets inside a `kind: List`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { renderCommand, redactSecrets, REDACTED } from '../../src/commands/render.js';
import { runCli } from '../helpers/cli.js';
import { expectNoCanary } from './output-helpers.js';

const LAST = 'QZlast3Aa7';
const SEALED = 'QZsealtpl5Bb1';
const EXT = 'QZexttpl9Cc4';
const LISTED = 'QZlisted2Dd8';

const FILES: Record<string, string> = {
  'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: LAST } })}'\n    team: auth\nstringData:\n  password: ${LAST}\n`,
  'sealed.yaml': `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: api\n  namespace: prod\nspec:\n  encryptedData:\n    TOKEN: AgBy3i4OJSWK+PiTySYZZA==\n  template:\n    metadata:\n      name: api\n    data:\n      config.yaml: "user: admin\\npassword: ${SEALED}"\n`,
  'external.yaml': `apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: ext\n  namespace: prod\nspec:\n  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target:\n    name: ext\n    template:\n      data:\n        dsn: "postgres://app:${EXT}@db/app"\n  data:\n    - secretKey: password\n      remoteRef: {key: db/password}\n`,
  'list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: listed, namespace: prod}\n    stringData: {password: ${LISTED}}\n`,
};

describe('render redacts every place a Secret value is written', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-render-'));
    for (const [f, t] of Object.entries(FILES)) writeFileSync(path.join(dir, f), t);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['yaml', 'json'] as const)('--format %s', async (format) => {
    const r = await renderCommand({ path: dir, cwd: dir, format, helm: false });
    expect(r.text).toContain('db');
    expect(r.text).toContain('team: auth'.replace(': ', format === 'json' ? '": "' : ': '));
    expectNoCanary(r.text + JSON.stringify(r.objects), LAST, SEALED, EXT, LISTED);
    const cli = await runCli(['render', dir, '--format', format], { cwd: dir });
    expect(cli.code).toBe(0);
    expectNoCanary(cli.stdout + cli.stderr, LAST, SEALED, EXT, LISTED);
  });

  it('keeps what is not a value: encrypted data, key names, other annotations', () => {
    const sealed = redactSecrets({ kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { T: 'AgB' }, template: { data: { K: 'v' } } } });
    expect(sealed.spec).toEqual({ encryptedData: { T: 'AgB' }, template: { data: { K: REDACTED } } });
    const s = redactSecrets({ kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'x' } }, data: { K: 'dg==' } });
    expect(s.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': REDACTED, team: 'x' });
    expect(s.data).toEqual({ K: REDACTED });
    // A ConfigMap's last-applied annotation holds no secret: kept.
    expect(redactSecrets({ kind: 'ConfigMap', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}' } } }).metadata.annotations).toEqual({ 'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}' });
  });
});
