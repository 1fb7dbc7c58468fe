/**
 * Against a real registry (Debian's docker-registry on a loopback port): images pushed with
 * Env and OCI source labels are read back through keydrift's registry client, their source
 * fetched from a file:// git repository at the labelled revision, and their contracts built.
 * Skips, saying why, when /usr/bin/docker-registry is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeydriftError } from '../../src/errors.js';
import { fetchImageConfig } from '../../src/images/registry.js';
import { contractForImage } from '../../src/images/oci-contract.js';
import { parseConfig } from '../../src/images/mapping.js';
import { freePort, registryUnavailable, TestRegistry, type PushedImage } from '../support/registry.js';
import { makeSourceRepo, type SourceRepo } from '../support/registry-source.js';
import { runCli } from '../helpers/cli.js';

const why = registryUnavailable({ token: true });
if (why) console.log(`registry suite skipped: ${why}`);
const suite = why ? describe.skip : describe;

async function expectKeydriftError(p: Promise<unknown>, re: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KeydriftError);
    const msg = (e as Error).message;
    expect(msg).toMatch(re);
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a KeydriftError');
}

let tmp: string;
let src: SourceRepo;
const savedCache = process.env.KEYDRIFT_CACHE_DIR;
const noDockerConfig = () => ({ DOCKER_CONFIG: path.join(tmp, 'no-docker-config'), HOME: tmp });

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'keydrift-oci-'));
  process.env.KEYDRIFT_CACHE_DIR = path.join(tmp, 'cache');
  if (!why) src = makeSourceRepo(tmp);
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KEYDRIFT_CACHE_DIR;
  else process.env.KEYDRIFT_CACHE_DIR = savedCache;
  rmSync(tmp, { recursive: true, force: true });
});

suite('plain-HTTP registry', () => {
  let reg: TestRegistry;
  let v1: PushedImage;
  let v2: PushedImage;
  let multi: PushedImage;
  const opts = () => ({ insecureRegistries: [reg.host], env: noDockerConfig(), timeoutMs: 10_000 });
  const labels = (rev: string) => ({ 'org.opencontainers.image.source': src.url, 'org.opencontainers.image.revision': rev, 'org.opencontainers.image.version': 'x' });

  beforeAll(async () => {
    reg = await TestRegistry.start();
    v1 = await reg.pushImage('acme/user-auth', '3.13.2', { env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_ENV=production'], labels: labels(src.commits.v1) });
    v2 = await reg.pushImage('acme/user-auth', '3.14.0', {
      env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_ENV=production', 'LOG_LEVEL=warn', 'REDIS_URL=redis://localhost:6379/0'],
      labels: labels(src.commits.v2),
    });
    multi = await reg.pushMultiPlatform(
      'acme/multi',
      '1.0.0',
      [
        { architecture: 'amd64', env: ['ARCH_NOTE=amd64', 'SHARED=1'], labels: labels(src.commits.v2) },
        { architecture: 'arm64', variant: 'v8', env: ['ARCH_NOTE=arm64', 'ONLY_ARM=yes'], labels: labels(src.commits.v1) },
      ],
      { attestation: true },
    );
    await reg.pushMultiPlatform('acme/dlist', '2.0', [
      { architecture: 'arm', variant: 'v6', env: ['V=arm6'] },
      { architecture: 'arm', variant: 'v7', env: ['V=arm7'] },
      { architecture: 'amd64', env: ['V=amd64'] },
    ], { docker: true });
    await reg.pushImage('acme/base-labels', '1.0', {
      env: ['NODE_VERSION=22.1.0'],
      labels: { 'org.opencontainers.image.source': 'https://github.com/nodejs/docker-node' },
    });
    await reg.pushImage('acme/no-labels', '3.14.0', { env: ['FROM_IMAGE=1'] });
  });
  afterAll(async () => reg?.stop());

  test('reads Env, Labels and digest of a single-platform image by tag and by digest', async () => {
    const c = await fetchImageConfig(`${reg.host}/acme/user-auth:3.14.0`, opts());
    expect(c.digest).toBe(v2.digest);
    expect(c.configDigest).toBe(v2.manifests[0]!.configDigest);
    expect(c.env).toEqual({ PATH: '/usr/local/bin:/usr/bin', NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_URL: 'redis://localhost:6379/0' });
    expect(c.labels['org.opencontainers.image.revision']).toBe(src.commits.v2);
    expect(c.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    const byDigest = await fetchImageConfig(`${reg.host}/acme/user-auth@${v1.digest}`, opts());
    expect(byDigest.env).toEqual({ PATH: '/usr/local/bin:/usr/bin', NODE_ENV: 'production' });
  });

  test('contract of an image: source from the labels, fetched at the labelled revision, Env as image defaults', async () => {
    const r = await contractForImage(`${reg.host}/acme/user-auth:3.14.0`, { ...opts() });
    expect(r.sourceFrom).toBe('labels');
    expect(r.tree?.commit).toBe(src.commits.v2);
    expect([...r.contract.entries.keys()].sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect(r.contract.entries.get('REDIS_URL')).toMatchObject({ kind: 'optional', reads: [{ evidence: { file: 'src/redis.js', line: 2, pattern: 'process.env.REDIS_URL' } }] });
    expect(r.contract.entries.get('LOG_LEVEL')).toMatchObject({ kind: 'defaulted', reads: [{ default: 'info' }] });
    expect(r.contract.source).toMatchObject({ label: 'user-auth', location: src.url, commit: src.commits.v2 });
    expect(r.contract.imageDefaults.map((d) => d.name)).toEqual(['LOG_LEVEL', 'NODE_ENV', 'PATH', 'REDIS_URL']);
    expect(r.contract.imageDefaults[0]).toEqual({ name: 'LOG_LEVEL', value: 'warn', evidence: { file: 'image-config', line: 1, pattern: 'Env' } });
    expect(r.image.digest).toBe(v2.digest);
    expect(r.notes).toEqual([]);

    const old = await contractForImage(`${reg.host}/acme/user-auth:3.13.2`, { ...opts() });
    expect(old.tree?.commit).toBe(src.commits.v1);
    expect([...old.contract.entries.keys()].sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_HOST', 'REDIS_PORT']);
  });

  test('the fetched revision is cached by commit: a second read works with the origin gone', async () => {
    const moved = src.dir + '.moved';
    const { renameSync } = await import('node:fs');
    await contractForImage(`${reg.host}/acme/user-auth:3.14.0`, { ...opts() });
    renameSync(src.dir, moved);
    try {
      const r = await contractForImage(`${reg.host}/acme/user-auth:3.14.0`, { ...opts() });
      expect(r.tree?.commit).toBe(src.commits.v2);
    } finally {
      renameSync(moved, src.dir);
    }
  });

  test('multi-platform index: linux/amd64 by default, --platform picks another, attestations are skipped', async () => {
    const amd = await fetchImageConfig(`${reg.host}/acme/multi:1.0.0`, opts());
    expect(amd.digest).toBe(multi.digest);
    expect(amd.manifestDigest).toBe(multi.manifests[0]!.digest);
    expect(amd.env).toEqual({ ARCH_NOTE: 'amd64', SHARED: '1' });
    const arm = await fetchImageConfig(`${reg.host}/acme/multi:1.0.0`, { ...opts(), platform: 'linux/arm64' });
    expect(arm.env).toEqual({ ARCH_NOTE: 'arm64', ONLY_ARM: 'yes' });
    expect(arm.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    const r = await contractForImage(`${reg.host}/acme/multi:1.0.0`, { ...opts(), platform: 'linux/arm64' });
    expect(r.tree?.commit).toBe(src.commits.v1);
    expect(r.contract.imageDefaults.map((d) => d.name)).toEqual(['ARCH_NOTE', 'ONLY_ARM']);
    expect(r.notes).toEqual(['Dockerfile ENV not in the image config, not counted as image defaults: NODE_ENV (Dockerfile:2)']);
    await expectKeydriftError(fetchImageConfig(`${reg.host}/acme/multi:1.0.0`, { ...opts(), platform: 'linux/s390x' }), /^image \S+: no linux\/s390x image in its index \(has linux\/amd64, linux\/arm64\/v8\); pass --platform$/);
  });

  test('Docker manifest list with arm variants', async () => {
    expect((await fetchImageConfig(`${reg.host}/acme/dlist:2.0`, opts())).env).toEqual({ V: 'amd64' });
    expect((await fetchImageConfig(`${reg.host}/acme/dlist:2.0`, { ...opts(), platform: 'linux/arm' })).env).toEqual({ V: 'arm7' });
    expect((await fetchImageConfig(`${reg.host}/acme/dlist:2.0`, { ...opts(), platform: 'linux/arm/v6' })).env).toEqual({ V: 'arm6' });
  });

  test('labels that look inherited from a base image: a warning, and the mapping wins', async () => {
    const cfg = parseConfig(`sources:\n  ${reg.host}/acme/base-labels:\n    path: ${src.dir}\n    ref: "v3.14.0"\n`, '.keydrift.yaml', tmp);
    const r = await contractForImage(`${reg.host}/acme/base-labels:1.0`, { ...opts(), mappings: cfg.sources });
    expect(r.sourceFrom).toBe('mapping');
    expect(r.tree?.commit).toBe(src.commits.v2);
    expect(r.notes.join('\n')).toMatch(/warning: label org\.opencontainers\.image\.source=https:\/\/github\.com\/nodejs\/docker-node names a base-image repository/);
    expect(r.contract.imageDefaults.map((d) => d.name)).toEqual(['NODE_VERSION']);
  });

  test('no labels: the .keydrift.yaml mapping (local bare repository, tag → v{tag})', async () => {
    const cfg = parseConfig(`sources:\n  ${reg.host}/acme/no-labels: ${src.bare}\n`, '.keydrift.yaml', tmp);
    const r = await contractForImage(`${reg.host}/acme/no-labels:3.14.0`, { ...opts(), mappings: cfg.sources });
    expect(r.sourceFrom).toBe('mapping');
    expect(r.tree?.commit).toBe(src.commits.v2);
    expect(r.contract.entries.has('REDIS_URL')).toBe(true);
  });

  test('no labels and no mapping: the contract holds only the image Env, with a note', async () => {
    const r = await contractForImage(`${reg.host}/acme/no-labels:3.14.0`, { ...opts() });
    expect(r.sourceFrom).toBe('none');
    expect(r.tree).toBeUndefined();
    expect(r.contract.entries.size).toBe(0);
    expect(r.contract.imageDefaults.map((d) => d.name)).toEqual(['FROM_IMAGE']);
    expect(r.notes.join('\n')).toMatch(/no source for .*acme\/no-labels/);
  });

  test('an explicit local source wins; it is read at the labelled revision', async () => {
    const r = await contractForImage(`${reg.host}/acme/user-auth:3.13.2`, { ...opts(), source: src.dir });
    expect(r.sourceFrom).toBe('explicit');
    expect(r.tree?.commit).toBe(src.commits.v1);
  });

  test('a labelled revision the source repository does not have: one line', async () => {
    await reg.pushImage('acme/bad-rev', '1.0', { labels: { 'org.opencontainers.image.source': src.url, 'org.opencontainers.image.revision': 'f'.repeat(40) } });
    await expectKeydriftError(
      contractForImage(`${reg.host}/acme/bad-rev:1.0`, opts()),
      new RegExp(`^source ${src.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot fetch revision f{40}: `),
    );
  });

  test('unknown tag or repository: one line, "not found in registry"', async () => {
    await expectKeydriftError(fetchImageConfig(`${reg.host}/acme/user-auth:9.9.9`, opts()), new RegExp(`^image ${reg.host}/acme/user-auth:9\\.9\\.9: not found in registry ${reg.host}$`));
    await expectKeydriftError(fetchImageConfig(`${reg.host}/acme/nothing-here:1.0`, opts()), /: not found in registry /);
    await expectKeydriftError(fetchImageConfig(`${reg.host}/acme/user-auth@sha256:${'0'.repeat(64)}`, opts()), /: not found in registry /);
  });

  test('a plain-HTTP registry without --insecure-registry: one line with the hint', async () => {
    await expectKeydriftError(
      fetchImageConfig(`${reg.host}/acme/user-auth:3.14.0`, { env: noDockerConfig(), timeoutMs: 5000 }),
      new RegExp(`^registry ${reg.host} unreachable: TLS failed .*pass --insecure-registry ${reg.host}$`),
    );
  });

  test('CLI: keydrift contract IMAGE_REF prints the contract read through the registry', async () => {
    const ref = `${reg.host}/acme/user-auth:3.14.0`;
    const text = await runCli(['contract', ref, '--insecure-registry', reg.host], { cwd: tmp, env: noDockerConfig() });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Image ${ref}\n  digest ${v2.digest}\n  platform linux/amd64\n  source from the image labels\n`);
    expect(text.stdout).toMatch(/^  REDIS_URL\s+optional\s+src\/redis\.js:2/m);
    expect(text.stdout).toMatch(/^  LOG_LEVEL  image-config:1$/m);
    expect(text.stdout).not.toMatch(/REDIS_HOST/);
    const json = await runCli(['contract', `${reg.host}/acme/multi:1.0.0`, '--insecure-registry', reg.host, '--platform', 'linux/arm64', '--format', 'json'], { cwd: tmp, env: noDockerConfig() });
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.image).toMatchObject({ digest: multi.digest, manifestDigest: multi.manifests[1]!.digest, platform: 'linux/arm64/v8' });
    expect(doc.source.commit).toBe(src.commits.v1);
    expect(doc.entries.map((e: { name: string }) => e.name)).toContain('REDIS_HOST');
    expect(doc.imageDefaults).toEqual([
      { name: 'ARCH_NOTE', file: 'image-config', line: 1 },
      { name: 'ONLY_ARM', file: 'image-config', line: 1 },
    ]);
    // Env values are not in the JSON document (only names, as image defaults).
    expect(json.stdout).not.toContain('"yes"');
  });

  test('CLI: .keydrift.yaml in the working directory maps an image without labels', async () => {
    const dir = mkdtempSync(path.join(tmp, 'gitops-'));
    writeFileSync(path.join(dir, '.keydrift.yaml'), `sources:\n  ${reg.host}/acme/no-labels:\n    path: ${src.dir}\n`);
    const r = await runCli(['contract', `${reg.host}/acme/no-labels:3.14.0`, '--insecure-registry', reg.host], { cwd: dir, env: noDockerConfig() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  source from the source mapping\n');
    expect(r.stdout).toMatch(/REDIS_URL/);
  });

  test('CLI: unknown image → exit 2 and one line on stderr', async () => {
    const r = await runCli(['contract', `${reg.host}/acme/user-auth:0.0.0`, '--insecure-registry', reg.host], { cwd: tmp, env: noDockerConfig() });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `keydrift: image ${reg.host}/acme/user-auth:0.0.0: not found in registry ${reg.host}\n` });
  });

  test('unreachable registry: one line', async () => {
    const port = await freePort();
    await expectKeydriftError(
      fetchImageConfig(`127.0.0.1:${port}/acme/user-auth:3.14.0`, { insecureRegistries: ['127.0.0.1'], env: noDockerConfig(), timeoutMs: 3000 }),
      new RegExp(`^registry 127\\.0\\.0\\.1:${port} unreachable: connection refused$`),
    );
  });
});

suite('registry behind token auth', () => {
  let reg: TestRegistry;
  const base = () => ({ insecureRegistries: [reg.host], timeoutMs: 10_000 });
  const dockerConfig = (user: string, password: string) => {
    const dir = mkdtempSync(path.join(tmp, 'docker-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${reg.host}`]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));
    return { DOCKER_CONFIG: dir, HOME: tmp };
  };

  beforeAll(async () => {
    reg = await TestRegistry.start({ token: true });
    const labels = { 'org.opencontainers.image.source': src.url, 'org.opencontainers.image.revision': src.commits.v2 };
    await reg.pushImage('public/user-auth', '3.14.0', { env: ['REDIS_URL=redis://cache:6379'], labels });
    await reg.pushMultiPlatform('public/multi', '1', [
      { architecture: 'amd64', env: ['P=amd64'] },
      { architecture: 'arm64', env: ['P=arm64'] },
    ]);
    await reg.pushImage('private/user-auth', '3.14.0', { env: ['SECRET_NAME_ONLY=x'], labels });
  });
  afterAll(async () => reg?.stop());

  test('the registry really demands a token', async () => {
    const res = await fetch(`${reg.url}/v2/public/user-auth/manifests/3.14.0`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="keydrift-test-registry",scope="repository:public\/user-auth:pull"/);
  });

  test('anonymous 401 → token → retry, for manifest, index and config blob; contract read through it', async () => {
    const before = reg.tokenServer!.requests.length;
    const r = await contractForImage(`${reg.host}/public/user-auth:3.14.0`, { ...base(), env: noDockerConfig() });
    expect(r.image.env).toEqual({ REDIS_URL: 'redis://cache:6379' });
    expect(r.tree?.commit).toBe(src.commits.v2);
    const reqs = reg.tokenServer!.requests.slice(before);
    // One token for the pull scope, reused for the config blob.
    expect(reqs).toEqual([{ scope: ['repository:public/user-auth:pull'], service: 'keydrift-test-registry', granted: true }]);
    const m = await fetchImageConfig(`${reg.host}/public/multi:1`, { ...base(), env: noDockerConfig(), platform: 'linux/arm64' });
    expect(m.env).toEqual({ P: 'arm64' });
  });

  test('a private repository without credentials: access denied, one line', async () => {
    await expectKeydriftError(
      fetchImageConfig(`${reg.host}/private/user-auth:3.14.0`, { ...base(), env: noDockerConfig() }),
      new RegExp(`^image ${reg.host}/private/user-auth:3\\.14\\.0: access denied by registry ${reg.host} \\(no credentials for ${reg.host} in the docker config\\.json; or it does not exist\\)$`),
    );
  });

  test('credentials from a docker config.json are sent to the token service', async () => {
    const before = reg.tokenServer!.requests.length;
    const c = await fetchImageConfig(`${reg.host}/private/user-auth:3.14.0`, { ...base(), env: dockerConfig(reg.reader.username, reg.reader.password) });
    expect(c.env).toEqual({ SECRET_NAME_ONLY: 'x' });
    expect(reg.tokenServer!.requests.slice(before)).toEqual([{ scope: ['repository:private/user-auth:pull'], service: 'keydrift-test-registry', user: 'alice', granted: true }]);
  });

  test('wrong credentials: refused, and the password is never in the message', async () => {
    const msg = await expectKeydriftError(
      fetchImageConfig(`${reg.host}/private/user-auth:3.14.0`, { ...base(), env: dockerConfig('alice', 'not-the-password-xyz') }),
      /^image \S+: token service of registry \S+ refused access \(credentials from .*config\.json were refused\)$/,
    );
    expect(msg).not.toContain('not-the-password-xyz');
    expect(msg).not.toContain(Buffer.from('alice:not-the-password-xyz').toString('base64'));
  });
});

suite('registry behind Basic auth (htpasswd)', () => {
  let reg: TestRegistry;
  const withConfig = (auths: Record<string, unknown>) => {
    const dir = mkdtempSync(path.join(tmp, 'docker-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths }));
    return { DOCKER_CONFIG: dir, HOME: tmp };
  };
  beforeAll(async () => {
    reg = await TestRegistry.start({ basic: true });
    await reg.pushImage('team/app', '1.0', { env: ['BASIC_OK=1'] });
  });
  afterAll(async () => reg?.stop());

  test('the registry really demands Basic auth', async () => {
    const res = await fetch(`${reg.url}/v2/team/app/manifests/1.0`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="keydrift-test-basic"');
  });

  test('credentials from docker config.json (auths[host].auth)', async () => {
    const u = TestRegistry.BASIC_USER;
    const env = withConfig({ [reg.host]: { auth: Buffer.from(`${u.username}:${u.password}`).toString('base64') } });
    expect((await fetchImageConfig(`${reg.host}/team/app:1.0`, { insecureRegistries: [reg.host], env })).env).toEqual({ BASIC_OK: '1' });
  });

  test('explicit credentials', async () => {
    const c = await fetchImageConfig(`${reg.host}/team/app:1.0`, { insecureRegistries: [reg.host], env: noDockerConfig(), credentials: TestRegistry.BASIC_USER });
    expect(c.env).toEqual({ BASIC_OK: '1' });
  });

  test('no credentials, or wrong ones: one line, no secret in it', async () => {
    await expectKeydriftError(
      fetchImageConfig(`${reg.host}/team/app:1.0`, { insecureRegistries: [reg.host], env: noDockerConfig() }),
      new RegExp(`^image \\S+: registry ${reg.host} requires authentication \\(no credentials for ${reg.host} in the docker config\\.json\\)$`),
    );
    const env = withConfig({ [reg.host]: { auth: Buffer.from('basic-user:wrong-pw-42').toString('base64') } });
    const msg = await expectKeydriftError(fetchImageConfig(`${reg.host}/team/app:1.0`, { insecureRegistries: [reg.host], env }), /: access denied by registry \S+ \(credentials from .*config\.json were refused; or it does not exist\)$/);
    expect(msg).not.toContain('wrong-pw-42');
  });

  test('CLI with a credential helper configured: named as unsupported, exit 2', async () => {
    const dir = mkdtempSync(path.join(tmp, 'docker-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'pass' } }));
    const r = await runCli(['contract', `${reg.host}/team/app:1.0`, '--insecure-registry', reg.host], { cwd: tmp, env: { DOCKER_CONFIG: dir } });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `keydrift: image ${reg.host}/team/app:1.0: registry ${reg.host} requires authentication (no credentials: credential helpers (docker-credential-pass) are not supported; put an 'auths' entry for ${reg.host} in the docker config.json)\n`,
    });
  });
});
