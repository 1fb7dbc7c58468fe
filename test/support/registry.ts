/**
 * A real OCI registry for tests: Debian's `docker-registry` (distribution 2.x) on a free
 * loopback port with filesystem storage in a temp dir, optionally behind token auth served
 * by a small in-test token server that signs JWTs with a key and certificate made here with
 * openssl (the registry trusts the certificate through `auth.token.rootcertbundle`).
 *
 * The machine has no Docker engine, so images are pushed over the registry HTTP API:
 * a config blob (Env, Labels), one tiny layer, a manifest, and an OCI index for
 * multi-platform images.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export const REGISTRY_BIN = process.env.KEYDRIFT_REGISTRY_BIN ?? '/usr/bin/docker-registry';

/** Why the registry suite cannot run here, or undefined when it can. */
export function registryUnavailable(opts: { token?: boolean } = {}): string | undefined {
  if (!existsSync(REGISTRY_BIN)) return `${REGISTRY_BIN} not installed (Debian package docker-registry; scripts/setup.sh installs it)`;
  if (opts.token) {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      return 'openssl not installed (needed to make the token-auth key and certificate)';
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface TokenRequest {
  scope: string[];
  service?: string;
  /** The user who authenticated, or undefined for anonymous. Passwords are never kept. */
  user?: string;
  granted: boolean;
}

export interface TestUser {
  username: string;
  password: string;
}

/** Token server: anonymous pull of any repository except `private/*`, which needs a known user. */
class TokenServer {
  readonly requests: TokenRequest[] = [];
  private server?: http.Server;
  port = 0;
  constructor(
    private readonly keyPem: string,
    private readonly certDer: Buffer,
    readonly service: string,
    readonly issuer: string,
    private readonly users: TestUser[],
  ) {}

  /** Sign a registry token granting `access`. */
  mint(access: { type: string; name: string; actions: string[] }[], sub = ''): string {
    const header = { typ: 'JWT', alg: 'RS256', x5c: [this.certDer.toString('base64')] };
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: this.issuer, sub, aud: this.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = createSign('RSA-SHA256').update(input).sign(this.keyPem);
    return `${input}.${b64url(sig)}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/token') return void res.writeHead(404).end();
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
      let user: string | undefined;
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
        const known = this.users.find((x) => x.username === u && x.password === p.join(':'));
        if (!known) {
          this.requests.push({ scope: scopes, service: url.searchParams.get('service') ?? undefined, user: u, granted: false });
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid credentials"}');
          return;
        }
        user = u;
      }
      const access: { type: string; name: string; actions: string[] }[] = [];
      for (const s of scopes) {
        const [type, name, actions] = s.split(':');
        if (type !== 'repository' || !name || !actions) continue;
        const wanted = actions.split(',');
        const allowed = name.startsWith('private/') && !user ? [] : user ? wanted : wanted.filter((a) => a === 'pull');
        if (allowed.length) access.push({ type, name, actions: allowed });
      }
      this.requests.push({ scope: scopes, service: url.searchParams.get('service') ?? undefined, ...(user ? { user } : {}), granted: access.length > 0 });
      const token = this.mint(access, user ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
    this.port = await new Promise<number>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve((this.server!.address() as net.AddressInfo).port)));
  }

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface PushedImage {
  /** Digest of what the tag points at (the index for multi-platform pushes). */
  digest: string;
  /** Per platform: manifest digest and config digest. */
  manifests: { platform: string; digest: string; configDigest: string }[];
}

export interface ImageSpec {
  env?: string[];
  labels?: Record<string, string>;
  os?: string;
  architecture?: string;
  variant?: string;
}

export class TestRegistry {
  private child?: ChildProcess;
  private stderr = '';
  port = 0;
  dir = '';
  tokenServer?: TokenServer;
  /** Push credentials (token mode). */
  readonly admin: TestUser = { username: 'pusher', password: `pw-${randomUUID()}` };
  readonly reader: TestUser = { username: 'alice', password: `s3cret-${randomUUID()}` };

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }
  get url(): string {
    return `http://${this.host}`;
  }

  /** Basic-auth user of `start({ basic: true })` (its bcrypt hash is below: test data, no secret). */
  static readonly BASIC_USER: TestUser = { username: 'basic-user', password: 'keydrift-basic-test-pw' };
  private static readonly BASIC_HTPASSWD = 'basic-user:$2b$04$IgicmtMwVYeZiOqaj.2Yke3L8n6bMoedbWdG0Uz8bm/oToZuyqwS.\n';
  private basic = false;

  /** Start the registry; with `token`, behind the in-test token server; with `basic`, htpasswd Basic auth. */
  static async start(opts: { token?: boolean; basic?: boolean } = {}): Promise<TestRegistry> {
    const r = new TestRegistry();
    r.dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-registry-'));
    r.port = await freePort();
    let auth = '';
    if (opts.token) {
      const key = path.join(r.dir, 'token.key');
      const cert = path.join(r.dir, 'token.crt');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=keydrift-test-token-issuer'],
        { stdio: 'ignore' },
      );
      const certPem = readFileSync(cert, 'utf8');
      const der = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      r.tokenServer = new TokenServer(readFileSync(key, 'utf8'), der, 'keydrift-test-registry', 'keydrift-test-issuer', [r.admin, r.reader]);
      await r.tokenServer.start();
      auth = [
        'auth:',
        '  token:',
        `    realm: ${r.tokenServer.realm}`,
        `    service: ${r.tokenServer.service}`,
        `    issuer: ${r.tokenServer.issuer}`,
        `    rootcertbundle: ${cert}`,
      ].join('\n');
    }
    if (opts.basic) {
      r.basic = true;
      const file = path.join(r.dir, 'htpasswd');
      writeFileSync(file, TestRegistry.BASIC_HTPASSWD);
      auth = ['auth:', '  htpasswd:', '    realm: keydrift-test-basic', `    path: ${file}`].join('\n');
    }
    const config = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(r.dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${r.port}`,
      `  secret: ${randomUUID()}`,
      auth,
      '',
    ].join('\n');
    const cfgFile = path.join(r.dir, 'config.yml');
    writeFileSync(cfgFile, config);
    r.child = spawn(REGISTRY_BIN, ['serve', cfgFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    r.child.stderr!.on('data', (c: Buffer) => (r.stderr = (r.stderr + c.toString()).slice(-4000)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (r.child.exitCode !== null) throw new Error(`docker-registry exited (${r.child.exitCode}): ${r.stderr.trim().split('\n').pop()}`);
      try {
        const res = await fetch(`${r.url}/v2/`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 || res.status === 401) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await r.stop();
        throw new Error(`docker-registry did not answer on ${r.host} within 20s: ${r.stderr.trim().split('\n').pop()}`);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    return r;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null && c.pid) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          try {
            process.kill(c.pid!, 'SIGKILL');
          } catch {
            /* gone */
          }
          resolve();
        }, 3000);
        c.once('exit', () => (clearTimeout(t), resolve()));
        try {
          process.kill(c.pid!, 'SIGTERM');
        } catch {
          clearTimeout(t);
          resolve();
        }
      });
    }
    await this.tokenServer?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private pushAuth(repo: string): Record<string, string> {
    if (this.basic) return { authorization: 'Basic ' + Buffer.from(`${TestRegistry.BASIC_USER.username}:${TestRegistry.BASIC_USER.password}`).toString('base64') };
    if (!this.tokenServer) return {};
    return { authorization: `Bearer ${this.tokenServer.mint([{ type: 'repository', name: repo, actions: ['pull', 'push'] }], this.admin.username)}` };
  }

  private async putBlob(repo: string, data: Buffer): Promise<string> {
    const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
    const auth = this.pushAuth(repo);
    const start = await fetch(`${this.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${await start.text()}`);
    const loc = new URL(start.headers.get('location')!, this.url);
    loc.searchParams.set('digest', digest);
    const put = await fetch(loc, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: data });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
    return digest;
  }

  private async putManifest(repo: string, reference: string, mediaType: string, body: unknown): Promise<string> {
    const data = Buffer.from(JSON.stringify(body));
    const res = await fetch(`${this.url}/v2/${repo}/manifests/${reference}`, {
      method: 'PUT',
      headers: { ...this.pushAuth(repo), 'content-type': mediaType },
      body: data,
    });
    if (res.status !== 201) throw new Error(`manifest push ${repo}:${reference}: HTTP ${res.status} ${await res.text()}`);
    return 'sha256:' + createHash('sha256').update(data).digest('hex');
  }

  /** Push one platform image; tag it when `tag` is given. Docker media types with `docker: true`. */
  async pushManifest(repo: string, spec: ImageSpec, tag?: string, docker = false): Promise<{ digest: string; configDigest: string; size: number; mediaType: string }> {
    const tar = Buffer.alloc(1024); // an empty tar archive: two zero blocks
    const layer = gzipSync(tar);
    const layerDigest = await this.putBlob(repo, layer);
    const config = {
      created: '2026-01-01T00:00:00Z',
      architecture: spec.architecture ?? 'amd64',
      os: spec.os ?? 'linux',
      ...(spec.variant ? { variant: spec.variant } : {}),
      config: { Env: spec.env ?? [], Labels: spec.labels ?? {}, Cmd: ['node', 'index.js'] },
      rootfs: { type: 'layers', diff_ids: ['sha256:' + createHash('sha256').update(tar).digest('hex')] },
      history: [{ created: '2026-01-01T00:00:00Z', created_by: 'keydrift test' }],
    };
    const cfg = Buffer.from(JSON.stringify(config));
    const configDigest = await this.putBlob(repo, cfg);
    const mediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
    const manifest = {
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: cfg.length },
      layers: [{ mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const digest = await this.putManifest(repo, tag ?? 'sha256:' + createHash('sha256').update(body).digest('hex'), mediaType, manifest);
    return { digest, configDigest, size: body.length, mediaType };
  }

  async pushImage(repo: string, tag: string, spec: ImageSpec): Promise<PushedImage> {
    const m = await this.pushManifest(repo, spec, tag);
    return { digest: m.digest, manifests: [{ platform: `${spec.os ?? 'linux'}/${spec.architecture ?? 'amd64'}`, digest: m.digest, configDigest: m.configDigest }] };
  }

  /** Push one image per platform and an index (OCI, or a Docker manifest list) tagged `tag`. */
  async pushMultiPlatform(repo: string, tag: string, specs: ImageSpec[], opts: { docker?: boolean; attestation?: boolean } = {}): Promise<PushedImage> {
    const entries = [];
    const manifests = [];
    for (const s of specs) {
      const m = await this.pushManifest(repo, s, undefined, opts.docker);
      const platform = { os: s.os ?? 'linux', architecture: s.architecture ?? 'amd64', ...(s.variant ? { variant: s.variant } : {}) };
      entries.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform });
      manifests.push({ platform: [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/'), digest: m.digest, configDigest: m.configDigest });
    }
    if (opts.attestation && !opts.docker) {
      // What BuildKit adds: an attestation manifest with platform unknown/unknown, listed first.
      const a = await this.pushManifest(repo, { os: 'unknown', architecture: 'unknown' });
      entries.unshift({
        mediaType: a.mediaType,
        digest: a.digest,
        size: a.size,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': entries[0]!.digest },
      } as (typeof entries)[number]);
    }
    const mediaType = opts.docker ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json';
    const digest = await this.putManifest(repo, tag, mediaType, { schemaVersion: 2, mediaType, manifests: entries });
    return { digest, manifests };
  }
}
