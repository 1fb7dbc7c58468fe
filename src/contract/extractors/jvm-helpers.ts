/**
 * Java/Kotlin methods that wrap an environment read (issue 9, class 2), on the tokens of the
 * jvm extractor:
 *
 *     static String env(String key, String fallback) {          // or Kotlin
 *         String v = System.getenv(key);                         // fun env(key: String, d: String) =
 *         return v == null ? fallback : v;                       //     System.getenv(key) ?: d
 *     }
 *     String url = env("DATABASE_URL", "jdbc:h2:mem");           // → DATABASE_URL defaulted
 *     String key = EnvUtil.require("API_KEY");                   // → API_KEY required (it throws)
 *
 * A method whose first parameter is passed to `System.getenv` is summarised once
 * (`ScopedHelper`, scope `java:<Class>` with the class named like its file); calls
 * `name("X"[, d])` in its file and `Class.name("X"[, d])` anywhere are reads at the call,
 * joined in link.ts (a second parameter is the default; a method that throws, `error`s or
 * uses `!!` fails when unset). The method's own computed-key read is then resolved.
 */
import type { ExtractResult } from '../model.js';
import { argRanges, matchBracket, rangeText, staticString, type Tok } from './lexer.js';
import { basename, shorten } from './util.js';

const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'synchronized', 'return', 'new', 'when', 'try', 'super', 'this']);
const END_OF_EXPR = new Set(['fun', 'val', 'var', 'class', 'object', 'private', 'public', 'internal', 'override']);

export function jvmHelpers(file: string, toks: Tok[], out: ExtractResult, line: (t: Tok) => number): void {
  const cls = basename(file).replace(/\.(?:java|kt|kts)$/, '');
  const defs = new Set<string>();
  for (let i = 1; i + 1 < toks.length; i++) {
    const nameTok = toks[i]!;
    if (nameTok.type !== 'name' || toks[i + 1]!.value !== '(' || NOT_METHODS.has(nameTok.value) || toks[i - 1]!.value === '.') continue;
    const kotlin = toks[i - 1]!.value === 'fun';
    // Java: a return type before the name (`String env(`, `static <T> T get(`, `Optional<String> x(`).
    if (!kotlin && !(toks[i - 1]!.type === 'name' || toks[i - 1]!.value === '>' || toks[i - 1]!.value === ']')) continue;
    if (!kotlin && (toks[i - 1]!.value === 'new' || toks[i - 1]!.value === 'return' || toks[i - 1]!.value === 'throw')) continue;
    const { args, close } = argRanges(toks, i + 1);
    const params: string[] = [];
    for (const [a, b] of args) {
      const part = toks.slice(a, b);
      const colon = part.findIndex((t) => t.value === ':');
      const eq = part.findIndex((t) => t.value === '=');
      const upto = eq >= 0 ? part.slice(0, eq) : part;
      const n = kotlin || colon >= 0 ? part[0] : [...upto].reverse().find((t) => t.type === 'name');
      if (n?.type === 'name') params.push(n.value);
    }
    if (!params.length) continue;
    // Body: { … } (Java, Kotlin) or a Kotlin expression body `= …`.
    let b = close + 1;
    while (b < toks.length && b < close + 40 && toks[b]!.value !== '{' && toks[b]!.value !== ';' && !(kotlin && toks[b]!.value === '=')) b++;
    if (b >= toks.length || toks[b]!.value === ';' || b >= close + 40) continue;
    let end: number;
    if (toks[b]!.value === '{') end = matchBracket(toks, b);
    else {
      end = b + 1;
      let depth = 0;
      while (end < toks.length && end < b + 200) {
        const v = toks[end]!.value;
        if (v === '(' || v === '[' || v === '{') depth++;
        else if (v === ')' || v === ']' || v === '}') {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && END_OF_EXPR.has(v)) break;
        end++;
      }
    }
    let readAt = -1;
    for (let k = b; k < end; k++) {
      if (toks[k]!.value === 'getenv' && toks[k - 1]?.value === '.' && toks[k - 2]?.value === 'System' && toks[k + 1]?.value === '(' && toks[k + 2]?.value === params[0] && toks[k + 3]?.value === ')') {
        readAt = k - 2;
        break;
      }
    }
    if (readAt < 0) continue;
    const body = toks.slice(b, end);
    const fails = body.some((t) => t.value === 'throw' || t.value === '!!' || (t.value === 'error' && kotlin) || t.value === 'requireNonNull' || t.value === 'requireNotNull');
    (out.scopedHelpers ??= []).push({
      scope: `java:${cls}`,
      name: nameTok.value,
      fails,
      defaultParam: params.length >= 2 && body.some((t) => t.value === params[1]),
      evidence: { file, line: line(toks[readAt]!), pattern: shorten(rangeText(toks, [readAt, readAt + 6])) },
      sameFile: true,
    });
    defs.add(nameTok.value);
    i = b;
  }
  // Calls: name("X"[, d]) in this file (of a method defined here), Class.name("X"[, d]) anywhere.
  for (let i = 0; i + 2 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '(' || toks[i + 2]!.type !== 'string') continue;
    const qualified = toks[i - 1]?.value === '.';
    if (qualified ? !/^[A-Z]/.test(toks[i - 2]?.value ?? '') || toks[i - 2]!.type !== 'name' : !defs.has(t.value)) continue;
    if (!qualified && (toks[i - 1]?.value === 'fun' || toks[i - 1]?.type === 'name')) continue; // a definition
    const { args, close } = argRanges(toks, i + 1);
    const key = staticString(toks, args[0]);
    if (key === undefined || (qualified && !/^[A-Z][A-Z0-9_]*$/.test(key))) continue;
    const call: NonNullable<ExtractResult['scopedHelperCalls']>[number] = {
      scope: qualified ? `java:${toks[i - 2]!.value}` : `java:${cls}`,
      name: t.value,
      nameArg: key,
      evidence: { file, line: line(qualified ? toks[i - 2]! : t), pattern: shorten(rangeText(toks, [qualified ? i - 2 : i, close + 1])) },
    };
    if (args[1]) call.defaultArg = staticString(toks, args[1]) ?? shorten(rangeText(toks, args[1]));
    (out.scopedHelperCalls ??= []).push(call);
  }
}
