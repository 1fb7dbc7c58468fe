/**
 * Rust.
 *
 * - `env::var("X")` / `std::env::var("X")` / `env::var_os` / `dotenvy::var` followed by `?`,
 *   `.unwrap()`, `.expect(…)` → required (medium confidence outside main/startup-like fns);
 *   `.ok()`, `.is_ok()`, `if let Ok(..)`, `match` → optional; `.unwrap_or(d)`,
 *   `.unwrap_or_else(…)`, `.unwrap_or_default()` → defaulted (also after `.ok()` / `.map(…)`).
 * - `env!("X")` / `option_env!("X")` → build-time.
 * - clap `#[arg(env = "X")]` / `#[clap(env = "X")]` → optional (the flag may be passed instead),
 *   defaulted with `default_value = "…"` / `default_value_t = …`.
 * - String constants as keys are resolved; other computed keys and `env::vars()` → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, matchBracket, rangeText, staticString, type Tok } from './lexer.js';
import { guarded, LineIndex, shorten, STARTUP_FN } from './util.js';

const VAR_FNS = new Set(['var', 'var_os']);

function extractRust(file: SourceFile, out: ExtractResult): void {
  const toks = lex(file.text, { lineComments: ['//'], blockComments: [['/*', '*/']], nestedBlocks: true, quotes: ['"'], rustRaw: true, charQuote: "'" });
  const li = new LineIndex(file.text);
  const line = (t: Tok): number => li.line(t.start);
  const ev = (t: Tok, pattern: string) => ({ file: file.path, line: line(t), pattern: shorten(pattern) });
  const consts = new Map<string, string>();
  for (let i = 0; i + 5 < toks.length; i++) {
    // const NAME: &str = "X";
    if ((toks[i]!.value === 'const' || toks[i]!.value === 'static') && toks[i + 1]!.type === 'name' && toks[i + 2]!.value === ':') {
      let k = i + 3;
      while (k < toks.length && toks[k]!.value !== '=' && toks[k]!.value !== ';') k++;
      if (toks[k]?.value === '=' && toks[k + 1]?.type === 'string') consts.set(toks[i + 1]!.value, toks[k + 1]!.value);
    }
  }
  // fn ranges for the startup heuristic
  const fns: { name: string; start: number; end: number }[] = [];
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.value !== 'fn' || toks[i + 1]!.type !== 'name') continue;
    let k = i + 2;
    while (k < toks.length && toks[k]!.value !== '{' && toks[k]!.value !== ';') k++;
    if (toks[k]?.value === '{') fns.push({ name: toks[i + 1]!.value, start: k, end: matchBracket(toks, k) });
  }
  const fnAt = (k: number): string | undefined => {
    let best: (typeof fns)[number] | undefined;
    for (const f of fns) if (f.start < k && k < f.end && (!best || f.start > best.start)) best = f;
    return best?.name;
  };

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // env!("X") / option_env!("X")
    if ((t.value === 'env!' || t.value === 'option_env!') && toks[i + 1]?.value === '(') {
      const { args, close } = argRanges(toks, i + 1);
      const name = staticString(toks, args[0]);
      if (name) out.reads.push({ name, kind: 'build-time', evidence: ev(t, rangeText(toks, [i, close + 1])), confidence: 'high', note: `${t.value} is read when compiling` });
      continue;
    }
    // clap: #[arg(... env = "X" ...)]
    if (t.value === '#' && toks[i + 1]?.value === '[' && (toks[i + 2]?.value === 'arg' || toks[i + 2]?.value === 'clap') && toks[i + 3]?.value === '(') {
      const { args, close } = argRanges(toks, i + 3);
      let name: string | undefined;
      let def: string | undefined;
      let envTok: Tok | undefined;
      for (const a of args) {
        const key = toks[a[0]]!.value;
        if (toks[a[0] + 1]?.value !== '=') continue;
        const vr: [number, number] = [a[0] + 2, a[1]];
        if (key === 'env') {
          name = staticString(toks, vr);
          // `env = APP_DUMP_DIR` where `const APP_DUMP_DIR: &str = "APP_DUMP_DIR";`
          if (!name && vr[1] - vr[0] === 1 && consts.has(toks[vr[0]]!.value)) name = consts.get(toks[vr[0]]!.value);
          else if (!name && vr[1] > vr[0]) {
            out.unresolved.push({ evidence: ev(toks[a[0]]!, rangeText(toks, [a[0], a[1]])), reason: 'clap env name is not a string literal or a known constant' });
          }
          envTok = toks[a[0]];
        }
        if (key === 'default_value' || key === 'default_value_t' || key === 'default_values_t' || key === 'default_value_os_t' || key === 'default_values_os_t') def = staticString(toks, vr) ?? rangeText(toks, vr);
      }
      if (name && envTok) {
        const read: ContractRead = { name, kind: def !== undefined ? 'defaulted' : 'optional', evidence: ev(envTok, rangeText(toks, [i, close + 2])), confidence: 'high', note: 'clap argument: may also be passed on the command line' };
        if (def !== undefined) read.default = def;
        out.reads.push(read);
      }
      i = close;
      continue;
    }
    if (t.value === 'vars' && toks[i - 1]?.value === '::' && toks[i - 2]?.value === 'env' && toks[i + 1]?.value === '(') {
      out.unresolved.push({ evidence: ev(toks[i - 2]!, 'env::vars()'), reason: 'iteration over the whole environment (env::vars())' });
      continue;
    }
    if (!VAR_FNS.has(t.value) || toks[i - 1]?.value !== '::' || !['env', 'dotenvy', 'dotenv'].includes(toks[i - 2]?.value ?? '') || toks[i + 1]?.value !== '(') continue;
    let s = i - 2;
    if (toks[s - 1]?.value === '::' && toks[s - 2]?.value === 'std') s -= 2;
    const { args, close } = argRanges(toks, i + 1);
    const pattern = rangeText(toks, [s, close + 1]);
    let name = staticString(toks, args[0]);
    let confidence: 'high' | 'medium' = 'high';
    if (!name && args[0] && args[0][1] - args[0][0] === 1 && consts.has(toks[args[0][0]]!.value)) {
      name = consts.get(toks[args[0][0]]!.value);
      confidence = 'medium';
    }
    if (!name) {
      const h = keyHint(toks, args[0]);
      out.unresolved.push({ evidence: ev(toks[s]!, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
      continue;
    }
    const read: ContractRead = { name, kind: 'optional', evidence: ev(toks[s]!, pattern), confidence };
    // Follow the method chain until the end of the expression.
    let k = close + 1;
    for (let steps = 0; steps < 12 && k < toks.length; steps++) {
      const v = toks[k]!.value;
      if (v === '?') {
        read.kind = 'required';
        read.note = '`?` returns the error when unset';
        break;
      }
      if (v !== '.' || toks[k + 1]?.type !== 'name') break;
      const m = toks[k + 1]!.value;
      const callOpen = toks[k + 2]?.value === '(' ? k + 2 : -1;
      const callClose = callOpen >= 0 ? matchBracket(toks, callOpen) : k + 1;
      if (m === 'unwrap' || m === 'expect') {
        read.kind = 'required';
        read.note = `.${m}() panics when unset`;
        break;
      }
      if (m === 'unwrap_or' || m === 'unwrap_or_else' || m === 'unwrap_or_default' || m === 'map_or' || m === 'map_or_else') {
        read.kind = 'defaulted';
        const a = callOpen >= 0 ? argRanges(toks, callOpen).args[0] : undefined;
        // "8080".to_string() / "x".into() → the literal
        const lit = a && toks[a[0]]!.type === 'string' && (a[1] - a[0] === 1 || /^(?:to_string|into|to_owned|parse)$/.test(toks[a[0] + 2]?.value ?? '')) ? toks[a[0]]!.value : undefined;
        read.default = m === 'unwrap_or_default' ? '' : a ? lit ?? shorten(rangeText(toks, a)) : '';
        break;
      }
      if (m === 'is_ok' || m === 'is_err' || m === 'is_some' || m === 'is_none') break;
      k = callClose + 1;
    }
    if (read.kind === 'required') {
      const fn = fnAt(i);
      if (fn !== undefined && !STARTUP_FN.test(fn)) {
        read.confidence = 'medium';
        read.note += ` inside ${fn}(), which may not run at start`;
      }
    }
    out.reads.push(read);
  }
}

export const rustExtractor: Extractor = {
  id: 'rust',
  quick: /\benv\b|_env!|dotenv/,
  matches: (path) => path.endsWith('.rs'),
  extract: (file) => guarded('rust', file, (out) => extractRust(file, out)),
};
