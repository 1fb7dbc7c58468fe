/**
 * Fetching a pinned remote chart once (`--fetch-charts` only): `helm pull --version V` into
 * keydrift's cache, `<cache>/charts/<sha256 of kind, url, chart, version>/chart.tgz`. No name
 * in that path comes from the repository, so a chart name or version can never choose where
 * anything is written; helm itself writes only into a fresh private directory under the cache
 * (`--destination`), and keydrift moves the one archive it made into place.
 *
 * Verified before use: for an HTTP repository the archive's sha256 must equal the `digest` its
 * index.yaml gives for that version (when it gives one); for OCI the manifest digest helm
 * reports must equal the digest the repository pins (an OCIRepository's `ref.digest`). An
 * archive in the cache is reused only while its recorded sha256 still matches.
 *
 * helm runs confined: no plugins (`HELM_NO_PLUGINS=1`), its config, cache, data, registry and
 * repository files in a private temporary directory (the user's own OCI registry logins only
 * with `KEYDRIFT_HELM_USER_CONFIG=1`, from the workflow or shell, never the repository; the
 * repository list is always keydrift's own), only PATH, proxy and CA variables of the
 * environment, no kubeconfig, stopped after KEYDRIFT_TOOL_TIMEOUT and on SIGINT/SIGTERM.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { makeTemp } from '../sources/materialise.js';
import { removeTemp, trackTemp } from '../cleanup.js';
import { runHelm } from './helm.js';
import { chartLabel, type RemoteChart } from './helm-remote.js';

/** keydrift's cache directory (as src/images/source.ts): KEYDRIFT_CACHE_DIR, else $XDG_CACHE_HOME/keydrift. */
export function chartCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.KEYDRIFT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'keydrift');
  return path.join(base, 'charts');
}

/** The cache entry's directory name: a hash, never a name from the repository. */
export function chartKey(c: RemoteChart): string {
  return createHash('sha256').update(`${c.kind}\0${c.url}\0${c.chart}\0${c.version}`).digest('hex').slice(0, 32);
}

/** The environment helm runs with: the user's PATH and proxies, everything helm keeps in private directories. */
export function helmFetchEnv(home: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'TMPDIR', 'LANG']) {
    const v = base[k];
    if (v !== undefined) out[k] = v;
  }
  out.HOME = home;
  out.HELM_NO_PLUGINS = '1';
  out.KUBECONFIG = '/dev/null';
  out.HELM_CACHE_HOME = path.join(home, 'cache');
  out.HELM_DATA_HOME = path.join(home, 'data');
  out.HELM_PLUGINS = path.join(home, 'plugins');
  out.HELM_REPOSITORY_CACHE = path.join(home, 'repository');
  out.HELM_CONTENT_CACHE = path.join(home, 'content');
  // Repositories are always keydrift's own (it adds the one it pulls from); registry logins are the user's only when asked.
  out.HELM_CONFIG_HOME = path.join(home, 'config');
  out.HELM_REPOSITORY_CONFIG = path.join(home, 'config', 'repositories.yaml');
  out.HELM_REGISTRY_CONFIG = path.join(home, 'config', 'registry.json');
  if (base.KEYDRIFT_HELM_USER_CONFIG === '1') {
    const cfg = base.HELM_CONFIG_HOME ?? path.join(base.XDG_CONFIG_HOME ?? path.join(base.HOME ?? os.homedir(), '.config'), 'helm');
    out.HELM_REGISTRY_CONFIG = base.HELM_REGISTRY_CONFIG ?? path.join(cfg, 'registry', 'config.json');
    if (base.DOCKER_CONFIG !== undefined) out.DOCKER_CONFIG = base.DOCKER_CONFIG;
  }
  return out;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One pull per chart per process (the PR check renders head and base; many apps share a chart). */
const pulls = new Map<string, Promise<FetchResult>>();

export type FetchResult = { ok: true; archive: string } | { ok: false; error: string };

/** For tests: forget the pulls made in this process (the disk cache stays). */
export function resetChartFetches(): void {
  pulls.clear();
}

/** The pinned chart's archive in the cache, pulling it when absent. */
export function fetchChart(helm: string, c: RemoteChart): Promise<FetchResult> {
  const key = `${chartCacheDir()}\0${chartKey(c)}\0${c.digest ?? ''}`;
  let p = pulls.get(key);
  if (!p) {
    p = pull(helm, c).catch((e: Error) => ({ ok: false as const, error: `${chartLabel(c)} could not be fetched: ${e.message}` }));
    pulls.set(key, p);
  }
  return p;
}

interface Meta {
  sha256: string;
  digest?: string;
}

async function pull(helm: string, c: RemoteChart): Promise<FetchResult> {
  const root = chartCacheDir();
  const dir = path.join(root, chartKey(c));
  const archive = path.join(dir, 'chart.tgz');
  const metaFile = path.join(dir, 'meta.json');
  // Reuse: the archive still has the sha256 recorded when it was verified, and the pinned digest is the one it was pulled with.
  if (existsSync(archive) && existsSync(metaFile)) {
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
      if (meta.sha256 === sha256(readFileSync(archive)) && (!c.digest || meta.digest === c.digest)) return { ok: true, archive };
    } catch {
      // unreadable entry: pulled again
    }
  }
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const dest = mkdtempSync(path.join(root, '.pull-'));
  trackTemp(dest);
  const home = makeTemp('keydrift-helm-home-');
  try {
    const env = helmFetchEnv(home);
    // HTTP: the repository is added under keydrift's private configuration first, so that the index helm read (and its digest) stays to be checked.
    if (c.kind === 'http') {
      const add = await runHelm(helm, ['repo', 'add', 'keydrift', c.url], home, { env });
      if (add.timedOut) return { ok: false, error: `helm repo add for ${chartLabel(c)} did not finish within ${add.timedOut} s and was stopped (set KEYDRIFT_TOOL_TIMEOUT to wait longer)` };
      if (add.code !== 0) return { ok: false, error: `helm could not read the repository index of ${chartLabel(c)}: ${cleanHelmError(add.err)}` };
    }
    const args = c.kind === 'oci' ? ['pull', c.url, '--version', c.version, '--destination', dest] : ['pull', `keydrift/${c.chart}`, '--version', c.version, '--destination', dest];
    const r = await runHelm(helm, args, home, { env });
    if (r.timedOut) return { ok: false, error: `helm pull of ${chartLabel(c)} did not finish within ${r.timedOut} s and was stopped (set KEYDRIFT_TOOL_TIMEOUT to wait longer)` };
    if (r.code !== 0) return { ok: false, error: `helm pull of ${chartLabel(c)} failed: ${cleanHelmError(r.err)}` };
    const made = readdirSync(dest).filter((f) => f.endsWith('.tgz'));
    if (made.length !== 1) return { ok: false, error: `helm pull of ${chartLabel(c)} made ${made.length} chart archives, expected one` };
    const bytes = readFileSync(path.join(dest, made[0]!));
    const sum = sha256(bytes);
    if (c.kind === 'http') {
      const want = indexDigest(env.HELM_REPOSITORY_CACHE!, c);
      if (want !== undefined && want !== sum) return { ok: false, error: `${chartLabel(c)}: the archive's sha256 is not the digest the repository index gives for this version; not used` };
    } else if (c.digest) {
      const got = /^Digest:\s*(sha256:[0-9a-f]{64})\s*$/m.exec(`${r.out}\n${r.err}`)?.[1];
      if (got !== c.digest) return { ok: false, error: `${chartLabel(c)}: the pulled chart's digest ${got ?? '(not reported by helm)'} is not the pinned ${c.digest}; not used` };
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const part = path.join(dest, 'verified.tgz');
    writeFileSync(part, bytes, { flag: 'wx', mode: 0o600 });
    renameSync(part, archive);
    writeFileSync(metaFile, JSON.stringify({ sha256: sum, ...(c.digest ? { digest: c.digest } : {}) } satisfies Meta), { mode: 0o600 });
    return { ok: true, archive };
  } finally {
    removeTemp(home);
    removeTemp(dest);
  }
}

/** The digest index.yaml gives for the version (helm leaves the index it read in its repository cache). */
function indexDigest(repoCache: string, c: RemoteChart): string | undefined {
  let files: string[];
  try {
    files = readdirSync(repoCache).filter((f) => f === 'keydrift-index.yaml');
  } catch {
    return undefined;
  }
  for (const f of files) {
    try {
      const idx = parseYaml(readFileSync(path.join(repoCache, f), 'utf8'), { maxAliasCount: 100 }) as any;
      const entries: any[] = idx?.entries?.[c.chart] ?? [];
      const e = entries.find((x) => x && String(x.version).replace(/^v/, '') === c.version.replace(/^v/, ''));
      if (e && typeof e.digest === 'string' && e.digest) return e.digest.replace(/^sha256:/, '');
    } catch {
      // not an index
    }
  }
  return undefined;
}

/** helm's message, one line, without temporary paths. */
function cleanHelmError(err: string): string {
  const line = err.trim().split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'failed';
  return line.replace(/^Error:\s*/i, '').replace(/\/\S*keydrift-helm-home-[^\s/]+\/?\S*/g, '(helm cache)').replace(/\/\S*\/\.pull-[^\s/]+\/?\S*/g, '(download directory)').slice(0, 300);
}
