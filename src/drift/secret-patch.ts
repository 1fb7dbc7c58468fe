/**
 * The git change for a manual Secret change, without its value: a placeholder the person
 * fills in from their secret store. Against the file that declares the key:
 *
 * - a Secret's `stringData:` (`KEY: <value from your secret store>`) or `data:`
 *   (`KEY: <base64 of the value from your secret store>`);
 * - a SealedSecret's `spec.encryptedData:` (the kubeseal command that makes the entry);
 * - an ExternalSecret's `spec.data:` (a new `secretKey`/`remoteRef` entry; a changed value
 *   lives in the store, not in git: no patch);
 * - a Kustomize `secretGenerator` literal or env file line.
 *
 * A SOPS-encrypted file cannot be edited as text (its MAC covers it): no patch. Every line of
 * the diff that git already has inside a Secret's values (context and removed lines) is
 * redacted, so the patch carries neither the live value nor git's.
 */
import type { Snapshot } from '../sources/snapshot.js';
import type { KObject } from '../sources/yaml.js';
import { configMapEdit, patchOf, type Edit } from './patch.js';

export const SECRET_PLACEHOLDER = '<value from your secret store>';
export const SECRET_PLACEHOLDER_B64 = '<base64 of the value from your secret store>';
const REDACTED = '<redacted: keydrift does not show Secret values>';

const lineEnd = (text: string, off: number) => {
  const nl = text.indexOf('\n', off);
  return nl < 0 ? text.length : nl + 1;
};
const lineStart = (text: string, off: number) => text.lastIndexOf('\n', off - 1) + 1;
const lineNo = (text: string, off: number) => text.slice(0, off).split('\n').length;
const yamlKey = (k: string) => (/^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k));

/** An entry `key: value` in the block map at `mapPath`: changed in place, or added after the last entry. */
function mapEntryEdit(snap: Snapshot, obj: KObject, mapPath: string[], key: string, value: string, mode: 'add' | 'change'): Edit | undefined {
  const text = snap.texts.get(obj.file);
  if (text === undefined) return undefined;
  let map: any = obj.body;
  for (const seg of mapPath) map = map?.[seg];
  if (!map || typeof map !== 'object') return undefined;
  const keys = Object.keys(map);
  if (mode === 'change' && keys.includes(key)) {
    const r = obj.rangeOf([...mapPath, key]);
    if (!r) return undefined;
    const ln = lineNo(text, r[0]);
    // A block scalar keeps its line break.
    const old = text.slice(r[0], r[1]);
    return { file: obj.file, line: ln, start: r[0], end: r[1], insert: value + (/^[|>]/.test(old) && old.endsWith('\n') ? '\n' : '') };
  }
  if (keys.length === 0) return undefined;
  const whole = obj.rangeOf(mapPath);
  if (!whole || text[whole[0]] === '{') return undefined; // flow style: no safe textual edit
  const col = obj.columnOf([...mapPath, keys[0]!]);
  if (!col) return undefined;
  let end = 0;
  for (const k of keys) end = Math.max(end, obj.rangeOf([...mapPath, k])?.[1] ?? 0);
  const at = lineEnd(text, end > 0 && text[end - 1] === '\n' ? end - 1 : end);
  return { file: obj.file, line: lineNo(text, at), start: at, end: at, insert: `${' '.repeat(col - 1)}${yamlKey(key)}: ${value}\n` };
}

/** A new `spec.data[]` entry of an ExternalSecret, after the last one. */
function externalSecretEdit(snap: Snapshot, obj: KObject, key: string): Edit | undefined {
  const text = snap.texts.get(obj.file);
  const data = obj.body.spec?.data;
  if (text === undefined || !Array.isArray(data) || data.length === 0) return undefined;
  const last = data.length - 1;
  const r = obj.rangeOf(['spec', 'data', last]);
  if (!r) return undefined;
  const st = lineStart(text, r[0]);
  const m = /^(\s*)-\s+/.exec(text.slice(st, lineEnd(text, st)));
  if (!m) return undefined;
  const ind = m[1]!;
  const at = lineEnd(text, r[1] > 0 && text[r[1] - 1] === '\n' ? r[1] - 1 : r[1]);
  const block = `${ind}- secretKey: ${yamlKey(key)}\n${ind}  remoteRef:\n${ind}    key: <where ${key} is in your secret store>\n`;
  return { file: obj.file, line: lineNo(text, at), start: at, end: at, insert: block };
}

export interface SecretEditResult {
  edit?: Edit;
  /** What to do, in words, when there is no edit (or in addition to it). */
  how: string;
}

/** The placeholder edit for `key` of the Secret git declares as `obj` (added, or changed live). */
export function secretEdit(snap: Snapshot, obj: KObject, key: string, mode: 'add' | 'change'): SecretEditResult {
  const b = obj.body;
  if (obj.kind === 'Secret' && b.sops !== undefined) return { how: `sops ${obj.file} (the file is SOPS-encrypted: edit it with sops) and ${mode === 'add' ? 'add' : 'set'} ${key}` };
  if (obj.generated && obj.kind === 'Secret') {
    // A secretGenerator: its literal or env file line, as for a ConfigMap generator.
    const e = configMapEdit(snap, { ...obj, kind: 'ConfigMap' }, key, SECRET_PLACEHOLDER, mode);
    return e ? { edit: e, how: `fill in ${key} in ${e.file}:${e.line} from your secret store` } : { how: `${mode === 'add' ? 'add' : 'set'} ${key} where ${obj.generated.generator} in ${obj.generated.file} takes its keys` };
  }
  if (obj.kind === 'Secret') {
    const inString = b.stringData && typeof b.stringData === 'object' && (mode === 'add' || key in b.stringData);
    const e = inString ? mapEntryEdit(snap, obj, ['stringData'], key, SECRET_PLACEHOLDER, mode) : mapEntryEdit(snap, obj, ['data'], key, SECRET_PLACEHOLDER_B64, mode);
    return e ? { edit: e, how: `fill in ${key} in ${e.file}:${e.line} from your secret store` } : { how: `${mode === 'add' ? 'add' : 'set'} ${key} in ${obj.file}:${obj.line}` };
  }
  if (obj.kind === 'SealedSecret') {
    const ns = b.spec?.template?.metadata?.namespace ?? obj.namespace;
    const name = b.spec?.template?.metadata?.name ?? obj.name;
    const cmd = `<output of: kubeseal --raw${ns ? ` --namespace ${ns}` : ''} --name ${name} --from-file=/dev/stdin, given the value>`;
    const e = mapEntryEdit(snap, obj, ['spec', 'encryptedData'], key, cmd, mode);
    return e ? { edit: e, how: `seal the value with kubeseal and put it in ${e.file}:${e.line}` } : { how: `seal ${key} with kubeseal and ${mode === 'add' ? 'add it to' : 'replace it in'} spec.encryptedData of ${obj.file}` };
  }
  if (obj.kind === 'ExternalSecret') {
    if (mode === 'change') return { how: `the value lives in the secret store ExternalSecret ${obj.name} reads (${obj.file}): change it there` };
    const e = externalSecretEdit(snap, obj, key);
    return e ? { edit: e, how: `put ${key} in your secret store and reference it from ${e.file}:${e.line}` } : { how: `add a spec.data entry for ${key} to ExternalSecret ${obj.name} in ${obj.file}` };
  }
  return { how: `${mode === 'add' ? 'add' : 'set'} ${key} in ${obj.file}` };
}

/** Line numbers (1-based, by file) that hold values of the Secrets git declares. */
function secretValueLines(snap: Snapshot, files: Set<string>): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const mark = (file: string, from: number, to: number) => {
    const s = out.get(file) ?? new Set<number>();
    for (let l = from; l <= to; l++) s.add(l);
    out.set(file, s);
  };
  for (const o of snap.objects) {
    if (o.kind !== 'Secret' && o.kind !== 'SealedSecret') continue;
    // Only objects whose values can show in these files (a generator's come from its sources).
    if (!o.generated && !files.has(o.file)) continue;
    const text = snap.texts.get(o.file);
    const maps: string[][] =
      o.kind === 'Secret' ? [['data'], ['stringData']] : o.kind === 'SealedSecret' ? [['spec', 'encryptedData']] : [];
    if (o.kind === 'Secret' && o.generated) {
      for (const k of Object.keys(o.body.data ?? {})) {
        const loc = o.locate(['data', k]);
        if (files.has(loc.file)) mark(loc.file, loc.line, loc.line);
      }
      continue;
    }
    if (text === undefined) continue;
    for (const m of maps) {
      let v: any = o.body;
      for (const seg of m) v = v?.[seg];
      if (!v || typeof v !== 'object') continue;
      for (const k of Object.keys(v)) {
        const r = o.rangeOf([...m, k]);
        if (r) mark(o.file, lineNo(text, r[0]), lineNo(text, Math.max(r[0], r[1] - 1)));
      }
    }
  }
  return out;
}

/** Redact every context or removed line of `patch` that holds a Secret value in git. */
export function redactSecretLines(snap: Snapshot, patch: string): string {
  const files = new Set([...patch.matchAll(/^--- a\/(.*)$/gm)].map((m) => m[1]!));
  const marked = secretValueLines(snap, files);
  let file: string | undefined;
  let old = 0;
  return patch
    .split('\n')
    .map((ln) => {
      const f = /^--- a\/(.*)$/.exec(ln);
      if (f) {
        file = f[1];
        return ln;
      }
      if (ln.startsWith('+++ ')) return ln;
      const h = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(ln);
      if (h) {
        old = Number(h[1]);
        return ln;
      }
      if (ln.startsWith('+') || ln.startsWith('\\')) return ln;
      if (!ln.startsWith(' ') && !ln.startsWith('-')) return ln;
      const n = old++;
      if (!file || !marked.get(file)?.has(n)) return ln;
      const body = ln.slice(1);
      const kv = /^(\s*(?:-\s+)?["']?[\w.-]+["']?\s*[:=]\s*)/.exec(body);
      return ln[0] + (kv ? kv[1] + REDACTED : body.replace(/\S.*$/, REDACTED));
    })
    .join('\n');
}

/** The diff of `edits`, with Secret values redacted. */
export function secretPatchOf(snap: Snapshot, edits: Edit[]): string | undefined {
  return patchOf(snap, edits, (p) => redactSecretLines(snap, p));
}
