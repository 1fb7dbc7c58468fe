/**
 * The git change that makes a manual live change permanent: a unified diff against the
 * file a person edits — the ConfigMap YAML (a key under `data:`), or, for a Kustomize
 * generator, its literal in kustomization.yaml or its env file. Keys already there are
 * kept (the additive rule). Never written for Secrets: their values are not ours to print.
 */
import { createTwoFilesPatch } from 'diff';
import type { Snapshot } from '../sources/snapshot.js';
import type { KObject } from '../sources/yaml.js';
import { secretLineRanges, touches } from '../sources/secret-lines.js';

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

/** One textual edit: replace [start, end) of `file`'s text with `insert`. */
export interface Edit {
  file: string;
  /** 1-based line of the change, for messages. */
  line: number;
  start: number;
  end: number;
  insert: string;
}

/** An insertion after 1-based `line` (keeping lines whole when the file has no final newline). */
function afterLine(file: string, text: string, line: number, block: string): Edit {
  // At the end of a file without a final newline, patchOf adds the newline first.
  const at = lineEnd(text, offsetOfLine(text, line));
  return { file, line: line + 1, start: at, end: at, insert: block };
}

/**
 * The edit that gives ConfigMap `obj` the key `key` with `value` (added, or changed to it).
 * Undefined when the layout does not allow a safe textual edit.
 */
export function configMapEdit(snap: Snapshot, obj: KObject, key: string, value: string, mode: 'add' | 'change'): Edit | undefined {
  if (obj.kind !== 'ConfigMap' || value.includes('\r')) return undefined;
  const dataKeys = Object.keys(obj.body.data ?? {});

  // A generator: edit where the key (or its siblings) is declared.
  if (obj.generated) {
    const loc = mode === 'change' ? obj.locate(['data', key]) : undefined;
    const sibs = dataKeys.filter((k) => k !== key).map((k) => ({ k, ...obj.locate(['data', k]) }));
    // A new key goes where most of its siblings are declared (literals win a tie).
    const count = new Map<string, number>();
    for (const x of sibs) count.set(x.file, (count.get(x.file) ?? 0) + 1);
    const best = [...count].sort((a, b) => b[1] - a[1] || Number(isKustomization(b[0])) - Number(isKustomization(a[0])) || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const file = loc?.file ?? best;
    if (!file) return undefined;
    const text = snap.texts.get(file);
    if (text === undefined || value.includes('\n')) return undefined;
    if (isKustomization(file)) {
      if (mode === 'change' && loc) {
        const st = offsetOfLine(text, loc.line);
        const ln = text.slice(st, lineEnd(text, st)).replace(/\n$/, '');
        const m = /^(\s*-\s*)(["']?)([^=]+)=.*?\2?(\s*#.*)?$/.exec(ln);
        if (!m || m[3]!.trim() !== key) return undefined;
        return { file, line: loc.line, start: st, end: st + ln.length, insert: `${m[1]}${literalItem(key, value)}${m[4] ?? ''}` };
      }
      const mine = sibs.filter((x) => x.file === file);
      if (mine.length === 0) return undefined;
      const last = Math.max(...mine.map((x) => x.line));
      const st = offsetOfLine(text, last);
      const m = /^(\s*-\s*)/.exec(text.slice(st, lineEnd(text, st)));
      if (!m) return undefined;
      return afterLine(file, text, last, `${m[1]}${literalItem(key, value)}\n`);
    }
    // An env file (KEY=value lines).
    if (mode === 'change' && loc) {
      const st = offsetOfLine(text, loc.line);
      const ln = text.slice(st, lineEnd(text, st)).replace(/\n$/, '');
      if (!new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`).test(ln)) return undefined;
      return { file, line: loc.line, start: st, end: st + ln.length, insert: `${key}=${value}` };
    }
    const mine = sibs.filter((x) => x.file === file);
    const last = mine.length ? Math.max(...mine.map((x) => x.line)) : text.split('\n').length;
    return afterLine(file, text, last, `${key}=${value}\n`);
  }

  // The ConfigMap's own YAML.
  const file = obj.file;
  const text = snap.texts.get(file);
  if (text === undefined) return undefined;
  const q = value.includes('\n') ? JSON.stringify(value) : yamlScalar(value);
  if (mode === 'change') {
    const r = obj.rangeOf(['data', key]);
    if (!r) return undefined;
    const old = text.slice(r[0], r[1]);
    const keepNl = /^[|>]/.test(old) && old.endsWith('\n') ? '\n' : '';
    return { file, line: obj.lineOf(['data', key]) ?? obj.line, start: r[0], end: r[1], insert: q + keepNl };
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
    // After the line holding the end of the last value.
    const endLine = text.slice(0, end > 0 && text[end - 1] === '\n' ? end - 1 : end).split('\n').length;
    return afterLine(file, text, endLine, `${ind}${yamlKey(key)}: ${q}\n`);
  }
  // No data yet: add the map after the object's last line.
  const whole = obj.rangeOf([]);
  const metaCol = obj.columnOf(['metadata']);
  if (!whole || !metaCol || obj.body.data !== undefined) return undefined;
  const ind = ' '.repeat(metaCol - 1);
  const endLine = text.slice(0, whole[1] > 0 && text[whole[1] - 1] === '\n' ? whole[1] - 1 : whole[1]).split('\n').length;
  return afterLine(file, text, endLine, `${ind}data:\n${ind}  ${yamlKey(key)}: ${q}\n`);
}

/** One diff for several edits (of one or more files), applied together. */
export function patchOf(snap: Snapshot, edits: Edit[], redact?: (diff: string) => string): string | undefined {
  const byFile = new Map<string, Edit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  let out = '';
  for (const [file, es] of [...byFile].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const text = snap.texts.get(file);
    if (text === undefined) return undefined;
    // Inserts at the end of a file without a final newline go after a newline.
    let after = text;
    let list = es;
    if (text.length > 0 && !text.endsWith('\n') && es.some((e) => e.start >= text.length)) {
      after = text + '\n';
      list = es.map((e) => (e.start >= text.length ? { ...e, start: after.length, end: after.length } : e));
    }
    // Apply from the end so offsets stay valid; same-offset inserts keep their order.
    const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
    let lastStart = Infinity;
    for (const { e } of sorted) {
      if (e.end > lastStart) return undefined; // overlapping edits
      after = after.slice(0, e.start) + e.insert + after.slice(e.end);
      lastStart = e.start;
    }
    const raw = unifiedDiff(file, text, after);
    // Context lines must never show a Secret's value: no patch when a hunk meets one — unless
    // the caller redacts them (Secret placeholder patches), and every line of a Secret it left
    // as it was is structure (kind, metadata, names), never a value.
    const diff = redact ? redact(raw) : raw;
    if (redact ? !redactedSafely(snap, file, text, raw, diff) : showsSecret(snap, file, text, raw)) return undefined;
    out += diff;
  }
  return out || undefined;
}

const STRUCTURE = /^\s*(?:-\s+)?(?:apiVersion|kind|metadata|name|namespace|labels|annotations|type|data|stringData|spec|encryptedData|template|target|secretStoreRef|remoteRef|key|property|secretKey|creationPolicy|immutable)\s*:(?:\s+["']?[\w./-]*["']?)?\s*$|^\s*(?:---|#.*)?$/;

/** A redacted diff shows no Secret value: every context/removed line in a Secret's range was redacted or is structure. */
function redactedSafely(snap: Snapshot, file: string, text: string, raw: string, diff: string): boolean {
  if (showsSecret(snap, file, text, raw) === false) return true;
  const ranges = secretLineRanges(text);
  if (!ranges.length) return false; // a generator's source file: values throughout
  const a = raw.split('\n');
  const b = diff.split('\n');
  if (a.length !== b.length) return false;
  let old = 0;
  for (let i = 0; i < a.length; i++) {
    const ln = a[i]!;
    const h = /^@@ -(\d+)/.exec(ln);
    if (h) {
      old = Number(h[1]);
      continue;
    }
    if (ln.startsWith('---') || ln.startsWith('+++') || ln.startsWith('+') || ln.startsWith('\\')) continue;
    if (!ln.startsWith(' ') && !ln.startsWith('-')) continue;
    const n = old++;
    if (!touches(ranges, n, n)) continue;
    if (b[i] !== ln) continue; // redacted
    if (!STRUCTURE.test(ln.slice(1))) return false;
  }
  return true;
}

/**
 * Whether a diff of `file` shows (as context or removed lines) a line that may hold a Secret
 * value: see secret-lines.ts; also any line of a file a Secret is generated from.
 */
export function showsSecret(snap: Snapshot, file: string, text: string, diff: string): boolean {
  // A file a secretGenerator reads (env file, `files:` source) is a Secret value throughout.
  const generatorSource = snap.objects.some(
    (o) =>
      o.generated?.generator === 'secretGenerator' &&
      o.generated.file !== file &&
      ['data', 'stringData'].some((f) => Object.keys(o.body[f] ?? {}).some((k) => o.locate([f, k]).file === file)),
  );
  if (generatorSource) return true;
  const ranges = secretLineRanges(text);
  if (!ranges.length) return false;
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/gm)) {
    const from = Number(m[1]);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    if (n > 0 && touches(ranges, from, from + n - 1)) return true;
  }
  return false;
}

/** The diff for one key (added, or changed to `value`). */
export function configMapPatch(snap: Snapshot, obj: KObject, key: string, value: string, mode: 'add' | 'change'): PatchResult | undefined {
  const e = configMapEdit(snap, obj, key, value, mode);
  const patch = e && patchOf(snap, [e]);
  return e && patch ? { file: e.file, line: e.line, patch } : undefined;
}

function yamlKey(k: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k);
}

