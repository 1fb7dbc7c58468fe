/**
 * `keydrift check`: the PR check. Loads the GitOps repo at head (and base), picks the
 * workloads whose image or configuration changed, reads the contract of each new image
 * version (and of the version it replaces), resolves what every container gets and runs
 * the checks. A plain function of its options: the CLI and the Action call it.
 */
import { isDeepStrictEqual } from 'node:util';
import * as path from 'node:path';
import type { Finding, Report, Skip } from '../model.js';
import { SEVERITY_RANK } from '../model.js';

import { openTree, GitTree, type FileTree } from '../sources/tree.js';
import { type Snapshot } from '../sources/snapshot.js';
import { loadPrSnapshots } from '../render/pr.js';
import { objLocation, type KObject } from '../sources/yaml.js';
import { containersOf, isWorkload, workloadId, type ContainerRef } from '../resolve/workloads.js';
import { SourceIndex } from '../resolve/sources.js';
import { resolveContainer } from '../resolve/provision.js';
import { canonicalRepository, parseImageRef, type ImageRef } from '../images/ref.js';
import type { RegistryOptions } from '../images/registry.js';
import { contractForImage } from '../images/oci-contract.js';
import { findMapping, parseConfig, parseSourceArg, sourceRoots, type SourceMapping } from '../images/mapping.js';
import { openSource } from '../images/source.js';
import { buildContract } from '../contract/build.js';
import { compareContracts } from '../contract/compare.js';
import { appDrivers } from '../fix/drivers.js';
import type { Contract } from '../contract/model.js';
import { CHECKS } from '../checks/index.js';
import { KeydriftError } from '../errors.js';
import { appRepoConfigFromText, withDeploymentPaths } from '../images/app-config.js';
import type { ContainerContext, RenameInfo, VersionInfo } from '../checks/types.js';
import { clusterCheck } from '../drift/pr.js';
import type { LiveSource } from '../cluster/source.js';
import type { Progress } from '../progress.js';

export interface CheckOptions {
  /** GitOps repository (or plain directory). */
  repo: string;
  base?: string;
  head?: string;
  /** Read image configs from their registry: Env defaults, and OCI labels to find sources. */
  registry?: RegistryOptions;
  /** `IMAGE_REPO=PATH_OR_URL` mappings from the command line. */
  sources?: string[];
  cwd?: string;
  /** App-repo mode: `NAME=PATH` locations of deployments (relative to `cwd`); they win over `.keydrift.yaml`. */
  deployments?: string[];
  /** App-repo mode: local deployment paths from `.keydrift.yaml` must lie inside this directory (the Action's workspace). */
  confineTo?: string;
  /** `--cluster` (PR mode): also report keys that exist only live and that this change drops. */
  cluster?: LiveSource;
  /** More directories a `.keydrift.yaml` `path:` may point into (`--source-root`); see sourceRoots. */
  sourceRoots?: string[];
  /** A one-line progress indicator (workloads checked, contracts read); silent off a TTY. */
  progress?: Progress;
  /** `--fetch-charts`: fetch pinned remote Helm charts into the cache and render them. */
  fetchCharts?: boolean;
}

export const CONFIG_FILE = '.keydrift.yaml';

/** A version's contract, and the source tree it was read from (for rename detection). */
export interface VersionSource {
  contract: Contract;
  tree?: FileTree;
}

/**
 * Reads each image version's contract once. From the mapped source at the tag's git ref; or,
 * when registry reads are on, through the image config: its OCI source labels (else the
 * mapping) find the source, and its `Env` counts as defaults the image carries.
 */
export interface ContractSource {
  forImage(image: ImageRef): Promise<VersionSource | { none: string }>;
}

export class ContractCache implements ContractSource {
  private cache = new Map<string, Promise<VersionSource | { none: string }>>();
  constructor(
    readonly mappings: SourceMapping[],
    readonly registry?: RegistryOptions,
    readonly progress?: Progress,
  ) {}

  /** The contract of `image`, or why there is none (no mapping, no usable source label). */
  async forImage(image: ImageRef): Promise<VersionSource | { none: string }> {
    const mapping = findMapping(this.mappings, image);
    const key = this.registry ? `image#${image.raw}` : mapping ? `${mapping.location}#${mapping.dir ?? ''}#${image.tag ?? ''}` : `none#${image.repository}`;
    let p = this.cache.get(key);
    if (!p) {
      p = (async (): Promise<VersionSource | { none: string }> => {
        if (this.registry) {
          const r = await contractForImage(image, { ...this.registry, mappings: this.mappings });
          if (r.sourceFrom === 'none') return { none: `no source found for ${image.raw}: ${r.notes.join('; ') || 'no OCI source label and no mapping'}` };
          return { contract: r.contract, ...(r.tree ? { tree: r.tree } : {}) };
        }
        if (!mapping) return { none: `no source mapping (add it to ${CONFIG_FILE}, pass --source ${image.repository}=PATH, or read OCI labels with --registry)` };
        const tree = await openSource(mapping, image.tag);
        const contract = await buildContract(tree, {
          label: image.path.split('/').pop() ?? image.repository,
          location: mapping.location,
          ...(tree.ref ? { ref: tree.ref } : {}),
          ...(tree.commit ? { commit: tree.commit } : {}),
        });
        return { contract, tree };
      })();
      p.then((r) => ('none' in r ? undefined : this.progress?.tick('contracts read')), () => undefined);
      this.cache.set(key, p);
    }
    return p;
  }
}

export async function loadMappings(tree: FileTree, repoDir: string, sourceArgs: string[], cwd: string, extraRoots: string[] = []): Promise<SourceMapping[]> {
  const cli = sourceArgs.map((a) => parseSourceArg(a, cwd));
  const text = await tree.read(CONFIG_FILE);
  const file = text === undefined ? [] : parseConfig(text, CONFIG_FILE, repoDir, sourceRoots(repoDir, extraRoots.map((r) => path.resolve(cwd, r)))).sources;
  return [...cli, ...file];
}

function objKey(o: KObject): string {
  return `${o.kind}/${o.namespace ?? '-'}/${o.name}`;
}

/** Names of ConfigMaps/Secrets a container refers to. */
function referencedSources(c: ContainerRef): string[] {
  const out: string[] = [];
  for (const ef of Array.isArray(c.spec.envFrom) ? c.spec.envFrom : []) {
    if (ef?.configMapRef?.name) out.push(`ConfigMap/${ef.configMapRef.name}`);
    if (ef?.secretRef?.name) out.push(`Secret/${ef.secretRef.name}`);
  }
  for (const e of Array.isArray(c.spec.env) ? c.spec.env : []) {
    const vf = e?.valueFrom;
    if (vf?.configMapKeyRef?.name) out.push(`ConfigMap/${vf.configMapKeyRef.name}`);
    if (vf?.secretKeyRef?.name) out.push(`Secret/${vf.secretKeyRef.name}`);
  }
  return out;
}

/** Objects that act as a ConfigMap or Secret, keyed like references: `Kind/name` in a namespace. */
type SourceBody = { ns: string | undefined; app: string | undefined; body: unknown };

function sourceBodies(snap: Snapshot): Map<string, SourceBody[]> {
  const m = new Map<string, SourceBody[]>();
  for (const o of snap.objects) {
    let kind: string | undefined;
    let name = o.name;
    if (o.kind === 'ConfigMap') kind = 'ConfigMap';
    else if (o.kind === 'Secret') kind = 'Secret';
    else if (o.kind === 'SealedSecret') (kind = 'Secret'), (name = o.body.spec?.template?.metadata?.name ?? o.name);
    else if (o.kind === 'ExternalSecret') (kind = 'Secret'), (name = o.body.spec?.target?.name ?? o.name);
    if (!kind) continue;
    const k = `${kind}/${name}`;
    m.set(k, [...(m.get(k) ?? []), { ns: o.namespace, app: o.app, body: o.body }]);
  }
  return m;
}

/**
 * The sources a workload's reference can mean: those of its namespace, and of its own app when
 * that app has one (an object of the same name elsewhere — another namespace, another app
 * deploying elsewhere — is not what this workload reads, and its change must not re-check it).
 */
function sourcesFor(list: SourceBody[] | undefined, w: KObject): unknown[] {
  const inNs = (list ?? []).filter((s) => s.ns === undefined || w.namespace === undefined || s.ns === w.namespace);
  const own = inNs.filter((s) => s.app === w.app);
  return (own.length ? own : inNs).map((s) => s.body);
}

/** A workload's identity across base and head: its app and source file as well as Kind/namespace/name. */
const placedKey = (o: KObject) => `${o.app ?? ''}\u0000${o.file}\u0000${objKey(o)}`;

/** The base workload a head workload was: same app, file and id; else the one base object of that id. */
function baseWorkloadOf(base: { placed: Map<string, KObject>; byId: Map<string, KObject[]> }, w: KObject): KObject | undefined {
  const exact = base.placed.get(placedKey(w));
  if (exact) return exact;
  const same = base.byId.get(objKey(w)) ?? [];
  return same.length === 1 ? same[0] : undefined;
}

/**
 * Findings in report order, each said once: a base file that several overlays (apps) render the
 * same way gives the very same finding — same check, severity, object, message and places — from
 * each of them; that is one cause, reported once.
 */
function sortFindings(fs: Finding[]): Finding[] {
  const key = (f: Finding) =>
    [f.workload ?? '', f.container ?? '', String(9 - SEVERITY_RANK[f.severity]), f.check, f.key ?? '', f.locations[0]?.file ?? '', String(f.locations[0]?.line ?? 0).padStart(8, '0')].join('\u0000');
  const seen = new Set<string>();
  const once = fs.filter((f) => {
    const id = JSON.stringify([f.check, f.severity, f.workload, f.container, f.key, f.message, f.locations, f.fix, f.patch]);
    return seen.has(id) ? false : (seen.add(id), true);
  });
  return once.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export async function runCheck(opts: CheckOptions): Promise<Report> {
  const cwd = opts.cwd ?? process.cwd();
  const repoDir = path.resolve(cwd, opts.repo);
  const head = opts.head ?? (opts.base ? 'HEAD' : undefined);
  // PR mode: head and base of one repository opened together (one git process), sharing read-ahead blobs.
  const pair = opts.base ? await GitTree.openPair(repoDir, head!, opts.base) : undefined;
  const headTree = pair ? pair[0] : await openTree(repoDir, head);
  // An application repository (its .keydrift.yaml names `deployments:`): app-repo mode.
  const configText = await headTree.read(CONFIG_FILE);
  const appConfig = configText === undefined ? undefined : appRepoConfigFromText(configText, CONFIG_FILE, headTree.root);
  if (appConfig) {
    if (!opts.base) throw new KeydriftError(`${CONFIG_FILE} names deployments (an application repository): give --base REF, the version to compare this change with`);
    const { runAppCheck } = await import('./app-check.js');
    return runAppCheck({
      repo: repoDir,
      base: opts.base,
      ...(opts.head ? { head: opts.head } : {}),
      config: withDeploymentPaths(appConfig, opts.deployments ?? [], cwd, opts.confineTo),
      configFile: CONFIG_FILE,
    });
  }
  const baseTree = pair?.[1];
  const mappings = await loadMappings(headTree, headTree.root, opts.sources ?? [], cwd, opts.sourceRoots);
  // With a base, only the apps whose inputs changed are rendered (src/render/pr.ts).
  const { head: headSnap, base: baseSnap, more } = await loadPrSnapshots(headTree, baseTree, opts.fetchCharts ? { fetchCharts: true } : {});

  const skipped: Skip[] = [...headSnap.skipped.map((s) => ({ what: s.file, reason: s.reason, location: { file: s.file, repo: 'gitops' } }))];
  const findings: Finding[] = [];
  let changedFiles: Set<string> | undefined;
  if (baseSnap) {
    changedFiles = new Set<string>();
    const all = new Set([...headSnap.texts.keys(), ...baseSnap.texts.keys()]);
    for (const f of all) if (headSnap.texts.get(f) !== baseSnap.texts.get(f)) changedFiles.add(f);
  }

  if (opts.cluster) {
    if (!baseSnap) skipped.push({ what: 'cluster comparison', reason: '--cluster needs --base: it reports what this change does to keys that exist only live' });
    else {
      const r = await clusterCheck(baseSnap, headSnap, opts.cluster, { cwd, ...(head ? { head } : {}) });
      findings.push(...r.findings);
      skipped.push(...r.skipped);
    }
  }

  for (const check of CHECKS) {
    if (check.scope === 'snapshot') findings.push(...check.run({ snapshot: headSnap, ...(changedFiles ? { changedFiles } : {}) }));
  }

  const index = new SourceIndex(headSnap.objects);
  const baseWorkloads = { placed: new Map<string, KObject>(), byId: new Map<string, KObject[]>() };
  if (baseSnap) {
    for (const o of baseSnap.objects) {
      if (!isWorkload(o)) continue;
      baseWorkloads.placed.set(placedKey(o), o);
      baseWorkloads.byId.set(objKey(o), [...(baseWorkloads.byId.get(objKey(o)) ?? []), o]);
    }
  }
  const headSources = sourceBodies(headSnap);
  const baseSources = baseSnap ? sourceBodies(baseSnap) : undefined;

  const contracts = new ContractCache(mappings, opts.registry, opts.progress);
  const workloads = headSnap.objects.filter(isWorkload);
  opts.progress?.total('workloads checked', workloads.length);
  let fullIndex: SourceIndex | undefined;
  let extraSeen = 0;
  const noSource = new Map<string, string[]>();
  const checked: string[] = [];

  for (const w of workloads) {
    opts.progress?.tick('workloads checked');
    const { containers, templateRef } = containersOf(w);
    const id = workloadId(w);
    const before = baseSnap ? baseWorkloadOf(baseWorkloads, w) : undefined;
    if (baseSnap) {
      const sourcesChanged = containers.some((c) =>
        referencedSources(c).some((r) => !isDeepStrictEqual(sourcesFor(headSources.get(r), w), sourcesFor(baseSources!.get(r), w))),
      );
      if (before && isDeepStrictEqual(before.body, w.body) && !sourcesChanged) continue;
    }
    if (templateRef) {
      skipped.push({ what: id, reason: `Rollout takes its pod template from ${templateRef}; that workload is checked instead`, location: objLocation(w) });
      continue;
    }
    checked.push(id);
    const beforeContainers = before ? containersOf(before).containers : [];
    for (const c of containers) {
      const image = parseImageRef(c.image);
      if (!image) {
        skipped.push({ what: `${id} container ${c.name}`, reason: `image '${c.image}' is not a valid image reference`, location: objLocation(w, [...c.path, 'image']) });
      }
      const prevC = beforeContainers.find((b) => b.name === c.name && b.init === c.init);
      const evalOpts: EvaluateOptions = {
        snapshot: headSnap,
        index,
        contracts,
        ...(image ? { image } : {}),
        ...(prevC ? { previousImage: parseImageRef(prevC.image) } : {}),
      };
      let found = await evaluateContainer(c, evalOpts);
      // In PR mode only the touched apps are rendered: an object another app renders is not
      // in the partial snapshot. Before saying a reference dangles, render the apps whose files
      // name it, and when that does not find it, every other app of head (render/pr.ts).
      const missing = () => found.findings.filter((f) => f.details?.problem === 'missing-object').map((f) => String(f.details?.name ?? ''));
      if (more && missing().length) {
        for (const step of [missing(), 'all'] as const) {
          const extra = await more.objects(step);
          if (extra.length !== extraSeen) {
            extraSeen = extra.length;
            fullIndex = new SourceIndex([...headSnap.objects, ...extra]);
          }
          if (!fullIndex) continue;
          found = await evaluateContainer(c, { ...evalOpts, index: fullIndex });
          if (!missing().length) break;
        }
      }
      findings.push(...found.findings);
      if (found.skip && image) {
        const k = `${image.repository}\u0000${found.skip}`;
        noSource.set(k, [...(noSource.get(k) ?? []), `${id} container ${c.name}`]);
      }
    }
  }
  for (const [k, where] of noSource) {
    const [repo, reason] = k.split('\u0000');
    skipped.push({ what: `image ${repo}`, reason: `${reason}: contract checks skipped for ${where.join(', ')}` });
  }
  opts.progress?.end();
  return { command: 'check', findings: sortFindings(findings), skipped, checked };
}

export { sortFindings };

export interface EvaluateOptions {
  snapshot: Snapshot;
  index: SourceIndex;
  contracts: ContractSource;
  /** The image the container will run; absent: manifest checks only. */
  image?: ImageRef;
  /** The image it runs before the change, to compare contracts and find renames. */
  previousImage?: ImageRef | undefined;
}

/**
 * Resolve one container and run every container check on it. `skip` says why the image's
 * contract could not be read (the manifest checks still ran).
 */
export async function evaluateContainer(c: ContainerRef, o: EvaluateOptions): Promise<{ findings: Finding[]; skip?: string }> {
  let current: VersionInfo | undefined;
  let previous: VersionInfo | undefined;
  let renames: RenameInfo[] = [];
  let skip: string | undefined;
  if (o.image) {
    const cur = await o.contracts.forImage(o.image);
    if ('none' in cur) skip = cur.none;
    else {
      current = { image: o.image, contract: cur.contract };
      const prevImage = o.previousImage;
      const sameRepo = prevImage && canonicalRepository(prevImage.repository) === canonicalRepository(o.image.repository);
      if (prevImage && sameRepo && (prevImage.tag !== o.image.tag || prevImage.digest !== o.image.digest)) {
        const prev = await o.contracts.forImage(prevImage);
        if (!('none' in prev)) {
          previous = { image: prevImage, contract: prev.contract };
          // Without both sources (a contract an image carries), renames come from fallbacks,
          // deprecation markers and shared stems only: diff hunks need the code.
          renames = (await compareContracts(prev.contract, cur.contract, prev.tree, cur.tree)).renames;
          // A renamed connection string is built from the old keys: the app's drivers can tell its scheme.
          if (renames.length && cur.tree) {
            const files = renames.flatMap((r) => r.evidence.slice(r.oldEvidence).map((e) => e.file));
            current.drivers = await appDrivers(cur.tree, files);
          }
        }
      }
    }
  }
  const ctx: ContainerContext = {
    snapshot: o.snapshot,
    provision: resolveContainer(c, o.index),
    ...(current ? { current } : {}),
    ...(previous ? { previous } : {}),
    renames,
  };
  const findings: Finding[] = [];
  for (const check of CHECKS) if (check.scope === 'container') findings.push(...check.run(ctx));
  return { findings, ...(skip ? { skip } : {}) };
}
