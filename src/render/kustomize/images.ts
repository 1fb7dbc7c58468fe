/**
 * Kustomize's `images:` field (the builtin ImageTagTransformer), as kustomize v5 applies it:
 *
 * - which images an entry matches: kustomize's `IsImageMatched`, the regular expression
 *   `^<name>(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$` (the name is not escaped: it is a
 *   pattern);
 * - the new value (`imagetag.SetImageValue`): the image is split into name, tag and digest
 *   (`image.Split`: a `:` in the registry host before the first `/` is not a tag), `newName`
 *   replaces the name; `newTag` and `digest` together set both (`name:tag@digest`), `newTag`
 *   alone drops the digest, `digest` alone drops the tag; empty strings are unset;
 * - where: every `containers`/`initContainers` list anywhere in the object (the legacy
 *   filter), plus `ephemeralContainers`.
 *
 * Checked against every real kubectl available in test/render/kustomize-images.test.ts.
 */
import { setKeyLoc, type Loc } from '../prov.js';

const isMap = (x: unknown): x is Record<string, any> => !!x && typeof x === 'object' && !Array.isArray(x);

/** kustomize's `image.Split`: name, tag and digest (without `:` / `@`). */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const off = slash > 0 ? slash : 0;
  const search = image.slice(off);
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += off;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += off;
    ic += off;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += off;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

const matchers = new Map<string, RegExp | null>();

/** kustomize's `image.IsImageMatched(image, name)`. */
export function imageMatches(image: string, name: string): boolean {
  let re = matchers.get(name);
  if (re === undefined) {
    try {
      re = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
    } catch {
      re = null; // Go's regexp.Compile fails too: nothing matches
    }
    matchers.set(name, re);
  }
  return re !== null && re.test(image);
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The image after one `images:` entry, or undefined when the entry does not match it. */
export function rewriteImage(image: string, im: Record<string, any>): string | undefined {
  if (!imageMatches(image, String(im.name))) return undefined;
  let { name, tag, digest } = splitImage(image);
  const newName = str(im.newName);
  const newTag = str(im.newTag);
  const newDigest = str(im.digest);
  if (newName) name = newName;
  if (newTag && newDigest) {
    tag = newTag;
    digest = newDigest;
  } else if (newTag) {
    tag = newTag;
    digest = '';
  } else if (newDigest) {
    tag = '';
    digest = newDigest;
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Apply one `images:` entry to every container image of `node`, recording `loc` where it changed one. */
export function setImages(node: unknown, im: Record<string, any>, loc: Loc): void {
  if (Array.isArray(node)) {
    for (const n of node) setImages(n, im, loc);
    return;
  }
  if (!isMap(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (CONTAINER_LISTS.has(k) && Array.isArray(v)) {
      for (const c of v) {
        if (!isMap(c) || typeof c.image !== 'string') continue;
        const next = rewriteImage(c.image, im);
        if (next !== undefined && next !== c.image) {
          c.image = next;
          setKeyLoc(c, 'image', loc);
        }
      }
    } else if (v && typeof v === 'object') setImages(v, im, loc);
  }
}
