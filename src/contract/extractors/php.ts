/**
 * PHP.
 *
 * - `getenv('X')`, `$_ENV['X']`, `$_SERVER['X']` → optional; `?: 'd'` / `?? 'd'` → defaulted.
 * - Laravel `env('X')` → optional, `env('X', d)` → defaulted (`null` → optional).
 * - A name held in a constant of the file (`getenv(self::KEY)`, `env(Config::KEY)`, a
 *   `define('KEY', 'X')`d `KEY`) → read with medium confidence.
 * - A backed enum of variable names read through its own value (`enum EnvVars: string { case X =
 *   'X'; function loadFromEnv() { return env($this->value); } }`): every case is a read, and
 *   each call `EnvVars::X->loadFromEnv()` (or of a method of the enum calling it) in any file of
 *   the app is a read at the call (pending reads joined by `link.ts`).
 * - Computed keys, `getenv()` without arguments, `$_ENV` as a whole → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, rangeText, staticString, type Tok } from './lexer.js';
import { guarded, LineIndex, shorten } from './util.js';

function extractPhp(file: SourceFile, out: ExtractResult): void {
  const toks = lex(file.text, { lineComments: ['//', '#'], blockComments: [['/*', '*/']], quotes: ['"', "'"], phpHeredoc: true });
  const li = new LineIndex(file.text);
  const line = (t: Tok): number => li.line(t.start);
  const ev = (t: Tok, pattern: string) => ({ file: file.path, line: line(t), pattern: shorten(pattern) });
  const tail = (read: ContractRead, after: number): void => {
    const op = toks[after]?.value;
    if (op !== '?:' && op !== '??' && !(op === '?' && toks[after + 1]?.value === ':')) return;
    const d = toks[op === '?' ? after + 2 : after + 1];
    if (!d || d.value === 'null') return;
    if (d.value === 'throw') {
      read.kind = 'required';
      read.note = 'throws when unset';
      return;
    }
    read.kind = 'defaulted';
    read.default = d.type === 'string' || d.type === 'number' ? d.value : shorten(d.raw);
  };
  // Names held in constants: class `const KEY = 'X';`, `define('KEY', 'X')`; a name defined
  // twice with different values is ambiguous.
  const consts = new Map<string, string | null>();
  const putConst = (k: string, v: string): void => {
    const had = consts.get(k);
    consts.set(k, had === undefined || had === v ? v : null);
  };
  for (let i = 0; i + 3 < toks.length; i++) {
    if (toks[i]!.value === 'const' && toks[i + 1]!.type === 'name' && toks[i + 2]!.value === '=' && toks[i + 3]!.type === 'string' && !toks[i + 3]!.interpolated && toks[i + 4]?.value === ';') putConst(toks[i + 1]!.value, toks[i + 3]!.value);
    else if (toks[i]!.value === 'define' && toks[i + 1]!.value === '(' && toks[i + 2]!.type === 'string' && toks[i + 3]!.value === ',' && toks[i + 4]?.type === 'string' && toks[i + 5]?.value === ')') putConst(toks[i + 2]!.value, toks[i + 4]!.value);
  }
  /** `self::KEY` / `static::KEY` / `Cls::KEY` / `KEY` → the constant's value. */
  const constKey = (r: [number, number] | undefined): string | undefined => {
    if (!r) return undefined;
    const n = r[1] - r[0];
    const last = toks[r[1] - 1]!;
    if (last.type !== 'name' || !(n === 1 || (n === 3 && toks[r[0] + 1]!.value === '::' && toks[r[0]]!.type === 'name'))) return undefined;
    if (n === 1 && last.value.startsWith('$')) return undefined;
    if (n === 3 && !['self', 'static'].includes(toks[r[0]]!.value) && !new RegExp(`\\b(?:class|interface|enum)\\s+${toks[r[0]]!.value.replace(/\$/g, '\\$')}\\b`).test(file.text)) return undefined;
    const v = consts.get(last.value);
    return typeof v === 'string' ? v : undefined;
  };
  let enumDone = false;
  const ownEnum = /\benum\s+([A-Za-z_]\w*)\s*:\s*string\b/.exec(file.text)?.[1];
  for (let i = 0; i + 5 < toks.length; i++) {
    // `EnvVars::X->loadFromEnv()`: a read at the call when the enum reads env($this->value) there.
    if (toks[i + 1]!.value !== '::' || toks[i + 3]!.value !== '->' || toks[i + 5]!.value !== '(' || toks[i]!.type !== 'name' || toks[i + 2]!.type !== 'name' || toks[i + 4]!.type !== 'name') continue;
    const cls = ['self', 'static'].includes(toks[i]!.value) ? ownEnum : toks[i]!.value.replace(/^.*\\/, '');
    const cs = toks[i + 2]!.value;
    if (!cls || !/^[A-Z][A-Z0-9_]*$/.test(cs)) continue;
    const method = toks[i + 4]!.value;
    const pattern = `${toks[i]!.value}::${cs}->${method}()`;
    (out.pending ??= []).push({ key: `php-enum:${cls}::${method}::${cs}`, reads: [{ name: cs, kind: 'optional', evidence: ev(toks[i]!, pattern), confidence: 'medium', note: `read through ${cls}::${cs}->${method}()` }] });
  }
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = toks[i - 1]?.value;
    if ((t.value === 'getenv' || t.value === 'env') && toks[i + 1]?.value === '(' && prev !== '->' && prev !== '::' && prev !== 'function' && prev !== '$') {
      const { args, close } = argRanges(toks, i + 1);
      const pattern = rangeText(toks, [i, close + 1]);
      if (args.length === 0) {
        if (t.value === 'getenv') out.unresolved.push({ evidence: ev(t, pattern), reason: 'getenv() without a name reads the whole environment' });
        continue;
      }
      const via = staticString(toks, args[0]) === undefined ? constKey(args[0]) : undefined;
      const name = staticString(toks, args[0]) ?? via;
      if (!name) {
        // env($this->value) inside `enum EnvVars: string { case X = 'X'; … }`: every case is a read.
        if (enumDone && isThisValue(toks, args[0])) continue;
        if (enumEnvCases(toks, args[0], out, ev)) {
          enumDone = true;
          continue;
        }
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
      const read: ContractRead = { name, kind: 'optional', evidence: ev(t, pattern), confidence: via ? 'medium' : 'high', ...(via ? { note: `name held in the constant ${rangeText(toks, args[0]!)}` } : {}) };
      if (t.value === 'env' && args[1]) {
        const d = staticString(toks, args[1]) ?? rangeText(toks, args[1]);
        if (d !== 'null') {
          read.kind = 'defaulted';
          read.default = d;
        }
      }
      tail(read, close + 1);
      out.reads.push(read);
      continue;
    }
    if ((t.value === '$_ENV' || t.value === '$_SERVER') && t.type === 'name') {
      if (toks[i + 1]?.value !== '[') {
        if (t.value === '$_ENV') out.unresolved.push({ evidence: ev(t, t.value), reason: '$_ENV used as a whole' });
        continue;
      }
      const { args, close } = argRanges(toks, i + 1);
      const pattern = rangeText(toks, [i, close + 1]);
      if (toks[close + 1]?.value === '=' && toks[close + 2]?.value !== '=') continue; // write
      const name = staticString(toks, args[0]);
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
      // $_SERVER also holds request data: only names that are not the web server's own.
      if (t.value === '$_SERVER' && /^(?:HTTP_|REQUEST_|SERVER_|REMOTE_|SCRIPT_|PHP_|DOCUMENT_|CONTENT_|GATEWAY_|QUERY_STRING$|PATH_INFO$|PATH_TRANSLATED$|ORIG_PATH_INFO$|HTTPS$|argv$|argc$|REDIRECT_)/.test(name)) continue;
      const read: ContractRead = { name, kind: 'optional', evidence: ev(t, pattern), confidence: t.value === '$_SERVER' ? 'medium' : 'high' };
      tail(read, close + 1);
      out.reads.push(read);
    }
  }
}

function isThisValue(toks: Tok[], arg: [number, number] | undefined): boolean {
  return !!arg && arg[1] - arg[0] === 3 && toks[arg[0]]!.value === '$this' && toks[arg[0] + 1]!.value === '->' && toks[arg[0] + 2]!.value === 'value';
}

/** The name of the function whose body holds token `at` (the nearest `function NAME` before it). */
function functionAt(toks: Tok[], at: number): string | undefined {
  for (let k = at; k >= 1; k--) if (toks[k - 1]!.value === 'function' && toks[k]!.type === 'name') return toks[k]!.value;
  return undefined;
}

/**
 * A backed enum of variable names read through its own value (shlink's
 * `enum EnvVars: string { case DEFAULT_DOMAIN = 'DEFAULT_DOMAIN'; … loadFromEnv() { return env($this->value) … } }`):
 * the cases are the names. Optional, medium confidence (a default may come from the enum's own
 * default table). True when the argument was `$this->value` inside such an enum.
 */
function enumEnvCases(toks: Tok[], arg: [number, number] | undefined, out: ExtractResult, ev: (t: Tok, p: string) => { file: string; line: number; pattern: string }): boolean {
  if (!isThisValue(toks, arg)) return false;
  let e = -1;
  for (let k = arg![0]; k >= 0; k--) if (toks[k]!.value === 'enum' && toks[k + 1]?.type === 'name') e = k;
  if (e < 0) return false;
  let found = false;
  // The methods that read: the one calling env($this->value), and those calling it on $this.
  const reader = functionAt(toks, arg![0]);
  const methods = new Set(reader ? [reader] : []);
  if (reader) for (let k = e; k + 3 < toks.length; k++) if (toks[k]!.value === '$this' && toks[k + 1]!.value === '->' && toks[k + 2]!.value === reader && toks[k + 3]!.value === '(') {
    const m = functionAt(toks, k);
    if (m) methods.add(m);
  }
  for (let k = e; k + 3 < toks.length; k++) {
    if (toks[k]!.value !== 'case' || toks[k + 1]!.type !== 'name' || toks[k + 2]!.value !== '=' || toks[k + 3]!.type !== 'string') continue;
    const name = toks[k + 3]!.value;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    found = true;
    // A call `Enum::CASE->method()` elsewhere reads the case's value (when the case is named after it).
    if (toks[k + 1]!.value === name) for (const m of methods) (out.applies ??= []).push({ key: `php-enum:${toks[e + 1]!.value}::${m}::${name}`, evidence: ev(toks[k]!, `case ${name}`), by: `enum ${toks[e + 1]!.value}::${m}()` });
    out.reads.push({ name, kind: 'optional', evidence: ev(toks[k]!, `case ${toks[k + 1]!.value} = '${name}' (read through env($this->value))`), confidence: 'medium', note: `enum ${toks[e + 1]!.value}: each case names a variable it reads` });
  }
  return found;
}

export const phpExtractor: Extractor = {
  id: 'php',
  quick: /getenv|\$_ENV|\$_SERVER|\benv\s*\(|::[A-Z][A-Z0-9_]*->\w+\(/,
  matches: (path) => path.endsWith('.php'),
  extract: (file) => guarded('php', file, (out) => extractPhp(file, out)),
};
