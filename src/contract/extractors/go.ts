/**
 * Go reads, from a small tokenizer (line and block comments, interpreted and raw strings,
 * runes).
 *
 * - `os.Getenv("X")`, `os.LookupEnv("X")`, `syscall.Getenv("X")` → optional;
 *   `os.ExpandEnv("…$X…")` → optional reads of each name.
 * - `v := os.Getenv("X")` then `if v == "" { log.Fatal… / panic / os.Exit }` (also
 *   `len(v) == 0`, `v, ok := os.LookupEnv("X"); if !ok {…}`, and checks on the call itself)
 *   → required; `if v == "" { v = "d" }` → defaulted with "d".
 * - A package-level string constant as the key (`const keyPort = "PORT"`) is resolved.
 * - Helper functions that pass their first parameter to os.Getenv/LookupEnv
 *   (`func getEnv(key, fallback string) string`) are followed to their call sites:
 *   `getEnv("PORT", "8080")` → defaulted, medium confidence.
 * - Other computed keys and `os.Environ()` → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { guarded, LineIndex, makeConditional, shorten, STARTUP_FN } from './util.js';
import { spend } from '../budget.js';
import { extractGoLibs } from './go-libs.js';

interface GoTok {
  type: 'name' | 'string' | 'number' | 'op' | 'nl' | 'rune';
  value: string;
  start: number;
  raw: string;
}

function unquoteGo(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, raw.endsWith('`') && raw.length > 1 ? -1 : undefined);
  const body = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
  return body.replace(/\\(["\\nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function tokenizeGo(text: string): GoTok[] {
  const out: GoTok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ type: 'nl', value: '\n', start: i, raw: '\n' });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      // keep newlines inside block comments as statement breaks
      if (text.slice(i, end).includes('\n')) out.push({ type: 'nl', value: '\n', start: i, raw: '\n' });
      i = end;
      continue;
    }
    if (c === '"') {
      let k = i + 1;
      while (k < n && text[k] !== '"' && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      const end = Math.min(n, text[k] === '"' ? k + 1 : k);
      const raw = text.slice(i, end);
      out.push({ type: 'string', value: unquoteGo(raw), start: i, raw });
      i = end;
      continue;
    }
    if (c === '`') {
      const e = text.indexOf('`', i + 1);
      const end = e < 0 ? n : e + 1;
      const raw = text.slice(i, end);
      out.push({ type: 'string', value: unquoteGo(raw), start: i, raw });
      i = end;
      continue;
    }
    if (c === "'") {
      let k = i + 1;
      while (k < n && text[k] !== "'" && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      const end = Math.min(n, k + 1);
      out.push({ type: 'rune', value: text.slice(i, end), start: i, raw: text.slice(i, end) });
      i = end;
      continue;
    }
    if (/[A-Za-z_\u00C0-\uFFFF]/.test(c)) {
      let k = i + 1;
      while (k < n && /[A-Za-z0-9_\u00C0-\uFFFF]/.test(text[k]!)) k++;
      out.push({ type: 'name', value: text.slice(i, k), start: i, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let k = i + 1;
      while (k < n && /[0-9A-Za-z_.]/.test(text[k]!)) k++;
      out.push({ type: 'number', value: text.slice(i, k), start: i, raw: text.slice(i, k) });
      i = k;
      continue;
    }
    const two = text.slice(i, i + 2);
    if ([':=', '==', '!=', '&&', '||', '<=', '>=', '+=', '<-', '...'].includes(two)) {
      out.push({ type: 'op', value: two, start: i, raw: two });
      i += 2;
      continue;
    }
    out.push({ type: 'op', value: c, start: i, raw: c });
    i++;
  }
  return out;
}

const ENV_FUNCS = new Set(['Getenv', 'LookupEnv']);

function extractGo(file: SourceFile, out: ExtractResult): void {
  const all = tokenizeGo(file.text);
  const lines = new LineIndex(file.text);
  const ev = (t: GoTok, pattern: string) => ({ file: file.path, line: lines.line(t.start), pattern: shorten(pattern) });
  // Work on tokens without newlines, but remember where statements break.
  const toks = all.filter((t) => t.type !== 'nl');
  const breakBefore = new Set<number>();
  {
    let k = 0;
    for (const t of all) {
      if (t.type === 'nl') breakBefore.add(k);
      else k++;
    }
  }

  // String constants: NAME = "lit" / NAME := "lit" (unique values only).
  const consts = new Map<string, string | null>();
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.type === 'name' && (toks[i + 1]!.value === '=' || toks[i + 1]!.value === ':=') && toks[i + 2]!.type === 'string') {
      const after = toks[i + 3];
      if (after && !breakBefore.has(i + 3) && after.value !== ';' && after.value !== ')') continue;
      const name = toks[i]!.value;
      const v = toks[i + 2]!.value;
      consts.set(name, consts.has(name) && consts.get(name) !== v ? null : v);
    }
  }

  // Brackets matched once (a stack; unmatched opens close at the end), so finding the end of
  // a block is O(1): 5,000 nested `if x {` took 1.9 s when every block was scanned to its end.
  const match = new Int32Array(toks.length).fill(-1);
  {
    const stack: number[] = [];
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k]!;
      if (t.type !== 'op') continue;
      if (t.value === '(' || t.value === '[' || t.value === '{') stack.push(k);
      else if ((t.value === ')' || t.value === ']' || t.value === '}') && stack.length) match[stack.pop()!] = k;
    }
    for (const k of stack) match[k] = toks.length - 1;
  }
  // The next token whose value is `{`, from each index (toks.length when none).
  const nextBrace = new Int32Array(toks.length + 1).fill(toks.length);
  for (let k = toks.length - 1; k >= 0; k--) nextBrace[k] = toks[k]!.value === '{' ? k : nextBrace[k + 1]!;
  const matchParen = (open: number): number => {
    if (open >= 0 && open < toks.length && match[open]! >= 0) return match[open]!;
    let depth = 0;
    for (let k = open; k < toks.length; k++) {
      spend();
      const v = toks[k]!.value;
      if (toks[k]!.type !== 'op') continue;
      if (v === '(' || v === '[' || v === '{') depth++;
      else if (v === ')' || v === ']' || v === '}') {
        depth--;
        if (depth === 0) return k;
      }
    }
    return toks.length - 1;
  };
  // Source text of tokens [a, b), at most a few hundred characters (it is shortened for display).
  const rawOf = (a: number, b: number): string => {
    let s = '';
    for (let k = a; k < b && s.length <= 240; k++) s += toks[k]!.raw;
    return s;
  };
  const argsOf = (open: number): { args: [number, number][]; close: number } => {
    const close = matchParen(open);
    const args: [number, number][] = [];
    let depth = 0;
    let s = open + 1;
    for (let k = open + 1; k < close; k++) {
      const v = toks[k]!.value;
      spend();
      // Skip a nested group whole (nested calls are not re-scanned once per level).
      if (toks[k]!.type === 'op' && '([{'.includes(v) && match[k]! > k) {
        // Unclosed too: the rest of the range is inside it, so no top-level comma follows.
        if (match[k]! >= close) break;
        k = match[k]!;
        continue;
      }
      if (toks[k]!.type === 'op' && '([{'.includes(v)) depth++;
      else if (toks[k]!.type === 'op' && ')]}'.includes(v)) depth--;
      else if (v === ',' && depth === 0) {
        args.push([s, k]);
        s = k + 1;
      }
    }
    if (close > s) args.push([s, close]);
    return { args, close };
  };
  const keyOf = (r: [number, number]): { name?: string; confidence: 'high' | 'medium'; hint?: string; param?: string } => {
    const first = toks[r[0]]!;
    if (r[1] - r[0] === 1 && first.type === 'string') return { name: first.value, confidence: 'high' };
    if (r[1] - r[0] === 1 && first.type === 'name') {
      const c = consts.get(first.value);
      if (typeof c === 'string') return { name: c, confidence: 'medium' };
      return { confidence: 'high', param: first.value };
    }
    if (first.type === 'string' && toks[r[0] + 1]?.value === '+') return { confidence: 'high', hint: first.value || undefined };
    return { confidence: 'high' };
  };

  // Helper functions: func NAME(p1[, p2] type) ... { ... os.Getenv(p1) ... }
  interface Helper {
    name: string;
    params: string[];
    fatal: boolean;
    start: number;
    end: number;
    /** Token of the os.Getenv(p1) read. */
    readTok: number;
    /**
     * The second parameter is what the helper gives when unset (`return def`, `v = def`): a
     * call's second argument is then a default, even when the helper can also fail (a parse
     * error that log.Fatal()s); otherwise (`mustGetenv(key, purpose)`) it is not.
     */
    usesDefault: boolean;
  }
  const helpers = new Map<string, Helper>();
  // Tokens that fail the start (panic(, .Fatal…, .Panic…, os.Exit), counted by prefix sums so
  // "does this block fail?" is O(1) for every block, nested ones included.
  const fatalBefore = new Int32Array(toks.length + 1);
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const f =
      t.type === 'name' &&
      ((t.value === 'panic' && toks[k + 1]?.value === '(') ||
        (/^(?:Fatal|Panic)\w*$/.test(t.value) && toks[k - 1]?.value === '.') ||
        (t.value === 'Exit' && toks[k - 1]?.value === '.' && toks[k - 2]?.value === 'os'));
    fatalBefore[k + 1] = fatalBefore[k]! + (f ? 1 : 0);
  }
  const fatalIn = (a: number, b: number): boolean => b > a && fatalBefore[Math.min(b, toks.length)]! - fatalBefore[Math.max(a, 0)]! > 0;
  for (let i = 0; i + 3 < toks.length; i++) {
    if (toks[i]!.value !== 'func' || toks[i + 1]!.type !== 'name' || toks[i + 2]!.value !== '(') continue;
    const { args, close } = argsOf(i + 2);
    const params: string[] = [];
    for (const a of args) if (toks[a[0]]!.type === 'name') params.push(toks[a[0]]!.value);
    // find the body
    const b = nextBrace[Math.min(close + 1, toks.length)]!;
    if (b >= toks.length) continue;
    const end = matchParen(b);
    let uses = false;
    let readTok = -1;
    spend(end - b);
    for (let k = b; k < end; k++) {
      if (
        ENV_FUNCS.has(toks[k]!.value) &&
        toks[k - 1]?.value === '.' &&
        (toks[k - 2]?.value === 'os' || toks[k - 2]?.value === 'syscall') &&
        toks[k + 1]?.value === '(' &&
        toks[k + 2]?.value === params[0] &&
        toks[k + 3]?.value === ')'
      ) {
        uses = true;
        if (readTok < 0) readTok = k - 2;
      }
    }
    if (uses && params.length) {
      let usesDefault = false;
      const p2 = params[1];
      for (let k = b; p2 !== undefined && k < end && !usesDefault; k++) {
        const v = toks[k]!.value;
        if (toks[k + 1]?.value === p2 && (v === 'return' || v === '=' || v === ':=') && toks[k + 2]?.value !== '(') usesDefault = true;
      }
      helpers.set(toks[i + 1]!.value, { name: toks[i + 1]!.value, params, fatal: fatalIn(b, end), start: b, end, readTok, usesDefault });
    }
  }
  // A helper's own read is left to its call sites only when it is unexported and called in
  // this file; an exported helper may be called from elsewhere, so its read stays unresolved.
  // Call sites by name, collected in one pass (not one pass per helper).
  const callsOf = new Map<string, number[]>();
  if (helpers.size) {
    for (let k = 0; k < toks.length; k++) {
      const v = toks[k]!.value;
      if (helpers.has(v) && toks[k + 1]?.value === '(' && toks[k - 1]?.value !== 'func') {
        const l = callsOf.get(v);
        if (l) l.push(k);
        else callsOf.set(v, [k]);
      }
    }
  }
  const callCount = (h: Helper): number => {
    const l = callsOf.get(h.name) ?? [];
    spend(l.length);
    return l.filter((k) => !(k > h.start && k < h.end)).length;
  };
  const local = [...helpers.values()].filter((h) => /^[a-z_]/.test(h.name) && callCount(h) > 0);
  // Token ranges inside a local helper's body, as a coverage count (O(1) per question).
  const helperCover = new Int32Array(toks.length + 1);
  for (const h of local) {
    if (h.start + 1 < h.end) {
      helperCover[h.start + 1]!++;
      helperCover[h.end]!--;
    }
  }
  for (let k = 1; k <= toks.length; k++) helperCover[k]! += helperCover[k - 1]!;
  const inHelper = (k: number): boolean => k >= 0 && k < toks.length && helperCover[k]! > 0;

  interface Bound {
    read: ContractRead;
    tok: number;
    names: string[]; // variable names bound: [value] or [value, ok]
  }
  const readAtTok = new Map<number, ContractRead>();
  const bound: Bound[] = [];

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name') continue;
    const pkg = toks[i - 2]?.value;
    const isEnvCall =
      ENV_FUNCS.has(t.value) && toks[i - 1]?.value === '.' && (pkg === 'os' || pkg === 'syscall') && toks[i + 1]?.value === '(';
    if (isEnvCall) {
      const startTok = i - 2;
      const { args, close } = argsOf(i + 1);
      const pattern = `${pkg}.${t.value}(${args.map((a) => rawOf(a[0], a[1])).join(', ')})`;
      if (!args[0]) continue;
      const key = keyOf(args[0]);
      if (!key.name) {
        if (key.param && inHelper(i)) continue; // resolved at the helper's call sites
        out.unresolved.push({ evidence: ev(toks[startTok]!, pattern), reason: 'computed key', ...(key.hint ? { hint: key.hint } : {}) });
        continue;
      }
      const read: ContractRead = { name: key.name, kind: 'optional', evidence: ev(toks[startTok]!, pattern), confidence: key.confidence };
      out.reads.push(read);
      readAtTok.set(startTok, read);
      // Binding: v := os.Getenv(…) / v, ok := os.LookupEnv(…) / var v = …
      let op = toks[startTok - 1]?.value;
      let k = startTok - 2;
      // v := strings.TrimSpace(os.Getenv("X"))
      if (op === '(' && toks[startTok - 2]?.type === 'name' && toks[startTok - 3]?.value === '.' && toks[startTok - 4]?.type === 'name' && (toks[startTok - 5]?.value === ':=' || toks[startTok - 5]?.value === '=')) {
        op = toks[startTok - 5]!.value;
        k = startTok - 6;
      }
      if (op === ':=' || op === '=') {
        const names: string[] = [];
        while (k >= 0 && toks[k]!.type === 'name') {
          names.unshift(toks[k]!.value);
          if (toks[k - 1]?.value === ',') k -= 2;
          else break;
        }
        if (names.length) bound.push({ read, tok: startTok, names });
      }
      i = close;
      continue;
    }
    if (t.value === 'ExpandEnv' && toks[i - 1]?.value === '.' && pkg === 'os' && toks[i + 1]?.value === '(' && toks[i + 2]?.type === 'string') {
      const s = toks[i + 2]!;
      const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
      for (const m of s.value.matchAll(re)) {
        out.reads.push({ name: (m[1] ?? m[2])!, kind: 'optional', evidence: ev(toks[i - 2]!, `os.ExpandEnv(${shorten(s.raw, 60)})`), confidence: 'high' });
      }
      continue;
    }
    if (t.value === 'Environ' && toks[i - 1]?.value === '.' && (pkg === 'os' || pkg === 'syscall') && toks[i + 1]?.value === '(') {
      out.unresolved.push({ evidence: ev(toks[i - 2]!, `${pkg}.Environ()`), reason: 'iteration over the whole environment (os.Environ())' });
      continue;
    }
    // Call sites of helpers.
    const h = helpers.get(t.value);
    if (h && toks[i + 1]?.value === '(' && toks[i - 1]?.value !== 'func' && toks[i - 1]?.value !== '.' && !(i > h.start && i < h.end)) {
      const { args } = argsOf(i + 1);
      if (!args[0]) continue;
      const key = keyOf(args[0]);
      const pattern = `${t.value}(${args.map((a) => rawOf(a[0], a[1])).join(', ')})`;
      if (!key.name) {
        out.unresolved.push({ evidence: ev(t, pattern), reason: `computed key passed to ${t.value}()`, ...(key.hint ? { hint: key.hint } : {}) });
        continue;
      }
      const read: ContractRead = { name: key.name, kind: 'optional', evidence: ev(t, pattern), confidence: 'medium', note: `through helper ${t.value}()` };
      if (h.fatal && !(args[1] && h.usesDefault)) {
        read.kind = 'required';
        read.note = `through helper ${t.value}(), which fails when unset`;
      } else if (args[1] && h.params.length >= 2) {
        const d = toks.slice(args[1][0], Math.min(args[1][1], args[1][0] + 2));
        read.kind = 'defaulted';
        read.default = d.length === 1 && d[0]!.type === 'string' ? d[0]!.value : shorten(rawOf(args[1][0], args[1][1]));
      }
      out.reads.push(read);
    }
  }

  // Function bodies, to tell whether a check runs at start (main, init, config loaders).
  // A urfave/cli action (`func run(c *cli.Context) error`, v3 `*cli.Command`): an error it
  // returns ends the program, so `return fmt.Errorf(…)` there fails the start.
  const funcs: { name: string; start: number; end: number; cliAction: boolean }[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.value !== 'func' || toks[i]!.type !== 'name') continue;
    let k = i + 1;
    let name = '(anonymous)';
    if (toks[k]?.value === '(' && toks[k + 1]?.type === 'name' && toks[matchParen(k) + 1]?.type === 'name') {
      k = matchParen(k) + 1; // method receiver
    }
    if (toks[k]?.type === 'name') name = toks[k]!.value;
    const b = nextBrace[Math.min(k, toks.length)]!;
    if (b >= toks.length) continue;
    let cliAction = false;
    for (let m = k; m + 3 < b; m++) {
      if (toks[m]!.value === '*' && toks[m + 1]!.value === 'cli' && toks[m + 2]!.value === '.' && (toks[m + 3]!.value === 'Context' || toks[m + 3]!.value === 'Command')) cliAction = true;
    }
    funcs.push({ name, start: b, end: matchParen(b), cliAction });
  }
  const enclosingFuncInfo = (at: number) => {
    let best: (typeof funcs)[number] | undefined;
    spend(funcs.length);
    for (const f of funcs) if (f.start < at && at < f.end && (!best || f.start > best.start)) best = f;
    return best;
  };
  const enclosingFunc = (at: number): string | undefined => enclosingFuncInfo(at)?.name;
  /** `return fmt.Errorf(…)` / `errors.New` / `cli.Exit` in [a, b). */
  const returnsErrorIn = (a: number, b: number): boolean => {
    for (let k = a; k + 3 < b; k++) {
      if (toks[k]!.value !== 'return') continue;
      const f = `${toks[k + 1]!.value}.${toks[k + 3]!.value}`;
      if (toks[k + 2]!.value === '.' && /^(?:fmt\.Errorf|errors\.New|cli\.Exit|cli\.NewExitError)$/.test(f)) return true;
    }
    return false;
  };
  /** A urfave/cli flag value `c.String("host")` at token k: the flag name, or undefined. */
  const flagAt = (k: number): string | undefined => {
    if (toks[k]?.type !== 'name' || toks[k + 1]?.value !== '.' || toks[k + 3]?.value !== '(' || toks[k + 4]?.type !== 'string' || toks[k + 5]?.value !== ')') return undefined;
    return /^(?:String|Path|Value|Bool|Int|Int64|Uint|Duration|StringSlice|Generic)$/.test(toks[k + 2]!.value) ? toks[k + 4]!.value : undefined;
  };
  // Enclosing `if` blocks seen so far: the settings their conditions test.
  const ifBlocks: { brace: number; end: number; names: string[]; flags: string[] }[] = [];
  const enclosingConds = (at: number): { names: string[]; flags: string[] } => {
    const names: string[] = [];
    const flags: string[] = [];
    const fn = enclosingFuncInfo(at);
    for (const b of ifBlocks) {
      if (!(b.brace < at && at < b.end) || (fn && b.brace < fn.start)) continue;
      names.push(...b.names);
      flags.push(...b.flags);
    }
    return { names, flags };
  };

  // Checks: if <cond> { body }.
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.value !== 'if' || toks[i]!.type !== 'name') continue;
    let brace = -1;
    let depth = 0;
    let semi = -1;
    for (let k = i + 1; k < toks.length; k++) {
      const v = toks[k]!.value;
      spend();
      // A condition never holds another `if` or a `}` outside brackets: stop there (so
      // `if if if …` is not scanned to the end once per `if`).
      if (depth === 0 && ((v === 'if' && toks[k]!.type === 'name') || (v === '}' && toks[k]!.type === 'op'))) break;
      if (toks[k]!.type !== 'op') continue;
      if (v === '(' || v === '[') depth++;
      else if (v === ')' || v === ']') depth--;
      else if (v === ';' && depth === 0) semi = k;
      else if (v === '{' && depth === 0) {
        brace = k;
        break;
      }
    }
    if (brace < 0) continue;
    const end = matchParen(brace);
    const condStart = semi >= 0 ? semi + 1 : i + 1;
    {
      // What this condition tests, for checks nested in its block.
      const names: string[] = [];
      const flags: string[] = [];
      for (let k = condStart; k < brace; k++) {
        const r = readAtTok.get(k);
        if (r) names.push(r.name);
        const f = flagAt(k);
        if (f) flags.push(f);
        else if (toks[k]!.type === 'name' && toks[k - 1]?.value !== '.') {
          for (const bd of bound) if (bd.tok < k && bd.names[0] === toks[k]!.value) names.push(bd.read.name);
        }
      }
      // A block entered when a value is unset (`if v == "" {`) is no feature switched on.
      const absent = toks.slice(condStart, brace).some((x, j, a) => (x.value === '==' && (a[j + 1]?.value === '' || a[j - 1]?.value === '') && (a[j + 1]?.type === 'string' || a[j - 1]?.type === 'string')) || (x.value === '!' && a[j + 1]?.type === 'name'));
      if ((names.length || flags.length) && !absent) ifBlocks.push({ brace, end, names, flags });
    }
    const action = enclosingFuncInfo(i)?.cliAction === true;
    const fatal = fatalIn(brace + 1, end) || (action && returnsErrorIn(brace + 1, end));
    // A body that only assigns a literal: `v = "d"` (three tokens; no copy of the block).
    const body = end - brace - 1 === 3 ? toks.slice(brace + 1, end) : [];
    const assignsLiteral =
      body.length === 3 && body[0]!.type === 'name' && body[1]!.value === '=' && (body[2]!.type === 'string' || body[2]!.type === 'number')
        ? { name: body[0]!.value, value: body[2]!.type === 'string' ? body[2]!.value : body[2]!.value }
        : undefined;
    if (!fatal && !assignsLiteral) continue;
    const line = lines.line(toks[i]!.start);
    // Split the condition on ||.
    const parts: [number, number][] = [];
    let s = condStart;
    depth = 0;
    for (let k = condStart; k <= brace; k++) {
      const v = toks[k]!.value;
      spend();
      if (toks[k]!.type === 'op' && (v === '(' || v === '[')) depth++;
      else if (toks[k]!.type === 'op' && (v === ')' || v === ']')) depth--;
      if (k === brace || (depth === 0 && v === '||')) {
        parts.push([s, k]);
        s = k + 1;
      }
    }
    for (const [a, b] of parts) {
      const p = toks.slice(a, b);
      const vals = p.map((x) => x.value);
      let subject: number | undefined; // token index of the tested thing
      let okTest = false;
      if (vals.length >= 3 && vals[vals.length - 2] === '==' && p[p.length - 1]!.type === 'string' && p[p.length - 1]!.value === '') subject = a;
      else if (vals.length >= 3 && vals[1] === '==' && p[0]!.type === 'string' && p[0]!.value === '') subject = a + 2;
      else if (vals[0] === 'len' && vals[1] === '(' && vals[vals.length - 2] === '==' && vals[vals.length - 1] === '0') subject = a + 2;
      else if (vals[0] === '!' && p.length === 2 && p[1]!.type === 'name') {
        subject = a + 1;
        okTest = true;
      }
      if (subject === undefined) continue;
      const flag = fatal && !okTest ? flagAt(subject) : undefined;
      if (flag !== undefined) {
        // `if c.String("host") == "" { log.Fatal(…) }`: the flag's variables, resolved by
        // buildContract through the flag definitions (often in another file).
        const fn = enclosingFunc(i);
        const late = fn !== undefined && !STARTUP_FN.test(fn) && !action;
        const cond = enclosingConds(i);
        (out.flagChecks ??= []).push({
          flag,
          evidence: ev(toks[i]!, shorten(toks.slice(i, brace).map((x) => x.raw).join(' '), 60)),
          confidence: late ? 'medium' : 'high',
          note: `explicit check of --${flag} fails when unset (line ${line})${late ? ` inside ${fn}(), which may not run at start` : ''}`,
          ...(cond.flags.length ? { whenFlags: cond.flags } : {}),
          ...(cond.names.length ? { whenNames: cond.names } : {}),
        });
        continue;
      }
      let read = readAtTok.get(subject);
      let varName: string | undefined;
      if (!read && toks[subject]!.type === 'name') {
        varName = toks[subject]!.value;
        let best: Bound | undefined;
        spend(bound.length);
        for (const bd of bound) {
          if (bd.tok >= brace) continue;
          const idx = bd.names.indexOf(varName);
          if (idx < 0 || (okTest ? idx !== 1 : idx !== 0)) continue;
          if (!best || bd.tok > best.tok) best = bd;
        }
        read = best?.read;
        if (best) varName = best.names[0];
      }
      if (!read || read.confidence === 'low') continue;
      if (fatal) {
        read.kind = 'required';
        delete read.default;
        read.note = `explicit check fails when unset (line ${line})`;
        const fn = enclosingFunc(i);
        if (fn !== undefined && !STARTUP_FN.test(fn) && !action) {
          read.confidence = 'medium';
          read.note += ` inside ${fn}(), which may not run at start`;
        }
        const cond = enclosingConds(i);
        if (cond.names.length) makeConditional(read, cond.names, ev(toks[i]!, shorten(toks.slice(i, brace).map((x) => x.raw).join(' '), 60)));
      } else if (assignsLiteral && varName && assignsLiteral.name === varName && read.kind === 'optional') {
        read.kind = 'defaulted';
        read.default = assignsLiteral.value;
        read.note = `default assigned when unset (line ${line})`;
      }
    }
  }

  // Helpers and their calls across the files of one package (link.ts): a helper of config.go
  // called in main.go, or an exported one called as pkg.Getenv("X") from another package.
  const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
  const pkgName = dir.split('/').pop() || '';
  for (const h of helpers.values()) {
    const def = { name: h.name, fails: h.fatal, defaultParam: h.params.length >= 2 && (h.usesDefault || !h.fatal), evidence: ev(toks[h.readTok]!, 'helper') };
    def.evidence.pattern = shorten(rawOf(h.readTok, Math.min(h.readTok + 6, toks.length)));
    (out.scopedHelpers ??= []).push({ scope: `go:${dir}`, ...def });
    if (/^[A-Z]/.test(h.name) && pkgName) (out.scopedHelpers ??= []).push({ scope: `go-pkg:${pkgName}`, ...def });
  }
  for (let i = 1; i + 2 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '(' || helpers.has(t.value) || toks[i - 1]!.value === 'func') continue;
    // The key: a literal or a string constant of this file (`getenv(keyPort, "8080")`).
    const a0 = toks[i + 2]!;
    const nameArg = a0.type === 'string' ? a0.value : a0.type === 'name' ? consts.get(a0.value) : undefined;
    if (typeof nameArg !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(nameArg)) continue;
    const qualified = toks[i - 1]!.value === '.';
    if (qualified && (toks[i - 2]?.type !== 'name' || !/^[A-Z]/.test(t.value))) continue;
    const { args } = argsOf(i + 1);
    if (!args[0] || args[0][1] - args[0][0] !== 1) continue;
    const scope = qualified ? `go-pkg:${toks[i - 2]!.value}` : `go:${dir}`;
    const callee = qualified ? `${toks[i - 2]!.value}.${t.value}` : t.value;
    const call: NonNullable<ExtractResult['scopedHelperCalls']>[number] = {
      scope,
      name: t.value,
      nameArg,
      evidence: ev(qualified ? toks[i - 2]! : t, `${callee}(${args.map((a) => rawOf(a[0], a[1])).join(', ')})`),
    };
    if (args[1]) {
      const d = toks.slice(args[1][0], args[1][1]);
      call.defaultArg = d.length === 1 && d[0]!.type === 'string' ? d[0]!.value : shorten(rawOf(args[1][0], args[1][1]));
    }
    (out.scopedHelperCalls ??= []).push(call);
  }

  // Libraries: envconfig, caarlos0/env, urfave/cli, viper.
  extractGoLibs({ file: file.path, all, out, line: (t) => lines.line(t.start), consts });
}

export const goExtractor: Extractor = {
  id: 'go',
  quick: /Getenv|LookupEnv|Environ|ExpandEnv|envconfig|env:|EnvVar|BindEnv|AutomaticEnv|\*cli\.(?:Context|Command)\b/,
  matches: (path) => path.endsWith('.go'),
  extract: (file) => guarded('go', file, (out) => extractGo(file, out)),
};
