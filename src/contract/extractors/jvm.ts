/**
 * Java and Kotlin.
 *
 * - `System.getenv("X")` → optional; Kotlin `?: "d"` → defaulted, `?: throw …` / `?: error(…)`
 *   / `!!` → required; `requireNotNull(…)` / `checkNotNull(…)` / `Objects.requireNonNull(…)`
 *   around it → required; `Optional.ofNullable(…).orElse(d)` → defaulted, `.orElseThrow(…)` →
 *   required; `System.getenv().get("X")` / `.getOrDefault("X", d)`; a binding checked with
 *   `if (x == null …) throw` → required; string constants as keys are resolved.
 * - `@Value("${X}")` / `@Value("${X:d}")` → Spring placeholders (see spring.ts).
 * - `System.getenv()` as a whole, computed keys → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, matchBracket, rangeText, staticString, type Tok } from './lexer.js';
import { placeholderReads } from './spring.js';
import { guarded, LineIndex, shorten } from './util.js';

function extractJvm(file: SourceFile, out: ExtractResult): void {
  const toks = lex(file.text, { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"'], triple: true, charQuote: "'" });
  const li = new LineIndex(file.text);
  const line = (t: Tok): number => li.line(t.start);
  // String constants: static final String K = "X"; const val K = "X"
  const consts = new Map<string, string>();
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.type === 'name' && toks[i + 1]!.value === '=' && toks[i + 2]!.type === 'string' && !toks[i + 2]!.interpolated) {
      const prev = toks[i - 1]?.value;
      if (prev === 'String' || prev === 'val' || prev === 'var') consts.set(toks[i]!.value, toks[i + 2]!.value);
      // Kotlin: val K: String = "X"
      if (toks[i]!.value === 'String' && prev === ':' && toks[i - 2]?.type === 'name') consts.set(toks[i - 2]!.value, toks[i + 2]!.value);
    }
  }
  const isNullCheckThrow = (name: string, from: number): number | undefined => {
    // if (name == null [|| name.isEmpty()/isBlank()]) throw … / { throw … } / System.exit
    for (let k = from; k < Math.min(toks.length, from + 80); k++) {
      if (toks[k]!.value !== 'if' || toks[k + 1]?.value !== '(') continue;
      const close = matchBracket(toks, k + 1);
      const cond = toks.slice(k + 2, close).map((t) => t.value);
      const tests = (cond.includes(name) && (cond.includes('null') || cond.includes('isEmpty') || cond.includes('isBlank') || cond.includes('isNullOrBlank') || cond.includes('isNullOrEmpty')));
      if (!tests || cond.includes('!=') || cond.includes('&&')) continue;
      let b = close + 1;
      const bodyEnd = toks[b]?.value === '{' ? matchBracket(toks, b) : Math.min(toks.length, b + 30);
      for (; b < bodyEnd; b++) {
        const v = toks[b]!.value;
        if (v === 'throw' || v === 'error' || (v === 'exit' && toks[b - 2]?.value === 'System')) return line(toks[k]!);
        if (v === ';' && toks[close + 1]?.value !== '{') break;
      }
    }
    return undefined;
  };

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // @Value("${…}")
    if (t.value === '@Value' && toks[i + 1]?.value === '(') {
      const { args } = argRanges(toks, i + 1);
      for (const a of args) {
        const s = toks.slice(a[0], a[1]).find((x) => x.type === 'string');
        if (s) placeholderReads(s.value, file.path, line(s), out, { patternPrefix: '@Value ' });
      }
      continue;
    }
    if (t.value !== 'getenv' || toks[i - 1]?.value !== '.' || toks[i - 2]?.value !== 'System' || toks[i + 1]?.value !== '(') continue;
    const start = toks[i - 2]!;
    const { args, close } = argRanges(toks, i + 1);
    let name: string | undefined;
    let confidence: 'high' | 'medium' = 'high';
    let after = close + 1;
    let pattern = rangeText(toks, [i - 2, close + 1]);
    let mapDefault: string | undefined;
    if (args.length === 0) {
      // System.getenv().get("X") / .getOrDefault("X", d) / ["X"] (Kotlin)
      const m = toks[close + 2]?.value;
      if (toks[close + 1]?.value === '.' && (m === 'get' || m === 'getOrDefault') && toks[close + 3]?.value === '(') {
        const g = argRanges(toks, close + 3);
        name = staticString(toks, g.args[0]);
        if (m === 'getOrDefault' && g.args[1]) mapDefault = staticString(toks, g.args[1]) ?? rangeText(toks, g.args[1]);
        after = g.close + 1;
        pattern = rangeText(toks, [i - 2, g.close + 1]);
      } else if (toks[close + 1]?.value === '[') {
        const g = argRanges(toks, close + 1);
        name = staticString(toks, g.args[0]);
        after = g.close + 1;
        pattern = rangeText(toks, [i - 2, g.close + 1]);
      }
      if (!name) {
        out.unresolved.push({ evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, reason: 'System.getenv() map used as a whole' });
        continue;
      }
    } else {
      name = staticString(toks, args[0]);
      if (!name && args[0] && args[0][1] - args[0][0] === 1 && consts.has(toks[args[0][0]]!.value)) {
        name = consts.get(toks[args[0][0]]!.value);
        confidence = 'medium';
      }
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
    }
    const read: ContractRead = { name, kind: 'optional', evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, confidence };
    if (mapDefault !== undefined) {
      read.kind = 'defaulted';
      read.default = mapDefault;
    }
    const next = toks[after];
    const wrapper = [toks[i - 4]?.value, toks[i - 3]?.value];
    const opener = toks[i - 3]?.value === '(' ? toks[i - 4] : undefined;
    if (next?.value === '?:') {
      const n2 = toks[after + 1];
      if (n2?.value === 'throw' || n2?.value === 'error' || n2?.value === 'TODO') {
        read.kind = 'required';
        read.note = `?: ${n2.value} when unset`;
      } else if (n2?.type === 'string' || n2?.type === 'number') {
        read.kind = 'defaulted';
        read.default = n2.value;
      } else if (n2?.value === 'System' && toks[after + 3]?.value === 'getenv') {
        const inner = staticString(toks, argRanges(toks, after + 4).args[0]);
        if (inner) out.fallbacks.push({ names: [name, inner], evidence: read.evidence });
      } else if (n2) {
        read.kind = 'defaulted';
        read.default = shorten(n2.raw);
      }
    } else if (next?.value === '!!') {
      read.kind = 'required';
      read.note = '!! throws when unset';
    } else if (opener && ['requireNotNull', 'checkNotNull', 'requireNonNull'].includes(opener.value) && wrapper[1] === '(') {
      read.kind = 'required';
      read.note = `${opener.value}() throws when unset`;
    } else if (opener?.value === 'ofNullable') {
      // Optional.ofNullable(System.getenv("X")).orElse(d)
      const end = matchBracket(toks, i - 3);
      if (toks[end + 1]?.value === '.' && toks[end + 3]?.value === '(') {
        const m = toks[end + 2]!.value;
        const g = argRanges(toks, end + 3);
        if (m === 'orElse' || m === 'orElseGet') {
          const d = g.args[0] ? staticString(toks, g.args[0]) ?? rangeText(toks, g.args[0]) : undefined;
          if (d !== undefined && d !== 'null') {
            read.kind = 'defaulted';
            read.default = d;
          }
        } else if (m === 'orElseThrow' || m === 'get') {
          read.kind = 'required';
          read.note = `Optional.${m}() throws when unset`;
        }
      }
    } else {
      // binding: String x = System.getenv("X"); if (x == null) throw …
      const eq = toks[i - 3];
      const bound = eq?.value === '=' ? toks[i - 4] : undefined;
      if (bound?.type === 'name') {
        const at = isNullCheckThrow(bound.value, after);
        if (at !== undefined) {
          read.kind = 'required';
          read.note = `explicit check fails when unset (line ${at})`;
        }
      }
    }
    out.reads.push(read);
  }
}

export const jvmExtractor: Extractor = {
  id: 'jvm',
  quick: /getenv|@Value/,
  matches: (path) => /\.(?:java|kt|kts)$/.test(path),
  extract: (file) => guarded('jvm', file, (out) => extractJvm(file, out)),
};
