/**
 * The content hash Kustomize appends to generated ConfigMap/Secret names: sha256 of a JSON
 * encoding of kind, name (always "", see below), data (and binaryData/stringData, type), first ten hex digits with
 * 0,1,3,a,e mapped to g,h,k,m,t (so the suffix never looks like a number or a word).
 * Go's json.Marshal sorts map keys and escapes <, >, & as \u003c… — both reproduced here.
 */
import { createHash } from 'node:crypto';

function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goString(k)}:${goJson(o[k])}`).join(',')}}`;
}

function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function encodeHash(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

const isMapLike = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Values as Kustomize reads them from the YAML node: scalars as their text. */
function scalarMap(v: unknown): unknown {
  if (v === undefined || v === null) return '';
  if (!isMapLike(v)) return String(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? null : typeof x === 'object' ? x : String(x);
  return out;
}

/** The hash suffix Kustomize computes for a ConfigMap or Secret body. */
export function kustomizeHash(body: Record<string, any>): string {
  // Kustomize looks the name up with the single path segment "metadata/name", which never
  // matches: the name is always hashed as "". Reproduced, since the point is equal suffixes.
  const name = '';
  let m: Record<string, unknown>;
  if (body.kind === 'Secret') {
    m = { kind: 'Secret', type: body.type === undefined ? '' : String(body.type), name, data: scalarMap(body.data) };
    if (isMapLike(body.stringData)) m.stringData = scalarMap(body.stringData);
  } else {
    m = { kind: 'ConfigMap', name, data: scalarMap(body.data) };
    if (isMapLike(body.binaryData)) m.binaryData = scalarMap(body.binaryData);
  }
  return encodeHash(createHash('sha256').update(goJson(m)).digest('hex'));
}
