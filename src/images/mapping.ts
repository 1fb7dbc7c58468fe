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
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { checkUniqueKeys } from '../sources/yaml-keys.js';
import { KeydriftError } from '../errors.js';
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

/** Parse `.keydrift.yaml`. Paths are resolved against `baseDir`. */
export function parseConfig(text: string, file: string, baseDir: string): KeydriftConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lc });
  checkUniqueKeys(doc, lc);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new KeydriftError(`${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const body = doc.toJS() ?? {};
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
    const refs = s.ref === undefined ? DEFAULT_REF_TEMPLATES : Array.isArray(s.ref) ? s.ref.map(String) : [String(s.ref)];
    sources.push({
      image,
      location: s.git ? String(s.git) : path.resolve(baseDir, String(s.path)),
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
