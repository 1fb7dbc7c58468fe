/**
 * `keydrift check --base REF` in an application repository (app-repo mode): the contract of
 * the app at the PR's head (the working tree, or `--head`) against the contract at its base,
 * checked against every environment that runs the app's image — the GitOps repositories named
 * under `deployments:` in the app repo's `.keydrift.yaml`, rendered as `keydrift check` renders
 * them, each container running the image taken as if it ran this change.
 *
 * It catches the incident one step earlier: in the pull request that renames the key, before
 * an image exists, naming the environment that would break and the GitOps-side patch.
 */
import * as path from 'node:path';
import type { Finding, Location, Report, Skip } from '../model.js';
import { KeydriftError } from '../errors.js';
import { openTree, GitTree, SubTree, type FileTree } from '../sources/tree.js';
import { loadSnapshot, type LoadedSnapshot } from '../sources/snapshot.js';
import { containersOf, isWorkload, workloadId } from '../resolve/workloads.js';
import { SourceIndex } from '../resolve/sources.js';
import { canonicalRepository, parseImageRef, type ImageRef } from '../images/ref.js';
import { openSourceAt, redactUrl } from '../images/oci-source.js';
import { buildContract } from '../contract/build.js';
import type { Contract } from '../contract/model.js';
import type { AppRepoConfig, AppSpec, DeploymentSpec } from '../images/app-config.js';
import { evaluateContainer, sortFindings, type ContractSource, type VersionSource } from './check.js';

export interface AppCheckOptions {
  /** The application repository. */
  repo: string;
  base: string;
  /** A git ref; default: the working tree as it is. */
  head?: string;
  config: AppRepoConfig;
  /** Where the config was read, for messages. */
  configFile: string;
}

/** A label for the version at the PR's head, shown where a tag would be. */
export const HEAD_LABEL = '(this change)';

/** Contracts by version label: the app at head and at base, whatever tag the manifests run. */
class FixedContracts implements ContractSource {
  constructor(private readonly byTag: Map<string, VersionSource>) {}
  async forImage(image: ImageRef): Promise<VersionSource | { none: string }> {
    return this.byTag.get(image.tag ?? '') ?? { none: `no contract for ${image.raw}` };
  }
}

function withTag(image: ImageRef, tag: string): ImageRef {
  return { ...image, tag, raw: `${image.repository}:${tag}` };
}

function appTree(t: FileTree, dir: string): FileTree {
  return dir ? new SubTree(t, dir) : t;
}

async function openDeployment(d: DeploymentSpec): Promise<FileTree> {
  if (d.isUrl) {
    // A remote GitOps repository: cloned once (bare, blob-filtered) into the cache, at its ref.
    return openSourceAt(d.location, d.ref ?? 'HEAD', { isUrl: true });
  }
  return openTree(d.location, d.ref);
}

/** The environment a workload belongs to, in words: its app (ArgoCD/Flux/overlay) or namespace. */
function environmentOf(snap: LoadedSnapshot, appId: string | undefined, namespace: string | undefined): string {
  const app = appId ? snap.apps.find((a) => a.id === appId) : undefined;
  if (namespace) return namespace;
  if (app) return app.path || app.id;
  return 'the default namespace';
}

function inPaths(file: string, paths: string[]): boolean {
  return paths.length === 0 || paths.some((p) => p === '' || file === p || file.startsWith(p + '/'));
}

export async function runAppCheck(opts: AppCheckOptions): Promise<Report> {
  const repoDir = path.resolve(opts.repo);
  const headRoot = await openTree(repoDir, opts.head);
  const baseRoot = await GitTree.open(repoDir, opts.base);
  const findings: Finding[] = [];
  const skipped: Skip[] = [];
  const checked: string[] = [];

  // One contract per app and version, read once.
  const versions = new Map<AppSpec, FixedContracts>();
  const headRefLabel = opts.head ?? 'working tree';
  for (const app of opts.config.apps) {
    const headTree = appTree(headRoot, app.dir);
    const baseTree = appTree(baseRoot, app.dir);
    const location = app.dir ? `${repoDir}/${app.dir}` : repoDir;
    const head: Contract = await buildContract(headTree, {
      label: app.name,
      location,
      ref: headRefLabel,
      ...(headRoot.commit ? { commit: headRoot.commit } : {}),
    });
    const base: Contract = await buildContract(baseTree, {
      label: app.name,
      location,
      ref: opts.base,
      ...(baseRoot.commit ? { commit: baseRoot.commit } : {}),
    });
    versions.set(
      app,
      new FixedContracts(
        new Map([
          [HEAD_LABEL, { contract: head, tree: headTree }],
          [opts.base, { contract: base, tree: baseTree }],
        ]),
      ),
    );
  }

  for (const dep of opts.config.deployments) {
    const depLabel = `${dep.name}@${dep.ref ?? (dep.isUrl ? 'HEAD' : 'working tree')}`;
    let tree: FileTree;
    try {
      tree = await openDeployment(dep);
    } catch (e) {
      if (e instanceof KeydriftError) throw new KeydriftError(`deployment '${dep.name}' (${opts.configFile}): ${e.message}`);
      throw e;
    }
    const snap = await loadSnapshot(tree);
    for (const s of snap.skipped) skipped.push({ what: `${depLabel} ${s.file}`, reason: s.reason, location: { file: s.file, repo: dep.name } });
    const index = new SourceIndex(snap.objects);
    let runs = 0;
    for (const w of snap.objects.filter(isWorkload)) {
      if (!inPaths(w.file, dep.paths)) continue;
      const { containers, templateRef } = containersOf(w);
      if (templateRef) continue;
      const id = workloadId(w);
      const env = environmentOf(snap, w.app, w.namespace);
      for (const c of containers) {
        const image = parseImageRef(c.image);
        if (!image) continue;
        const app = opts.config.apps.find((a) => canonicalRepository(a.image) === canonicalRepository(image.repository));
        if (!app) continue;
        runs++;
        checked.push(`${depLabel} ${id}`);
        const found = await evaluateContainer(c, {
          snapshot: snap,
          index,
          contracts: versions.get(app)!,
          image: withTag(image, HEAD_LABEL),
          previousImage: withTag(image, opts.base),
        });
        for (const f of found.findings) findings.push(inEnvironment(f, dep, depLabel, env, headRefLabel));
      }
    }
    if (runs === 0) {
      skipped.push({
        what: `deployment ${dep.name}`,
        reason: `no container in ${dep.isUrl ? redactUrl(dep.location) : dep.location}${dep.paths.length ? ` (${dep.paths.join(', ')})` : ''} runs ${opts.config.apps.map((a) => a.image).join(' or ')}`,
      });
    }
  }
  return { command: 'check', findings: sortFindings(findings), skipped, checked };
}

/**
 * A finding from a GitOps repository, told from the app's pull request: which environment
 * breaks if this is merged and deployed, and where (file:line in that repository at its ref).
 */
function inEnvironment(f: Finding, dep: DeploymentSpec, depLabel: string, env: string, headRef: string): Finding {
  // GitOps files are another repository's; the app's lines at head are this one's (annotations go there).
  const locations: Location[] = f.locations.map((l) =>
    l.file && (l.repo === undefined || l.repo === 'gitops')
      ? { ...l, repo: dep.name, ...(dep.ref ? { ref: dep.ref } : {}), local: false }
      : l.file && l.ref === headRef
        ? { ...l, local: true }
        : { ...l, local: false },
  );
  const first = locations.find((l) => l.repo === dep.name && l.local === false && l.file);
  const where = first ? ` (${depLabel} ${first.file}${first.line ? `:${first.line}` : ''})` : '';
  const fails = f.severity === 'error' && /fail to start/.test(f.message);
  const lead = fails
    ? `Merging this and deploying it to ${env} will fail to start: ${f.key ?? 'a key'} is not provided to ${f.workload ?? 'the workload'}${where}.`
    : `In ${env} (${f.workload ?? depLabel}${where}):`;
  return {
    ...f,
    message: `${lead} ${f.message}`,
    locations,
    details: { ...(f.details ?? {}), environment: env, deployment: dep.name, ...(dep.ref ? { deploymentRef: dep.ref } : {}) },
  };
}
