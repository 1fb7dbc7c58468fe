/**
 * keydrift check --registry against a real registry (Debian's docker-registry on loopback):
 * no .keydrift.yaml at all — the OCI source labels of the image configs lead to the app's
 * source at the labelled commits, and the image Env counts as defaults the image carries.
 */
import * as path from 'node:path';
import { registryUnavailable, TestRegistry } from '../support/registry.js';
import { registryWorkspace, userAuthManifests } from '../support/registry-source.js';
import { commit, initRepo } from '../helpers/git.js';
import { runCli } from '../helpers/cli.js';

const why = registryUnavailable();
if (why) console.log(`check --registry suite skipped: ${why}`);
const suite = why ? describe.skip : describe;

const ws = registryWorkspace('kd-check-reg-', !!why);
const manifests = userAuthManifests;

suite('keydrift check --registry', () => {
  let reg: TestRegistry;
  let repo: string;
  const labels = (rev: string) => ({ 'org.opencontainers.image.source': ws.src.url, 'org.opencontainers.image.revision': rev });
  beforeAll(async () => {
    reg = await TestRegistry.start();
    await reg.pushImage('acme/user-auth', '3.13.2', { env: ['NODE_ENV=production'], labels: labels(ws.src.commits.v1) });
    // 3.14.0 bakes a localhost REDIS_URL default into the image: the ECONNREFUSED of the incident.
    await reg.pushImage('acme/user-auth', '3.14.0', { env: ['NODE_ENV=production', 'REDIS_URL=redis://localhost:6379/0'], labels: labels(ws.src.commits.v2) });
    await reg.pushImage('acme/plain', '1.0', { env: ['A=1'] });
  });
  afterAll(async () => reg?.stop());

  it('finds the rename from the labelled sources; the image default for REDIS_URL does not hide it', async () => {
    repo = initRepo(path.join(ws.tmp, 'gitops'));
    const base = commit(repo, manifests(`${reg.host}/acme/user-auth:3.13.2`));
    const head = commit(repo, manifests(`${reg.host}/acme/user-auth:3.14.0`));
    const r = await runCli(['check', '--repo', repo, '--base', base, '--head', head, '--registry', '--insecure-registry', reg.host, '--format', 'json'], {
      env: ws.cliEnv(),
    });
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout);
    const renamed = rep.findings.find((f: any) => f.check === 'renamed-key');
    expect(renamed).toMatchObject({ severity: 'error', key: 'REDIS_URL', details: { from: ['REDIS_HOST', 'REDIS_PORT'], to: 'REDIS_URL' } });
    expect(renamed.message).toContain("only the image's own default sets");
    expect(renamed.message).not.toContain('localhost:6379');
    expect(r.code).toBe(1);
  });

  it('without --registry and without a mapping, the image is listed as not checked', async () => {
    const r = await runCli(['check', '--repo', repo, '--format', 'json']);
    expect(JSON.parse(r.stdout).skipped.map((s: any) => s.reason).join('\n')).toMatch(/no source mapping .*--registry/);
  });

  it('an image with no source label and no mapping: not checked, with the reason', async () => {
    const repo2 = initRepo(path.join(ws.tmp, 'gitops2'));
    commit(repo2, manifests(`${reg.host}/acme/plain:1.0`));
    const r = await runCli(['check', '--repo', repo2, '--registry', '--insecure-registry', reg.host, '--format', 'json'], { env: ws.cliEnv() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).skipped.map((s: any) => s.reason).join('\n')).toMatch(/no source found for .*acme\/plain:1\.0/);
  });

  it('an image the registry does not have: one line, exit 2', async () => {
    const repo3 = initRepo(path.join(ws.tmp, 'gitops3'));
    commit(repo3, manifests(`${reg.host}/acme/user-auth:9.9.9`));
    const r = await runCli(['check', '--repo', repo3, '--registry', '--insecure-registry', reg.host], { env: ws.cliEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/not found in registry/);
  });

  it('--insecure-registry without --registry is a usage error', async () => {
    const r = await runCli(['check', '--repo', repo, '--insecure-registry', reg.host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/need --registry/);
  });
});
