/**
 * C#.
 *
 * - `Environment.GetEnvironmentVariable("X")` → optional; `?? "d"` → defaulted;
 *   `?? throw …` → required.
 * - IConfiguration: `configuration["A:B"]`, `.GetValue<T>("A:B"[, d])`, `.GetConnectionString("N")`
 *   → the environment variable `A__B` / `ConnectionStrings__N` (with the prefix of
 *   `AddEnvironmentVariables("P_")` when the file sets one). These keys may also come from
 *   appsettings.json, so they are optional (medium confidence), defaulted with a default.
 *   `GetSection("A")` bound as a whole → unresolved with hint `A__`.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, rangeText, staticString, type Tok } from './lexer.js';
import { guarded, LineIndex, shorten } from './util.js';
import { csharpHelpers } from './csharp-helpers.js';

const CONFIG_NAME = /^(?:_?config(?:uration)?|Configuration|_?cfg|conf)$/i;

function extractCsharp(file: SourceFile, out: ExtractResult): void {
  const toks = lex(file.text, { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"'], triple: true, csharp: true, charQuote: "'" });
  const li = new LineIndex(file.text);
  const line = (t: Tok): number => li.line(t.start);
  const ev = (t: Tok, pattern: string) => ({ file: file.path, line: line(t), pattern: shorten(pattern) });
  let prefix = '';
  // The prefix: AddEnvironmentVariables("P_") / (prefix: "P_") / (PrefixConst), or a source's
  // `Prefix = "P_"` (new EnvironmentVariablesConfigurationSource { Prefix = … }).
  const consts = new Map<string, string>();
  for (let i = 0; i + 3 < toks.length; i++) {
    if (toks[i]!.value === 'const' && toks[i + 1]!.value === 'string' && toks[i + 2]!.type === 'name' && toks[i + 3]!.value === '=' && toks[i + 4]?.type === 'string') consts.set(toks[i + 2]!.value, toks[i + 4]!.value);
  }
  const prefixAt = (k: number): string | undefined => {
    if (toks[k]?.type === 'name' && toks[k + 1]?.value === ':') k += 2;
    const t = toks[k];
    if (!t || (toks[k + 1]?.value !== ')' && toks[k + 1]?.value !== ',' && toks[k + 1]?.value !== '}' && toks[k + 1]?.value !== ';')) return undefined;
    return t.type === 'string' ? t.value : t.type === 'name' ? consts.get(t.value) : undefined;
  };
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.value === 'AddEnvironmentVariables' && toks[i + 1]!.value === '(') prefix = prefixAt(i + 2) ?? prefix;
    else if (toks[i]!.value === 'EnvironmentVariablesConfigurationSource') {
      for (let k = i + 1; k < Math.min(toks.length, i + 30) && toks[k]!.value !== ';'; k++) {
        if (toks[k]!.value === 'Prefix' && toks[k + 1]?.value === '=') prefix = prefixAt(k + 2) ?? prefix;
      }
    }
  }
  const envName = (key: string): string => prefix + key.replace(/:/g, '__');
  const tail = (read: ContractRead, after: number): void => {
    if (toks[after]?.value !== '??') return;
    const d = toks[after + 1];
    if (d?.value === 'throw') {
      read.kind = 'required';
      read.note = '?? throw when unset';
    } else if (d && (d.type === 'string' || d.type === 'number')) {
      read.kind = 'defaulted';
      read.default = d.value;
    } else if (d && d.value !== 'null') {
      read.kind = 'defaulted';
      read.default = shorten(d.raw);
    }
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.value === 'GetEnvironmentVariable' && toks[i - 1]?.value === '.' && toks[i + 1]?.value === '(') {
      const s = toks[i - 2]?.value === 'Environment' ? i - 2 : i;
      const { args, close } = argRanges(toks, i + 1);
      const pattern = rangeText(toks, [s, close + 1]);
      const name = staticString(toks, args[0]);
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: ev(toks[s]!, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
      const read: ContractRead = { name, kind: 'optional', evidence: ev(toks[s]!, pattern), confidence: 'high' };
      tail(read, close + 1);
      out.reads.push(read);
      continue;
    }
    if (t.value === 'GetEnvironmentVariables' && toks[i - 1]?.value === '.') {
      out.unresolved.push({ evidence: ev(t, 'Environment.GetEnvironmentVariables()'), reason: 'iteration over the whole environment' });
      continue;
    }
    // IConfiguration
    if (t.type === 'name' && CONFIG_NAME.test(t.value) && toks[i - 1]?.value !== '.') {
      const n = toks[i + 1];
      let key: string | undefined;
      let keyRange: [number, number] | undefined;
      let close = i;
      let def: string | undefined;
      let pattern = '';
      let conn = false;
      if (n?.value === '[') {
        const r = argRanges(toks, i + 1);
        keyRange = r.args[0];
        key = staticString(toks, keyRange);
        close = r.close;
      } else if (n?.value === '.' && toks[i + 2]?.type === 'name') {
        const m = toks[i + 2]!.value;
        let open = i + 3;
        if (toks[open]?.value === '<') {
          while (open < toks.length && toks[open]!.value !== '>') open++;
          open++;
        }
        if (toks[open]?.value !== '(') continue;
        const r = argRanges(toks, open);
        keyRange = r.args[0];
        close = r.close;
        if (m === 'GetValue') {
          key = staticString(toks, keyRange);
          if (r.args[1]) def = staticString(toks, r.args[1]) ?? rangeText(toks, r.args[1]);
        } else if (m === 'GetConnectionString') {
          const k = staticString(toks, keyRange);
          if (k) key = `ConnectionStrings:${k}`;
          conn = true;
        } else if (m === 'GetSection' || m === 'GetRequiredSection') {
          const k = staticString(toks, keyRange);
          out.unresolved.push({ evidence: ev(t, rangeText(toks, [i, close + 1])), reason: 'configuration section bound as a whole: its keys are not known', ...(k ? { hint: envName(k) + '__' } : {}) });
          continue;
        } else continue;
      } else continue;
      pattern = rangeText(toks, [i, close + 1]);
      if (!key) {
        const h = keyHint(toks, keyRange);
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed configuration key', ...(h ? { hint: envName(h) } : {}) });
        continue;
      }
      const read: ContractRead = {
        name: envName(key),
        kind: def !== undefined && def !== 'null' ? 'defaulted' : 'optional',
        evidence: ev(t, pattern),
        confidence: 'medium',
        note: `configuration key ${key}${conn ? ' (connection string)' : ''}: may also come from appsettings.json`,
        match: 'case-insensitive',
      };
      if (read.kind === 'defaulted') read.default = def;
      tail(read, close + 1);
      if (read.kind === 'required') {
        // appsettings.json may hold it: never a definite need.
        read.kind = 'optional';
        read.note += '; ?? throw when unset';
      }
      out.reads.push(read);
    }
  }
  // Extension methods wrapping a read, and their calls (resolved across files in link.ts).
  csharpHelpers(file.path, toks, out, prefix, line);
}

export const csharpExtractor: Extractor = {
  id: 'csharp',
  quick: /GetEnvironmentVariable|[Cc]onf|cfg/,
  matches: (path) => path.endsWith('.cs'),
  extract: (file) => guarded('csharp', file, (out) => extractCsharp(file, out)),
};
