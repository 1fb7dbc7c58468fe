/**
 * Ruby methods that wrap an `ENV` read (issue 9, class 2), on the tokens of the ruby extractor:
 *
 *     def env_bool(name, default = "false")
 *       ENV.fetch(name, default) == "true"
 *     end
 *     config.force_ssl = env_bool("FORCE_SSL")            # → FORCE_SSL defaulted "false"
 *
 * A `def name(p[, q = d])` whose body (up to the `end` at its own indentation) reads `ENV[p]`
 * (optional) or `ENV.fetch(p)` (required) / `ENV.fetch(p, q)` (the call's argument for `q`,
 * else `q`'s default) is summarised; each call `name("X", …)` / `name "X"` in the file is a
 * read there with medium confidence, a computed name is unresolved, and the helper's own
 * computed-key read is resolved.
 */
import type { ContractRead, ExtractResult } from '../model.js';
import { argRanges, rangeText, staticString, type Tok } from './lexer.js';
import { shorten } from './util.js';

interface Helper {
  name: string;
  params: { name: string; def?: string }[];
  required: boolean;
  defParam?: number;
  readLine: number;
  line: number;
  start: number;
  end: number;
}

/** Returns the lines of helper reads now resolved at their calls (to drop their computed-key entries). */
export function rubyHelpers(file: string, text: string, toks: Tok[], out: ExtractResult, line: (t: Tok) => number): Set<number> {
  const helpers = new Map<string, Helper>();
  const resolved = new Set<number>();
  const col = (t: Tok): number => t.start - (text.lastIndexOf('\n', t.start - 1) + 1);
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.value !== 'def' || toks[i + 1]!.type !== 'name' || toks[i + 2]!.value !== '(') continue;
    const defLine = line(toks[i]!);
    const { args, close } = argRanges(toks, i + 2);
    const params = args.map(([a, b]) => {
      const eq = toks.slice(a, b).findIndex((t) => t.value === '=');
      const d = eq >= 0 ? staticString(toks, [a + eq + 1, b]) : undefined;
      return { name: toks[a]!.value, ...(d !== undefined ? { def: d } : {}) };
    });
    if (!params.length) continue;
    // The body ends at the first `end` whose column equals the def's.
    const defCol = col(toks[i]!);
    let end = close + 1;
    while (end < toks.length && !(toks[end]!.value === 'end' && col(toks[end]!) === defCol && line(toks[end]!) > defLine)) {
      if (toks[end]!.value === 'def' && col(toks[end]!) <= defCol) break;
      end++;
    }
    for (let k = close + 1; k < end; k++) {
      if (toks[k]!.value !== 'ENV' || toks[k - 1]?.value === '.') continue;
      let keyTok: Tok | undefined;
      let required = false;
      let defParam: number | undefined;
      if (toks[k + 1]?.value === '[' && toks[k + 3]?.value === ']') keyTok = toks[k + 2];
      else if (toks[k + 1]?.value === '.' && toks[k + 2]?.value === 'fetch' && toks[k + 3]?.value === '(') {
        const f = argRanges(toks, k + 3);
        if (f.args[0] && f.args[0][1] - f.args[0][0] === 1) keyTok = toks[f.args[0][0]];
        if (f.args[1] && f.args[1][1] - f.args[1][0] === 1) {
          const q = params.findIndex((p) => p.name === toks[f.args[1]![0]]!.value);
          if (q >= 0) defParam = q;
        }
        required = !f.args[1] && toks[f.close + 1]?.value !== '{' && toks[f.close + 1]?.value !== 'do';
      }
      if (!keyTok || params[0]!.name !== keyTok.value) continue;
      helpers.set(toks[i + 1]!.value, {
        name: toks[i + 1]!.value,
        params,
        required,
        ...(defParam !== undefined ? { defParam } : {}),
        readLine: line(toks[k]!),
        line: defLine,
        start: i,
        end,
      });
      break;
    }
  }
  if (!helpers.size) return resolved;
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i]!;
    const h = helpers.get(t.value);
    if (!h || t.type !== 'name' || toks[i - 1]!.value === 'def' || toks[i - 1]!.value === '.' || (i > h.start && i < h.end)) continue;
    let args: [number, number][];
    let close: number;
    if (toks[i + 1]?.value === '(') ({ args, close } = argRanges(toks, i + 1));
    else if (toks[i + 1]?.type === 'string' && line(toks[i + 1]!) === line(t)) {
      // env_bool "X", "d" (no parentheses): arguments up to the end of the line
      args = [];
      let s = i + 1;
      let k = i + 1;
      while (k < toks.length && line(toks[k]!) === line(t)) {
        if (toks[k]!.value === ',') {
          args.push([s, k]);
          s = k + 1;
        }
        k++;
      }
      if (k > s) args.push([s, k]);
      close = k - 1;
    } else continue;
    const pattern = shorten(rangeText(toks, [i, close + 1]));
    const evidence = { file, line: line(t), pattern };
    const name = staticString(toks, args[0]);
    resolved.add(h.readLine);
    if (!name) {
      out.unresolved.push({ evidence, reason: `computed key passed to ${h.name}()` });
      continue;
    }
    const read: ContractRead = { name, kind: h.required ? 'required' : 'optional', evidence, confidence: 'medium', note: `through helper ${h.name}() (line ${h.line})` };
    if (h.defParam !== undefined) {
      const a = args[h.defParam];
      const d = a ? staticString(toks, a) ?? shorten(rangeText(toks, a)) : h.params[h.defParam]!.def;
      if (d !== undefined && d !== 'nil') {
        read.kind = 'defaulted';
        read.default = d;
      }
    }
    out.reads.push(read);
  }
  return resolved;
}
