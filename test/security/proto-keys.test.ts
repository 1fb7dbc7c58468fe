/**
 * Issue 15.13: names that are properties of Object.prototype (`toString`, `constructor`,
 * `__proto__`, …) as kinds, names, keys and patch paths; circular aliases; alias errors in
 * .keydrift.yaml. Each is a finding or a one-line exit 2 — never an internal error, a crash,
 * or a change to Object.prototype.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { applyFieldSpec } from '../../src/render/kustomize/build.js';
import { jsonPatch, strategicMerge } from '../../src/render/kustomize/patch.js';
import { renderCommand } from '../../src/commands/render.js';
import { rm } from '../drift/helpers.js';
import { prRepo } from './output-helpers.js';

const PROTO = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const oneLine = (s: string) => s.split('\n').filter(Boolean).length <= 1;
const src = { file: 'k.yaml', line: 1, lineOf: () => undefined };
const clean = () => {
  for (const k of ['polluted', 'x', 'kd']) expect(Object.prototype).not.toHaveProperty(k);
};
afterAll(clean);

describe('Object.prototype names as kinds, names, namespaces and keys', () => {
  const files: Record<string, string> = {};
  for (const k of PROTO) {
    files[`apps/${k}/a.yaml`] = stringify({ apiVersion: 'v1', kind: k, metadata: { name: k, namespace: k }, data: { [k]: k } });
    files[`apps/${k}/cm.yaml`] = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: k, namespace: k }, data: { [k]: 'v' } });
    files[`apps/${k}/deploy.yaml`] = stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `d-${k.replace(/_/g, '')}`.toLowerCase(), namespace: k },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1', env: [{ name: k, valueFrom: { configMapKeyRef: { name: k, key: k } } }, { name: `${k}_URL`, value: 'x' }], envFrom: [{ configMapRef: { name: k } }] }] } } },
    });
  }
  const repo = prRepo({}, files);
  afterAll(() => repo.rm());

  it.each([
    ['check', ['check', '--repo', repo.dir]],
    ['check as a PR', ['check', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json']],
    ['render', ['render', repo.dir]],
    ['render at a ref', ['render', repo.dir, '--ref', 'HEAD', '--format', 'json']],
  ])('%s: no internal error', async (_n, args) => {
    const r = await runCli(args, { cwd: repo.dir });
    expect(r.stderr).not.toMatch(/internal error|is not iterable|is not a function/);
    expect([0, 1]).toContain(r.code);
    clean();
  });

  it('drift against a dump with the same names: no internal error', async () => {
    const dump = mkdtempSync(path.join(tmpdir(), 'kd-sec-proto-'));
    try {
      const items = PROTO.map((k) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: k, namespace: k, managedFields: [{ manager: k, operation: 'Update', fieldsV1: { 'f:data': { [`f:${k}`]: {} } } }] }, data: { [k]: 'changed', other: 'x' } }));
      items.push(...PROTO.map((k) => ({ apiVersion: 'v1', kind: k, metadata: { name: k, namespace: k } }) as any));
      writeFileSync(path.join(dump, 'all.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items }));
      for (const format of ['text', 'json']) {
        const r = await runCli(['drift', '--repo', repo.dir, '--ref', 'HEAD', '--cluster-dump', dump, '--format', format], { cwd: repo.dir });
        expect(r.stderr).not.toMatch(/internal error/);
        expect([0, 1]).toContain(r.code);
      }
      clean();
    } finally {
      rm(dump);
    }
  });
});

describe('patches and field specs cannot reach Object.prototype', () => {
  it('JSON 6902 paths through __proto__ and constructor', () => {
    for (const p of ['/__proto__/polluted', '/constructor/prototype/polluted', '/metadata/__proto__/polluted']) {
      const doc: Record<string, any> = { metadata: { name: 'x' } };
      try {
        jsonPatch(doc, [{ op: 'add', path: p, value: 'yes' }], src);
      } catch (e) {
        expect((e as Error).message).toMatch(/path does not exist/);
      }
      clean();
    }
    const doc: Record<string, any> = { metadata: { name: 'x' } };
    jsonPatch(doc, [{ op: 'add', path: '/metadata/__proto__', value: { kd: 1 } }], src);
    expect(Object.getPrototypeOf(doc.metadata)).toBe(Object.prototype);
    expect(Object.keys(doc.metadata)).toEqual(['name', '__proto__']);
  });

  it('a strategic merge patch with a __proto__ key', () => {
    const dst: Record<string, any> = { kind: 'ConfigMap', metadata: { name: 'x' }, data: {} };
    const patch = JSON.parse('{"kind":"ConfigMap","metadata":{"name":"x"},"__proto__":{"polluted":"yes"},"data":{"__proto__":{"x":"y"}}}');
    strategicMerge(dst, patch, src, 'ConfigMap');
    clean();
    expect(Object.getPrototypeOf(dst)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(dst.data)).toBe(Object.prototype);
  });

  it('a field spec through __proto__', () => {
    const body: Record<string, any> = { kind: 'ConfigMap', metadata: { name: 'x' } };
    applyFieldSpec(body, { path: 'metadata/__proto__/polluted', create: true } as any, (m, k) => (m[k] = 'yes'));
    applyFieldSpec(body, { path: 'metadata/constructor/prototype/polluted', create: true } as any, (m, k) => (m[k] = 'yes'));
    clean();
  });

  it('Flux postBuild ${constructor} stays as written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-flux-'));
    try {
      writeFileSync(
        path.join(dir, 'flux.yaml'),
        stringify({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'app', namespace: 'flux-system' }, spec: { path: './app', sourceRef: { kind: 'GitRepository', name: 'r' }, postBuild: { substitute: { region: 'eu' } } } }),
      );
      const { mkdirSync } = await import('node:fs');
      mkdirSync(path.join(dir, 'app'));
      writeFileSync(path.join(dir, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
      writeFileSync(path.join(dir, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "${constructor}"\n  b: "${region}"\n  c: "${toString}"\n');
      const r = await renderCommand({ path: dir, cwd: dir, format: 'json', helm: false });
      const cm = r.objects.find((o) => o.object.kind === 'ConfigMap')!.object as any;
      expect(cm.data).toEqual({ a: '${constructor}', b: 'eu', c: '${toString}' });
    } finally {
      rm(dir);
    }
  });
});

describe('circular and dangling aliases', () => {
  it('a circular alias: a finding in check, a problem line in render, not a crash', async () => {
    const repo = prRepo({}, { 'apps/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: c\n  labels: *m\n', 'apps/a/kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: &l {a: *l}\n' });
    try {
      for (const args of [['check', '--repo', repo.dir, '--format', 'json'], ['render', repo.dir], ['render', repo.dir, '--ref', 'HEAD', '--format', 'json']]) {
        const r = await runCli(args, { cwd: repo.dir });
        expect(r.stderr).not.toMatch(/internal error|circular structure|Maximum call stack/i);
        expect([0, 1]).toContain(r.code);
        expect(r.stdout).toMatch(/circular/);
      }
    } finally {
      repo.rm();
    }
  });

  it.each([
    ['an unresolved alias', 'sources: *nowhere\n'],
    ['a circular alias', 'sources: &s\n  ghcr.io/acme/app: *s\n'],
  ])('%s in .keydrift.yaml: one line, exit 2', async (_n, cfg) => {
    const repo = prRepo({ '.keydrift.yaml': cfg, 'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ghcr.io/acme/app:1\n' });
    try {
      const r = await runCli(['check', '--repo', repo.dir], { cwd: repo.dir });
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe(true);
      expect(r.stderr).toMatch(/^keydrift: \.keydrift\.yaml:\d+: invalid YAML: an alias/);
      expect(r.stderr).not.toMatch(/internal error|ReferenceError/);
    } finally {
      repo.rm();
    }
  });
});
