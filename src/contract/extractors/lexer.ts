/**
 * A small configurable lexer for C-family and scripting languages (Java, Kotlin, C#, Rust,
 * PHP, Ruby): it skips comments, keeps string literals as single tokens with their content,
 * and never throws (an unterminated string or comment runs to the end of the text).
 */
import { spend } from '../budget.js';

export interface Tok {
  type: 'name' | 'string' | 'number' | 'op';
  /** For strings: the content without quotes (escapes of the quote itself removed). */
  value: string;
  start: number;
  end: number;
  raw: string;
  /** The string contains interpolation (`"${x}"`, `$"{x}"`, `"#{x}"`). */
  interpolated?: boolean;
}

export interface LexOptions {
  lineComments: string[];
  blockComments: [string, string][];
  /** Nested block comments (Rust). */
  nestedBlocks?: boolean;
  /** Quote characters for ordinary strings. */
  quotes: string[];
  /** Triple-quoted strings (Kotlin, Java text blocks, C# raw strings). */
  triple?: boolean;
  /** Rust raw strings r"…", r#"…"#, byte strings b"…". */
  rustRaw?: boolean;
  /** C# verbatim @"…" and interpolated $"…". */
  csharp?: boolean;
  /** Ruby =begin/=end, %w() literals are left as ops, heredocs <<~EOS. */
  ruby?: boolean;
  /** PHP heredoc <<<EOT. */
  phpHeredoc?: boolean;
  /** Character literal quote that is not a string ('a' in Java/C#/Rust). */
  charQuote?: string;
}

const NAME_START = /[A-Za-z_$@\u00C0-\uFFFF]/;
const NAME_PART = /[A-Za-z0-9_$\u00C0-\uFFFF]/;

export function lex(text: string, o: LexOptions): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  const pendingHeredocs: { word: string; squiggly: boolean; raw: boolean }[] = [];
  const str = (start: number, contentStart: number, contentEnd: number, end: number, interpolated = false): void => {
    out.push({ type: 'string', value: text.slice(contentStart, contentEnd), start, end, raw: text.slice(start, end), interpolated });
  };
  let interpolationDepth = 0;
  /** Ruby `#{…}` inside a double-quoted string: the index of its closing brace (quotes inside skipped). */
  const scanRubyInterpolation = (from: number): number => {
    let depth = 1;
    let k = from;
    while (k < n) {
      const c = text[k]!;
      if (c === '"' || c === "'") {
        k = scanQuoted(c, k + 1, true) + 1;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return k;
      k++;
    }
    return n;
  };
  const scanQuoted = (q: string, from: number, escapes: boolean): number => {
    let k = from;
    while (k < n) {
      const c = text[k]!;
      if (escapes && c === '\\') {
        k += 2;
        continue;
      }
      if (o.ruby && q === '"' && c === '#' && text[k + 1] === '{' && interpolationDepth < 16) {
        interpolationDepth++;
        k = scanRubyInterpolation(k + 2) + 1;
        interpolationDepth--;
        continue;
      }
      if (c === q) return k;
      k++;
    }
    return n;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n' && pendingHeredocs.length) {
      // Ruby heredoc bodies start on the next line.
      let k = i + 1;
      for (const h of pendingHeredocs) {
        const bodyStart = k;
        let found = false;
        while (k < n) {
          const e = text.indexOf('\n', k);
          const lineEnd = e < 0 ? n : e;
          if (text.slice(k, lineEnd).trim() === h.word) {
            str(bodyStart, bodyStart, k, lineEnd, !h.raw && text.slice(bodyStart, k).includes('#{'));
            k = lineEnd;
            found = true;
            break;
          }
          if (e < 0) break;
          k = e + 1;
        }
        if (!found) k = n;
      }
      pendingHeredocs.length = 0;
      i = k;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // Ruby =begin … =end (at line start)
    if (o.ruby && c === '=' && text.startsWith('=begin', i) && (i === 0 || text[i - 1] === '\n')) {
      const e = text.indexOf('\n=end', i);
      i = e < 0 ? n : e + 5;
      continue;
    }
    let skipped = false;
    for (const lc of o.lineComments) {
      if (text.startsWith(lc, i)) {
        // Ruby/PHP '#' is not a comment inside '#{' in code (only in strings, handled there).
        while (i < n && text[i] !== '\n') i++;
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    for (const [open, close] of o.blockComments) {
      if (text.startsWith(open, i)) {
        if (o.nestedBlocks) {
          let depth = 0;
          let k = i;
          while (k < n) {
            if (text.startsWith(open, k)) {
              depth++;
              k += open.length;
            } else if (text.startsWith(close, k)) {
              depth--;
              k += close.length;
              if (depth === 0) break;
            } else k++;
          }
          i = k;
        } else {
          const e = text.indexOf(close, i + open.length);
          i = e < 0 ? n : e + close.length;
        }
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    // Rust raw strings r"…" / r#"…"# / br"…" and byte strings b"…"
    if (o.rustRaw && (c === 'r' || c === 'b')) {
      const m = /^b?r(#*)"/.exec(text.slice(i, i + 40));
      if (m) {
        const close = '"' + m[1]!;
        const cs = i + m[0].length;
        const e = text.indexOf(close, cs);
        const ce = e < 0 ? n : e;
        str(i, cs, ce, e < 0 ? n : e + close.length);
        i = e < 0 ? n : e + close.length;
        continue;
      }
      if (c === 'b' && text[i + 1] === '"') {
        const e = scanQuoted('"', i + 2, true);
        str(i, i + 2, e, Math.min(n, e + 1));
        i = e + 1;
        continue;
      }
    }
    // C# verbatim / interpolated strings
    if (o.csharp && (c === '@' || c === '$') && (text[i + 1] === '"' || ((text[i + 1] === '@' || text[i + 1] === '$') && text[i + 2] === '"'))) {
      const prefix = text[i + 1] === '"' ? c : c + text[i + 1];
      const verbatim = prefix.includes('@');
      const cs = i + prefix.length + 1;
      let k = cs;
      while (k < n) {
        if (text[k] === '"') {
          if (verbatim && text[k + 1] === '"') {
            k += 2;
            continue;
          }
          break;
        }
        if (!verbatim && text[k] === '\\') k++;
        k++;
      }
      str(i, cs, Math.min(k, n), Math.min(n, k + 1), prefix.includes('$'));
      i = k + 1;
      continue;
    }
    // Ruby heredoc <<~EOS / <<-EOS / <<EOS (only an uppercase word, to avoid shifts)
    if (o.ruby && c === '<' && text[i + 1] === '<') {
      const m = /^<<([~-]?)(['"]?)([A-Z_][A-Z0-9_]*)\2/.exec(text.slice(i, i + 60));
      if (m) {
        pendingHeredocs.push({ word: m[3]!, squiggly: m[1] === '~', raw: m[2] === "'" });
        i += m[0].length;
        continue;
      }
    }
    // PHP heredoc / nowdoc
    if (o.phpHeredoc && text.startsWith('<<<', i)) {
      const m = /^<<<\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n/.exec(text.slice(i, i + 80));
      if (m) {
        const cs = i + m[0].length;
        const re = new RegExp(`\\n[ \\t]*${m[2]}\\b`, 'g');
        re.lastIndex = cs - 1;
        const e = re.exec(text);
        const ce = e ? e.index : n;
        str(i, cs, ce, e ? e.index + e[0].length : n, m[1] !== "'");
        i = e ? e.index + e[0].length : n;
        continue;
      }
    }
    if (o.triple && text.startsWith('"""', i)) {
      const e = text.indexOf('"""', i + 3);
      const ce = e < 0 ? n : e;
      str(i, i + 3, ce, e < 0 ? n : e + 3, text.slice(i + 3, ce).includes('${'));
      i = e < 0 ? n : e + 3;
      continue;
    }
    if (o.charQuote && c === o.charQuote) {
      // 'a', '\n', '\u{1F600}' are chars; Rust lifetimes 'a are not closed within 2 chars.
      const m = /^'(?:\\.[^']{0,8}|[^\\'\n])'/.exec(text.slice(i, i + 14));
      if (m) {
        out.push({ type: 'string', value: m[0].slice(1, -1), start: i, end: i + m[0].length, raw: m[0] });
        i += m[0].length;
        continue;
      }
      out.push({ type: 'op', value: c, start: i, end: i + 1, raw: c });
      i++;
      continue;
    }
    if (o.quotes.includes(c)) {
      const e = scanQuoted(c, i + 1, true);
      const content = text.slice(i + 1, e);
      const interp = c === '"' && (content.includes('${') || content.includes('#{') || /\$[A-Za-z_{]/.test(content));
      str(i, i + 1, e, Math.min(n, e + 1), interp);
      i = e + 1;
      continue;
    }
    if (NAME_START.test(c)) {
      let k = i + 1;
      while (k < n && NAME_PART.test(text[k]!)) k++;
      // Ruby/Kotlin/Rust/PHP suffixes: fetch!, key?, env!
      if ((text[k] === '!' || text[k] === '?') && text[k + 1] !== '=' && (o.ruby || o.rustRaw)) k++;
      out.push({ type: 'name', value: text.slice(i, k), start: i, end: k, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let k = i + 1;
      while (k < n && /[0-9A-Za-z_.]/.test(text[k]!)) k++;
      out.push({ type: 'number', value: text.slice(i, k), start: i, end: k, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    const three = text.slice(i, i + 3);
    if (['?.:', '!==', '===', '...', '<=>'].includes(three)) {
      out.push({ type: 'op', value: three, start: i, end: i + 3, raw: three });
      i += 3;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['::', '?:', '??', '?.', '!!', '->', '=>', '==', '!=', '||', '&&', '<=', '>=', '+=', '-=', '.='].includes(two)) {
      out.push({ type: 'op', value: two, start: i, end: i + 2, raw: two });
      i += 2;
      continue;
    }
    out.push({ type: 'op', value: c, start: i, end: i + 1, raw: c });
    i++;
  }
  return out;
}

/**
 * Matching brackets of a token list, computed once per list (a stack; an unmatched opening
 * bracket closes at the last token), so every look-up is O(1): scanning to the close on each
 * call made unterminated calls (`env("A", "defa` line after line) quadratic.
 */
const MATCHES = new WeakMap<readonly { type: string; value: string }[], Int32Array>();

/** Closing index of each opening bracket (unmatched: the last token), -1 elsewhere; computed once per token list. */
export function matchesOf(toks: readonly { type: string; value: string }[]): Int32Array {
  let m = MATCHES.get(toks);
  if (m && m.length === toks.length) return m;
  m = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.type !== 'op') continue;
    if (t.value === '(' || t.value === '[' || t.value === '{') stack.push(k);
    else if ((t.value === ')' || t.value === ']' || t.value === '}') && stack.length) m[stack.pop()!] = k;
  }
  for (const k of stack) m[k] = toks.length - 1;
  MATCHES.set(toks, m);
  return m;
}

/** Index of the bracket that closes the one at `open`. */
export function matchBracket(toks: Tok[], open: number): number {
  const m = open >= 0 && open < toks.length ? matchesOf(toks)[open]! : -1;
  if (m >= 0) return m;
  let depth = 0;
  for (let k = open; k < toks.length; k++) {
    spend();
    const t = toks[k]!;
    if (t.type !== 'op') continue;
    if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
    else if (t.value === ')' || t.value === ']' || t.value === '}') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return toks.length - 1;
}

/** Top-level comma-separated argument ranges between `open` and its closing bracket. */
export function argRanges(toks: Tok[], open: number): { args: [number, number][]; close: number } {
  const close = matchBracket(toks, open);
  const m = matchesOf(toks);
  const args: [number, number][] = [];
  let depth = 0;
  let s = open + 1;
  for (let k = open + 1; k < close; k++) {
    spend();
    const t = toks[k]!;
    if (t.type !== 'op') continue;
    // A nested group is skipped whole: nested calls are not re-scanned once per level.
    if ((t.value === '(' || t.value === '[' || t.value === '{') && m[k]! > k) {
      // Unclosed too: the rest of the range is inside it, so no top-level comma follows.
      if (m[k]! >= close) break;
      k = m[k]!;
      continue;
    }
    if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
    else if (t.value === ')' || t.value === ']' || t.value === '}') depth--;
    else if (t.value === ',' && depth === 0) {
      args.push([s, k]);
      s = k + 1;
    }
  }
  if (close > s) args.push([s, close]);
  return { args, close };
}

/** Longest text `rangeText` builds: patterns and defaults are shortened for display anyway. */
export const RANGE_TEXT_MAX = 240;

/** The source text of tokens [r0, r1), at most about RANGE_TEXT_MAX characters (then `…`). */
export function rangeText(toks: Tok[], r: [number, number]): string {
  let s = '';
  for (let k = r[0]; k < r[1]; k++) {
    const t = toks[k]!;
    const prev = toks[k - 1];
    if (k > r[0] && prev && prev.end < t.start) s += ' ';
    s += t.raw;
    if (s.length > RANGE_TEXT_MAX) return s.slice(0, RANGE_TEXT_MAX) + '…';
  }
  return s;
}

/** A single plain (non-interpolated) string literal in the range, or undefined. */
export function staticString(toks: Tok[], r: [number, number] | undefined): string | undefined {
  if (!r || r[1] - r[0] !== 1) return undefined;
  const t = toks[r[0]]!;
  return t.type === 'string' && !t.interpolated ? t.value : undefined;
}

/** The literal prefix of a computed key (`"PREFIX_" + x`, `"PREFIX_${x}"`), if any. */
export function keyHint(toks: Tok[], r: [number, number] | undefined): string | undefined {
  if (!r) return undefined;
  const t = toks[r[0]]!;
  if (t.type !== 'string') return undefined;
  if (t.interpolated) {
    const m = /^([^$#{]*)/.exec(t.value);
    return m?.[1] || undefined;
  }
  return t.value || undefined;
}
