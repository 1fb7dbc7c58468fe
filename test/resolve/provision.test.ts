import { describe, expect, it } from '@jest/globals';
import { deployment, envOf, resolveText } from '../helpers/manifests.js';
import { expand, isValidEnvName } from '../../src/resolve/provision.js';

const CM = (name: string, data: Record<string, string>, ns?: string) => `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}data:
${Object.entries(data).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join('\n')}
`;
const SECRET = (name: string, keys: string[], ns?: string) => `---
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}stringData:
${keys.map((k) => `  ${k}: hidden-value-${k}`).join('\n')}
`;

function one(yamlText: string) {
  const { provisions } = resolveText(yamlText);
  expect(provisions).toHaveLength(1);
  return provisions[0]!;
}

describe('resolveContainer: where each name comes from', () => {
  it.each([
    [
      'env literal',
      `env:\n  - name: A\n    value: "1"`,
      '',
      { A: 'literal:1' },
    ],
    [
      'configMapKeyRef',
      `env:\n  - name: HOST\n    valueFrom:\n      configMapKeyRef:\n        name: cfg\n        key: host`,
      CM('cfg', { host: 'db' }),
      { HOST: 'configMapKeyRef:db' },
    ],
    [
      'secretKeyRef carries no value',
      `env:\n  - name: PW\n    valueFrom:\n      secretKeyRef:\n        name: sec\n        key: pw`,
      SECRET('sec', ['pw']),
      { PW: 'secretKeyRef' },
    ],
    [
      'fieldRef and resourceFieldRef',
      `env:\n  - name: NODE\n    valueFrom:\n      fieldRef:\n        fieldPath: spec.nodeName\n  - name: MEM\n    valueFrom:\n      resourceFieldRef:\n        resource: limits.memory`,
      '',
      { NODE: 'fieldRef:(field spec.nodeName)', MEM: 'resourceFieldRef:(resource limits.memory)' },
    ],
    [
      'envFrom ConfigMap and Secret',
      `envFrom:\n  - configMapRef:\n      name: cfg\n  - secretRef:\n      name: sec`,
      CM('cfg', { A: 'a', B: 'b' }) + SECRET('sec', ['TOKEN']),
      { A: 'envFrom-configMap:a', B: 'envFrom-configMap:b', TOKEN: 'envFrom-secret' },
    ],
    [
      'envFrom prefix',
      `envFrom:\n  - prefix: APP_\n    configMapRef:\n      name: cfg`,
      CM('cfg', { A: 'a' }),
      { APP_A: 'envFrom-configMap:a' },
    ],
    [
      'a later envFrom wins over an earlier one',
      `envFrom:\n  - configMapRef:\n      name: one\n  - configMapRef:\n      name: two`,
      CM('one', { A: 'first' }) + CM('two', { A: 'second' }),
      { A: 'envFrom-configMap:second' },
    ],
    [
      'env wins over envFrom, whatever the order in the manifest',
      `env:\n  - name: A\n    value: from-env\nenvFrom:\n  - configMapRef:\n      name: cfg`,
      CM('cfg', { A: 'from-cm' }),
      { A: 'literal:from-env' },
    ],
    [
      'a later env entry wins over an earlier one',
      `env:\n  - name: A\n    value: "1"\n  - name: A\n    value: "2"`,
      '',
      { A: 'literal:2' },
    ],
    [
      '$(VAR) expands from earlier entries, including envFrom',
      `envFrom:\n  - configMapRef:\n      name: cfg\nenv:\n  - name: REDIS_URL\n    value: redis://$(REDIS_HOST):$(REDIS_PORT)/0`,
      CM('cfg', { REDIS_HOST: 'redis', REDIS_PORT: '6379' }),
      { REDIS_HOST: 'envFrom-configMap:redis', REDIS_PORT: 'envFrom-configMap:6379', REDIS_URL: 'literal:redis://redis:6379/0' },
    ],
    [
      '$(VAR) does not see later entries; $$ escapes',
      `env:\n  - name: A\n    value: x-$(B)-$$(B)\n  - name: B\n    value: b`,
      '',
      { A: 'literal:x-$(B)-$(B)', B: 'literal:b' },
    ],
    [
      'a value built from a secret is itself secret',
      `env:\n  - name: PW\n    valueFrom:\n      secretKeyRef:\n        name: sec\n        key: pw\n  - name: DSN\n    value: postgres://u:$(PW)@db/app`,
      SECRET('sec', ['pw']),
      { PW: 'secretKeyRef', DSN: 'literal' },
    ],
    [
      'envFrom keys that are not valid names are skipped; a prefix can make them valid',
      `envFrom:\n  - configMapRef:\n      name: cfg\n  - prefix: P_\n    configMapRef:\n      name: other`,
      CM('cfg', { 'redis.host': 'x', '1ABC': 'y', OK: 'z' }) + CM('other', { '1ABC': 'w' }),
      { 'redis.host': 'envFrom-configMap:x', OK: 'envFrom-configMap:z', P_1ABC: 'envFrom-configMap:w' },
    ],
  ])('%s', (_title, container, extra, expected) => {
    const p = one(deployment(container) + extra);
    expect(envOf(p)).toEqual(expected);
  });

  it('records the skipped invalid names with the line of the key', () => {
    const p = one(deployment(`envFrom:\n  - configMapRef:\n      name: cfg`) + CM('cfg', { '1ABC': 'y', 'my key': 'z' }));
    expect(p.invalidNames.map((n) => n.name).sort()).toEqual(['1ABC', 'my key']);
    expect(p.invalidNames.every((n) => n.location.line! > 10)).toBe(true);
  });

  it('never copies a Secret value into the provision', () => {
    const p = one(deployment(`envFrom:\n  - secretRef:\n      name: sec`) + SECRET('sec', ['TOKEN']));
    expect(JSON.stringify([...p.vars.values()].map(({ from, ...v }) => ({ ...v, from: from && { ...from, source: undefined } })))).not.toContain('hidden-value');
  });
});

describe('resolveContainer: references that do not resolve', () => {
  it('a missing ConfigMap in envFrom is a non-optional missing-object problem', () => {
    const p = one(deployment(`envFrom:\n  - configMapRef:\n      name: nope`));
    expect(p.problems).toMatchObject([{ problem: 'missing-object', kind: 'ConfigMap', name: 'nope', optional: false }]);
    expect(p.problems[0]!.location).toMatchObject({ file: 'manifests.yaml', line: 12 });
  });

  it('an optional missing Secret is an optional problem and adds nothing', () => {
    const p = one(deployment(`envFrom:\n  - secretRef:\n      name: nope\n      optional: true`));
    expect(p.problems).toMatchObject([{ problem: 'missing-object', kind: 'Secret', optional: true }]);
    expect(p.vars.size).toBe(0);
  });

  it('a missing key of an existing ConfigMap names the env entry and the object', () => {
    const p = one(deployment(`env:\n  - name: HOST\n    valueFrom:\n      configMapKeyRef:\n        name: cfg\n        key: host`) + CM('cfg', { other: 'x' }));
    expect(p.problems).toMatchObject([{ problem: 'missing-key', kind: 'ConfigMap', name: 'cfg', key: 'host', envName: 'HOST', optional: false }]);
    expect(p.vars.has('HOST')).toBe(false);
  });

  it('an optional missing key leaves the name unset', () => {
    const p = one(deployment(`env:\n  - name: HOST\n    valueFrom:\n      configMapKeyRef:\n        name: cfg\n        key: host\n        optional: true`) + CM('cfg', {}));
    expect(p.problems).toMatchObject([{ problem: 'missing-key', optional: true }]);
  });

  it('objects resolve only in the workload namespace: a same-named object elsewhere is reported', () => {
    const p = one(deployment(`envFrom:\n  - configMapRef:\n      name: cfg`, { ns: 'prod' }) + CM('cfg', { A: 'a' }, 'staging'));
    expect(p.problems).toMatchObject([{ problem: 'missing-object', name: 'cfg', elsewhere: ['ConfigMap staging/cfg'] }]);
    expect(p.vars.size).toBe(0);
  });

  it('the same namespace resolves; an unstated namespace (set at deploy time) matches', () => {
    expect(envOf(one(deployment(`envFrom:\n  - configMapRef:\n      name: cfg`, { ns: 'prod' }) + CM('cfg', { A: 'a' }, 'prod')))).toEqual({ A: 'envFrom-configMap:a' });
    expect(envOf(one(deployment(`envFrom:\n  - configMapRef:\n      name: cfg`) + CM('cfg', { A: 'a' }, 'prod')))).toEqual({ A: 'envFrom-configMap:a' });
  });

  it('prefers the object in the workload namespace over one with no namespace', () => {
    const p = one(deployment(`envFrom:\n  - configMapRef:\n      name: cfg`, { ns: 'prod' }) + CM('cfg', { A: 'none' }) + CM('cfg', { A: 'prod' }, 'prod'));
    expect(envOf(p)).toEqual({ A: 'envFrom-configMap:prod' });
  });
});

describe('resolveContainer: objects that become Secrets', () => {
  it('SealedSecret keys come from spec.encryptedData', () => {
    const sealed = `---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: sec
spec:
  encryptedData:
    TOKEN: AgBy8hCi...
`;
    expect(envOf(one(deployment(`envFrom:\n  - secretRef:\n      name: sec`) + sealed))).toEqual({ TOKEN: 'envFrom-secret' });
  });

  it('ExternalSecret keys come from spec.data[].secretKey into target.name', () => {
    const es = `---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: es
spec:
  target:
    name: app-secret
  data:
    - secretKey: DB_PASSWORD
      remoteRef:
        key: prod/db
`;
    const p = one(deployment(`envFrom:\n  - secretRef:\n      name: app-secret`) + es);
    expect(envOf(p)).toEqual({ DB_PASSWORD: 'envFrom-secret' });
    expect(p.openSources).toEqual([]);
  });

  it('ExternalSecret with dataFrom: keys unknown, so nothing can be said missing', () => {
    const es = `---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: app-secret
spec:
  dataFrom:
    - extract:
        key: prod/app
`;
    const p = one(
      deployment(`envFrom:\n  - secretRef:\n      name: app-secret\nenv:\n  - name: X\n    valueFrom:\n      secretKeyRef:\n        name: app-secret\n        key: anything`) + es,
    );
    expect(p.problems).toEqual([]);
    expect(p.openSources.map((s) => s.name)).toEqual(['app-secret', 'app-secret']);
    expect(p.vars.has('X')).toBe(true);
  });
});

describe('workload kinds', () => {
  it.each([
    ['Pod', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - name: init\n      image: busybox\n  containers:\n    - name: main\n      image: busybox\n`, ['init:true', 'main:false']],
    ['CronJob', `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: busybox\n`, ['job:false']],
    ['Rollout', `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: busybox\n`, ['app:false']],
    ['StatefulSet', deployment('', { kind: 'StatefulSet' }), ['web:false']],
  ])('%s', (_k, text, expected) => {
    const { provisions } = resolveText(text);
    expect(provisions.map((p) => `${p.container.name}:${p.container.init}`)).toEqual(expected);
  });
});

describe('expand and names', () => {
  it('leaves an unterminated reference as written', () => {
    expect(expand('a$(B', () => undefined).value).toBe('a$(B');
  });
  it.each([['A', true], ['a.b-c', true], ['_X', true], ['1A', false], ['my key', false], ['', false]])('isValidEnvName(%j) = %s', (n, ok) => {
    expect(isValidEnvName(n)).toBe(ok);
  });
});
