/**
 * PHP.
 *
 * - `getenv('X')`, `$_ENV['X']`, `$_SERVER['X']` → optional; `?: 'd'` / `?? 'd'` → defaulted.
 * - Laravel `env('X')` → optional, `env('X', d)` → defaulted (`null` → optional).
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
      const name = staticString(toks, args[0]);
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: ev(t, pattern), reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
      const read: ContractRead = { name, kind: 'optional', evidence: ev(t, pattern), confidence: 'high' };
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

export const phpExtractor: Extractor = {
  id: 'php',
  quick: /getenv|\$_ENV|\$_SERVER|\benv\s*\(/,
  matches: (path) => path.endsWith('.php'),
  extract: (file) => guarded('php', file, (out) => extractPhp(file, out)),
};
