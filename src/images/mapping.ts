/**
 * Where the source of an image lives: `.keydrift.yaml` at the GitOps repo root, and
 * `--source IMAGE_REPO=PATH_OR_URL` on the command line (which wins).
 *
 *   sources:
 *     ghcr.io/acme/user-auth:
 *       path: ../user-auth        # relative to the GitOps repo root; or
 *       git: https://github.com/acme/user-auth.git
 *       ref: "v{tag}"             # how a tag maps to a git ref (default: v{tag}, then {tag})
 *       dir: services/auth        # sub-directory of a monorepo (optional)
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { badAlias, badAliasMessage, genericDescription } from '../sources/yaml-safe.js';
import { checkUniqueKeys } from '../sources/yaml-keys.js';
import { KeydriftError } from '../errors.js';
import { isInside, pathProblem } from '../sources/paths.js';
import { validateConfig } from './config-schema.js';
import { canonicalRepository, parseImageRef, type ImageRef } from './ref.js';

export interface SourceMapping {
  /** Repository as written by the user. */
  image: string;
  /** Local path (absolute) or git URL. */
  location: string;
  isUrl: boolean;
  /** Ref templates tried in order; `{tag}` is replaced by the image tag. */
  refTemplates: string[];
  dir?: string;
  /** Where the mapping was declared, for messages. */
  declaredIn: string;
}

export const DEFAULT_REF_TEMPLATES = ['v{tag}', '{tag}'];

export interface KeydriftConfig {
  sources: SourceMapping[];
  /** Path of the config file, when one was read. */
  file?: string;
}

export function isGitUrl(s: string): boolean {
  return /^(?:https?|ssh|git|file):\/\//.test(s) || /^[\w.-]+@[\w.-]+:/.test(s);
}

/**
 * Where a `path:` in `.keydrift.yaml` may point — the file comes from the repository (a pull
 * request), so it must not name `/etc` or `/proc/self`: the workspace, i.e. the directory that
 * holds the GitOps repository (checkouts side by side, as `path: ../user-auth` expects; the
 * repository itself when it sits at `/`), plus the roots the user gives (`--source-root`, the
 * Action's `source-roots` and `GITHUB_WORKSPACE`) — never roots named by the repository.
 */
export function sourceRoots(baseDir: string, extra: string[] = []): string[] {
  const abs = path.resolve(baseDir);
  const parent = path.dirname(abs);
  return [parent === path.parse(parent).root ? abs : parent, ...extra.map((r) => path.resolve(r))];
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A `path:` source resolved and checked against the roots (symlinks resolved where they exist). */
function confinedSource(raw: string, baseDir: string, roots: string[], where: string): string {
  if (raw.includes('\0')) throw new KeydriftError(`${where}: path contains a NUL byte`);
  const abs = path.resolve(baseDir, raw);
  const r = real(abs);
  if (roots.some((root) => isInside(real(root), r))) return abs;
  throw new KeydriftError(
    `${where}: path '${raw}' is outside the workspace (${roots.join(', ')}); a source named by the repository must be beside or inside it (allow another directory with --source-root DIR, or the Action's source-roots input)`,
  );
}

/** A `git:` URL named by the repository: over the network only (a local `file://` clone reads outside the workspace). */
function networkGitUrl(url: string, where: string): string {
  if (/^(?:https?|ssh|git):\/\/[^/\s]/i.test(url) || /^[\w.-]+@[\w.-]+:[^/]/.test(url)) return url;
  throw new KeydriftError(`${where}: git URL '${url.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s]+@/gi, '$1')}' is not a network URL (https://, ssh://, git://, user@host:path); name a local repository with --source`);
}

/** Parse `.keydrift.yaml`. Paths are resolved against `baseDir` and must stay inside `roots` (default: `sourceRoots(baseDir)`). */
export function parseConfig(text: string, file: string, baseDir: string, roots: string[] = sourceRoots(baseDir)): KeydriftConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lc });
  checkUniqueKeys(doc, lc);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new KeydriftError(`${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  // An alias to no anchor throws a ReferenceError in toJS; a circular one makes a cyclic object.
  const alias = badAlias(doc);
  if (alias) throw new KeydriftError(`${file}:${text.slice(0, alias.offset).split('\n').length}: invalid YAML: ${badAliasMessage(alias.problem)}`);
  validateConfig(text, file); // unknown keys, wrong types: exit 2 with file:line (config-schema.ts)
  let body: any;
  try {
    body = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new KeydriftError(`${file}: invalid YAML: ${genericDescription(e)}`);
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw new KeydriftError(`${file}: expected a mapping at the top level`);
  const sources: SourceMapping[] = [];
  const raw = body.sources ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new KeydriftError(`${file}: 'sources' must map image repositories to their source`);
  for (const [image, spec] of Object.entries<any>(raw)) {
    if (!parseImageRef(image)) throw new KeydriftError(`${file}: '${image}' is not an image repository`);
    const s = typeof spec === 'string' ? (isGitUrl(spec) ? { git: spec } : { path: spec }) : spec;
    if (!s || typeof s !== 'object' || (!s.path && !s.git)) {
      throw new KeydriftError(`${file}: source of '${image}' needs 'path' or 'git'`);
    }
    const where = `${file}: source of '${image}'`;
    if (s.dir !== undefined && s.dir !== null && s.dir !== '' && pathProblem(String(s.dir).replace(/^\/+|\/+$/g, ''))) {
      throw new KeydriftError(`${where}: dir '${String(s.dir)}' must be a sub-directory (a relative path without '..')`);
    }
    const refs = s.ref === undefined ? DEFAULT_REF_TEMPLATES : Array.isArray(s.ref) ? s.ref.map(String) : [String(s.ref)];
    sources.push({
      image,
      location: s.git ? networkGitUrl(String(s.git), where) : confinedSource(String(s.path), baseDir, roots, where),
      isUrl: !!s.git,
      refTemplates: refs,
      ...(s.dir ? { dir: String(s.dir).replace(/^\/+|\/+$/g, '') } : {}),
      declaredIn: file,
    });
  }
  return { sources, file };
}

/** `IMAGE_REPO=PATH_OR_URL` from the command line. */
export function parseSourceArg(arg: string, cwd: string): SourceMapping {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) {
    throw new KeydriftError(`--source '${arg}': expected IMAGE_REPO=PATH_OR_URL`);
  }
  const image = arg.slice(0, eq);
  const loc = arg.slice(eq + 1);
  const ref = parseImageRef(image);
  if (!ref || ref.tag || ref.digest) throw new KeydriftError(`--source '${arg}': '${image}' is not an image repository (no tag or digest)`);
  const url = isGitUrl(loc);
  return {
    image,
    location: url ? loc : path.resolve(cwd, loc),
    isUrl: url,
    refTemplates: DEFAULT_REF_TEMPLATES,
    declaredIn: '--source',
  };
}

/** The mapping for an image, command-line ones first. */
export function findMapping(mappings: SourceMapping[], image: ImageRef): SourceMapping | undefined {
  const want = canonicalRepository(image.repository);
  return mappings.find((m) => canonicalRepository(m.image) === want);
}
