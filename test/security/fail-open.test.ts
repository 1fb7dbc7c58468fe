/**
 * Issue 15.16: keydrift fails closed. A cluster dump of random bytes (or of anything that is
 * not Kubernetes objects) and an API server that serves no API groups are not "no drift":
 * exit 2, one line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runCli } from '../helpers/cli.js';
import { rm } from '../drift/helpers.js';
import { prRepo } from './output-helpers.js';

/** Deterministic "random" bytes (xorshift32). */
function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: prod\ndata:\n  A: "1"\n';

describe('a dump that is not a cluster dump', () => {
  let repo: ReturnType<typeof prRepo>;
  let dir: string;
  beforeAll(() => {
    repo = prRepo({ 'cm.yaml': CM });
    dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-failopen-'));
  });
  afterAll(() => {
    repo.rm();
    rm(dir);
  });

  const cases: [string, string | Buffer][] = [
    ['random bytes (seed 1)', bytes(4096, 1)],
    ['random bytes (seed 7)', bytes(512, 7)],
    ['random printable text', bytes(2048, 3).toString('base64')],
    ['a YAML scalar', 'just some words\n'],
    ['a map that is no object', 'foo: bar\nbaz: [1, 2]\n'],
    ['an empty file', ''],
  ];
  it.each(cases)('%s: exit 2, one line, for drift and check --cluster-dump', async (name, content) => {
    const f = path.join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(f, content);
    for (const args of [['drift', '--repo', repo.dir, '--ref', 'main', '--cluster-dump', f], ['check', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--cluster-dump', f]]) {
      const r = await runCli(args, { cwd: repo.dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toMatch(/^keydrift: --cluster-dump .*: not a cluster dump/);
    }
  });

  it('an empty list is an empty cluster, not an error', async () => {
    const f = path.join(dir, 'empty-list.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: List\nitems: []\n');
    const r = await runCli(['drift', '--repo', repo.dir, '--ref', 'main', '--cluster-dump', f], { cwd: repo.dir });
    expect(r.code).not.toBe(2);
  });
});

describe('an API server that serves no groups', () => {
  let srv: FakeApiServer;
  let repo: ReturnType<typeof prRepo>;
  beforeAll(async () => {
    srv = await startFakeApiServer({ noGroups: true, objects: [] });
    repo = prRepo({ 'cm.yaml': CM });
  });
  afterAll(async () => {
    await srv.close();
    repo.rm();
  });

  it('the fake server behaves like one: empty discovery, every resource 404', async () => {
    const api = (await (await fetch(`${srv.url}/api`)).json()) as { versions: string[] };
    expect(api.versions).toEqual([]);
    expect(((await (await fetch(`${srv.url}/apis`)).json()) as { groups: unknown[] }).groups).toEqual([]);
    expect((await fetch(`${srv.url}/api/v1/configmaps`)).status).toBe(404);
  });

  it('drift and check --cluster: exit 2, one line', async () => {
    const kc = srv.writeKubeconfig();
    for (const args of [['drift', '--repo', repo.dir, '--ref', 'main', '--kubeconfig', kc], ['check', '--repo', repo.dir, '--base', repo.base, '--head', repo.head, '--kubeconfig', kc]]) {
      const r = await runCli(args, { cwd: repo.dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toMatch(/serves no core v1 API/);
    }
  });
});
