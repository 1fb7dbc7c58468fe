/**
 * The application-repository half of `.keydrift.yaml`: which image(s) this repository builds
 * and which GitOps repositories deploy them. With `deployments:` present, `keydrift check`
 * runs in app-repo mode (src/commands/app-check.ts).
 *
 *   app:                       # or `apps:` (a list) in a monorepo
 *     image: ghcr.io/acme/user-auth
 *     dir: services/auth       # optional: the app's sub-directory
 *   deployments:
 *     - name: gitops           # optional label (default: the directory or repo name)
 *       path: ../gitops        # relative to this repository's root, or
 *       # git: https://github.com/acme/gitops.git
 *       ref: main              # optional: a git ref (default: the checkout as it is / the default branch)
 *       paths: [apps/user-auth] # optional: only objects rendered from these directories
 */
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { badAlias, badAliasMessage, genericDescription } from '../sources/yaml-safe.js';
import { KeydriftError } from '../errors.js';
import { isGitUrl } from './mapping.js';
import { parseImageRef } from './ref.js';

export interface AppSpec {
  /** Label used in messages: the image's last path segment unless `name:` says otherwise. */
  name: string;
  /** Image repository (no tag). */
  image: string;
  /** Sub-directory of this repository holding the app ('' = the root). */
  dir: string;
}

export interface DeploymentSpec {
  name: string;
  /** Absolute local path, or a git URL. */
  location: string;
  isUrl: boolean;
  ref?: string;
  /** Repo-relative directories; empty = everything the repository renders. */
  paths: string[];
}

export interface AppRepoConfig {
  apps: AppSpec[];
  deployments: DeploymentSpec[];
}

function cleanDir(d: unknown, where: string): string {
  const s = String(d ?? '').replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/^\/+|\/+$/g, '');
  if (s.split('/').some((seg) => seg === '..')) throw new KeydriftError(`${where}: '${String(d)}' must be a directory inside the repository`);
  return s;
}

/**
 * The app-repo part of a parsed `.keydrift.yaml` body, or undefined when it has no
 * `deployments:` (a GitOps repository's config). Paths are resolved against `baseDir`.
 */
export function parseAppRepoConfig(body: unknown, file: string, baseDir: string): AppRepoConfig | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (!Object.hasOwn(b, 'deployments')) return undefined;
  const rawApps = Object.hasOwn(b, 'apps') ? b.apps : Object.hasOwn(b, 'app') ? [b.app] : undefined;
  if (!Array.isArray(rawApps) || rawApps.length === 0) {
    throw new KeydriftError(`${file}: 'deployments' needs 'app' (image and optional dir) or 'apps' (a list of them): which image does this repository build?`);
  }
  const apps: AppSpec[] = rawApps.map((a, i) => {
    const where = `${file}: apps[${i}]`;
    if (!a || typeof a !== 'object' || Array.isArray(a)) throw new KeydriftError(`${where}: expected a mapping with 'image'`);
    const o = a as Record<string, unknown>;
    const image = typeof o.image === 'string' ? o.image : '';
    const ref = parseImageRef(image);
    if (!ref || ref.tag || ref.digest) throw new KeydriftError(`${where}: 'image' must be an image repository without tag (got '${String(o.image ?? '')}')`);
    const dir = cleanDir(o.dir, where);
    const name = typeof o.name === 'string' && o.name ? o.name : (ref.path.split('/').pop() ?? image);
    return { name, image, dir };
  });
  const rawDeps = b.deployments;
  if (!Array.isArray(rawDeps) || rawDeps.length === 0) throw new KeydriftError(`${file}: 'deployments' must be a list of GitOps repositories (path or git, optional ref and paths)`);
  const deployments: DeploymentSpec[] = rawDeps.map((d, i) => {
    const where = `${file}: deployments[${i}]`;
    const o: Record<string, unknown> = typeof d === 'string' ? (isGitUrl(d) ? { git: d } : { path: d }) : d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
    const git = typeof o.git === 'string' ? o.git : undefined;
    const p = typeof o.path === 'string' ? o.path : undefined;
    if (!git && !p) throw new KeydriftError(`${where}: needs 'path' (a local checkout) or 'git' (a URL)`);
    const location = git ?? path.resolve(baseDir, p!);
    const paths = o.paths === undefined ? [] : Array.isArray(o.paths) ? o.paths.map((x) => cleanDir(x, where)) : [cleanDir(o.paths, where)];
    const name =
      typeof o.name === 'string' && o.name ? o.name : git ? (git.replace(/\.git$/, '').split(/[/:]/).pop() ?? git) : path.basename(location);
    return { name, location, isUrl: !!git, ...(o.ref !== undefined ? { ref: String(o.ref) } : {}), paths };
  });
  return { apps, deployments };
}

/** Parse `.keydrift.yaml` text and return its app-repo part (see parseAppRepoConfig). */
export function appRepoConfigFromText(text: string, file: string, baseDir: string): AppRepoConfig | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new KeydriftError(`${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  // Aliases to no anchor throw in toJS, circular ones make a cyclic object: said by position.
  const alias = badAlias(doc);
  if (alias) throw new KeydriftError(`${file}:${text.slice(0, alias.offset).split('\n').length}: invalid YAML: ${badAliasMessage(alias.problem)}`);
  let body: unknown;
  try {
    body = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new KeydriftError(`${file}: invalid YAML: ${genericDescription(e)}`);
  }
  return parseAppRepoConfig(body, file, baseDir);
}

/**
 * Deployment locations given by the caller (`NAME=PATH`, the Action's `deployments` input or
 * the CLI's `--deployment`), which win over `.keydrift.yaml`; a name not in the file is added.
 * With `confineTo`, a local path that only the file names must lie inside that directory: a
 * pull request's config never points keydrift at the rest of the machine.
 */
export function withDeploymentPaths(cfg: AppRepoConfig, given: string[], cwd: string, confineTo?: string): AppRepoConfig {
  const deployments = cfg.deployments.map((d) => ({ ...d }));
  for (const g of given) {
    const eq = g.indexOf('=');
    if (eq <= 0 || eq === g.length - 1) throw new KeydriftError(`deployment '${g}': expected NAME=PATH`);
    const name = g.slice(0, eq).trim();
    const location = path.resolve(cwd, g.slice(eq + 1).trim());
    const d = deployments.find((x) => x.name === name);
    if (d) Object.assign(d, { location, isUrl: false, given: true });
    else deployments.push({ name, location, isUrl: false, paths: [], given: true } as DeploymentSpec);
  }
  if (confineTo) {
    const root = path.resolve(confineTo);
    for (const d of deployments as (DeploymentSpec & { given?: boolean })[]) {
      if (d.isUrl || d.given) continue;
      const rel = path.relative(root, d.location);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new KeydriftError(`deployment '${d.name}' in .keydrift.yaml: ${d.location} is outside the workspace; check it out inside it, or name it in the 'deployments' input`);
      }
    }
  }
  return { ...cfg, deployments: deployments.map(({ given: _g, ...d }: DeploymentSpec & { given?: boolean }) => d) };
}
