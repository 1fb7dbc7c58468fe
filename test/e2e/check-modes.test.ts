/** PR mode selection, the contract command, the JSON schema, and secrets in error paths. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { commit, initRepo } from '../helpers/git.js';
import { runCli } from '../helpers/cli.js';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';

let tmp: string;
let incident: IncidentRepos;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-modes-'));
  incident = await buildIncident(path.join(tmp, 'incident'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const deploy = (name: string, cm: string, image = 'example.com/unmapped:1') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}
          envFrom:
            - configMapRef:
                name: ${cm}
`;
const cm = (name: string, extra = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  A: "1"
${extra}`;

describe('PR mode checks only what the change touches', () => {
  let repo: string;
  let base: string;
  beforeAll(() => {
    repo = initRepo(path.join(tmp, 'pr'));
    base = commit(repo, {
      'a/deploy.yaml': deploy('a', 'a-cfg'),
      'a/cm.yaml': cm('a-cfg'),
      'b/deploy.yaml': deploy('b', 'b-missing'),
      'c/deploy.yaml': deploy('c', 'c-cfg'),
      'c/cm.yaml': cm('c-cfg'),
      'broken-old.yaml': 'a: [\n',
    });
  });

  it('an untouched workload with a dangling ref and an untouched broken file are not reported', async () => {
    const head = commit(repo, { 'a/deploy.yaml': deploy('a', 'a-cfg', 'example.com/unmapped:2') });
    const r = await runCli(['check', '--repo', repo, '--base', base, '--head', head, '--format', 'json']);
    const rep = JSON.parse(r.stdout);
    expect(rep.checked).toEqual(['Deployment/-/a']);
    expect(rep.findings).toEqual([]);
    expect(rep.skipped.map((s: any) => s.what)).toEqual(['image example.com/unmapped']);
    expect(r.code).toBe(0);
  });

  it('a change to a ConfigMap checks the workloads that use it', async () => {
    const head = commit(repo, { 'c/cm.yaml': cm('c-cfg', '  B: "2"\n') });
    const r = await runCli(['check', '--repo', repo, '--base', base, '--head', head, '--format', 'json']);
    expect(JSON.parse(r.stdout).checked).toEqual(['Deployment/-/a', 'Deployment/-/c']);
  });

  it('a broken file the change touches is an error with its line; the rest is still checked', async () => {
    const head = commit(repo, { 'c/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-cfg\ndata: {A: 1\n' });
    const r = await runCli(['check', '--repo', repo, '--base', base, '--head', head, '--format', 'json']);
    const rep = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    const broken = rep.findings.filter((f: any) => f.check === 'invalid-yaml');
    expect(broken.map((f: any) => f.locations[0].file)).toEqual(['c/cm.yaml']);
    // c's ConfigMap is gone from head: the workload that uses it cannot start.
    expect(rep.findings.some((f: any) => f.check === 'dangling-ref' && f.workload === 'Deployment/-/c')).toBe(true);
  });

  it('without --base every workload is checked, including the dangling one', async () => {
    const r = await runCli(['check', '--repo', repo, '--format', 'json']);
    const rep = JSON.parse(r.stdout);
    expect(rep.findings.some((f: any) => f.check === 'dangling-ref' && f.workload === 'Deployment/-/b')).toBe(true);
  });
});

describe('keydrift contract', () => {
  it('prints the contract of a version at a git ref', async () => {
    const r = await runCli(['contract', `${incident.app}@v3.14.0`, '--format', 'json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    const kinds = Object.fromEntries(c.entries.map((e: any) => [e.name, e.kind]));
    expect(kinds).toMatchObject({ REDIS_URL: 'required', JWT_SECRET: 'required', PORT: 'defaulted', LOG_LEVEL: 'defaulted' });
    expect(kinds.REDIS_HOST).toBeUndefined();
    expect(c.imageDefaults.map((d: any) => d.name).sort()).toEqual(['NODE_ENV', 'PORT']);
    expect(c.source.ref).toBe('v3.14.0');
  });

  it('and of the older tag, as text', async () => {
    const r = await runCli(['contract', `${incident.app}@v3.13.2`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/REDIS_HOST\s+optional\s+src\/config\.ts:11/);
  });

  it('a missing ref is one line and exit 2', async () => {
    const r = await runCli(['contract', `${incident.app}@v9.9.9`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/git ref 'v9\.9\.9' not found/);
  });
});

describe('JSON report', () => {
  it('validates against schema/report.v1.json', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/report.v1.json', import.meta.url), 'utf8'));
    const AjvCtor = (Ajv as any).default ?? Ajv;
    const validate = new AjvCtor({ allErrors: true, strict: false }).compile(schema);
    const r = await runCli(['check', '--repo', incident.gitops, '--base', incident.base, '--head', incident.head, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
  });
});

describe('secret values in error paths', () => {
  it('a broken Secret manifest is reported by line, without its text', async () => {
    const repo = initRepo(path.join(tmp, 'secret-broken'));
    commit(repo, {
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: ${EXAMPLE_SECRET_VALUE}: [oops\n`,
    });
    for (const format of ['text', 'json']) {
      const r = await runCli(['check', '--repo', repo, '--format', format]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('secret.yaml:6');
      expect(r.stdout + r.stderr).not.toContain(EXAMPLE_SECRET_VALUE);
    }
  });
});

describe('image sources by git URL and broken config', () => {
  it('clones a git URL once into the cache and checks against it', async () => {
    const cache = path.join(tmp, 'cache');
    const prev = process.env.KEYDRIFT_CACHE_DIR;
    process.env.KEYDRIFT_CACHE_DIR = cache;
    try {
      const r = await runCli(['check', '--repo', incident.gitops, '--base', incident.base, '--head', incident.head, '--source', `ghcr.io/acme/user-auth=file://${incident.app}`, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).findings.filter((f: any) => f.severity === 'error').map((f: any) => f.check).sort()).toEqual(['renamed-key']);
    } finally {
      if (prev === undefined) delete process.env.KEYDRIFT_CACHE_DIR;
      else process.env.KEYDRIFT_CACHE_DIR = prev;
    }
  });

  it('a broken .keydrift.yaml is one line and exit 2', async () => {
    const repo = initRepo(path.join(tmp, 'badcfg'));
    commit(repo, { '.keydrift.yaml': 'sources: [\n', 'd.yaml': deploy('a', 'x') });
    const r = await runCli(['check', '--repo', repo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keydrift: \.keydrift\.yaml:\d+: invalid YAML/);
  });
});

describe('PR mode renders only touched apps, but never calls a reference dangling on that account', () => {
  it('a ConfigMap another (untouched) app renders still resolves', async () => {
    const repo = initRepo(path.join(tmp, 'apps'));
    const kz = (res: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: prod\nresources:\n  - ${res}\n`;
    const base = commit(repo, {
      'apps/web/kustomization.yaml': kz('deploy.yaml'),
      'apps/web/deploy.yaml': deploy('web', 'shared-cfg'),
      'apps/shared/kustomization.yaml': kz('cm.yaml'),
      'apps/shared/cm.yaml': cm('shared-cfg'),
    });
    const head = commit(repo, { 'apps/web/deploy.yaml': deploy('web', 'shared-cfg', 'example.com/unmapped:2') });
    const r = await runCli(['check', '--repo', repo, '--base', base, '--head', head, '--format', 'json']);
    const rep = JSON.parse(r.stdout);
    expect(rep.checked).toEqual(['Deployment/prod/web']);
    expect(rep.findings).toEqual([]);
    expect(r.code).toBe(0);

    // And a reference that really dangles is still reported in PR mode.
    const head2 = commit(repo, { 'apps/web/deploy.yaml': deploy('web', 'no-such-cfg', 'example.com/unmapped:3') });
    const r2 = await runCli(['check', '--repo', repo, '--base', head, '--head', head2, '--format', 'json']);
    expect(JSON.parse(r2.stdout).findings.map((f: any) => `${f.check}:${f.severity}`)).toEqual(['dangling-ref:error']);
  });
});
