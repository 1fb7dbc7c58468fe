/**
 * Images that carry their contract (schema/contract.v1.json), so `check`/`audit --registry`
 * need no source checkout:
 *
 * - the `dev.keydrift.contract` label in the image config (`docker build --label
 *   dev.keydrift.contract="$(keydrift contract . --format label)"`), or the same key as a
 *   manifest/index annotation;
 * - an OCI artifact whose `subject` is the image (`keydrift contract PATH --push IMAGE`),
 *   found through the referrers API (OCI distribution 1.1) or, on registries without it, the
 *   referrers tag schema (`sha256-<hex>` tag holding an index of the artifacts).
 *
 * A carried document is untrusted input: it is size-limited by the registry client, parsed
 * strictly (src/contract/document.ts), and never trusted over an explicit `--source`.
 */
import { createHash } from 'node:crypto';
import { KeydriftError } from '../errors.js';
import type { Contract } from '../contract/model.js';
import { CONTRACT_ARTIFACT_TYPE, CONTRACT_LABEL, parseContractDocument, toContractDocument } from '../contract/document.js';
import { MEDIA_TYPES, RegistryClient, type ImageConfig, type RegistryOptions } from './registry.js';
import type { ImageRef } from './ref.js';

const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY_BLOB = Buffer.from('{}');

const sha256 = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

export interface CarriedContract {
  contract: Contract;
  /** Where it was found, in words ("label dev.keydrift.contract", "referrer sha256:…"). */
  from: string;
}

/** The tag of the referrers tag schema for a digest: `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

async function referrerDigests(client: RegistryClient, subject: string): Promise<string[]> {
  const pick = (json: any): string[] =>
    (Array.isArray(json?.manifests) ? json.manifests : [])
      .filter((m: any) => m?.artifactType === CONTRACT_ARTIFACT_TYPE && typeof m.digest === 'string')
      .map((m: any) => m.digest as string);
  const api = await client.get(`/v2/${client.ref.path}/referrers/${subject}?artifactType=${encodeURIComponent(CONTRACT_ARTIFACT_TYPE)}`, MEDIA_TYPES.ociIndex);
  if (api.status === 200) {
    try {
      return pick(JSON.parse(api.body.toString('utf8')));
    } catch {
      return [];
    }
  }
  // No referrers API (distribution 2.x answers 404): the tag schema.
  const tag = await client.get(`/v2/${client.ref.path}/manifests/${referrersTag(subject)}`, MEDIA_TYPES.ociIndex);
  if (tag.status !== 200) return [];
  try {
    return pick(JSON.parse(tag.body.toString('utf8')));
  } catch {
    return [];
  }
}

/**
 * The contract an image carries, or undefined when it carries none. A label or annotation
 * wins over a referrer; among referrers the last listed (the newest push) wins.
 */
export async function readCarriedContract(
  ref: ImageRef,
  image: ImageConfig,
  opts: RegistryOptions & { referrers?: boolean; notes?: string[]; client?: RegistryClient } = {},
): Promise<CarriedContract | undefined> {
  const label = image.labels[CONTRACT_LABEL];
  if (label !== undefined) return { contract: parseContractDocument(label, `image ${ref.raw}: label ${CONTRACT_LABEL}`), from: `label ${CONTRACT_LABEL}` };
  const ann = image.annotations?.[CONTRACT_LABEL];
  if (ann !== undefined) return { contract: parseContractDocument(ann, `image ${ref.raw}: annotation ${CONTRACT_LABEL}`), from: `annotation ${CONTRACT_LABEL}` };
  if (opts.referrers === false) return undefined;
  const client = opts.client ?? new RegistryClient(ref, opts);
  for (const subject of [...new Set([image.digest, image.manifestDigest])]) {
    let digests: string[];
    try {
      digests = await referrerDigests(client, subject);
    } catch (e) {
      // The image config was just read from this registry; a failing referrers lookup falls
      // back to reading the source, and says so.
      if (!(e instanceof KeydriftError)) throw e;
      opts.notes?.push(`could not look for a contract attached to ${ref.raw}: ${e.message}`);
      return undefined;
    }
    const last = digests[digests.length - 1];
    if (!last) continue;
    const m = await client.manifest(last);
    const layer = (Array.isArray(m.json?.layers) ? m.json.layers : []).find((l: any) => l?.mediaType === CONTRACT_ARTIFACT_TYPE && typeof l.digest === 'string');
    if (!layer) continue;
    const blob = await client.blob(layer.digest);
    return { contract: parseContractDocument(blob.toString('utf8'), `image ${ref.raw}: contract artifact ${last.slice(0, 19)}…`), from: `referrer ${last.slice(0, 19)}…` };
  }
  return undefined;
}

async function uploadBlob(client: RegistryClient, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const head = await client.request('HEAD', `/v2/${client.ref.path}/blobs/${digest}`, { push: true });
  if (head.status === 200) return digest;
  const start = await client.request('POST', `/v2/${client.ref.path}/blobs/uploads/`, { push: true });
  const loc = start.headers.get('location');
  if (start.status !== 202 || !loc) throw new KeydriftError(`push to ${client.registry}/${client.ref.path}: the registry refused a blob upload (HTTP ${start.status})`);
  const url = new URL(loc, client.baseUrl);
  url.searchParams.set('digest', digest);
  const put = await client.request('PUT', url.toString(), { push: true, contentType: 'application/octet-stream', body: data });
  if (put.status !== 201) throw new KeydriftError(`push to ${client.registry}/${client.ref.path}: blob upload failed (HTTP ${put.status})`);
  return digest;
}

/**
 * Attach the contract to `ref` as an OCI artifact (subject = the image's manifest or index).
 * Returns the artifact's digest. On a registry without the referrers API, the referrers tag
 * schema index is updated too, so readers find it either way.
 */
export async function pushContract(ref: ImageRef, contract: Contract, opts: RegistryOptions = {}): Promise<{ digest: string; subject: string; tagSchema: boolean }> {
  if (!ref.tag && !ref.digest) throw new KeydriftError(`--push ${ref.raw}: give a tag or a digest (which image does the contract belong to?)`);
  const client = new RegistryClient(ref, opts);
  const subject = await client.manifest(ref.digest ?? ref.tag!);
  const doc = Buffer.from(JSON.stringify(toContractDocument(contract)));
  await uploadBlob(client, EMPTY_BLOB);
  const docDigest = await uploadBlob(client, doc);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: CONTRACT_ARTIFACT_TYPE,
      config: { mediaType: EMPTY_TYPE, digest: sha256(EMPTY_BLOB), size: EMPTY_BLOB.length },
      layers: [{ mediaType: CONTRACT_ARTIFACT_TYPE, digest: docDigest, size: doc.length }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    }),
  );
  const digest = sha256(manifest);
  const put = await client.request('PUT', `/v2/${ref.path}/manifests/${digest}`, { push: true, contentType: MEDIA_TYPES.ociManifest, body: manifest });
  if (put.status !== 201) throw new KeydriftError(`push to ${ref.registry}/${ref.path}: the registry refused the contract artifact (HTTP ${put.status})`);
  let tagSchema = false;
  if (!put.headers.get('oci-subject')) {
    // No referrers API: keep the `sha256-<hex>` index of referrers up to date.
    tagSchema = true;
    const tag = referrersTag(subject.digest);
    const cur = await client.request('GET', `/v2/${ref.path}/manifests/${tag}`, { push: true, accept: MEDIA_TYPES.ociIndex });
    let index: any = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
    if (cur.status === 200) {
      try {
        const j = JSON.parse(cur.body.toString('utf8'));
        if (Array.isArray(j?.manifests)) index = j;
      } catch {
        /* a broken index is replaced */
      }
    }
    index.manifests = index.manifests.filter((m: any) => m?.digest !== digest);
    index.manifests.push({ mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length, artifactType: CONTRACT_ARTIFACT_TYPE });
    const body = Buffer.from(JSON.stringify(index));
    const r = await client.request('PUT', `/v2/${ref.path}/manifests/${tag}`, { push: true, contentType: MEDIA_TYPES.ociIndex, body });
    if (r.status !== 201) throw new KeydriftError(`push to ${ref.registry}/${ref.path}: the registry refused the referrers index ${tag} (HTTP ${r.status})`);
  }
  return { digest, subject: subject.digest, tagSchema };
}
