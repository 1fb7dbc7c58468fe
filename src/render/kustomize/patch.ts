/**
 * Strategic merge patches (as Kustomize's kyaml merge applies them) and JSON 6902 patches,
 * recording in the provenance which patch line set each field.
 */
import { cloneTagged, sameProv, setKeyLoc, type SrcDoc } from '../prov.js';
import type { PathSeg } from '../../sources/yaml.js';
import { hasOwn, setOwn } from '../../own.js';

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Keys kyaml uses to merge lists of maps when no schema says otherwise, in priority order. */
const ASSOC_KEYS = ['mountPath', 'devicePath', 'ip', 'type', 'topologyKey', 'name', 'containerPort'];

function mergeKeyFor(path: string[], kind: string, items: any[]): string | undefined {
  const field = path[path.length - 1];
  if (kind === 'Service' && path.join('/') === 'spec/ports') return 'port';
  if (field === 'envFrom' || field === 'tolerations' || field === 'args' || field === 'command') return undefined;
  const first = items.find(isMap);
  if (!first || !items.every(isMap)) return undefined;
  return ASSOC_KEYS.find((k) => k in first);
}

export class PatchError extends Error {}

interface Ctx {
  src: SrcDoc;
  kind: string;
}

function loc(ctx: Ctx, path: PathSeg[]) {
  return { file: ctx.src.file, line: ctx.src.lineOf(path) ?? ctx.src.line };
}

/**
 * Apply a strategic merge patch `patch` (a node of the patch document at `ppath`) onto
 * `dst` (mutated). Returns false when the patch deletes the whole object.
 */
export function strategicMerge(dst: Record<string, any>, patch: Record<string, any>, src: SrcDoc, kind: string, ppath: PathSeg[] = []): boolean {
  if (patch.$patch === 'delete') return false;
  mergeMap(dst, patch, { src, kind }, ppath, []);
  return true;
}

function stripDirectives(v: any): any {
  if (Array.isArray(v)) return sameProv(v.filter((x) => !(isMap(x) && x.$patch && Object.keys(x).length === 1)).map(stripDirectives), v);
  if (!isMap(v)) return v;
  for (const k of Object.keys(v)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/') || k === '$retainKeys') delete v[k];
    else v[k] = stripDirectives(v[k]);
  }
  return v;
}

function mergeMap(dst: Record<string, any>, patch: Record<string, any>, ctx: Ctx, ppath: PathSeg[], fpath: string[]): void {
  if (patch.$patch === 'replace') {
    for (const k of Object.keys(dst)) delete dst[k];
    for (const k of Object.keys(patch)) {
      if (k === '$patch') continue;
      setOwn(dst, k, stripDirectives(cloneTagged(patch[k])));
      setKeyLoc(dst, k, loc(ctx, [...ppath, k]));
    }
    return;
  }
  for (const k of Object.keys(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    const pv = patch[k];
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(dst[f]) && Array.isArray(pv)) dst[f] = sameProv(dst[f].filter((x: unknown) => !pv.includes(x)), dst[f]);
      continue;
    }
    const here = [...ppath, k];
    if (pv === null) {
      delete dst[k];
      continue;
    }
    if (isMap(pv) && pv.$patch === 'delete') {
      delete dst[k];
      continue;
    }
    // Own keys only: a patch key `__proto__` must not reach Object.prototype.
    const dv = hasOwn(dst, k) ? dst[k] : undefined;
    if (isMap(pv) && isMap(dv)) {
      mergeMap(dv, pv, ctx, here, [...fpath, k]);
    } else if (Array.isArray(pv) && Array.isArray(dv)) {
      dst[k] = mergeList(dv, pv, ctx, here, [...fpath, k]);
    } else if (dv !== pv || typeof pv === 'object') {
      // Same scalar (a merge key, a restated value): the original keeps its place.
      setOwn(dst, k, stripDirectives(cloneTagged(pv)));
      setKeyLoc(dst, k, loc(ctx, here));
    }
  }
}

function mergeList(dst: any[], patch: any[], ctx: Ctx, ppath: PathSeg[], fpath: string[]): any[] {
  if (patch.some((x) => isMap(x) && x.$patch === 'replace')) {
    return sameProv(patch.filter((x) => !(isMap(x) && x.$patch === 'replace')).map((x) => stripDirectives(cloneTagged(x))), patch);
  }
  const key = mergeKeyFor(fpath, ctx.kind, [...dst, ...patch.filter((x) => !(isMap(x) && x.$patch && Object.keys(x).length === 1))]);
  if (!key) {
    // Not associative: the patch's list replaces the target's.
    return sameProv(patch.map((x) => stripDirectives(cloneTagged(x))), patch);
  }
  // Kustomize merges with ListIncreaseDirection=Prepend: the patch's elements (merged with
  // the ones they match) come first, in patch order, then the target's other elements.
  const rest = [...dst];
  const front: any[] = [];
  patch.forEach((pItem, i) => {
    if (!isMap(pItem)) return;
    const kv = pItem[key];
    const idx = rest.findIndex((d) => isMap(d) && d[key] === kv);
    if (pItem.$patch === 'delete') {
      if (idx >= 0) rest.splice(idx, 1);
      return;
    }
    if (idx >= 0) {
      const [cur] = rest.splice(idx, 1);
      mergeMap(cur, pItem, ctx, [...ppath, i], fpath);
      front.push(cur);
    } else front.push(stripDirectives(cloneTagged(pItem)));
  });
  return sameProv([...front, ...rest], dst);
}

// ---------------------------------------------------------------- JSON 6902

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function splitPointer(p: string): string[] {
  if (p === '' || p === '/') return [];
  if (!p.startsWith('/')) throw new PatchError(`JSON patch path '${p}' must start with /`);
  return p.slice(1).split('/').map(unescape);
}

function parentOf(doc: any, segs: string[], op: string, path: string): { parent: any; key: string } {
  let cur = doc;
  for (const s of segs.slice(0, -1)) {
    const next = Array.isArray(cur) ? cur[Number(s)] : isMap(cur) && hasOwn(cur, s) ? cur[s] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') throw new PatchError(`JSON patch ${op} ${path}: path does not exist`);
    cur = next;
  }
  return { parent: cur, key: segs[segs.length - 1]! };
}

/** Apply JSON 6902 operations (the patch document's list at `ppath`) to `doc` (mutated). */
export function jsonPatch(doc: Record<string, any>, ops: unknown, src: SrcDoc, ppath: PathSeg[] = []): void {
  if (!Array.isArray(ops)) throw new PatchError('JSON patch must be a list of operations');
  ops.forEach((o: any, i: number) => {
    if (!isMap(o) || typeof o.op !== 'string' || typeof o.path !== 'string') throw new PatchError(`JSON patch operation ${i + 1} needs op and path`);
    const segs = splitPointer(o.path);
    const at = { file: src.file, line: src.lineOf([...ppath, i]) ?? src.line };
    const value = () => cloneTagged(o.value);
    const get = (p: string) => {
      let cur: any = doc;
      for (const s of splitPointer(p)) {
        cur = Array.isArray(cur) ? cur[Number(s)] : isMap(cur) && hasOwn(cur, s) ? cur[s] : undefined;
        if (cur === undefined) throw new PatchError(`JSON patch ${o.op} from ${p}: path does not exist`);
      }
      return cur;
    };
    if (segs.length === 0) throw new PatchError(`JSON patch ${o.op} on the whole document is not supported`);
    const put = (v: any, insert: boolean) => {
      // Kustomize keeps internal annotations on every object while patching, so
      // metadata.annotations always exists for a patch (an empty one is dropped at the end).
      if (segs.length === 3 && segs[0] === 'metadata' && segs[1] === 'annotations' && isMap(doc.metadata) && (doc.metadata.annotations === undefined || doc.metadata.annotations === null)) doc.metadata.annotations = {};
      const { parent, key } = parentOf(doc, segs, o.op, o.path);
      if (Array.isArray(parent)) {
        const idx = key === '-' ? parent.length : Number(key);
        if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) throw new PatchError(`JSON patch ${o.op} ${o.path}: index out of range`);
        if (insert) parent.splice(idx, 0, v);
        else {
          if (idx >= parent.length) throw new PatchError(`JSON patch ${o.op} ${o.path}: index out of range`);
          parent[idx] = v;
        }
      } else {
        // Kustomize's JSON patch replaces a missing key of an existing map as if adding it.
        setOwn(parent, key, v);
        setKeyLoc(parent, key, at);
      }
    };
    const remove = (segsR: string[], p: string) => {
      const { parent, key } = parentOf(doc, segsR, 'remove', p);
      if (Array.isArray(parent)) {
        const idx = Number(key);
        if (!(idx >= 0 && idx < parent.length)) throw new PatchError(`JSON patch remove ${p}: index out of range`);
        return parent.splice(idx, 1)[0];
      }
      if (!hasOwn(parent, key)) throw new PatchError(`JSON patch remove ${p}: path does not exist`);
      const v = parent[key];
      delete parent[key];
      return v;
    };
    switch (o.op) {
      case 'add':
        put(value(), true);
        break;
      case 'replace':
        put(value(), false);
        break;
      case 'remove':
        remove(segs, o.path);
        break;
      case 'move': {
        const v = remove(splitPointer(o.from), o.from);
        put(v, true);
        break;
      }
      case 'copy':
        put(cloneTagged(get(o.from)), true);
        break;
      case 'test': {
        const v = get(o.path);
        if (JSON.stringify(v) !== JSON.stringify(o.value)) throw new PatchError(`JSON patch test ${o.path} failed`);
        break;
      }
      default:
        throw new PatchError(`JSON patch operation '${o.op}' is not supported`);
    }
  });
}
