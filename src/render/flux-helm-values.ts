/**
 * A Flux HelmRelease's values as helm-controller computes them: each `valuesFrom` entry in
 * order (a ConfigMap or Secret of this repository, its `valuesKey` — default `values.yaml` —
 * merged as a YAML document, or one value put at `targetPath`), then `spec.values`, maps merged
 * deeply and later entries winning. A Secret is read from `stringData` or base64 `data`; an
 * encrypted one (SOPS) or one only a controller makes (SealedSecret, ExternalSecret) is not
 * resolvable and said so. Values a Secret fed are marked `sensitive`: they go to helm on stdin
 * and helm's messages are then never shown. Notes never quote a value.
 */
import { parse as parseYaml } from 'yaml';
import type { KObject } from '../sources/yaml.js';

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

export function mergeValues(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = isMap(v) && isMap(out[k]) ? mergeValues(out[k], v) : v;
  }
  return out;
}

/** `a.b.c` (no escapes or indices) → { a: { b: { c: v } } }; undefined for a path keydrift does not read. */
function atPath(p: string, v: unknown): Record<string, any> | undefined {
  if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(p)) return undefined;
  const segs = p.split('.');
  let out: any = v;
  for (let i = segs.length - 1; i >= 0; i--) out = { [segs[i]!]: out };
  return out;
}

export interface FluxValues {
  values: Record<string, any>;
  sensitive: boolean;
  notes: string[];
  /** Any valuesFrom entry read. */
  usedFrom: boolean;
}

export function fluxHelmValues(
  spec: Record<string, any>,
  ns: string | undefined,
  lookup: (kind: string, ns: string | undefined, name: string) => KObject | undefined,
): FluxValues {
  let values: Record<string, any> = {};
  let sensitive = false;
  let usedFrom = false;
  const notes: string[] = [];
  for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    if (!isMap(ref)) continue;
    const kind = String(ref.kind);
    const name = String(ref.name);
    const key = typeof ref.valuesKey === 'string' && ref.valuesKey ? ref.valuesKey : 'values.yaml';
    const what = `valuesFrom ${kind} ${name}`;
    if (kind !== 'ConfigMap' && kind !== 'Secret') {
      notes.push(`${what}: kind not supported, not read`);
      continue;
    }
    const obj = lookup(kind, ns, name);
    let text: string | undefined;
    if (obj && kind === 'ConfigMap') {
      const d = obj.body.data;
      if (isMap(d) && typeof d[key] === 'string') text = d[key];
    } else if (obj && kind === 'Secret') {
      if (obj.body.sops !== undefined || JSON.stringify(obj.body.data ?? obj.body.stringData ?? {}).includes('ENC[')) {
        notes.push(`${what} is encrypted (SOPS): its values are not read`);
        continue;
      }
      const sd = obj.body.stringData;
      const d = obj.body.data;
      if (isMap(sd) && typeof sd[key] === 'string') text = sd[key];
      else if (isMap(d) && typeof d[key] === 'string') text = Buffer.from(d[key], 'base64').toString('utf8');
    }
    if (text === undefined) {
      if (!ref.optional) notes.push(obj ? `${what}: key ${key} not found, not read` : `${what} not found in this repository: its values are not applied`);
      continue;
    }
    let add: Record<string, any> | undefined;
    if (typeof ref.targetPath === 'string' && ref.targetPath) {
      add = atPath(ref.targetPath, text);
      if (!add) {
        notes.push(`${what}: targetPath ${JSON.stringify(ref.targetPath.slice(0, 80))} not applied (keydrift reads dotted paths only)`);
        continue;
      }
    } else {
      try {
        const doc = parseYaml(text, { maxAliasCount: 100 });
        if (doc === null || doc === undefined) add = {};
        else if (isMap(doc)) add = doc;
      } catch {
        add = undefined;
      }
      // Never the parser's message: it could quote a Secret's value.
      if (!add) {
        notes.push(`${what}: key ${key} is not a YAML map of values, not read`);
        continue;
      }
    }
    values = mergeValues(values, add);
    usedFrom = true;
    if (kind === 'Secret') sensitive = true;
  }
  if (isMap(spec.values)) values = mergeValues(values, spec.values);
  return { values, sensitive, notes, usedFrom };
}
