/**
 * Ruby.
 *
 * - `ENV["X"]` → optional; `ENV["X"] || "d"` / `ENV["X"] ||= "d"` → defaulted;
 * - `ENV.fetch("X")` → required (KeyError); `ENV.fetch("X", d)` / `ENV.fetch("X") { d }` →
 *   defaulted (`nil` default → optional); a block that raises → required;
 * - `ENV.key?("X")` / `has_key?` / `include?` / `member?` → optional;
 * - `Dotenv.require_keys("A", "B")` → required;
 * - `ENV[KEY]` / `ENV.fetch(KEY)` with `KEY = "X"` (`.freeze`) a constant of the file → a read
 *   of X (medium confidence);
 * - code inside `"#{…}"` interpolation is read too; methods wrapping a read (`def env_bool(name,
 *   default = "false")`) are followed to their calls (ruby-helpers.ts); Rails `config/*.yml`
 *   ERB tags are Ruby (rails-erb.ts);
 * - `ENV[name]`, `ENV.to_h`, `ENV.each`, `ENV` passed around → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, matchBracket, rangeText, staticString, type Tok } from './lexer.js';
import { basename, guarded, LineIndex, shorten } from './util.js';
import { erbRuby, isRailsErbConfig, markErbReads } from './rails-erb.js';
import { rubyHelpers } from './ruby-helpers.js';

/**
 * Ruby inside `#{…}` of the double-quoted strings (and interpolating heredocs) of `toks`, at its
 * own offsets in a text of the same length (everything else blanked, newlines kept); undefined
 * when there is none.
 */
function interpolations(text: string, toks: Tok[]): string | undefined {
  let out: string[] | undefined;
  for (const t of toks) {
    if (t.type !== 'string' || !t.interpolated || t.raw.startsWith("'")) continue;
    const body = t.raw;
    for (let k = 0; k < body.length; k++) {
      if (body[k] === '\\') {
        k++;
        continue;
      }
      if (body[k] !== '#' || body[k + 1] !== '{') continue;
      let depth = 1;
      let e = k + 2;
      let q: string | undefined;
      for (; e < body.length; e++) {
        const c = body[e]!;
        if (q) {
          if (c === '\\') e++;
          else if (c === q) q = undefined;
          continue;
        }
        if (c === '"' || c === "'") q = c;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) break;
      }
      out ??= text.replace(/[^\n]/g, ' ').split('');
      for (let m = k + 2; m < e && m < body.length; m++) out[t.start + m] = body[m]!;
      k = e;
    }
  }
  return out?.join('');
}

function extractRuby(file: SourceFile, out: ExtractResult): void {
  const li = new LineIndex(file.text);
  // Rails config/*.yml: only the Ruby of the ERB tags (rails-erb.ts).
  const yaml = !/\.(?:rb|rake|ru)$/.test(file.path) && basename(file.path) !== 'Rakefile';
  let text: string | undefined = yaml ? erbRuby(file.text) : file.text;
  // Constants holding names: KEY = "API_KEY" (or "API_KEY".freeze); assigned twice → ambiguous.
  const consts = new Map<string, string | null>();
  let helperLines = new Set<number>();
  {
    const all = lex(text, { lineComments: ['#'], blockComments: [], quotes: ['"', "'"], ruby: true });
    for (let i = 0; i + 2 < all.length; i++) {
      const t = all[i]!;
      if (t.type !== 'name' || !/^[A-Z][A-Za-z0-9_]*$/.test(t.value) || all[i + 1]!.value !== '=' || all[i - 1]?.value === '.' || all[i - 1]?.value === '::') continue;
      const v = all[i + 2]!;
      const lit = v.type === 'string' && !v.interpolated && (all[i + 3]?.value !== '.' || all[i + 4]?.value === 'freeze') ? v.value : undefined;
      consts.set(t.value, lit !== undefined && !consts.has(t.value) ? lit : null);
    }
    // Methods wrapping an ENV read, followed to their calls in the file (ruby-helpers.ts).
    helperLines = rubyHelpers(file.path, text, all, out, (t) => li.line(t.start));
  }
  // Code inside string interpolation is read as Ruby too, nesting a few levels deep.
  for (let depth = 0; text !== undefined && depth < 4; depth++) text = scanRuby(text);
  if (yaml) markErbReads(out.reads, file.path);
  if (helperLines.size) out.unresolved = out.unresolved.filter((u) => !(u.reason === 'computed key' && helperLines.has(u.evidence.line)));

  function scanRuby(code: string): string | undefined {
    const toks = lex(code, { lineComments: ['#'], blockComments: [], quotes: ['"', "'"], ruby: true });
    scanToks(toks);
    return interpolations(code, toks);
  }

  function scanToks(toks: Tok[]): void {
  const line = (t: Tok): number => li.line(t.start);
  /** A literal name, or one held in a constant of the file (`ENV[KEY]`: medium confidence). */
  const keyName = (r: [number, number] | undefined): { name?: string; via?: string } => {
    const lit = staticString(toks, r);
    if (lit !== undefined) return { name: lit };
    if (r && r[1] - r[0] === 1 && toks[r[0]]!.type === 'name') {
      const c = consts.get(toks[r[0]]!.value);
      if (typeof c === 'string') return { name: c, via: toks[r[0]]!.value };
    }
    return {};
  };
  const viaConst = (read: ContractRead, via: string | undefined): ContractRead => {
    if (via) {
      read.confidence = 'medium';
      read.note = read.note ? `${read.note}; name held in the constant ${via}` : `name held in the constant ${via}`;
    }
    return read;
  };
  const ev = (t: Tok, pattern: string) => ({ file: file.path, line: line(t), pattern: shorten(pattern) });
  const literal = (r: [number, number] | undefined): string | undefined => {
    if (!r) return undefined;
    const s = staticString(toks, r);
    if (s !== undefined) return s;
    const txt = rangeText(toks, r);
    return txt === 'nil' ? undefined : shorten(txt);
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.value === 'require_keys' && toks[i - 2]?.value === 'Dotenv' && toks[i + 1]?.value === '(') {
      const { args } = argRanges(toks, i + 1);
      for (const a of args) {
        const n = staticString(toks, a);
        if (n) out.reads.push({ name: n, kind: 'required', evidence: ev(toks[i - 2]!, `Dotenv.require_keys(${rangeText(toks, a)})`), confidence: 'high', note: 'Dotenv.require_keys raises when unset' });
      }
      continue;
    }
    if (t.value !== 'ENV' || t.type !== 'name' || toks[i - 1]?.value === '.' || toks[i - 1]?.value === '::') continue;
    const next = toks[i + 1];
    if (next?.value === '[') {
      const { args, close } = argRanges(toks, i + 1);
      const pattern = rangeText(toks, [i, close + 1]);
      const { name, via } = keyName(args[0]);
      const op = toks[close + 1]?.value;
      if (op === '=' && toks[close + 2]?.value !== '=') continue; // write
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
      const read: ContractRead = viaConst({ name, kind: 'optional', evidence: ev(t, pattern), confidence: 'high' }, via);
      if (op === '||') {
        const d = toks[close + 2]?.value === '=' ? toks[close + 3] : toks[close + 2];
        if (d && (d.type === 'string' || d.type === 'number')) {
          read.kind = 'defaulted';
          read.default = d.value;
        } else if (d?.value === 'ENV' && toks[close + 3]?.value === '[') {
          const inner = staticString(toks, argRanges(toks, close + 3).args[0]);
          if (inner) {
            out.fallbacks.push({ names: [name, inner], evidence: read.evidence });
            read.note = `fallback chain ${name} → ${inner}`;
          }
        } else if (d && (d.value === 'raise' || d.value === 'abort' || d.value === 'fail')) {
          read.kind = 'required';
          read.note = `|| ${d.value} when unset`;
        } else if (d) {
          read.kind = 'defaulted';
          read.default = shorten(d.raw);
        }
      }
      out.reads.push(read);
      continue;
    }
    if (next?.value === '.' && toks[i + 2]?.type === 'name') {
      const m = toks[i + 2]!.value;
      if (m === 'fetch' && (toks[i + 3]?.value === '(' || toks[i + 3]?.type === 'string')) {
        let args: [number, number][];
        let close: number;
        if (toks[i + 3]!.value === '(') ({ args, close } = argRanges(toks, i + 3));
        else {
          // ENV.fetch "X", "d" (no parentheses): up to the end of the line
          const endLine = line(toks[i + 3]!);
          let k = i + 3;
          args = [];
          let s = k;
          while (k < toks.length && line(toks[k]!) === endLine && !['do', '{'].includes(toks[k]!.value)) {
            if (toks[k]!.value === ',') {
              args.push([s, k]);
              s = k + 1;
            }
            k++;
          }
          if (k > s) args.push([s, k]);
          close = k - 1;
        }
        const pattern = rangeText(toks, [i, close + 1]);
        const { name, via } = keyName(args[0]);
        if (!name) {
          const h = keyHint(toks, args[0]);
          out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
          continue;
        }
        const read: ContractRead = viaConst({ name, kind: 'required', evidence: ev(t, pattern), confidence: 'high', note: 'ENV.fetch raises KeyError when unset' }, via);
        if (args[1]) {
          const d = literal(args[1]);
          read.kind = d === undefined ? 'optional' : 'defaulted';
          if (d !== undefined) read.default = d;
          delete read.note;
        } else if (toks[close + 1]?.value === '{' || toks[close + 1]?.value === 'do') {
          const bOpen = close + 1;
          const bEnd = toks[bOpen]!.value === '{' ? matchBracket(toks, bOpen) : toks.findIndex((x, k) => k > bOpen && x.value === 'end');
          const body = toks.slice(bOpen + 1, bEnd < 0 ? toks.length : bEnd);
          if (body.some((x) => x.value === 'raise' || x.value === 'abort' || x.value === 'exit')) {
            read.note = 'ENV.fetch block raises when unset';
          } else {
            // drop the block parameters `|key|`
            const second = body[0]?.value === '|' ? body.findIndex((x, k) => k > 0 && x.value === '|') : -1;
            const inner = second > 0 ? body.slice(second + 1) : body;
            const s = inner.find((x) => x.type === 'string' || x.type === 'number');
            delete read.note;
            // `ENV.fetch("X") { nil }` is an optional read, not a default of "nil".
            if (inner.length === 1 && inner[0]!.value === 'nil') read.kind = 'optional';
            else {
              read.kind = 'defaulted';
              read.default = s ? s.value : shorten(inner.map((x) => x.raw).join(' '));
            }
          }
        }
        out.reads.push(read);
        continue;
      }
      if (['key?', 'has_key?', 'include?', 'member?'].includes(m) && toks[i + 3]?.value === '(') {
        const { args, close } = argRanges(toks, i + 3);
        const name = staticString(toks, args[0]);
        if (name) out.reads.push({ name, kind: 'optional', evidence: ev(t, rangeText(toks, [i, close + 1])), confidence: 'high' });
        continue;
      }
      out.unresolved.push({ evidence: ev(t, `ENV.${m}`), reason: `ENV used through .${m}` });
      continue;
    }
    if (next?.value === '::') continue;
    out.unresolved.push({ evidence: ev(t, 'ENV'), reason: 'ENV used as a value' });
  }
  }
}

export const rubyExtractor: Extractor = {
  id: 'ruby',
  quick: /\bENV\b|require_keys/,
  matches: (path) => /\.(?:rb|rake|ru)$/.test(path) || basename(path) === 'Rakefile' || isRailsErbConfig(path),
  extract: (file) => guarded('ruby', file, (out) => extractRuby(file, out)),
};
