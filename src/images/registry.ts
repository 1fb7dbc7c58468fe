/**
 * A small OCI Distribution client: image reference → manifest or index → the manifest of
 * one platform → the image config blob, whose `config.Env` are defaults the image carries
 * and whose `config.Labels` may say where the source lives.
 *
 * Auth: the anonymous (or credentialed) bearer-token flow — a 401 with
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…` → GET a token from the realm → retry —
 * and Basic auth, with credentials given explicitly or found in a docker `config.json`.
 *
 * Every failure is a KeydriftError with one line; credentials and tokens never appear in one.
 */
import { createHash } from 'node:crypto';
import { KeydriftError } from '../errors.js';
import type { ImageDefault } from '../contract/model.js';
import { parseImageRef, type ImageRef } from './ref.js';
import { parseWwwAuthenticate } from './registry-auth.js';
import { lookupDockerCredentials, type RegistryCredentials } from './docker-config.js';
import { own } from '../own.js';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const MANIFEST_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest].join(', ');

/** Largest manifest or config blob keydrift reads (real ones are a few KiB). */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 20_000;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', i686: '386' };

function normArch(a: string): string {
  const l = a.toLowerCase();
  return own(ARCH_ALIASES, l) ?? l;
}

/** The variant implied when none is written (as containerd's platform matcher does). */
function normVariant(arch: string, variant: string | undefined): string | undefined {
  const v = variant?.toLowerCase();
  if (arch === 'arm64') return v === undefined || v === '' || v === 'v8' ? 'v8' : v;
  if (arch === 'arm') return v || 'v7';
  return v || undefined;
}

/** `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`; `os` alone is not enough. */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[\w.-]+$/.test(p))) {
    throw new KeydriftError(`--platform '${s}': expected OS/ARCH[/VARIANT], e.g. linux/amd64`);
  }
  const architecture = normArch(parts[1]!);
  const variant = parts[2] ?? (parts[1]!.toLowerCase() === 'armhf' ? 'v7' : parts[1]!.toLowerCase() === 'armel' ? 'v6' : undefined);
  return { os: parts[0]!.toLowerCase(), architecture, ...(variant ? { variant: variant.toLowerCase() } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string; 'os.version'?: string };
  annotations?: Record<string, string>;
}

/** Index entries that describe runnable images (not attestations or `unknown/unknown`). */
function runnable(d: Descriptor): boolean {
  if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return false;
  return !!d.platform?.os && !!d.platform.architecture && d.platform.os !== 'unknown';
}

/**
 * The entry of an index for `want`: same OS and architecture, and the same variant when
 * one is asked for (an unwritten variant of arm64 is v8, of arm v7).
 */
export function selectPlatform(manifests: Descriptor[], want: Platform): Descriptor | undefined {
  const arch = normArch(want.architecture);
  const candidates = manifests.filter(
    (d) => runnable(d) && d.platform!.os!.toLowerCase() === want.os.toLowerCase() && normArch(d.platform!.architecture!) === arch,
  );
  if (candidates.length === 0) return undefined;
  const wantVariant = normVariant(arch, want.variant);
  const exact = candidates.find((d) => normVariant(arch, d.platform!.variant) === wantVariant);
  if (exact) return exact;
  // No variant asked for on an architecture without a default one: the first is as good as any.
  if (!want.variant) return candidates[0];
  return undefined;
}

export function platformsOf(manifests: Descriptor[]): string[] {
  return manifests.filter(runnable).map((d) => formatPlatform({ os: d.platform!.os!, architecture: d.platform!.architecture!, ...(d.platform!.variant ? { variant: d.platform!.variant } : {}) }));
}

export interface RegistryOptions {
  /** Platform picked from a multi-platform index; default linux/amd64. */
  platform?: Platform | string;
  /** `HOST[:PORT]` registries spoken to over plain HTTP. A bare host matches any port. */
  insecureRegistries?: string[];
  /** Explicit credentials; when absent, the docker config.json is looked up. */
  credentials?: { username: string; password: string };
  /** Environment for `DOCKER_CONFIG`/`HOME`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** For tests. */
  fetch?: typeof fetch;
}

export interface ImageConfig {
  ref: ImageRef;
  /** Registry host as in the reference (`docker.io` for Docker Hub). */
  registry: string;
  /** Digest the reference resolved to (an index's, for multi-platform images): what to pin. */
  digest: string;
  /** Digest of the platform's image manifest (equal to `digest` for single-platform images). */
  manifestDigest: string;
  configDigest: string;
  /** The platform of the image read (from the index entry or the config). */
  platform?: Platform;
  /** `config.Env`, in order; later duplicates win. Values as the image carries them. */
  env: Record<string, string>;
  /** `config.Labels`. */
  labels: Record<string, string>;
  /** Annotations of the image manifest, with the index's (when there is one) under them. */
  annotations?: Record<string, string>;
  /** Things worth telling the user (a credential helper not run, a platform fallback). */
  notes: string[];
}

/** Docker Hub's API host differs from the name people write. */
export function apiHost(registry: string): string {
  const r = registry.toLowerCase();
  return r === 'docker.io' || r === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/** Does `registry` (host[:port]) appear in the insecure list? A bare host there matches any port. */
export function isInsecure(registry: string, insecure: readonly string[] | undefined): boolean {
  if (!insecure?.length) return false;
  const r = registry.toLowerCase();
  const host = r.replace(/:\d+$/, '');
  return insecure.some((raw) => {
    const i = raw
      .trim()
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/\/.*$/, '');
    return i === r || (!/:\d+$/.test(i) && i === host);
  });
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string }[];
}

function errorCodes(text: string): string[] {
  try {
    const b = JSON.parse(text) as RegistryErrorBody;
    return (b.errors ?? []).map((e) => String(e.code ?? '')).filter(Boolean);
  } catch {
    return [];
  }
}

function netReason(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  if (err?.name === 'AbortError') return 'request aborted';
  const code = err?.cause?.code ?? '';
  const msg = err?.cause?.message ?? err?.message ?? String(e);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  }
  if (/ssl|tls|certificate|EPROTO|wrong version/i.test(code + ' ' + msg)) return `TLS failed (${(code || msg).split('\n')[0]})`;
  return (code || msg).split('\n')[0]!;
}

interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** One registry, one repository: remembers the token it obtained for the pull scope. */
export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly insecure: boolean;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;
  private readonly creds?: RegistryCredentials;
  private readonly helper?: string;
  readonly notes: string[] = [];
  private authorization?: string;

  constructor(
    readonly ref: ImageRef,
    opts: RegistryOptions = {},
  ) {
    this.registry = ref.registry;
    this.insecure = isInsecure(ref.registry, opts.insecureRegistries);
    this.baseUrl = `${this.insecure ? 'http' : 'https'}://${apiHost(ref.registry)}`;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.doFetch = opts.fetch ?? fetch;
    if (opts.credentials) {
      this.creds = { ...opts.credentials, from: 'given credentials' };
    } else {
      const found = lookupDockerCredentials(ref.registry, opts.env ?? process.env);
      if (found.credentials) this.creds = found.credentials;
      if (found.helper) this.helper = found.helper;
      this.notes.push(...found.problems);
    }
  }

  private get what(): string {
    return `image ${this.ref.raw}`;
  }

  private async send(url: string, headers: Record<string, string>, method = 'GET', payload?: Buffer): Promise<Fetched> {
    let res: Response;
    try {
      res = await this.doFetch(url, { method, headers, ...(payload ? { body: payload } : {}), redirect: 'follow', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const reason = netReason(e, this.timeoutMs);
      const hint = !this.insecure && /TLS failed/.test(reason) ? `; if it is a plain-HTTP registry, pass --insecure-registry ${this.registry}` : '';
      throw new KeydriftError(`registry ${this.registry} unreachable: ${reason}${hint}`);
    }
    const len = Number(res.headers.get('content-length') ?? '0');
    if (len > MAX_DOCUMENT_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      throw new KeydriftError(`${this.what}: registry ${this.registry} sent a ${len}-byte document; keydrift reads at most ${MAX_DOCUMENT_BYTES}`);
    }
    let body: Buffer;
    try {
      body = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      throw new KeydriftError(`registry ${this.registry} unreachable: ${netReason(e, this.timeoutMs)}`);
    }
    if (body.length > MAX_DOCUMENT_BYTES) {
      throw new KeydriftError(`${this.what}: registry ${this.registry} sent a document over ${MAX_DOCUMENT_BYTES} bytes`);
    }
    return { status: res.status, headers: res.headers, body };
  }

  private basicHeader(): string | undefined {
    return this.creds ? 'Basic ' + Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64') : undefined;
  }

  private noCredsHint(): string {
    if (this.creds) return `credentials from ${this.creds.from} were refused`;
    if (this.helper) return `no credentials: credential helpers (${this.helper}) are not supported; put an 'auths' entry for ${this.registry} in the docker config.json`;
    return `no credentials for ${this.registry} in the docker config.json`;
  }

  /** GET a token from a Bearer challenge's realm. */
  private async token(params: Record<string, string>, scope: string): Promise<string> {
    const realm = params.realm;
    if (!realm) throw new KeydriftError(`registry ${this.registry}: Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new KeydriftError(`registry ${this.registry}: Bearer realm is not a URL`);
    }
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope || scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    const basic = this.basicHeader();
    if (basic) headers.authorization = basic;
    let r: Fetched;
    try {
      r = await this.send(url.toString(), headers);
    } catch (e) {
      // Name the token service, not the registry, as the unreachable party.
      throw new KeydriftError(`token service ${url.host} of registry ${this.registry} unreachable: ${(e as Error).message.replace(/^registry \S+ unreachable: /, '')}`);
    }
    if (r.status === 401 || r.status === 403) {
      throw new KeydriftError(`${this.what}: token service of registry ${this.registry} refused access (${this.noCredsHint()})`);
    }
    if (r.status !== 200) throw new KeydriftError(`${this.what}: token service of registry ${this.registry} answered HTTP ${r.status}`);
    let tok: unknown;
    try {
      const j = JSON.parse(r.body.toString('utf8'));
      tok = j.token ?? j.access_token;
    } catch {
      tok = undefined;
    }
    if (typeof tok !== 'string' || !tok) throw new KeydriftError(`${this.what}: token service of registry ${this.registry} sent no token`);
    return tok;
  }

  /** GET a registry path, doing the auth dance once when challenged. */
  async get(p: string, accept: string): Promise<Fetched> {
    return this.request('GET', p, { accept });
  }

  /**
   * Any request to the registry (a path under the API host, or an absolute upload URL the
   * registry handed out), with the auth dance once when challenged. `push` asks the token
   * service for the push scope as well.
   */
  async request(method: string, p: string, o: { accept?: string; contentType?: string; body?: Buffer; push?: boolean } = {}): Promise<Fetched> {
    const url = /^https?:\/\//.test(p) ? p : this.baseUrl + p;
    const scope = `repository:${this.ref.path}:${o.push ? 'pull,push' : 'pull'}`;
    const headers = (): Record<string, string> => ({
      ...(o.accept ? { accept: o.accept } : {}),
      ...(o.contentType ? { 'content-type': o.contentType } : {}),
      ...(this.authorization ? { authorization: this.authorization } : {}),
    });
    let r = await this.send(url, headers(), method, o.body);
    if (r.status !== 401) return r;
    const challenges = parseWwwAuthenticate(r.headers.get('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basicCh = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      this.authorization = `Bearer ${await this.token(bearer.params, scope)}`;
    } else if (basicCh && this.creds) {
      this.authorization = this.basicHeader();
    } else if (basicCh) {
      throw new KeydriftError(`${this.what}: registry ${this.registry} requires authentication (${this.noCredsHint()})`);
    } else {
      throw new KeydriftError(`${this.what}: registry ${this.registry} answered 401 without a usable WWW-Authenticate challenge`);
    }
    r = await this.send(url, headers(), method, o.body);
    return r;
  }

  private fail(r: Fetched, kind: 'manifest' | 'blob'): never {
    const codes = errorCodes(r.body.toString('utf8'));
    if (r.status === 404 || codes.some((c) => c === 'MANIFEST_UNKNOWN' || c === 'NAME_UNKNOWN' || c === 'BLOB_UNKNOWN')) {
      if (kind === 'blob') throw new KeydriftError(`${this.what}: a blob it names is missing from registry ${this.registry}`);
      throw new KeydriftError(`${this.what}: not found in registry ${this.registry}`);
    }
    if (r.status === 401 || r.status === 403 || codes.includes('DENIED') || codes.includes('UNAUTHORIZED')) {
      throw new KeydriftError(`${this.what}: access denied by registry ${this.registry} (${this.noCredsHint()}; or it does not exist)`);
    }
    if (r.status === 429 || codes.includes('TOOMANYREQUESTS')) throw new KeydriftError(`${this.what}: registry ${this.registry} is rate-limiting requests (HTTP 429)`);
    throw new KeydriftError(`${this.what}: registry ${this.registry} answered HTTP ${r.status}${codes.length ? ` (${codes.join(', ')})` : ''} for a ${kind}`);
  }

  /** A manifest or index by tag or digest, verified against the digest when one is asked for. */
  async manifest(reference: string): Promise<{ mediaType: string; digest: string; size: number; json: any }> {
    const r = await this.get(`/v2/${this.ref.path}/manifests/${reference}`, ACCEPT);
    if (r.status !== 200) this.fail(r, 'manifest');
    const computed = 'sha256:' + createHash('sha256').update(r.body).digest('hex');
    if (reference.startsWith('sha256:') && reference !== computed) {
      throw new KeydriftError(`${this.what}: registry ${this.registry} sent a manifest whose digest is not ${reference}`);
    }
    let json: any;
    try {
      json = JSON.parse(r.body.toString('utf8'));
    } catch {
      throw new KeydriftError(`${this.what}: registry ${this.registry} sent a manifest that is not JSON`);
    }
    const ct = (r.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const mediaType = typeof json?.mediaType === 'string' && json.mediaType ? json.mediaType : ct;
    // The digest of the bytes received (what `image@digest` pins); a non-sha256 digest asked for is kept as written.
    const digest = reference.includes(':') && !reference.startsWith('sha256:') ? reference : computed;
    return { mediaType, digest, size: r.body.length, json };
  }

  async blob(digest: string): Promise<Buffer> {
    const r = await this.get(`/v2/${this.ref.path}/blobs/${digest}`, '*/*');
    if (r.status !== 200) this.fail(r, 'blob');
    if (digest.startsWith('sha256:')) {
      const computed = 'sha256:' + createHash('sha256').update(r.body).digest('hex');
      if (computed !== digest) throw new KeydriftError(`${this.what}: blob ${digest.slice(0, 19)}… from registry ${this.registry} does not match its digest`);
    }
    return r.body;
  }
}

function isIndex(mediaType: string, json: any): boolean {
  return INDEX_TYPES.has(mediaType) || (!MANIFEST_TYPES.has(mediaType) && Array.isArray(json?.manifests) && !json?.config);
}

/** `KEY=VALUE` lines → a map; a line without `=` is a name with an empty value. */
export function envListToMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (typeof item !== 'string' || !item) continue;
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!name) continue;
    out[name] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function toRef(ref: string | ImageRef): ImageRef {
  if (typeof ref !== 'string') return ref;
  const p = parseImageRef(ref);
  if (!p) throw new KeydriftError(`'${ref}' is not an image reference`);
  return p;
}

/**
 * Read the config of an image: Env and Labels of the platform asked for (default
 * linux/amd64). Throws a one-line KeydriftError when the image cannot be read.
 */
export async function fetchImageConfig(refIn: string | ImageRef, opts: RegistryOptions & { client?: RegistryClient } = {}): Promise<ImageConfig> {
  const ref = toRef(refIn);
  const want = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : (opts.platform ?? DEFAULT_PLATFORM);
  // A caller that goes on talking to the same repository (carried contracts) passes its client: one token.
  const client = opts.client ?? new RegistryClient(ref, opts);
  const reference = ref.digest ?? ref.tag ?? 'latest';
  const top = await client.manifest(reference);
  let manifest = top;
  let platform: Platform | undefined;
  if (isIndex(top.mediaType, top.json)) {
    const entries: Descriptor[] = Array.isArray(top.json.manifests) ? top.json.manifests : [];
    const picked = selectPlatform(entries, want);
    if (!picked) {
      const have = platformsOf(entries);
      throw new KeydriftError(`image ${ref.raw}: no ${formatPlatform(want)} image in its index (has ${have.length ? have.join(', ') : 'no runnable platforms'}); pass --platform`);
    }
    platform = { os: picked.platform!.os!, architecture: picked.platform!.architecture!, ...(picked.platform!.variant ? { variant: picked.platform!.variant } : {}) };
    manifest = await client.manifest(picked.digest);
    if (isIndex(manifest.mediaType, manifest.json)) throw new KeydriftError(`image ${ref.raw}: nested image indexes are not supported`);
  } else if (top.mediaType === MEDIA_TYPES.dockerManifestV1 || top.mediaType === MEDIA_TYPES.dockerManifestV1Signed) {
    throw new KeydriftError(`image ${ref.raw}: Docker schema 1 manifests are not supported`);
  }
  const cfgDesc = manifest.json?.config;
  if (!cfgDesc || typeof cfgDesc.digest !== 'string') throw new KeydriftError(`image ${ref.raw}: its manifest names no config blob`);
  const raw = await client.blob(cfgDesc.digest);
  let cfg: any;
  try {
    cfg = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new KeydriftError(`image ${ref.raw}: its config blob is not JSON`);
  }
  const notes = [...client.notes];
  if (!platform && typeof cfg?.os === 'string' && typeof cfg?.architecture === 'string') {
    platform = { os: cfg.os, architecture: cfg.architecture, ...(typeof cfg.variant === 'string' && cfg.variant ? { variant: cfg.variant } : {}) };
    if (opts.platform && (platform.os !== want.os || normArch(platform.architecture) !== normArch(want.architecture))) {
      notes.push(`image ${ref.raw} is a single-platform ${formatPlatform(platform)} image; --platform ${formatPlatform(want)} does not apply`);
    }
  }
  return {
    ref,
    registry: ref.registry,
    digest: top.digest,
    manifestDigest: manifest.digest,
    configDigest: cfgDesc.digest,
    ...(platform ? { platform } : {}),
    env: envListToMap(cfg?.config?.Env),
    labels: stringMap(cfg?.config?.Labels),
    annotations: { ...(top !== manifest ? stringMap(top.json?.annotations) : {}), ...stringMap(manifest.json?.annotations) },
    notes,
  };
}

/** Pseudo-file naming the image config in evidence. */
export const IMAGE_CONFIG_FILE = 'image-config';

/**
 * The image's `Env` as contract image defaults: a name the image gives a value is never
 * missing. Evidence points at the image config (`image-config`, line 1, pattern `Env`).
 */
export function imageEnvDefaults(env: Record<string, string>, file = IMAGE_CONFIG_FILE): ImageDefault[] {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]!, evidence: { file, line: 1, pattern: 'Env' } }));
}
