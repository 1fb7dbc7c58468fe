/**
 * Python reads, from a small tokenizer (comments, string literals with prefixes and triple
 * quotes, f-string expressions, brackets, logical lines and their indentation). No Python
 * runtime is needed.
 *
 * - `os.environ["X"]` → required; inside `try:` … `except KeyError` → optional.
 * - `os.environ.get("X")`, `os.getenv("X")`, `os.environ.pop("X")` → optional; with a second
 *   argument (or `default=`), `or "d"` after the call, or `os.environ.setdefault("X", d)` →
 *   defaulted; a read as the default (`get("X", os.environ.get("Y"))`) → fallback chain.
 * - `"X" in os.environ` → optional.
 * - `x = os.getenv("X")` followed by `if not x: raise …` / `sys.exit(…)` (also `x is None`,
 *   `x == ""`, and checks on the read itself) → required.
 * - computed keys, `os.environ` aliased, copied, iterated or passed → unresolved.
 * `from os import environ, getenv` is understood.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { guarded, LineIndex, makeConditional, shorten, STARTUP_FN } from './util.js';
import { extractPythonLibs } from './python-libs.js';
import { extractPythonHelpers } from './python-helpers.js';
import { spend } from '../budget.js';

export type PyTokType = 'name' | 'string' | 'number' | 'op' | 'nl';
export interface PyTok {
  type: PyTokType;
  /** For strings: the content between the quotes (escapes not processed); else the text. */
  value: string;
  start: number;
  end: number;
  /** Source text of the token. */
  raw: string;
  /** f-string (its content may hold expressions, which are tokenized separately). */
  fstring?: boolean;
}

const NAME_PART = /[A-Za-z0-9_\u00C0-\uFFFF]/;
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0xc0;
}
function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function isStrPrefix(c: number): boolean {
  // r R b B u U f F
  return c === 114 || c === 82 || c === 98 || c === 66 || c === 117 || c === 85 || c === 102 || c === 70;
}

/** Tokenizes Python source. Never throws: unterminated strings run to the end of the text. */
export function tokenizePython(text: string, base = 0, out: PyTok[] = []): PyTok[] {
  let i = 0;
  let depth = 0;
  const n = text.length;
  const push = (t: PyTok): void => {
    out.push(t);
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '\n') {
      if (depth === 0 && out.length && out[out.length - 1]!.type !== 'nl') {
        push({ type: 'nl', value: '\n', start: base + i, end: base + i + 1, raw: '\n' });
      }
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    // String with optional prefix.
    let j = i;
    while (j < n && j - i < 3 && isStrPrefix(text.charCodeAt(j))) j++;
    if ((text[j] === '"' || text[j] === "'") && (j === i || !NAME_PART.test(text[i - 1] ?? ''))) {
      const prefix = text.slice(i, j).toLowerCase();
      const q = text[j]!;
      const triple = text[j + 1] === q && text[j + 2] === q;
      const open = triple ? 3 : 1;
      let k = j + open;
      const raw = prefix.includes('r');
      let closed = false;
      while (k < n) {
        const ch = text[k]!;
        if (ch === '\\' && !raw) {
          k += 2;
          continue;
        }
        if (ch === '\\' && raw) {
          k += 2;
          continue;
        }
        if (!triple && ch === '\n') break;
        if (ch === q && (!triple || (text[k + 1] === q && text[k + 2] === q))) {
          closed = true;
          break;
        }
        k++;
      }
      const contentEnd = Math.min(k, n);
      const end = closed ? k + open : contentEnd;
      const tok: PyTok = {
        type: 'string',
        value: text.slice(j + open, contentEnd),
        start: base + i,
        end: base + end,
        raw: text.slice(i, end),
      };
      if (prefix.includes('f')) tok.fstring = true;
      push(tok);
      if (tok.fstring) fstringExpressions(text, j + open, contentEnd, base, out);
      i = end;
      continue;
    }
    if (isNameStart(text.charCodeAt(i))) {
      let k = i + 1;
      while (k < n && isNamePart(text.charCodeAt(k))) k++;
      push({ type: 'name', value: text.slice(i, k), start: base + i, end: base + k, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let k = i + 1;
      while (k < n && /[0-9A-Za-z_.]/.test(text[k]!)) k++;
      push({ type: 'number', value: text.slice(i, k), start: base + i, end: base + k, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    if (text.startsWith('...', i)) {
      push({ type: 'op', value: '...', start: base + i, end: base + i + 3, raw: '...' });
      i += 3;
      continue;
    }
    // Operators: a few two-character ones matter (==, !=, **, :=, ->).
    const two = text.slice(i, i + 2);
    if (['==', '!=', '**', ':=', '->', '<=', '>=', '+=', '-=', '|=', '//'].includes(two)) {
      push({ type: 'op', value: two, start: base + i, end: base + i + 2, raw: two });
      i += 2;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    push({ type: 'op', value: c, start: base + i, end: base + i + 1, raw: c });
    i++;
  }
  return out;
}

/** Tokenizes the `{expr}` parts of an f-string body and appends them. */
function fstringExpressions(text: string, from: number, to: number, base: number, out: PyTok[]): void {
  let i = from;
  while (i < to) {
    if (text[i] === '{') {
      if (text[i + 1] === '{') {
        i += 2;
        continue;
      }
      let depth = 1;
      let k = i + 1;
      while (k < to && depth > 0) {
        if (text[k] === '{') depth++;
        else if (text[k] === '}') depth--;
        if (depth > 0) k++;
      }
      const inner = text.slice(i + 1, k);
      // Cut a format spec / conversion at the top level (best effort).
      const cut = inner.search(/![rsa](?::|$)|:(?![=:])/);
      tokenizePython(cut > 0 ? inner.slice(0, cut) : inner, base + i + 1, out);
      i = k + 1;
      continue;
    }
    i++;
  }
}

interface Line {
  start: number; // token index
  end: number; // exclusive
  indent: number;
}

function literalDefault(toks: PyTok[]): string | undefined {
  if (toks.length === 1) {
    const t = toks[0]!;
    if (t.type === 'string') return t.value;
    if (t.type === 'number') return t.value;
    if (t.type === 'name' && t.value === 'None') return undefined;
    if (t.type === 'name' && (t.value === 'True' || t.value === 'False')) return t.value;
  }
  if (toks.length === 0) return undefined;
  return shorten(toks.map((t) => t.raw).join(' '));
}

function extractPython(file: SourceFile, out: ExtractResult): void {
  const text = file.text;
  const toks = tokenizePython(text);
  const lines = new LineIndex(text);
  const lineOf = (t: PyTok): number => lines.line(t.start);
  const ev = (t: PyTok, pattern: string) => ({ file: file.path, line: lineOf(t), pattern: shorten(pattern) });

  // `from os import environ, getenv [as x]`
  const environNames = new Set<string>();
  const getenvNames = new Set<string>();
  for (let i = 0; i + 3 < toks.length; i++) {
    if (toks[i]!.value === 'from' && toks[i + 1]!.value === 'os' && toks[i + 2]!.value === 'import') {
      let k = i + 3;
      if (toks[k]?.value === '(') k++;
      while (k < toks.length && toks[k]!.type !== 'nl') {
        const t = toks[k]!;
        if (t.type === 'name' && (t.value === 'environ' || t.value === 'getenv')) {
          let local = t.value;
          if (toks[k + 1]?.value === 'as' && toks[k + 2]?.type === 'name') {
            local = toks[k + 2]!.value;
            k += 2;
          }
          (t.value === 'environ' ? environNames : getenvNames).add(local);
        }
        k++;
      }
    }
  }

  // Logical lines with indentation.
  const logical: Line[] = [];
  {
    let s = 0;
    for (let i = 0; i <= toks.length; i++) {
      if (i === toks.length || toks[i]!.type === 'nl') {
        if (i > s) {
          const first = toks[s]!;
          const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
          logical.push({ start: s, end: i, indent: first.start - lineStart });
        }
        s = i + 1;
      }
    }
  }
  const lineOfTok: number[] = new Array(toks.length).fill(-1);
  logical.forEach((l, li) => {
    for (let k = l.start; k < l.end; k++) lineOfTok[k] = li;
  });

  /** The token range of the block introduced by the logical line `li` ending with `:`. */
  const blockOf = (li: number, colon: number): [number, number] => {
    const l = logical[li]!;
    if (colon + 1 < l.end) return [colon + 1, l.end];
    let k = li + 1;
    while (k < logical.length && logical[k]!.indent > l.indent) k++;
    if (k === li + 1) return [l.end, l.end];
    return [logical[li + 1]!.start, logical[k - 1]!.end];
  };

  // Token ranges guarded by try/except KeyError (reads of os.environ[...] there are optional).
  const guardedRanges: [number, number][] = [];
  logical.forEach((l, li) => {
    if (toks[l.start]!.value !== 'try' || toks[l.start + 1]?.value !== ':') return;
    const [bs, be] = blockOf(li, l.start + 1);
    // Find the except clauses at the same indentation.
    let k = lineOfTok[be - 1] ?? li;
    if (k < 0) return;
    k = k + 1;
    while (k < logical.length && logical[k]!.indent === l.indent && toks[logical[k]!.start]!.value === 'except') {
      const ex = logical[k]!;
      const clause = toks.slice(ex.start, ex.end).map((t) => t.value);
      const colonAt = clause.indexOf(':');
      const head = clause.slice(1, colonAt < 0 ? undefined : colonAt);
      if (head.length === 0 || head.includes('KeyError') || head.includes('Exception') || head.includes('LookupError') || head.includes('BaseException')) {
        guardedRanges.push([bs, be]);
        break;
      }
      // Skip the except body.
      let m = k + 1;
      while (m < logical.length && logical[m]!.indent > l.indent) m++;
      k = m;
    }
  });
  // `with suppress(KeyError):` / `with contextlib.suppress(KeyError, …):` guards its block too.
  logical.forEach((l, li) => {
    if (toks[l.start]!.value !== 'with') return;
    const vals = toks.slice(l.start, l.end).map((t) => t.value);
    const si = vals.indexOf('suppress');
    if (si < 0 || !vals.slice(si).some((v) => v === 'KeyError' || v === 'LookupError' || v === 'Exception' || v === 'BaseException')) return;
    const colon = vals.lastIndexOf(':');
    if (colon < 0) return;
    const [bs, be] = blockOf(li, l.start + colon);
    guardedRanges.push([bs, be]);
  });
  const isGuarded = (ti: number): boolean => {
    for (const [a, b] of guardedRanges) if (ti >= a && ti < b) return true;
    return false;
  };

  /** If an env object (os.environ / environ) starts at i, the index after it. */
  const envAt = (i: number): number => {
    const t = toks[i];
    if (!t || t.type !== 'name') return -1;
    if (i > 0 && toks[i - 1]!.value === '.') return -1;
    if (t.value === 'os' && toks[i + 1]?.value === '.' && toks[i + 2]?.value === 'environ') return i + 3;
    if (environNames.has(t.value)) return i + 1;
    return -1;
  };
  /** If a getenv-style call `NAME(` starts at i: index of its `(`, and the pattern. */
  const callAt = (i: number): { open: number; pattern: string; method: string } | undefined => {
    const t = toks[i];
    if (!t || t.type !== 'name') return undefined;
    if (i > 0 && toks[i - 1]!.value === '.') return undefined;
    if (t.value === 'os' && toks[i + 1]?.value === '.' && toks[i + 2]?.value === 'getenv' && toks[i + 3]?.value === '(') {
      return { open: i + 3, pattern: 'os.getenv', method: 'getenv' };
    }
    if (getenvNames.has(t.value) && toks[i + 1]?.value === '(') return { open: i + 1, pattern: t.value, method: 'getenv' };
    const e = envAt(i);
    if (e > 0 && toks[e]?.value === '.' && toks[e + 2]?.value === '(') {
      const m = toks[e + 1]!.value;
      if (m === 'get' || m === 'setdefault' || m === 'pop') {
        return { open: e + 2, pattern: `${toks.slice(i, e).map((x) => x.value).join('')}.${m}`, method: m };
      }
    }
    return undefined;
  };
  /** Top-level arguments of the call whose `(` is at `open`: token ranges, and the `)` index. */
  // Brackets matched once (a stack; an unclosed one closes past the end, as the scan below
  // did), so `os.environ[` repeated unclosed is not scanned to the end once per occurrence.
  const pmatch = new Int32Array(toks.length).fill(-1);
  {
    const stack: number[] = [];
    for (let k = 0; k < toks.length; k++) {
      const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
      if (v === '(' || v === '[' || v === '{') stack.push(k);
      else if ((v === ')' || v === ']' || v === '}') && stack.length) pmatch[stack.pop()!] = k;
    }
    for (const k of stack) pmatch[k] = toks.length;
  }
  // Source text of tokens [a, b), at most a few hundred characters (patterns are shortened for display).
  const rawOf = (a: number, b: number): string => {
    let s = '';
    for (let k = a; k < b && s.length <= 240; k++) s += toks[k]!.raw;
    return s;
  };
  const argsOf = (open: number): { args: [number, number][]; close: number } => {
    const args: [number, number][] = [];
    if (open >= 0 && open < toks.length && pmatch[open]! >= 0) {
      const close = pmatch[open]!;
      let s = open + 1;
      for (let k = open + 1; k < close; k++) {
        spend();
        const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
        if (v === '(' || v === '[' || v === '{') {
          if (pmatch[k]! >= close) break; // unclosed too: no top-level comma follows
          k = pmatch[k]!;
        } else if (v === ',') {
          args.push([s, k]);
          s = k + 1;
        }
      }
      if (close > s) args.push([s, close]);
      return { args, close };
    }
    let depth = 0;
    let s = open + 1;
    let k = open;
    for (; k < toks.length; k++) {
      spend();
      const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
      if (v === '(' || v === '[' || v === '{') depth++;
      else if (v === ')' || v === ']' || v === '}') {
        depth--;
        if (depth === 0) break;
      } else if (v === ',' && depth === 1) {
        args.push([s, k]);
        s = k + 1;
      }
    }
    if (k > s) args.push([s, k]);
    return { args, close: k };
  };
  const hintOf = (range: [number, number]): string | undefined => {
    const t = toks[range[0]]!;
    if (t.type === 'string') {
      if (t.fstring) {
        const cut = t.value.indexOf('{');
        return (cut < 0 ? t.value : t.value.slice(0, cut)) || undefined;
      }
      if (toks[range[0] + 1]?.value === '+') return t.value || undefined;
    }
    return undefined;
  };
  const staticName = (range: [number, number]): string | undefined => {
    if (range[1] - range[0] !== 1) return undefined;
    const t = toks[range[0]]!;
    return t.type === 'string' && !t.fstring ? t.value : undefined;
  };

  /** reads by the token index where the read starts, with the index after its end */
  const readAt = new Map<number, { read: ContractRead; end: number; names: string[] }>();
  const subscripts: { read: ContractRead; tok: number }[] = [];
  const consumed = new Set<number>();

  /** Handles a getenv-style call at i; returns the names of the chain it starts. */
  const handleCall = (i: number): string[] | undefined => {
    const c = callAt(i);
    if (!c) return undefined;
    const { args, close } = argsOf(c.open);
    consumed.add(i);
    const pattern = `${c.pattern}(${args.map((a) => rawOf(a[0], a[1])).join(', ')})`;
    if (args.length === 0) return [];
    const name = staticName(args[0]!);
    if (!name) {
      out.unresolved.push({ evidence: ev(toks[i]!, pattern), reason: 'computed key', ...(hintOf(args[0]!) ? { hint: hintOf(args[0]!)! } : {}) });
      return [];
    }
    const read: ContractRead = { name, kind: 'optional', evidence: ev(toks[i]!, pattern), confidence: 'high' };
    let names = [name];
    let defRange = args[1];
    if (defRange && toks[defRange[0]]?.value === 'default' && toks[defRange[0] + 1]?.value === '=') {
      defRange = [defRange[0] + 2, defRange[1]];
    }
    // `get("X") or "d"` / `get("X") or get("Y")`
    if (!defRange && toks[close + 1]?.value === 'or') {
      let e = close + 2;
      // the operand after `or`: a read, or a single literal token
      if (callAt(e)) {
        defRange = [e, argsOf(callAt(e)!.open).close + 1];
      } else if (toks[e] && (toks[e]!.type === 'string' || toks[e]!.type === 'number')) {
        defRange = [e, e + 1];
      } else if (toks[e]?.type === 'name' && envAt(e) < 0) {
        while (toks[e + 1] && (toks[e + 1]!.value === '.' || toks[e + 1]!.type === 'name') && toks[e + 1]!.type !== 'nl') e++;
        defRange = [close + 2, e + 1];
      }
    }
    if (defRange) {
      const inner = callAt(defRange[0]) ? handleCall(defRange[0]) : undefined;
      if (inner && inner.length) {
        names = [name, ...inner];
        out.fallbacks.push({ names, evidence: ev(toks[i]!, pattern) });
        read.note = `fallback chain ${names.join(' → ')}`;
      } else {
        const dt = toks.slice(defRange[0], defRange[1]);
        const last = [...dt].reverse().find((t) => t.type === 'name')?.value ?? '';
        const viaOr = toks[close + 1]?.value === 'or' && defRange[0] === close + 2;
        if (viaOr && dt.every((t) => t.type === 'name' || t.value === '.') && /^(?:exit|_exit|abort|die|fail\w*|\w*missing\w*|\w*required\w*|raise_\w*|panic)$/i.test(last)) {
          read.kind = 'required';
          read.note = `or ${dt.map((t) => t.value).join('')}() when unset`;
        } else {
          const d = literalDefault(dt);
          if (d !== undefined) {
            read.kind = 'defaulted';
            read.default = d;
          }
        }
      }
    }
    out.reads.push(read);
    readAt.set(i, { read, end: close + 1, names });
    return names;
  };

  for (let i = 0; i < toks.length; i++) {
    if (consumed.has(i)) continue;
    const t = toks[i]!;
    if (callAt(i)) {
      handleCall(i);
      continue;
    }
    const e = envAt(i);
    if (e < 0) continue;
    const envText = toks.slice(i, e).map((x) => x.value).join('');
    const next = toks[e];
    if (next?.value === '[') {
      const { args, close } = argsOf(e);
      const range = args[0] ?? [e + 1, e + 1];
      const name = staticName(range);
      const pattern = `${envText}[${rawOf(range[0], range[1])}]`;
      const after = toks[close + 1];
      if (after?.value === '=' || toks[i - 1]?.value === 'del') continue; // a write, not a read
      if (!name) {
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(hintOf(range) ? { hint: hintOf(range)! } : {}) });
        continue;
      }
      const read: ContractRead = { name, kind: 'required', evidence: ev(t, pattern), confidence: 'high', note: 'KeyError when unset' };
      if (isGuarded(i)) {
        read.kind = 'optional';
        read.confidence = 'medium';
        read.note = 'read where a KeyError is caught (try/except or suppress)';
      }
      out.reads.push(read);
      readAt.set(i, { read, end: close + 1, names: [name] });
      subscripts.push({ read, tok: i });
      continue;
    }
    // "X" in os.environ / "X" not in os.environ
    if (toks[i - 1]?.value === 'in') {
      const k = toks[i - 2]?.value === 'not' ? i - 3 : i - 2;
      const s = toks[k];
      if (s?.type === 'string' && !s.fstring) {
        const read: ContractRead = { name: s.value, kind: 'optional', evidence: ev(s, `${s.raw} in ${envText}`), confidence: 'high' };
        out.reads.push(read);
        readAt.set(k, { read, end: e, names: [s.value] });
        continue;
      }
      const li = lineOfTok[i] ?? -1;
      if (li >= 0 && toks.slice(logical[li]!.start, i).some((x) => x.type === 'name' && x.value === 'for')) {
        out.unresolved.push({ evidence: ev(t, `for … in ${envText}`), reason: `iteration over ${envText}` });
        continue;
      }
      out.unresolved.push({ evidence: ev(t, `… in ${envText}`), reason: `computed key tested with \`in\`` });
      continue;
    }
    if (next?.value === '.') {
      const m = toks[e + 1]?.value ?? '';
      if (['copy', 'items', 'keys', 'values', '__iter__'].includes(m)) {
        out.unresolved.push({ evidence: ev(t, `${envText}.${m}()`), reason: `${envText} enumerated with .${m}()` });
      } else if (!['get', 'setdefault', 'pop'].includes(m)) {
        out.unresolved.push({ evidence: ev(t, `${envText}.${m}`), reason: `${envText} used through .${m}` });
      }
      continue;
    }
    const prev = toks[i - 1];
    if (prev?.value === '=' && toks[i - 2]?.type === 'name' && toks[i - 3]?.value !== ',' && (i - 3 < 0 || toks[i - 3]!.type === 'nl' || toks[i - 3]!.value === '(' || toks[i - 3]!.value === ',')) {
      // x = os.environ (statement) or f(env=os.environ) (keyword argument)
      const inCall = toks[i - 3]?.value === '(' || toks[i - 3]?.value === ',';
      out.unresolved.push({
        evidence: ev(t, `${toks[i - 2]!.value}=${envText}`),
        reason: inCall ? `${envText} passed as \`${toks[i - 2]!.value}=\`` : `${envText} aliased as \`${toks[i - 2]!.value}\``,
      });
      continue;
    }
    if (prev?.value === '**') {
      out.unresolved.push({ evidence: ev(t, `**${envText}`), reason: `${envText} unpacked` });
      continue;
    }
    if (prev?.value === '(' || prev?.value === ',') {
      out.unresolved.push({ evidence: ev(t, envText), reason: `${envText} passed as an argument` });
      continue;
    }
    if (prev?.value === '=') {
      out.unresolved.push({ evidence: ev(t, envText), reason: `${envText} assigned to another name` });
      continue;
    }
    out.unresolved.push({ evidence: ev(t, envText), reason: `${envText} used as a value` });
  }

  // `os.environ["X"]` guarded by a presence test of X is optional: on the same logical line
  // (`os.environ["X"] if "X" in os.environ else d`, `"X" in os.environ and …`) or in the
  // block of an `if`/`elif`/`while` whose condition tests X.
  const presence = (a: number, b: number): Set<string> => {
    const names = new Set<string>();
    for (let k = a; k < b; k++) {
      const t = toks[k]!;
      if (t.type === 'string' && toks[k + 1]?.value === 'in' && envAt(k + 2) > 0 && toks[k - 1]?.value !== 'not') names.add(t.value);
      const r = readAt.get(k);
      if (r && callAt(k) && toks[k - 1]?.value !== 'not') names.add(r.read.name);
    }
    return names;
  };
  const absence = (a: number, b: number): Set<string> => {
    const names = new Set<string>();
    for (let k = a; k < b; k++) {
      const t = toks[k]!;
      if (t.type === 'string' && toks[k + 1]?.value === 'not' && toks[k + 2]?.value === 'in' && envAt(k + 3) > 0) names.add(t.value);
    }
    return names;
  };
  for (const sub of subscripts) {
    if (sub.read.kind !== 'required') continue;
    const li0 = lineOfTok[sub.tok] ?? -1;
    if (li0 < 0) continue;
    let guardedBy: number | undefined;
    if (presence(logical[li0]!.start, logical[li0]!.end).has(sub.read.name)) guardedBy = li0;
    // Enclosing blocks: walk up to lines with smaller indentation.
    let indent = logical[li0]!.indent;
    for (let k = li0 - 1; k >= 0 && guardedBy === undefined && indent > 0; k--) {
      const l = logical[k]!;
      if (l.indent >= indent) continue;
      indent = l.indent;
      const kw = toks[l.start]!.value;
      if ((kw === 'if' || kw === 'elif' || kw === 'while') && presence(l.start, l.end).has(sub.read.name)) guardedBy = k;
      if (kw === 'else') {
        // `if "X" not in os.environ: … else: os.environ["X"]`
        for (let m = k - 1; m >= 0; m--) {
          const p = logical[m]!;
          if (p.indent < l.indent) break;
          if (p.indent > l.indent) continue;
          const pk = toks[p.start]!.value;
          if (pk === 'if' || pk === 'elif') {
            if (absence(p.start, p.end).has(sub.read.name)) guardedBy = m;
            if (pk === 'if') break;
          } else break;
        }
      }
    }
    if (guardedBy !== undefined) {
      sub.read.kind = 'optional';
      sub.read.note = `read only when present (test at line ${lineOf(toks[logical[guardedBy]!.start]!)})`;
    }
  }

  // Required reads inside a function fail only when it runs: medium confidence unless the
  // function looks like it runs at start (main, a settings loader, …).
  const enclosingDef = (tok: number): string | undefined => {
    const li0 = lineOfTok[tok] ?? -1;
    if (li0 < 0) return undefined;
    let indent = logical[li0]!.indent;
    for (let k = li0 - 1; k >= 0 && indent > 0; k--) {
      const l = logical[k]!;
      if (l.indent >= indent) continue;
      indent = l.indent;
      let d = l.start;
      if (toks[d]!.value === 'async') d++;
      if (toks[d]!.value === 'def' && toks[d + 1]?.type === 'name') return toks[d + 1]!.value;
    }
    return undefined;
  };
  const demoteInFunction = (read: ContractRead, tok: number): void => {
    const fn = enclosingDef(tok);
    if (read.kind === 'required' && fn !== undefined && !STARTUP_FN.test(fn)) {
      read.confidence = 'medium';
      read.note = `${read.note ?? 'required'} inside ${fn}(), which may not run at start`;
    }
  };
  for (const sub of subscripts) demoteInFunction(sub.read, sub.tok);

  // Bindings `x = <read>` at the start of a logical line.
  const bindings: { name: string; tok: number; read: ContractRead; names: string[] }[] = [];
  for (const l of logical) {
    if (toks[l.start]?.type === 'name' && toks[l.start + 1]?.value === '=') {
      const r = readAt.get(l.start + 2);
      if (r) bindings.push({ name: toks[l.start]!.value, tok: l.start, read: r.read, names: r.names });
    }
  }
  const boundNames = new Set(bindings.map((b) => b.name));
  const bindingFor = (name: string, at: number) => {
    let best: (typeof bindings)[number] | undefined;
    for (const b of bindings) if (b.name === name && b.tok < at && (!best || b.tok > best.tok)) best = b;
    return best;
  };

  // Settings whose `if`/`elif` encloses a token, up to the enclosing def/class: a check there
  // runs only while that setting is on (a conditional requirement).
  const enclosingConds = (tok: number): string[] => {
    const names: string[] = [];
    const li0 = lineOfTok[tok] ?? -1;
    if (li0 < 0) return names;
    let indent = logical[li0]!.indent;
    for (let k = li0 - 1; k >= 0 && indent > 0; k--) {
      const l = logical[k]!;
      if (l.indent >= indent) continue;
      indent = l.indent;
      const kw = toks[l.start]!.value;
      if (kw === 'def' || kw === 'class' || kw === 'async') break;
      if (kw !== 'if' && kw !== 'elif') continue;
      // A block entered when a value is unset (`if not x:`, `is None`) is no feature switched on.
      const cv = toks.slice(l.start + 1, l.end).map((t) => t.value);
      if (cv[0] === 'not' || cv.includes('None') || (cv.includes('not') && cv.includes('in'))) continue;
      for (let m = l.start + 1; m < l.end; m++) {
        const r = readAt.get(m);
        if (r) names.push(r.read.name);
        else if (toks[m]!.type === 'name' && boundNames.has(toks[m]!.value) && toks[m - 1]?.value !== '.') {
          const b = bindingFor(toks[m]!.value, l.start);
          if (b) names.push(b.read.name);
        }
      }
    }
    return names;
  };
  for (const sub of subscripts) {
    if (sub.read.kind !== 'required') continue;
    const when = enclosingConds(sub.tok);
    if (when.length) makeConditional(sub.read, when, ev(toks[sub.tok]!, 'os.environ[…]'));
  }

  // Explicit checks: `if not x: raise …`.
  const fails = (a: number, b: number): boolean => {
    for (let k = a; k < b; k++) {
      const v = toks[k]!.value;
      if (toks[k]!.type !== 'name') continue;
      if (v === 'raise') return true;
      if ((v === 'exit' || v === '_exit') && toks[k + 1]?.value === '(') return true;
      if (v === 'quit' && toks[k + 1]?.value === '(') return true;
    }
    return false;
  };
  const markRequired = (read: ContractRead, names: string[], line: number, falsy: boolean): void => {
    if (read.kind === 'required') return;
    if (names.length > 1) {
      read.requiredOneOf = names;
      read.note = `at least one of ${names.join(', ')} is required (check at line ${line})`;
      return;
    }
    if (read.kind === 'defaulted' && !(falsy && read.default === '')) return;
    read.kind = 'required';
    delete read.default;
    read.note = `explicit check fails when unset (line ${line})`;
    demoteInFunction(read, checkTok);
    const when = enclosingConds(checkTok);
    if (when.length) makeConditional(read, when, ev(toks[checkTok]!, shorten(toks.slice(checkTok, lineEnd).map((t) => t.raw).join(' '), 60)));
  };
  let lineEnd = 0;
  /**
   * `if x is None: x = "d"` / `if not x: x = "d"` right after `x = os.getenv("X")`: the code
   * replaces an unset value, so X has a default.
   */
  const defaultAssigned = (li: number, colon: number, line: number): void => {
    const l = logical[li]!;
    const cond = toks.slice(l.start + 1, colon);
    const v = cond.map((t) => t.value);
    let subject: PyTok | undefined;
    if (v.length === 2 && v[0] === 'not' && cond[1]!.type === 'name') subject = cond[1];
    else if (v.length === 3 && cond[0]!.type === 'name' && v[1] === 'is' && v[2] === 'None') subject = cond[0];
    else if (v.length === 3 && cond[0]!.type === 'name' && v[1] === '==' && cond[2]!.type === 'string' && cond[2]!.value === '') subject = cond[0];
    if (!subject) return;
    const [bs, be] = blockOf(li, colon);
    // The block is one assignment `x = <value>`.
    if (be - bs < 3 || toks[bs]!.value !== subject.value || toks[bs + 1]!.value !== '=') return;
    if ((lineOfTok[bs] ?? -1) !== (lineOfTok[be - 1] ?? -2)) return;
    const bnd = bindingFor(subject.value, l.start);
    if (!bnd || bnd.read.kind !== 'optional' || bnd.names.length > 1) return;
    const d = literalDefault(toks.slice(bs + 2, be));
    if (d === undefined) return;
    bnd.read.kind = 'defaulted';
    bnd.read.default = d;
    bnd.read.note = `default assigned when unset (line ${line})`;
  };
  let checkTok = 0;
  logical.forEach((l, li) => {
    if (toks[l.start]!.value !== 'if') return;
    let colon = -1;
    let depth = 0;
    for (let k = l.start + 1; k < l.end; k++) {
      const v = toks[k]!.value;
      if (toks[k]!.type !== 'op') continue;
      if ('([{'.includes(v)) depth++;
      else if (')]}'.includes(v)) depth--;
      else if (v === ':' && depth === 0) {
        colon = k;
        break;
      }
    }
    if (colon < 0) return;
    // Only conditions that test a read or a bound variable matter (cheap test first).
    let relevant = false;
    for (let k = l.start + 1; k < colon && !relevant; k++) {
      if (readAt.has(k) || (toks[k]!.type === 'name' && boundNames.has(toks[k]!.value))) relevant = true;
    }
    if (!relevant) return;
    const [bs, be] = blockOf(li, colon);
    if (!fails(bs, be)) {
      defaultAssigned(li, colon, lineOf(toks[l.start]!));
      return;
    }
    const line = lineOf(toks[l.start]!);
    checkTok = l.start;
    lineEnd = colon;
    // Split the condition on top-level `or`.
    const parts: [number, number][] = [];
    let s = l.start + 1;
    depth = 0;
    for (let k = l.start + 1; k <= colon; k++) {
      const t = toks[k]!;
      if (t.type === 'op' && '([{'.includes(t.value)) depth++;
      else if (t.type === 'op' && ')]}'.includes(t.value)) depth--;
      if (k === colon || (depth === 0 && t.type === 'name' && t.value === 'or')) {
        parts.push([s, k]);
        s = k + 1;
      }
    }
    for (const [a, b] of parts) {
      const vals = toks.slice(a, b).map((t) => t.value);
      let target: number | undefined;
      let falsy = false;
      if (vals[0] === 'not') {
        target = a + 1;
        falsy = true;
      } else if (vals.length >= 3 && vals[vals.length - 2] === 'is' && vals[vals.length - 1] === 'None') target = a;
      else if (vals.length >= 3 && vals[vals.length - 2] === '==' && toks[b - 1]!.type === 'string' && toks[b - 1]!.value === '') {
        target = a;
        falsy = true;
      } else if (toks[a]!.type === 'string' && vals[1] === 'not' && vals[2] === 'in') {
        const r = readAt.get(a);
        if (r) markRequired(r.read, r.names, line, false);
        continue;
      }
      if (target === undefined) continue;
      const r = readAt.get(target);
      if (r) {
        markRequired(r.read, r.names, line, falsy);
        continue;
      }
      if (toks[target]!.type === 'name' && (target + 1 === b || ['is', '=='].includes(toks[target + 1]!.value))) {
        const bnd = bindingFor(toks[target]!.value, l.start);
        if (bnd) markRequired(bnd.read, bnd.names, line, falsy);
      }
    }
  });

  // Libraries: pydantic-settings, python-decouple, django-environ.
  const imports = new Map<string, string>();
  for (const l of logical) {
    const a = toks[l.start]!.value;
    if (a === 'from' && toks[l.start + 2]?.value !== undefined) {
      let k = l.start + 1;
      let mod = '';
      while (k < l.end && toks[k]!.value !== 'import') mod += toks[k++]!.value;
      for (k = k + 1; k < l.end; k++) {
        const t = toks[k]!;
        if (t.type !== 'name') continue;
        let local = t.value;
        if (toks[k + 1]?.value === 'as' && toks[k + 2]?.type === 'name') {
          local = toks[k + 2]!.value;
          imports.set(local, `${mod}.${t.value}`);
          k += 2;
          continue;
        }
        imports.set(local, `${mod}.${t.value}`);
      }
    } else if (a === 'import') {
      for (let k = l.start + 1; k < l.end; k++) if (toks[k]!.type === 'name' && toks[k - 1]!.value !== '.') imports.set(toks[k]!.value, toks[k]!.value);
    }
  }
  extractPythonLibs({ file: file.path, toks, logical, lineOf, out, imports });
  extractPythonHelpers({ file: file.path, toks, logical, lineOf, out });
}

export const pythonExtractor: Extractor = {
  id: 'python',
  quick: /environ|getenv|BaseSettings|decouple/, // 'environ' also covers django-environ and environs
  matches: (path) => /\.pyw?$/.test(path),
  extract: (file) => guarded('python', file, (out) => extractPython(file, out)),
};
