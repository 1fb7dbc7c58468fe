/**
 * Where an image's source lives, according to the image itself: the OCI annotations
 * `org.opencontainers.image.source` (a repository URL) and `org.opencontainers.image.revision`
 * (a commit), which build tools copy into the config's Labels. Labels are inherited from
 * base images, so a label naming a well-known base-image repository, or a source without a
 * revision, is flagged rather than trusted blindly.
 *
 * A revision is fetched with simple-git into a bare repository in the cache — shallow, one
 * commit, large blobs filtered out where the server allows — and kept there by commit.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { KeydriftError } from '../errors.js';
import { gitEnv, GIT_UNSAFE } from '../sources/git-env.js';
import { DirTree, GitTree, SubTree, gitTopLevel, resolveCommit, type FileTree } from '../sources/tree.js';
import { cacheDir, openSource, refsForTag } from './source.js';
import type { SourceMapping } from './mapping.js';

export const LABEL_SOURCE = 'org.opencontainers.image.source';
export const LABEL_REVISION = 'org.opencontainers.image.revision';
export const LABEL_URL = 'org.opencontainers.image.url';

/** Repositories of official/base images: a source label naming one was most likely inherited. */
const BASE_IMAGE_REPOS: RegExp[] = [
  /github\.com\/docker-library\//i,
  /github\.com\/nodejs\/docker-node/i,
  /github\.com\/docker-(?:node|python|ruby|golang|php|java|openjdk)/i,
  /github\.com\/library\//i,
  /github\.com\/(?:debuerreotype|tianon|alpinelinux|canonical|ubuntu|debian|centos|fedora-cloud|rockylinux|almalinux|amazonlinux)\//i,
  /github\.com\/GoogleContainerTools\/distroless/i,
  /github\.com\/chainguard-(?:images|dev)\//i,
  /github\.com\/wolfi-dev\//i,
  /github\.com\/paketo-buildpacks\//i,
  /github\.com\/heroku\/base-images/i,
  /github\.com\/(?:eclipse-temurin|adoptium)\/containers/i,
  /github\.com\/adoptium\//i,
  /github\.com\/microsoft\/(?:dotnet-docker|mcr)/i,
  /github\.com\/dotnet\/dotnet-docker/i,
  /github\.com\/nginxinc\/docker-nginx/i,
  /github\.com\/(?:bitnami\/containers|bitnami\/bitnami-docker)/i,
  /github\.com\/(?:oven-sh\/bun|denoland\/deno_docker)/i,
  /github\.com\/astral-sh\/uv-docker/i,
  /github\.com\/renovatebot\/base-image/i,
];

export interface LabelSource {
  url: string;
  revision?: string;
  /** Why these labels may describe a base image instead of this one. */
  suspicious?: string;
  /** `base-image-repo`: the source names a base image's repository (never read as this app's source); `no-revision`: no revision label. */
  suspicion?: 'base-image-repo' | 'no-revision';
}

/** Read the OCI source labels; undefined when there is no source label. */
export function sourceFromLabels(labels: Record<string, string>): LabelSource | undefined {
  const url = labels[LABEL_SOURCE]?.trim();
  if (!url) return undefined;
  const revision = labels[LABEL_REVISION]?.trim() || undefined;
  if (BASE_IMAGE_REPOS.some((re) => re.test(url))) {
    const suspicious = `label ${LABEL_SOURCE}=${redactUrl(url)} names a base-image repository: probably inherited from the base image, not used`;
    return { url: normalizeSourceUrl(url), ...(revision ? { revision } : {}), suspicious, suspicion: 'base-image-repo' };
  }
  if (!revision) {
    const suspicious = `label ${LABEL_SOURCE} has no ${LABEL_REVISION} beside it: it may be inherited from the base image, and the version is unknown`;
    return { url: normalizeSourceUrl(url), suspicious, suspicion: 'no-revision' };
  }
  return { url: normalizeSourceUrl(url), revision };
}

/**
 * A label URL as git can fetch it: `https://github.com/o/r` (no `.git`) works as it is;
 * `github.com/o/r` gets a scheme; `git+https://` loses its prefix; a `/tree/...` path is cut.
 */
export function normalizeSourceUrl(url: string): string {
  let u = url.trim().replace(/^git\+/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^[\w.-]+@[\w.-]+:/.test(u) && !u.startsWith('/') && /^[\w.-]+\.[a-z]{2,}\//i.test(u)) u = `https://${u}`;
  const m = /^(https?:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\/[^/]+\/[^/#?]+?)(?:\.git)?(?:\/(?:tree|blob|-\/tree)\/.*)?(?:[#?].*)?$/i.exec(u);
  if (m) u = m[1]!;
  return u;
}

export function isFullSha(s: string): boolean {
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(s);
}

/** Strip anything like credentials from a URL before it goes into a message. */
export function redactUrl(u: string): string {
  return u.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s'"]+@/gi, '$1');
}

/** Git for fetching: never prompts for credentials (it would hang), and is bounded in time. */
export const GIT_FETCH_TIMEOUT_MS = 300_000;
function fetchGit(dir: string) {
  return simpleGit({ baseDir: dir, timeout: { block: GIT_FETCH_TIMEOUT_MS }, unsafe: GIT_UNSAFE }).env(gitEnv({ GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' }));
}

/** The telling line of a git error: its `fatal:`/`error:` line, else its last line; credentials redacted. */
export function gitErrorLine(e: unknown): string {
  const lines = String((e as Error)?.message ?? e)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /^(?:fatal|error):/i.test(l)) ?? lines[lines.length - 1] ?? 'failed';
  return redactUrl(telling);
}

const repoLocks = new Map<string, Promise<unknown>>();

/** Serialise work on one cache repository (two fetches into one repo at once can collide). */
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = repoLocks.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  repoLocks.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/** Path of the cache repository for a remote URL. */
export function cacheRepoFor(url: string): string {
  // Not `git/`, where openSource keeps full blob-less clones: these are shallow, by commit.
  return path.join(cacheDir(), 'git-revisions', createHash('sha256').update(url).digest('hex').slice(0, 24) + '.git');
}

/**
 * Make `revision` of the remote `url` present in the cache and return the bare repo and
 * commit. A full commit id already in the cache is not fetched again. Fetch order: the
 * revision alone at depth 1 (servers allow a commit id in a want with protocol v2 or
 * `uploadpack.allowReachableSHA1InWant`), then all branches and tags (history, for
 * abbreviated ids or servers that refuse a bare commit id).
 */
export async function fetchRevision(url: string, revision: string): Promise<{ repo: string; commit: string }> {
  if (revision.startsWith('-') || /\s/.test(revision)) throw new KeydriftError(`source ${redactUrl(url)}: '${revision}' is not a git revision`);
  const repo = cacheRepoFor(url);
  return withLock(repo, async () => {
    try {
      await fs.access(path.join(repo, 'HEAD'));
    } catch {
      await fs.mkdir(repo, { recursive: true });
      await simpleGit(repo).init(true);
      await simpleGit(repo).addRemote('origin', url);
    }
    const git = fetchGit(repo);
    if (isFullSha(revision)) {
      const have = await resolveCommit(repo, revision);
      if (have) return { repo, commit: have };
    }
    const keep = (commit: string) => git.raw(['update-ref', `refs/keydrift/${commit}`, commit]).then(() => ({ repo, commit }));
    const errors: string[] = [];
    // 1. Just the revision, shallow, big blobs left out where the server can filter.
    try {
      await git.raw(['-c', 'protocol.version=2', 'fetch', '--quiet', '--no-tags', '--depth=1', '--filter=blob:limit=1m', 'origin', revision]);
      const commit = await resolveCommit(repo, 'FETCH_HEAD');
      if (commit && (!isFullSha(revision) || commit.toLowerCase() === revision.toLowerCase() || (await resolveCommit(repo, revision)))) return keep(commit);
    } catch (e) {
      errors.push(gitErrorLine(e));
    }
    // 2. Everything reachable from branches and tags, then resolve.
    try {
      await git.raw(['fetch', '--quiet', '--tags', '--force', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
      const commit = (await resolveCommit(repo, revision)) ?? (await resolveCommit(repo, `origin/${revision}`));
      if (commit) return keep(commit);
      errors.push(`revision ${revision} not found`);
    } catch (e) {
      errors.push(gitErrorLine(e));
    }
    throw new KeydriftError(`source ${redactUrl(url)}: cannot fetch revision ${revision}: ${errors[errors.length - 1]}`);
  });
}

/**
 * Open `location` (git URL, local git repository or plain directory) at `revision`.
 * A plain directory has no versions and is used as it is.
 */
export async function openSourceAt(location: string, revision: string | undefined, opts: { isUrl: boolean; dir?: string }): Promise<FileTree> {
  const sub = (t: FileTree, extra?: string) => {
    const d = [extra, opts.dir].filter(Boolean).join('/');
    return d ? new SubTree(t, d) : t;
  };
  if (opts.isUrl) {
    if (!revision) throw new KeydriftError(`source ${redactUrl(location)}: no revision to read (the image has no ${LABEL_REVISION} label)`);
    const { repo, commit } = await fetchRevision(location, revision);
    const t = await GitTree.open(repo, commit);
    return sub(t);
  }
  try {
    await fs.access(location);
  } catch {
    throw new KeydriftError(`source ${location}: no such directory`);
  }
  const top = await gitTopLevel(location);
  if (!top) {
    // A bare repository can be opened at a revision; a plain directory is used as it is.
    const bare = await simpleGit(location)
      .revparse(['--is-bare-repository'])
      .catch(() => 'false');
    if (bare.trim() === 'true' && revision) return sub(await GitTree.open(location, revision));
    return sub(await DirTree.open(location));
  }
  const rel = path.relative(top, path.resolve(location)).split(path.sep).join('/');
  if (!revision) return sub(await DirTree.open(location));
  if (!(await resolveCommit(top, revision))) throw new KeydriftError(`source ${location}: git revision '${revision}' not found`);
  return sub(await GitTree.open(top, revision), rel || undefined);
}

/** Is `dir` a bare git repository (which `openSource` would read as a plain directory)? */
export async function isBareRepo(dir: string): Promise<boolean> {
  if ((await gitTopLevel(dir)) !== undefined) return false;
  const bare = await simpleGit(dir)
    .revparse(['--is-bare-repository'])
    .catch(() => 'false');
  return bare.trim() === 'true';
}

/**
 * A mapping's source at the ref its image tag maps to (`v{tag}`, `{tag}`), like `openSource`,
 * and also for a local bare repository.
 */
export async function openMappedSource(m: SourceMapping, tag: string | undefined): Promise<FileTree> {
  if (m.isUrl || !(await fs.access(m.location).then(() => true, () => false)) || !(await isBareRepo(m.location))) return openSource(m, tag);
  if (!tag) throw new KeydriftError(`image ${m.image} has no tag: cannot tell which version of ${m.location} it is`);
  const tried = refsForTag(m, tag);
  for (const ref of tried) {
    if (await resolveCommit(m.location, ref)) {
      const t = await GitTree.open(m.location, ref);
      return m.dir ? new SubTree(t, m.dir) : t;
    }
  }
  throw new KeydriftError(`source of ${m.image}:${tag}: no git ref ${tried.map((r) => `'${r}'`).join(' or ')} in ${m.location}`);
}
