/**
 * One setting, several names (issue 9 class 4), for the languages whose extractor does not
 * record fallback chains itself: a language-neutral pass over the reads of each line and the
 * text between them.
 *
 * - On one line, two reads of different names joined by a fallback: `A ?? B`, `A ?: B`,
 *   `A || B`, `A or B`, Go `cmp.Or(A, B)`, Rust `A.or_else(|_| B)` / `.or(B)`, a read as the
 *   default argument of another (`env('A', env('B'))`, `ENV.fetch("A", ENV["B"])`,
 *   `os.environ.get("A", os.environ.get("B"))`), a Ruby fetch block (`ENV.fetch("A") { ENV["B"] }`).
 * - Over two statements: `v := os.Getenv("A")` then `if v == "" { v = os.Getenv("B") }` (Go),
 *   `x = os.getenv("A")` then `if not x: x = os.getenv("B")` / `if x is None:` (Python).
 *
 * Each chain becomes a `FallbackChain` (aliases, honoured renames in compare.ts). When the first
 * name of a chain is `required` (Rust `.unwrap()` on the whole chain), the need is "one of the
 * names": the reads become optional with `requiredOneOf`, so that a deployment providing only
 * the old name gets no missing-key error.
 */
import type { ContractRead, FallbackChain, SourceFile } from './model.js';

const NAME_LIT = (n: string) => new RegExp(`(["'\`:])${n}\\1?(?![A-Za-z0-9_])`, 'g');

/**
 * The text between two reads on one line is a fallback connector. `between` runs from the end
 * of the first name's literal to the start of the second's; `before` is the line up to and
 * including the first literal's opening quote.
 */
function isConnector(between: string, before: string): boolean {
  // A separate statement, a comparison, a negation, arithmetic or concatenation: no fallback.
  if (/;|(?<![=!<>?:])=(?!=)|==|!=|&&|\band\b|\bnot\b|\bis\b|\bnull\b|\bnil\b|\bNone\b|\bempty\b|isset|!\s*[\w$(]|\+|\bif\b|\bthen\b/.test(between)) return false;
  if (/\?\?|\?:|\|\||\bor\b|\.or_else\s*\(|\.or\s*\(|\.unwrap_or_else\s*\(/.test(between)) return true;
  const opened = /(?:\bfetch|\benv|\bget|\bgetenv|\bgetEnv|\bGetEnv|\bGetOrDefault)\s*\(\s*["']$/.test(before);
  // `ENV.fetch("A") { ENV["B"] }`: a block that supplies the value.
  if (/^["']?\s*\)\s*\{\s*(?:\|[^|]*\|\s*)?(?:ENV\s*\[\s*)?$/.test(between)) return /\bfetch\s*\(\s*["']$/.test(before);
  // A default argument of the first read's own call: `env('A', env('B'))`.
  if (/^["']?\s*,/.test(between)) return opened;
  // `cmp.Or(os.Getenv("A"), os.Getenv("B"))`: a first-non-empty helper around both.
  if (/^["']?\s*\)\s*,/.test(between)) return /\b(?:cmp\.Or|[Cc]oalesce|[Ff]irst[Nn]on[Ee]mpty|[Ff]irst[Ss]et)\s*\(\s*[\w.:]+\(\s*["']$/.test(before);
  return false;
}

export function inferFallbacks(files: SourceFile[], reads: ContractRead[], known: FallbackChain[]): { chains: FallbackChain[]; oneOf: number } {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const have = new Set(known.map((k) => `${k.evidence.file}:${k.evidence.line}`));
  const haveNames = new Set(known.map((k) => `${k.evidence.file}|${k.names.join(',')}`));
  const byLine = new Map<string, ContractRead[]>();
  for (const r of reads) {
    if (r.declaration || r.kind === 'build-time') continue;
    const k = `${r.evidence.file}:${r.evidence.line}`;
    const l = byLine.get(k) ?? [];
    l.push(r);
    byLine.set(k, l);
  }
  const chains: FallbackChain[] = [];
  let oneOf = 0;
  const split = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    const t = texts.get(file);
    if (t === undefined) return undefined;
    let l = split.get(file);
    if (!l) split.set(file, (l = t.split('\n')));
    return l;
  };
  const add = (names: string[], rs: ContractRead[], file: string, line: number, pattern: string) => {
    if (haveNames.has(`${file}|${names.join(',')}`)) return;
    haveNames.add(`${file}|${names.join(',')}`);
    chains.push({ names, evidence: { file, line, pattern } });
    // The chain as a whole is required: one of its names must be set.
    if (rs[0]!.kind === 'required' && rs.slice(1).every((r) => r.kind !== 'required' && r.kind !== 'defaulted')) {
      for (const r of rs) {
        r.kind = 'optional';
        r.requiredOneOf = [...names];
        r.note = `at least one of ${names.join(', ')} is required (fallback chain, line ${line})${r.note ? `; ${r.note}` : ''}`;
      }
      oneOf++;
    }
  };
  for (const [key, rs] of byLine) {
    if (have.has(key)) continue;
    const names = [...new Set(rs.map((r) => r.name))];
    if (names.length < 2) continue;
    const file = rs[0]!.evidence.file;
    const lineNo = rs[0]!.evidence.line;
    const text = linesOf(file)?.[lineNo - 1];
    if (text === undefined) continue;
    // Each name's first literal on the line, in order.
    const pos: { name: string; at: number; end: number }[] = [];
    for (const n of names) {
      const m = NAME_LIT(n).exec(text);
      if (m) pos.push({ name: n, at: m.index, end: m.index + m[0].length });
    }
    pos.sort((a, b) => a.at - b.at);
    const chain: string[] = [];
    for (let i = 0; i + 1 < pos.length; i++) {
      const between = text.slice(pos[i]!.end, pos[i + 1]!.at);
      if (!isConnector(between, text.slice(0, pos[i]!.at + 1))) {
        if (chain.length) break;
        continue;
      }
      if (!chain.length) chain.push(pos[i]!.name);
      chain.push(pos[i + 1]!.name);
    }
    if (chain.length < 2) continue;
    add(chain, chain.map((n) => rs.find((r) => r.name === n)!), file, lineNo, text.trim().slice(0, 80));
  }
  // Two statements: a value read again from another name when the first is unset.
  for (const f of files) {
    const go = f.path.endsWith('.go');
    const py = /\.pyw?$/.test(f.path);
    if (!go && !py) continue;
    const re = go
      ? /(\w+)\s*:?=\s*os\.Getenv\(\s*"([A-Za-z_][\w.-]*)"\s*\)[ \t]*\r?\n\s*if\s+\1\s*==\s*""\s*\{\s*\r?\n\s*\1\s*=\s*os\.Getenv\(\s*"([A-Za-z_][\w.-]*)"\s*\)/g
      : /(\w+)\s*=\s*os\.(?:getenv|environ\.get)\(\s*["']([A-Za-z_][\w.-]*)["']\s*\)[ \t]*\r?\n\s*if\s+(?:not\s+\1|\1\s+is\s+None)\s*:\s*\r?\n?\s*\1\s*=\s*os\.(?:getenv|environ\.get)\(\s*["']([A-Za-z_][\w.-]*)["']/g;
    for (const m of f.text.matchAll(re)) {
      const a = m[2]!;
      const b = m[3]!;
      if (a === b) continue;
      const line = f.text.slice(0, m.index).split('\n').length;
      const ra = reads.find((r) => r.evidence.file === f.path && r.name === a && r.evidence.line === line);
      const rb = reads.find((r) => r.evidence.file === f.path && r.name === b && r.evidence.line > line && r.evidence.line <= line + 3);
      if (!ra || !rb) continue;
      add([a, b], [ra, rb], f.path, line, `${m[1]} = ${a}, else ${b}`);
    }
  }
  return { chains, oneOf };
}
