/**
 * The git change that makes a manual live change permanent: a unified diff against the
 * file a person edits — the ConfigMap YAML (a key under `data:`), or, for a Kustomize
 * generator, its literal in kustomization.yaml or its env file. Keys already there are
 * kept (the additive rule). Never written for Secrets: their values are not ours to print.
 */
import { createTwoFilesPatch } from 'diff';
import type { Snapshot } from '../sources/snapshot.js';
import type { KObject } from '../sources/yaml.js';

export function unifiedDiff(file: string, before: string, after: string): string {
  const p = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
  return p.replace(/^=+\n/, '').replace(/^Index:.*\n/, '');
}

const lineEnd = (text: string, off: number) => {
  const nl = text.indexOf('\n', off);
  return nl < 0 ? text.length : nl + 1;
};
/** Offset of the start of 1-based `line`. */
function offsetOfLine(text: string, line: number): number {
  let off = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off;
}

/** A YAML scalar for `value`: plain when that is unambiguous, else double-quoted. */
export function yamlScalar(value: string): string {
  if (/^[A-Za-z_/][\w./@%+-]*(:[\w./@%+-]+)*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(value)) return value;
  return JSON.stringify(value);
}

function literalItem(key: string, value: string): string {
  const s = `${key}=${value}`;
  return /^[\w./:@%+,=-]*$/.test(s) ? s : JSON.stringify(s);
}

const isKustomization = (f: string) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f);

export interface PatchResult {
  file: string;
  line: number;
  patch: string;
}

function insertAfterLine(text: string, line: number, block: string): string {
  let at = lineEnd(text, offsetOfLine(text, line));
  let base = text;
  if (at === text.length && !text.endsWith('\n')) {
    base = text + '\n';
    at = base.length;
  }
  return base.slice(0, at) + block + base.slice(at);
}

/**
 * The diff that gives ConfigMap `obj` the key `key` with `value` (added, or changed to it).
 * Undefined when the layout does not allow a safe textual edit.
 */
export function configMapPatch(snap: Snapshot, obj: KObject, key: string, value: string, mode: 'add' | 'change'): PatchResult | undefined {
  if (obj.kind !== 'ConfigMap' || value.includes('\r')) return undefined;
  const dataKeys = Object.keys(obj.body.data ?? {});

  // A generator: edit where the key (or its siblings) is declared.
  if (obj.generated) {
    const loc = mode === 'change' ? obj.locate(['data', key]) : undefined;
    const sibs = dataKeys.filter((k) => k !== key).map((k) => ({ k, ...obj.locate(['data', k]) }));
    const file = loc?.file ?? sibs.find((s) => s.file !== obj.file || isKustomization(s.file))?.file ?? sibs[0]?.file;
    if (!file) return undefined;
    const text = snap.texts.get(file);
    if (text === undefined || value.includes('\n')) return undefined;
    if (isKustomization(file)) {
      if (mode === 'change' && loc) {
        const s = offsetOfLine(text, loc.line);
        const ln = text.slice(s, lineEnd(text, s));
        const m = /^(\s*-\s*)(["']?)([^=]+)=.*?\2?(\s*#.*)?(\r?\n)?$/.exec(ln);
        if (!m || m[3]!.trim() !== key) return undefined;
        const after = text.slice(0, s) + `${m[1]}${literalItem(key, value)}${m[4] ?? ''}${m[5] ?? ''}` + text.slice(s + ln.length);
        return { file, line: loc.line, patch: unifiedDiff(file, text, after) };
      }
      const mine = sibs.filter((s) => s.file === file);
      if (mine.length === 0) return undefined;
      const last = Math.max(...mine.map((s) => s.line));
      const s = offsetOfLine(text, last);
      const m = /^(\s*-\s*)/.exec(text.slice(s, lineEnd(text, s)));
      if (!m) return undefined;
      const after = insertAfterLine(text, last, `${m[1]}${literalItem(key, value)}\n`);
      return { file, line: last + 1, patch: unifiedDiff(file, text, after) };
    }
    // An env file (KEY=value lines).
    if (mode === 'change' && loc) {
      const s = offsetOfLine(text, loc.line);
      const ln = text.slice(s, lineEnd(text, s));
      if (!new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`).test(ln)) return undefined;
      const after = text.slice(0, s) + `${key}=${value}${ln.endsWith('\n') ? '\n' : ''}` + text.slice(s + ln.length);
      return { file, line: loc.line, patch: unifiedDiff(file, text, after) };
    }
    const mine = sibs.filter((s) => s.file === file);
    const last = mine.length ? Math.max(...mine.map((s) => s.line)) : text.split('\n').length;
    const after = insertAfterLine(text, last, `${key}=${value}\n`);
    return { file, line: last + 1, patch: unifiedDiff(file, text, after) };
  }

  // The ConfigMap's own YAML.
  const text = snap.texts.get(obj.file);
  if (text === undefined) return undefined;
  const q = value.includes('\n') ? JSON.stringify(value) : yamlScalar(value);
  if (mode === 'change') {
    const r = obj.rangeOf(['data', key]);
    if (!r) return undefined;
    const old = text.slice(r[0], r[1]);
    const keepNl = /^[|>]/.test(old) && old.endsWith('\n') ? '\n' : '';
    const after = text.slice(0, r[0]) + q + keepNl + text.slice(r[1]);
    return { file: obj.file, line: obj.lineOf(['data', key]) ?? obj.line, patch: unifiedDiff(obj.file, text, after) };
  }
  if (dataKeys.length > 0) {
    const first = obj.columnOf(['data', dataKeys[0]!]);
    const dataRange = obj.rangeOf(['data']);
    if (!first || !dataRange) return undefined;
    // Flow style (`data: {a: b}`) has no safe textual edit.
    if (text[dataRange[0]] === '{') return undefined;
    const ind = ' '.repeat(first - 1);
    let end = 0;
    for (const k of dataKeys) end = Math.max(end, obj.rangeOf(['data', k])?.[1] ?? 0);
    // Insert after the line holding the end of the last value.
    const at = end > 0 && text[end - 1] === '\n' ? end : lineEnd(text, Math.max(0, end - 1));
    const base = at === text.length && !text.endsWith('\n') ? text + '\n' : text;
    const pos = at === text.length && !text.endsWith('\n') ? base.length : at;
    const after = base.slice(0, pos) + `${ind}${yamlKey(key)}: ${q}\n` + base.slice(pos);
    const line = base.slice(0, pos).split('\n').length;
    return { file: obj.file, line, patch: unifiedDiff(obj.file, text, after) };
  }
  // No data yet: add the map after the object's last line.
  const whole = obj.rangeOf([]);
  const metaCol = obj.columnOf(['metadata']);
  if (!whole || !metaCol || obj.body.data !== undefined) return undefined;
  const ind = ' '.repeat(metaCol - 1);
  let pos = lineEnd(text, Math.max(whole[0], whole[1] - 1));
  if (pos > whole[1] && text.slice(whole[1], pos).trim() !== '') pos = whole[1];
  const base = pos === text.length && !text.endsWith('\n') ? text + '\n' : text;
  const p = pos === text.length && !text.endsWith('\n') ? base.length : pos;
  const after = base.slice(0, p) + `${ind}data:\n${ind}  ${yamlKey(key)}: ${q}\n` + base.slice(p);
  return { file: obj.file, line: base.slice(0, p).split('\n').length, patch: unifiedDiff(obj.file, text, after) };
}

function yamlKey(k: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k);
}

