/** `keydrift contract PATH[@REF]` or `keydrift contract IMAGE_REF`: what one version of an app reads. */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { KeydriftError } from '../errors.js';
import { parseImageRef } from '../images/ref.js';
import { parseSourceArg } from '../images/mapping.js';
import { parsePlatform, type RegistryOptions } from '../images/registry.js';
import { contractForImage, mappingsFromConfigFile, type ImageContract } from '../images/oci-contract.js';
import { openTree } from '../sources/tree.js';
import { buildContract } from '../contract/build.js';
import type { Contract } from '../contract/model.js';
import { oneLine } from '../report/escape.js';

export async function runContract(opts: { path: string; ref?: string }): Promise<Contract> {
  const tree = await openTree(opts.path, opts.ref);
  return buildContract(tree, {
    label: path.basename(tree.root),
    location: tree.root,
    ...(tree.ref ? { ref: tree.ref } : {}),
    ...(tree.commit ? { commit: tree.commit } : {}),
  });
}

/**
 * Is `spec` an image reference rather than a path? Only when it is not an existing path (nor
 * `PATH@REF` of one) and parses as an image reference with a tag or a digest.
 */
export function isImageSpec(spec: string, cwd: string): boolean {
  if (existsSync(path.resolve(cwd, spec))) return false;
  const at = spec.lastIndexOf('@');
  if (at > 0 && existsSync(path.resolve(cwd, spec.slice(0, at)))) return false;
  const ref = parseImageRef(spec);
  return !!ref && !!(ref.tag || ref.digest);
}

export interface ImageContractCliOptions {
  image: string;
  insecureRegistries?: string[];
  platform?: string;
  /** `IMAGE_REPO=PATH_OR_URL` mappings from the command line. */
  sources?: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** `keydrift contract IMAGE_REF`: the image config over the registry API, then its source. */
export async function runImageContract(opts: ImageContractCliOptions): Promise<ImageContract> {
  const ref = parseImageRef(opts.image);
  if (!ref) throw new KeydriftError(`'${opts.image}' is not an image reference`);
  const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
  const mappings = [...(opts.sources ?? []).map((a) => parseSourceArg(a, opts.cwd)), ...mappingsFromConfigFile(opts.cwd)];
  return contractForImage(ref, {
    ...(opts.insecureRegistries?.length ? { insecureRegistries: opts.insecureRegistries } : {}),
    ...(platform ? { platform } : {}),
    mappings,
    cwd: opts.cwd,
    env: opts.env,
  });
}

/** Text: a header naming the image, the contract, then notes. */
export function renderImageContractText(ref: string, r: ImageContract, contractText: string): string {
  const head = [
    `Image ${ref}`,
    `  digest ${r.image.digest}${r.image.manifestDigest !== r.image.digest ? ` (index; ${r.image.platform ?? 'platform'} manifest ${r.image.manifestDigest})` : ''}`,
    ...(r.image.platform ? [`  platform ${r.image.platform}`] : []),
    `  source ${r.sourceFrom === 'labels' ? 'from the image labels' : r.sourceFrom === 'mapping' ? 'from the source mapping' : r.sourceFrom === 'explicit' ? 'given' : 'not found'}`,
  ];
  // Notes quote the image's labels and the registry's answers: one clean line each.
  const notes = r.notes.length ? ['Notes:', ...r.notes.map((n) => `  ${oneLine(n)}`)] : [];
  return [...head.map(oneLine), contractText.replace(/\n$/, ''), ...notes].join('\n') + '\n';
}

/** JSON: the contract document plus the image it was read from (no Env values: names are in imageDefaults). */
export function imageContractJson(ref: string, r: ImageContract, contractJson: object): object {
  return {
    ...contractJson,
    image: { ref, digest: r.image.digest, manifestDigest: r.image.manifestDigest, configDigest: r.image.configDigest, ...(r.image.platform ? { platform: r.image.platform } : {}), labels: r.image.labels },
    sourceFrom: r.sourceFrom,
    notes: r.notes,
  };
}

/** `keydrift contract PATH --push IMAGE_REF`: attach the contract to the image as an OCI artifact. */
export async function pushContractTo(image: string, contract: Contract, opts: RegistryOptions): Promise<{ digest: string; subject: string; tagSchema: boolean }> {
  const ref = parseImageRef(image);
  if (!ref) throw new KeydriftError(`--push '${image}' is not an image reference`);
  const { pushContract } = await import('../images/carried-contract.js');
  return pushContract(ref, contract, opts);
}
