/**
 * The contract of an image version, starting from nothing but its reference: read the image
 * config over the registry API, find the source (an explicit source, else the OCI source
 * labels, else a `.keydrift.yaml` mapping), build the contract from it, and add the image's
 * `Env` as image defaults (a name the image gives a value is never missing).
 */
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { KeydriftError } from '../errors.js';
import type { Contract, ImageDefault } from '../contract/model.js';
import { buildContract } from '../contract/build.js';
import type { FileTree } from '../sources/tree.js';
import { parseImageRef, type ImageRef } from './ref.js';
import { DEFAULT_REF_TEMPLATES, findMapping, isGitUrl, parseConfig, type SourceMapping } from './mapping.js';
import { RegistryClient, fetchImageConfig, imageEnvDefaults, formatPlatform, type ImageConfig, type RegistryOptions } from './registry.js';
import { readCarriedContract } from './carried-contract.js';
import { LABEL_REVISION, LABEL_SOURCE, openMappedSource, openSourceAt, redactUrl, sourceFromLabels } from './oci-source.js';

export interface ImageContractOptions extends RegistryOptions {
  /** Source mappings, in priority order (command line first, then `.keydrift.yaml`). */
  mappings?: SourceMapping[];
  /** An explicit source (local path or git URL) for this image: wins over labels and mappings. */
  source?: string;
  /** Ignore the OCI source labels (use mappings only). */
  ignoreLabels?: boolean;
  /** Ignore a contract the image carries (read the source). */
  ignoreCarried?: boolean;
  /** Where relative paths are resolved; default `process.cwd()`. */
  cwd?: string;
  /** The contract builder; default `buildContract` (tests and callers with a cache may pass theirs). */
  build?: (tree: FileTree, source: Contract['source']) => Promise<Contract>;
  /** Image config already read (skips the registry). */
  image?: ImageConfig;
}

export interface ImageContract {
  contract: Contract;
  /** The source tree the contract was read from; absent when no source was found. */
  tree?: FileTree;
  image: { digest: string; manifestDigest: string; configDigest: string; platform?: string; labels: Record<string, string>; env: Record<string, string> };
  /** Where the source came from; 'carried': the image carries its contract (no source read). */
  sourceFrom: 'explicit' | 'labels' | 'mapping' | 'carried' | 'none';
  /** Warnings and remarks, one line each (inherited labels, fallbacks, no source). */
  notes: string[];
}

/** Mappings from `.keydrift.yaml` in `dir`, when there is one. */
export function mappingsFromConfigFile(dir: string): SourceMapping[] {
  const file = path.join(dir, '.keydrift.yaml');
  if (!existsSync(file)) return [];
  return parseConfig(readFileSync(file, 'utf8'), '.keydrift.yaml', dir).sources;
}

function toRef(ref: string | ImageRef): ImageRef {
  if (typeof ref !== 'string') return ref;
  const p = parseImageRef(ref);
  if (!p) throw new KeydriftError(`'${ref}' is not an image reference`);
  return p;
}

/**
 * Put the image's own Env in place of the defaults read from the source's Dockerfile: the
 * config of the built image is what the container starts with. A Dockerfile `ENV` missing
 * from it (a build stage, another Dockerfile) is not a default this image carries; it is
 * dropped and named in the returned notes.
 */
export function withImageDefaults(contract: Contract, defaults: ImageDefault[]): { contract: Contract; notes: string[] } {
  const have = new Set(defaults.map((d) => d.name));
  const dropped = [...new Set(contract.imageDefaults.filter((d) => !have.has(d.name)).map((d) => `${d.name} (${d.evidence.file}:${d.evidence.line})`))];
  const notes = dropped.length ? [`Dockerfile ENV not in the image config, not counted as image defaults: ${dropped.join(', ')}`] : [];
  return { contract: { ...contract, imageDefaults: defaults }, notes };
}

function emptyContract(source: Contract['source']): Contract {
  return { source, entries: new Map(), unresolved: [], fallbacks: [], imageDefaults: [], filesScanned: 0, skipped: [] };
}

export async function contractForImage(refIn: string | ImageRef, opts: ImageContractOptions = {}): Promise<ImageContract> {
  const ref = toRef(refIn);
  if (!ref.tag && !ref.digest) throw new KeydriftError(`image ${ref.raw}: give a tag or a digest (which version?)`);
  const client = opts.image ? undefined : new RegistryClient(ref, opts);
  const image = opts.image ?? (await fetchImageConfig(ref, { ...opts, ...(client ? { client } : {}) }));
  const notes = [...image.notes];
  const build = opts.build ?? buildContract;
  const label = ref.path.split('/').pop() ?? ref.repository;
  const cwd = opts.cwd ?? process.cwd();

  // The app's own declaration, carried by the image (label, annotation or referrer artifact),
  // comes first unless a source is given explicitly.
  if (!opts.source && !opts.ignoreCarried) {
    const carried = await readCarriedContract(ref, image, { ...opts, ...(client ? { client } : { referrers: false }), notes });
    if (carried) {
      notes.push(`contract carried by the image (${carried.from}); no source read`);
      const merged = withImageDefaults(carried.contract, imageEnvDefaults(image.env));
      notes.push(...merged.notes.filter((n) => !n.startsWith('Dockerfile ENV not in the image config')));
      return { contract: merged.contract, image: imageSummary(image), sourceFrom: 'carried', notes };
    }
  }
  const fromLabels = opts.ignoreLabels ? undefined : sourceFromLabels(image.labels);
  const mapping = opts.mappings ? findMapping(opts.mappings, ref) : undefined;
  const trustedRevision = fromLabels && !fromLabels.suspicious ? fromLabels.revision : undefined;
  if (fromLabels?.suspicious) notes.push(`warning: ${fromLabels.suspicious}`);

  let tree: FileTree | undefined;
  let sourceFrom: ImageContract['sourceFrom'] = 'none';
  let location = '';

  const openMapping = async (m: SourceMapping): Promise<FileTree> => {
    // The image says which commit it was built from: prefer that over tag → ref templates.
    if (trustedRevision) {
      try {
        return await openSourceAt(m.location, trustedRevision, { isUrl: m.isUrl, ...(m.dir ? { dir: m.dir } : {}) });
      } catch (e) {
        notes.push(`revision ${trustedRevision} from the image labels not usable in ${redactUrl(m.location)} (${(e as Error).message}); using the tag`);
      }
    }
    return openMappedSource(m, ref.tag);
  };

  if (opts.source) {
    const isUrl = isGitUrl(opts.source);
    const m: SourceMapping = {
      image: ref.repository,
      location: isUrl ? opts.source : path.resolve(cwd, opts.source),
      isUrl,
      refTemplates: DEFAULT_REF_TEMPLATES,
      declaredIn: '--source',
    };
    tree = await (trustedRevision || ref.tag ? openMapping(m) : openSourceAt(m.location, undefined, { isUrl }));
    sourceFrom = 'explicit';
    location = m.location;
  } else if (fromLabels && !fromLabels.suspicious) {
    try {
      // A mapping's sub-directory (monorepos) still applies to the labelled repository.
      tree = await openSourceAt(fromLabels.url, fromLabels.revision, { isUrl: isGitUrl(fromLabels.url) || !fromLabels.url.startsWith('/'), ...(mapping?.dir ? { dir: mapping.dir } : {}) });
      sourceFrom = 'labels';
      location = fromLabels.url;
    } catch (e) {
      if (!mapping) throw e;
      notes.push(`source from the image labels not readable (${(e as Error).message}); using the mapping in ${mapping.declaredIn}`);
    }
  }
  if (!tree && mapping) {
    tree = await openMapping(mapping);
    sourceFrom = 'mapping';
    location = mapping.location;
  }
  if (!tree && fromLabels?.suspicion === 'no-revision') {
    // Nothing better: the labelled repository at the refs the tag maps to (v{tag}, {tag}).
    const url = fromLabels.url;
    const isUrl = isGitUrl(url) || !url.startsWith('/');
    tree = await openMappedSource({ image: ref.repository, location: url, isUrl, refTemplates: DEFAULT_REF_TEMPLATES, declaredIn: `label ${LABEL_SOURCE}` }, ref.tag);
    sourceFrom = 'labels';
    location = url;
  }

  const source: Contract['source'] = {
    label,
    location: location ? redactUrl(location) : ref.raw,
    ...(tree?.ref ? { ref: tree.ref } : {}),
    ...(tree?.commit ? { commit: tree.commit } : {}),
  };
  let contract: Contract;
  if (tree) {
    contract = await build(tree, source);
  } else {
    contract = emptyContract(source);
    notes.push(
      `no source for ${ref.repository}: ${fromLabels ? 'its source label is not usable' : `the image has no ${LABEL_SOURCE}/${LABEL_REVISION} labels`} and there is no mapping (.keydrift.yaml or --source); the contract holds only the image's Env defaults`,
    );
  }
  const merged = withImageDefaults(contract, imageEnvDefaults(image.env));
  contract = merged.contract;
  notes.push(...merged.notes);
  return { contract, ...(tree ? { tree } : {}), image: imageSummary(image), sourceFrom, notes };
}

function imageSummary(image: ImageConfig): ImageContract['image'] {
  return {
    digest: image.digest,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    ...(image.platform ? { platform: formatPlatform(image.platform) } : {}),
    labels: image.labels,
    env: image.env,
  };
}
