/**
 * Images that carry their contract, against the real registry (Debian's docker-registry,
 * distribution 2.x: no referrers API, so the referrers tag schema is used). The contract is
 * built from the app's source, pushed as an OCI artifact (or set as the dev.keydrift.contract
 * label), and read back by `check --registry` on the GitOps PR with no mapping and no source:
 * the same findings as when keydrift reads the source through the OCI labels.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { registryUnavailable, TestRegistry } from '../support/registry.js';
import { makeSourceRepo, registryWorkspace, userAuthManifests } from '../support/registry-source.js';
import { commit, initRepo } from '../helpers/git.js';
import { runCli } from '../helpers/cli.js';

const why = registryUnavailable();
if (why) console.log(`carried-contract suite skipped: ${why}`);
const suite = why ? describe.skip : describe;

const ws = registryWorkspace('kd-carried-', !!why);
const manifests = userAuthManifests;

const ENV = ws.cliEnv;
const shape = (rep: any) =>
  rep.findings
    .map((f: any) => `${f.check} ${f.severity} ${f.workload} ${f.container} ${f.key}`)
    .sort();

suite('images that carry their contract', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await TestRegistry.start();
    const labels = (rev: string) => ({ 'org.opencontainers.image.source': ws.src.url, 'org.opencontainers.image.revision': rev });
    // The reference: source found through the OCI labels.
    await reg.pushImage('acme/labelled', '3.13.2', { env: ['NODE_ENV=production'], labels: labels(ws.src.commits.v1) });
    await reg.pushImage('acme/labelled', '3.14.0', { env: ['NODE_ENV=production'], labels: labels(ws.src.commits.v2) });
    // No source labels: only the carried contract can tell what they read.
    // (Two versions are two images: distinct configs, distinct digests, one artifact each.)
    await reg.pushImage('acme/carried', '3.13.2', { env: ['NODE_ENV=production', 'APP_VERSION=3.13.2'] });
    await reg.pushImage('acme/carried', '3.14.0', { env: ['NODE_ENV=production', 'APP_VERSION=3.14.0'] });
  });
  afterAll(async () => reg?.stop());

  async function gitopsPr(name: string, repoName: string) {
    const repo = initRepo(path.join(ws.tmp, name));
    const base = commit(repo, manifests(`${reg.host}/acme/${repoName}:3.13.2`));
    const head = commit(repo, manifests(`${reg.host}/acme/${repoName}:3.14.0`));
    return runCli(['check', '--repo', repo, '--base', base, '--head', head, '--registry', '--insecure-registry', reg.host, '--format', 'json'], { env: ENV() });
  }

  it('a pushed contract artifact gives the same findings as the source, with no mapping', async () => {
    for (const [tag, ref] of [['3.13.2', 'v3.13.2'], ['3.14.0', 'v3.14.0']] as const) {
      const r = await runCli(['contract', `${ws.src.dir}@${ref}`, '--push', `${reg.host}/acme/carried:${tag}`, '--insecure-registry', reg.host], { env: ENV() });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^pushed the contract of user-auth \\(\\d+ variables\\) to .*acme/carried:${tag.replace(/\./g, '\\.')} as sha256:[0-9a-f]{64} \\(subject sha256:[0-9a-f]{64}; the registry has no referrers API`));
    }
    const reference = await gitopsPr('gitops-ref', 'labelled');
    const carried = await gitopsPr('gitops-carried', 'carried');
    expect(carried.stderr).toBe('');
    expect(carried.code).toBe(reference.code);
    expect(carried.code).toBe(1);
    const rep = JSON.parse(carried.stdout);
    expect(shape(rep)).toEqual(shape(JSON.parse(reference.stdout)));
    expect(rep.findings.some((f: any) => f.key === 'REDIS_URL' && f.severity === 'error')).toBe(true);
    // Evidence still points at the app's lines, from the carried document.
    const f = rep.findings.find((x: any) => x.key === 'REDIS_URL');
    expect(f.locations.some((l: any) => l.file === 'src/redis.js')).toBe(true);
  });

  it('keydrift contract IMAGE reads the carried contract and says so', async () => {
    const r = await runCli(['contract', `${reg.host}/acme/carried:3.14.0`, '--insecure-registry', reg.host, '--format', 'json'], { env: ENV() });
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.sourceFrom).toBe('carried');
    expect(j.entries.map((e: any) => e.name)).toContain('REDIS_URL');
    expect(j.notes.join('\n')).toMatch(/contract carried by the image \(referrer sha256:/);
  });

  it('the dev.keydrift.contract label works the same way', async () => {
    const label = async (ref: string) => (await runCli(['contract', `${ws.src.dir}@${ref}`, '--format', 'label'])).stdout.trim();
    const l1 = await label('v3.13.2');
    expect(l1.split('\n')).toHaveLength(1);
    await reg.pushImage('acme/labelcarried', '3.13.2', { env: ['NODE_ENV=production'], labels: { 'dev.keydrift.contract': l1 } });
    await reg.pushImage('acme/labelcarried', '3.14.0', { env: ['NODE_ENV=production'], labels: { 'dev.keydrift.contract': await label('v3.14.0') } });
    const reference = await gitopsPr('gitops-ref2', 'labelled');
    const carried = await gitopsPr('gitops-label', 'labelcarried');
    expect(carried.stderr).toBe('');
    expect(shape(JSON.parse(carried.stdout))).toEqual(shape(JSON.parse(reference.stdout)));
  });

  it('an image with neither is still "no source found"; a broken carried contract is exit 2 with one line', async () => {
    await reg.pushImage('acme/plain', '1.0', { env: ['A=1'] });
    const repo = initRepo(path.join(ws.tmp, 'gitops-plain'));
    commit(repo, manifests(`${reg.host}/acme/plain:1.0`));
    const r = await runCli(['check', '--repo', repo, '--registry', '--insecure-registry', reg.host, '--format', 'json'], { env: ENV() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skipped.map((s: any) => s.reason).join('\n')).toMatch(/no source found for .*acme\/plain:1\.0/);

    await reg.pushImage('acme/broken', '1.0', { env: ['A=1'], labels: { 'dev.keydrift.contract': '{"schema":"keydrift.dev/contract/v1","source":{"label":"x"}}' } });
    const repo2 = initRepo(path.join(ws.tmp, 'gitops-broken'));
    commit(repo2, manifests(`${reg.host}/acme/broken:1.0`));
    const b = await runCli(['check', '--repo', repo2, '--registry', '--insecure-registry', reg.host], { env: ENV() });
    expect(b.code).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/label dev\.keydrift\.contract: not a usable keydrift contract: source\.location: expected a string/);
  });
});

describe('the contract document', () => {
  it('validates against schema/contract.v1.json, and --format label is the same document compact', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-doc-'));
    try {
      const s = makeSourceRepo(dir);
      const json = JSON.parse((await runCli(['contract', `${s.dir}@v3.13.2`, '--format', 'json'])).stdout);
      const label = JSON.parse((await runCli(['contract', `${s.dir}@v3.13.2`, '--format', 'label'])).stdout);
      const schema = JSON.parse(readFileSync(new URL('../../schema/contract.v1.json', import.meta.url), 'utf8'));
      const ajv = new (Ajv as any)({ strict: false, allErrors: true });
      const validate = ajv.compile(schema);
      expect(validate(json) ? [] : validate.errors).toEqual([]);
      expect(validate(label) ? [] : validate.errors).toEqual([]);
      expect(label.entries).toEqual(json.entries);
      expect(label.tool).toBeUndefined();
      expect(json.schema).toBe('keydrift.dev/contract/v1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips through fromContractDocument', async () => {
    const { toContractDocument, fromContractDocument } = await import('../../src/contract/document.js');
    const { buildContract } = await import('../../src/contract/build.js');
    const { GitTree } = await import('../../src/sources/tree.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-doc-'));
    try {
      const s = makeSourceRepo(dir);
      const c = await buildContract(await GitTree.open(s.dir, 'v3.14.0'), { label: 'user-auth', location: s.dir, ref: 'v3.14.0' });
      const back = fromContractDocument(JSON.parse(JSON.stringify(toContractDocument(c))), 'test');
      expect(toContractDocument(back)).toEqual(toContractDocument({ ...c, skipped: [] }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
