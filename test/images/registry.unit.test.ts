/** Registry client pieces without a registry: challenges, credentials, platforms, errors. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeydriftError } from '../../src/errors.js';
import { parseWwwAuthenticate } from '../../src/images/registry-auth.js';
import { credentialsFor, dockerConfigPath, lookupDockerCredentials, normalizeRegistryKey, parseDockerConfig } from '../../src/images/docker-config.js';
import {
  apiHost,
  envListToMap,
  fetchImageConfig,
  imageEnvDefaults,
  isInsecure,
  parsePlatform,
  selectPlatform,
  type Descriptor,
} from '../../src/images/registry.js';
import { gitErrorLine, isFullSha, normalizeSourceUrl, redactUrl, sourceFromLabels } from '../../src/images/oci-source.js';

describe('WWW-Authenticate', () => {
  test.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/redis:pull' } }],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic', [{ scheme: 'basic', params: {} }]],
    // unquoted values, spaces after commas, mixed case
    ['BEARER Realm=https://ghcr.io/token, Service=ghcr.io ,scope="repository:o/r:pull"', [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/r:pull' } }]],
    // two challenges in one header; a comma and an escaped quote inside a quoted string
    [
      'Basic realm="a, b", Bearer realm="https://x/token",error="insufficient_scope",scope="repository:a/b:pull,push",note="say \\"hi\\""',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope', scope: 'repository:a/b:pull,push', note: 'say "hi"' } },
      ],
    ],
    ['', []],
    [', ,,', []],
    // a parameter with no scheme before it is dropped
    ['=x, Bearer realm="r"', [{ scheme: 'bearer', params: { realm: 'r' } }]],
  ])('%s', (header, want) => {
    expect(parseWwwAuthenticate(header)).toEqual(want);
  });
});

describe('docker config.json', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  test('auths entries by host, with the forms docker writes', () => {
    const cfg = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
          'ghcr.io': { auth: b64('gh:tok:with:colons') },
          'http://localhost:5000': { auth: b64('local:pw') },
          'bad.example': { auth: '!!!' },
          'split.example': { username: 'u', password: 'p' },
        },
        credHelpers: { 'gcr.io': 'gcloud' },
      }),
    );
    expect(credentialsFor(cfg, 'docker.io', 'F').credentials).toEqual({ username: 'hubuser', password: 'hubpass', from: 'F' });
    expect(credentialsFor(cfg, 'ghcr.io', 'F').credentials).toMatchObject({ username: 'gh', password: 'tok:with:colons' });
    expect(credentialsFor(cfg, 'localhost:5000', 'F').credentials).toMatchObject({ username: 'local' });
    expect(credentialsFor(cfg, 'localhost:5001', 'F').credentials).toBeUndefined();
    expect(credentialsFor(cfg, 'split.example', 'F').credentials).toMatchObject({ username: 'u', password: 'p' });
    const bad = credentialsFor(cfg, 'bad.example', 'F');
    expect(bad.credentials).toBeUndefined();
    expect(bad.problems).toEqual(["F: auths entry for bad.example is not base64 'user:password'; ignored"]);
    expect(credentialsFor(cfg, 'gcr.io', 'F')).toEqual({ helper: 'docker-credential-gcloud', problems: [] });
    expect(credentialsFor(cfg, 'quay.io', 'F')).toEqual({ problems: [] });
  });

  test('credsStore applies to hosts without an auths entry', () => {
    const cfg = parseDockerConfig(JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'desktop' }));
    expect(credentialsFor(cfg, 'ghcr.io', 'F').helper).toBe('docker-credential-desktop');
  });

  test('normalized keys', () => {
    expect(normalizeRegistryKey('https://index.docker.io/v1/')).toBe('index.docker.io');
    expect(normalizeRegistryKey('Registry.Example:5000/')).toBe('registry.example:5000');
  });

  test('$DOCKER_CONFIG, else ~/.docker; a missing or broken file is no error', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/x' })).toBe('/x/config.json');
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-dc-'));
    try {
      expect(lookupDockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ problems: [] });
      writeFileSync(path.join(dir, 'config.json'), '{nope');
      const r = lookupDockerCredentials('ghcr.io', { DOCKER_CONFIG: dir });
      expect(r.credentials).toBeUndefined();
      expect(r.problems).toEqual([`${path.join(dir, 'config.json')}: not valid JSON; ignored`]);
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('a:b') } } }));
      expect(lookupDockerCredentials('ghcr.io', { DOCKER_CONFIG: dir }).credentials).toMatchObject({ username: 'a', password: 'b' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('platforms', () => {
  const d = (os: string, architecture: string, variant?: string, extra: Partial<Descriptor> = {}): Descriptor => ({
    digest: `sha256:${os}-${architecture}-${variant ?? ''}`,
    platform: { os, architecture, ...(variant ? { variant } : {}) },
    ...extra,
  });
  const index = [
    d('unknown', 'unknown', undefined, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
    d('linux', 'arm', 'v6'),
    d('linux', 'arm', 'v7'),
    d('linux', 'arm64', 'v8'),
    d('linux', 'amd64'),
    d('windows', 'amd64'),
  ];
  test.each([
    ['linux/amd64', 'sha256:linux-amd64-'],
    ['linux/x86_64', 'sha256:linux-amd64-'],
    ['linux/arm64', 'sha256:linux-arm64-v8'],
    ['linux/aarch64', 'sha256:linux-arm64-v8'],
    ['linux/arm64/v8', 'sha256:linux-arm64-v8'],
    ['linux/arm', 'sha256:linux-arm-v7'],
    ['linux/arm/v6', 'sha256:linux-arm-v6'],
    ['windows/amd64', 'sha256:windows-amd64-'],
    ['linux/s390x', undefined],
    ['linux/arm/v5', undefined],
  ])('%s', (want, digest) => {
    expect(selectPlatform(index, parsePlatform(want))?.digest).toBe(digest);
  });
  test('an arm64 entry without a variant matches linux/arm64/v8', () => {
    expect(selectPlatform([d('linux', 'arm64')], parsePlatform('linux/arm64/v8'))?.digest).toBe('sha256:linux-arm64-');
  });
  test.each(['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/am d64'])('bad --platform %p', (s) => {
    expect(() => parsePlatform(s)).toThrow(/^--platform '.*': expected OS\/ARCH\[\/VARIANT\], e\.g\. linux\/amd64$/);
  });
});

describe('small pieces', () => {
  test('insecure registries: host:port exact, bare host any port', () => {
    expect(isInsecure('127.0.0.1:5000', ['127.0.0.1:5000'])).toBe(true);
    expect(isInsecure('127.0.0.1:5000', ['127.0.0.1'])).toBe(true);
    expect(isInsecure('127.0.0.1:5000', ['127.0.0.1:5001'])).toBe(false);
    expect(isInsecure('localhost:5000', ['http://localhost:5000/'])).toBe(true);
    expect(isInsecure('localhost:5000', undefined)).toBe(false);
    expect(isInsecure('ghcr.io', ['127.0.0.1'])).toBe(false);
  });
  test('Docker Hub API host', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });
  test('Env list', () => {
    expect(envListToMap(['A=1', 'B=x=y', 'C=', 'D', 'A=2', '=bad', 7])).toEqual({ A: '2', B: 'x=y', C: '', D: '' });
    expect(envListToMap(undefined)).toEqual({});
  });
  test('image defaults: sorted, evidence image-config:1 Env', () => {
    expect(imageEnvDefaults({ Z: '1', A: '' })).toEqual([
      { name: 'A', value: '', evidence: { file: 'image-config', line: 1, pattern: 'Env' } },
      { name: 'Z', value: '1', evidence: { file: 'image-config', line: 1, pattern: 'Env' } },
    ]);
  });
});

describe('source labels', () => {
  const S = 'org.opencontainers.image.source';
  const R = 'org.opencontainers.image.revision';
  test.each([
    [{ [S]: 'https://github.com/acme/user-auth', [R]: 'abc' }, { url: 'https://github.com/acme/user-auth', revision: 'abc' }],
    [{ [S]: 'https://github.com/acme/user-auth.git', [R]: 'abc' }, { url: 'https://github.com/acme/user-auth', revision: 'abc' }],
    [{ [S]: 'https://github.com/acme/mono/tree/main/services/auth', [R]: 'abc' }, { url: 'https://github.com/acme/mono', revision: 'abc' }],
    [{ [S]: 'github.com/acme/user-auth', [R]: 'abc' }, { url: 'https://github.com/acme/user-auth', revision: 'abc' }],
    [{ [S]: 'git+https://gitlab.example/acme/a.git', [R]: 'abc' }, { url: 'https://gitlab.example/acme/a.git', revision: 'abc' }],
    [{ [S]: 'file:///srv/git/user-auth', [R]: 'abc' }, { url: 'file:///srv/git/user-auth', revision: 'abc' }],
    [{ [R]: 'abc' }, undefined],
    [{}, undefined],
  ])('%j', (labels, want) => {
    expect(sourceFromLabels(labels)).toEqual(want);
  });
  test.each([
    [{ [S]: 'https://github.com/nodejs/docker-node', [R]: 'abc' }, /names a base-image repository/],
    [{ [S]: 'https://github.com/docker-library/python' }, /names a base-image repository/],
    [{ [S]: 'https://github.com/GoogleContainerTools/distroless', [R]: 'x' }, /base-image/],
    [{ [S]: 'https://github.com/acme/user-auth' }, /has no org\.opencontainers\.image\.revision beside it/],
  ])('suspicious %j', (labels, re) => {
    expect(sourceFromLabels(labels)?.suspicious).toMatch(re);
  });
  test('helpers', () => {
    expect(gitErrorLine(new Error("warning: filtering not recognized by server, ignoring\nfatal: repository 'https://u:p@h.example/r/' not found\n"))).toBe("fatal: repository 'https://h.example/r/' not found");
    expect(gitErrorLine(new Error('\nsomething odd\nlast words\n'))).toBe('last words');
    expect(isFullSha('a'.repeat(40))).toBe(true);
    expect(isFullSha('abc1234')).toBe(false);
    expect(redactUrl('https://user:tok@github.com/a/b')).toBe('https://github.com/a/b');
    expect(redactUrl("fatal: repository 'https://x-access-token:ghs_abc@github.com/a/b/' not found")).toBe("fatal: repository 'https://github.com/a/b/' not found");
  });
});

/** A scripted fetch: each call gets the next answer; requests are recorded. */
function scripted(answers: (Response | Error)[]) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    const a = answers.shift();
    if (!a) throw new Error('unexpected request');
    if (a instanceof Response) return a;
    throw a;
  }) as typeof fetch;
  return { f, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('client against a scripted registry', () => {
  const env = { DOCKER_CONFIG: '/nonexistent-keydrift' };
  const manifest = (cfgDigest: string) => ({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cfgDigest, size: 1 },
    layers: [],
  });
  const config = { os: 'linux', architecture: 'amd64', config: { Env: ['A=1'], Labels: { l: 'v' } } };
  const cfgBytes = JSON.stringify(config);
  const cfgDigest = 'sha256:' + createHash('sha256').update(cfgBytes).digest('hex');

  test('Basic challenge: retried with the given credentials; they never show in errors', async () => {
    const { f, calls } = scripted([
      new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
      json(200, manifest(cfgDigest)),
      new Response(cfgBytes, { status: 200 }),
    ]);
    const c = await fetchImageConfig('reg.example/app:1', { fetch: f, env, credentials: { username: 'u', password: 'pw-123' } });
    expect(c.env).toEqual({ A: '1' });
    expect(c.labels).toEqual({ l: 'v' });
    expect(calls.map((c) => c.url)).toEqual(['https://reg.example/v2/app/manifests/1', 'https://reg.example/v2/app/manifests/1', `https://reg.example/v2/app/blobs/${cfgDigest}`]);
    expect(calls[1]!.headers.authorization).toBe('Basic ' + Buffer.from('u:pw-123').toString('base64'));
    expect(calls[2]!.headers.authorization).toBe('Basic ' + Buffer.from('u:pw-123').toString('base64'));
  });

  test('Basic challenge without credentials: one line', async () => {
    const { f } = scripted([new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })]);
    await expect(fetchImageConfig('reg.example/app:1', { fetch: f, env })).rejects.toThrow(
      new KeydriftError('image reg.example/app:1: registry reg.example requires authentication (no credentials for reg.example in the docker config.json)'),
    );
  });

  test('a credential helper is named as unsupported', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-dc-'));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'desktop' }));
    try {
      const { f } = scripted([new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })]);
      await expect(fetchImageConfig('reg.example/app:1', { fetch: f, env: { DOCKER_CONFIG: dir } })).rejects.toThrow(/credential helpers \(docker-credential-desktop\) are not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Docker Hub names: library/ prefix, API host, bearer scope', async () => {
    const { f, calls } = scripted([
      new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"' } }),
      json(200, { token: 'T0K' }),
      json(200, manifest(cfgDigest)),
      new Response(cfgBytes, { status: 200 }),
    ]);
    await fetchImageConfig('redis:7', { fetch: f, env });
    expect(calls[0]!.url).toBe('https://registry-1.docker.io/v2/library/redis/manifests/7');
    expect(calls[1]!.url).toBe('https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fredis%3Apull');
    expect(calls[1]!.headers.authorization).toBeUndefined();
    expect(calls[2]!.headers.authorization).toBe('Bearer T0K');
    expect(calls[3]!.headers.authorization).toBe('Bearer T0K');
    expect(calls[0]!.headers.accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(calls[0]!.headers.accept).toContain('application/vnd.docker.distribution.manifest.list.v2+json');
  });

  test.each([
    ['404 MANIFEST_UNKNOWN', json(404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }), 'image reg.example/app:1: not found in registry reg.example'],
    ['NAME_UNKNOWN', json(404, { errors: [{ code: 'NAME_UNKNOWN' }] }), 'image reg.example/app:1: not found in registry reg.example'],
    ['403', json(403, { errors: [{ code: 'DENIED' }] }), 'image reg.example/app:1: access denied by registry reg.example (no credentials for reg.example in the docker config.json; or it does not exist)'],
    ['429', json(429, { errors: [{ code: 'TOOMANYREQUESTS' }] }), 'image reg.example/app:1: registry reg.example is rate-limiting requests (HTTP 429)'],
    ['500', new Response('boom', { status: 500 }), 'image reg.example/app:1: registry reg.example answered HTTP 500 for a manifest'],
    ['refused', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'registry reg.example unreachable: connection refused'],
    ['dns', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }), 'registry reg.example unreachable: host not found'],
    ['timeout', new DOMException('timed out', 'TimeoutError'), 'registry reg.example unreachable: no answer within 20s'],
  ])('%s → one line', async (_n, answer, line) => {
    const { f } = scripted([answer]);
    await expect(fetchImageConfig('reg.example/app:1', { fetch: f, env })).rejects.toThrow(new KeydriftError(line));
  });

  test('a manifest that does not match the digest asked for is refused', async () => {
    const { f } = scripted([json(200, manifest(cfgDigest))]);
    await expect(fetchImageConfig(`reg.example/app@sha256:${'1'.repeat(64)}`, { fetch: f, env })).rejects.toThrow(/sent a manifest whose digest is not sha256:1111/);
  });

  test('a config blob that does not match its digest is refused', async () => {
    const { f } = scripted([json(200, manifest(cfgDigest)), new Response(cfgBytes + ' ', { status: 200 })]);
    await expect(fetchImageConfig('reg.example/app:1', { fetch: f, env })).rejects.toThrow(/does not match its digest/);
  });

  test('not an image reference', async () => {
    await expect(fetchImageConfig('UPPER/Case:1', { env })).rejects.toThrow(new KeydriftError("'UPPER/Case:1' is not an image reference"));
  });
});

describe('CLI', () => {
  test('an argument is an image only when it is no path and has a tag or digest', async () => {
    const { isImageSpec } = await import('../../src/commands/contract.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-spec-'));
    try {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(path.join(dir, 'app:1'));
      mkdirSync(path.join(dir, 'svc'));
      expect(isImageSpec('ghcr.io/acme/user-auth:3.14.0', dir)).toBe(true);
      expect(isImageSpec(`redis@sha256:${'a'.repeat(64)}`, dir)).toBe(true);
      expect(isImageSpec('user-auth:3.14.0', dir)).toBe(true);
      expect(isImageSpec('ghcr.io/acme/user-auth', dir)).toBe(false); // no version
      expect(isImageSpec('app:1', dir)).toBe(false); // an existing directory
      expect(isImageSpec('svc@v1.2.0', dir)).toBe(false); // PATH@REF
      expect(isImageSpec('../x@HEAD', dir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('unreachable registry → exit 2, one line, nothing on stdout', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { freePort } = await import('../support/registry.js');
    const port = await freePort();
    const r = await runCli(['contract', `127.0.0.1:${port}/acme/app:1.0`, '--insecure-registry', `127.0.0.1:${port}`], { env: { DOCKER_CONFIG: '/nonexistent-keydrift' } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `keydrift: registry 127.0.0.1:${port} unreachable: connection refused\n` });
  });

  test('bad --platform and image-only flags on a path → exit 2, one line', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const r = await runCli(['contract', 'ghcr.io/acme/app:1', '--platform', 'linux']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "keydrift: --platform 'linux': expected OS/ARCH[/VARIANT], e.g. linux/amd64\n" });
    const p = await runCli(['contract', '.', '--platform', 'linux/amd64']);
    expect(p).toEqual({ code: 2, stdout: '', stderr: 'keydrift: contract: --platform and --source apply to an IMAGE_REF only; --insecure-registry to an IMAGE_REF or --push\n' });
  });
});
