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
 * - Within one function, one setting read under two names (`precedence`): a value derived
 *   from a read of A, then overridden when B is set — `$m = f(getenv('A')); $b = getenv('B');
 *   if ($b !== null) { $m = g($b); }`, `mode = os.getenv("B", mode)`, `x = ENV["B"] if ENV["B"]`,
 *   `if v, ok := os.LookupEnv("B"); ok { x = v }` — or B read first and A read when B is unset
 *   (`$b = getenv('B'); if ($b === false) { $b = getenv('A'); }`). B is the setting's name,
 *   A its other (often deprecated) name: the chain `B → A`.
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
  for (const c of precedenceChains(files, reads)) {
    const ra = reads.find((r) => r.evidence.file === c.file && r.name === c.names[0] && r.evidence.line === c.lines[0]);
    const rb = reads.find((r) => r.evidence.file === c.file && r.name === c.names[1] && r.evidence.line === c.lines[1]);
    if (ra && rb) add(c.names, [ra, rb], c.file, c.line, c.pattern);
  }
  return { chains, oneOf };
}

// ---------------------------------------------------------------------------------------------
// One setting under two names within one function (precedence / fallback over statements).

/** A line that starts a function (or method): reads on both sides of it are not one function. */
const FUNCTION_START = /^\s*(?:(?:public|private|protected|static|async|export|final|abstract|override|pub(?:\([^)]*\))?|internal|suspend)\s+)*(?:function\b|def\s|func\s|fn\s|fun\s|sub\s)/;
/** `x = …`, `$x = …`, `let x = …`, `x := …`, `String x = …`, `self.x = …`, `$this->x = …` (not `==`, `=>`, `!=`, `<=`, `>=`). */
const ASSIGN = /^\s*(?:(?:const|let|var|my|local|final|val|auto|readonly)\s+)?(?:[A-Za-z_][\w<>[\],.?]*\s+(?=[$A-Za-z_][\w$]*(?:(?:\.|->)\w+)*\s*(?::=|=)(?!=)))?([$@]?[A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*)*)\s*(?::=|(?<![=!<>+\-*/%&|^.?])=(?![=>]))/;
const esc = (s: string) => s.replace(/[$.*+?()[\]{}|^\\]/g, '\\$&');
const mentions = (text: string, v: string) => new RegExp(`(?<![\\w$])${esc(v)}(?![\\w])`).test(text);

/** The condition of an `if` / `elif` / `elsif` / `unless` line, or of a postfix `… if cond`. */
function conditionOf(text: string): { cond: string; negated: boolean } | undefined {
  const m = /^\s*(?:\}\s*)?(?:else\s*)?(if|elif|elsif|elseif|else\s+if|unless)\b\s*(.*)$/.exec(text);
  if (m) return { cond: m[2]!, negated: m[1] === 'unless' };
  const post = /\s(if|unless)\s+(.+)$/.exec(text);
  if (post && ASSIGN.test(text)) return { cond: post[2]!, negated: post[1] === 'unless' };
  return undefined;
}

/** How a condition tests `v` (a variable, or a read's own text): set, unset, or neither. */
function testOf(cond: string, v: string): 'set' | 'unset' | undefined {
  if (!mentions(cond, v)) return undefined;
  const e = esc(v);
  const unset = new RegExp(
    `(?:!\\s*(?:\\(\\s*)?${e}(?![\\w(])|\\bnot\\s+${e}\\b|\\b(?:empty|is_null|blank\\?|isEmpty|IsNullOrEmpty|IsNullOrWhiteSpace)\\s*\\(\\s*${e}|${e}\\s*(?:===?|==)\\s*(?:null|nil|None|undefined|false|""|'')|${e}\\s+is\\s+None|${e}\\.(?:nil\\?|blank\\?|empty\\?|isEmpty\\(\\)|is_empty\\(\\)|is_none\\(\\))|(?:null|nil|None|undefined|""|'')\\s*===?\\s*${e})`,
  );
  if (unset.test(cond)) return 'unset';
  if (/&&|\|\||\band\b|\bor\b/.test(cond.replace(new RegExp(e, 'g'), 'V')) && !/;\s*ok\b/.test(cond)) return undefined; // more than one test: not a plain switch on v
  return 'set';
}

interface PrecedenceChain {
  names: [string, string];
  /** Lines of the reads of names[0] and names[1]. */
  lines: [number, number];
  file: string;
  line: number;
  pattern: string;
}

/**
 * Chains `B → A` of one function: reads of two names that feed one variable, B winning when set
 * (or A used only when B is unset). Each read stands alone on its line (a line reading two
 * names is the one-line pass's). Window: 12 lines, never across a function start.
 */
export function precedenceChains(files: SourceFile[], reads: ContractRead[]): PrecedenceChain[] {
  const out: PrecedenceChain[] = [];
  const byFile = new Map<string, ContractRead[]>();
  for (const r of reads) {
    if (r.declaration || r.kind === 'build-time') continue;
    const l = byFile.get(r.evidence.file) ?? [];
    l.push(r);
    byFile.set(r.evidence.file, l);
  }
  const WINDOW = 12;
  for (const f of files) {
    const rs = byFile.get(f.path);
    if (!rs || rs.length < 2) continue;
    const lines = f.text.split('\n');
    const at = new Map<number, Set<string>>();
    for (const r of rs) at.set(r.evidence.line, new Set([...(at.get(r.evidence.line) ?? []), r.name]));
    const single = [...at].filter(([, ns]) => ns.size === 1).map(([ln, ns]) => ({ line: ln, name: [...ns][0]! })).sort((a, b) => a.line - b.line);
    const text = (ln: number) => lines[ln - 1] ?? '';
    const sameFunction = (from: number, to: number) => {
      for (let k = from + 1; k <= to; k++) if (FUNCTION_START.test(text(k))) return false;
      return true;
    };
    const bound = (ln: number) => ASSIGN.exec(text(ln))?.[1];
    /** Variables holding A's value: its binding and what the next lines compute from it. */
    const targetsOf = (ln: number): Set<string> => {
      const t = new Set<string>();
      const v = bound(ln);
      if (!v) return t;
      t.add(v);
      for (let k = ln + 1; k <= ln + 3 && k <= lines.length; k++) {
        const w = bound(k);
        if (w && w !== v && mentions(text(k).slice(text(k).indexOf('=') + 1), v) && !at.has(k)) t.add(w);
      }
      return t;
    };
    /** Lines of the block an `if` on line `ln` opens (indented below it, or up to its closing brace). */
    const blockOf = (ln: number): number[] => {
      const head = text(ln);
      const ind = /^\s*/.exec(head)![0].length;
      const body: number[] = [];
      for (let k = ln + 1; k <= ln + 5 && k <= lines.length; k++) {
        const t = text(k);
        if (!t.trim() || /^\s*\{\s*$/.test(t)) continue;
        if (/^\s*(?:\}|end\b|fi\b|else\b|elif\b|elsif\b)/.test(t) || /^\s*/.exec(t)![0].length <= ind) break;
        body.push(k);
      }
      return body;
    };
    const seen = new Set<string>();
    const push = (a: { line: number; name: string }, b: { line: number; name: string }, line: number, pattern: string) => {
      const k = `${b.name}|${a.name}`;
      if (seen.has(k)) return;
      seen.add(k);
      out.push({ names: [b.name, a.name], lines: [b.line, a.line], file: f.path, line, pattern: shorten(pattern) });
    };
    for (let i = 0; i < single.length; i++) {
      const a = single[i]!;
      const targets = targetsOf(a.line);
      for (let j = i + 1; j < single.length; j++) {
        const b = single[j]!;
        if (b.line - a.line > WINDOW) break;
        if (b.name === a.name || !sameFunction(a.line, b.line)) continue;
        const bText = text(b.line);
        const bVar = bound(b.line);
        // B overrides A's value when set.
        if (targets.size) {
          // `mode = getenv("B", mode)`, `$mode = getenv('B') ?: $mode`, `mode = ENV["B"] if ENV["B"]`.
          if (bVar && targets.has(bVar)) {
            const rhs = bText.slice(bText.indexOf('=') + 1);
            const post = conditionOf(bText);
            const defaultsToA = [...targets].some((t) => mentions(rhs.replace(/\s(?:if|unless)\s.*$/, ''), t));
            const whenSet = !!post && !post.negated && testOf(post.cond, b.name) === 'set';
            if (defaultsToA || whenSet) {
              push(a, b, b.line, bText.trim());
              continue;
            }
          }
          // `$b = getenv('B'); if ($b !== null) { $mode = … }`, or the read in the condition itself
          // (`if v, ok := os.LookupEnv("B"); ok { mode = v }`, `if (getenv('B')) { $mode = … }`).
          const condLines = conditionOf(bText) ? [b.line] : [b.line + 1, b.line + 2].filter((k) => conditionOf(text(k)));
          for (const cl of condLines.slice(0, 1)) {
            const c = conditionOf(text(cl))!;
            if (c.negated) continue;
            const onB = cl === b.line ? (/;\s*ok\b/.test(c.cond) ? 'set' : testOf(c.cond, b.name)) : bVar ? testOf(c.cond, bVar) : undefined;
            if (onB !== 'set') continue;
            // The override must carry B's value (`$m = g($b)`, `m = v`): a literal put in when B is
            // set (`if os.getenv("VERBOSE"): level = "debug"`) is another setting switching A's value.
            const bValue = bVar ?? /^\s*if\s+([$A-Za-z_]\w*)\s*(?:,\s*\w+\s*)?:?=/.exec(text(cl))?.[1];
            const carriesB = (k: number) => !!bValue && mentions(text(k).slice(text(k).indexOf('=') + 1), bValue);
            if (blockOf(cl).some((k) => targets.has(bound(k) ?? '') && bound(k) !== bVar && !at.has(k) && carriesB(k))) push(a, b, cl, `${text(cl).trim()} (${b.name} over ${a.name})`);
          }
        }
      }
      // A read when B is unset: `$b = getenv('B'); if ($b === false) { $b = getenv('A'); }`.
      const aVar = bound(a.line);
      if (!aVar) continue;
      for (const cl of [a.line + 1, a.line + 2]) {
        const c = conditionOf(text(cl));
        if (!c || c.negated || testOf(c.cond, aVar) !== 'unset') continue;
        for (const k of blockOf(cl)) {
          const other = single.find((s) => s.line === k && s.name !== a.name);
          if (other && bound(k) === aVar) push(other, a, cl, `${text(cl).trim()} (${other.name} when ${a.name} is unset)`);
        }
        break;
      }
    }
  }
  return out;
}

function shorten(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
