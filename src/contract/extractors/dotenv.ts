/**
 * Declarations an app ships: `.env.example`, `.env.sample`, `.env.template`, `.env.dist`,
 * `example.env` (also `.env.<anything>.example`, `<name>.env.sample`). Never `.env` itself, nor `.env.local` or
 * `.env.production` (those hold values, not a declaration).
 *
 * Each `KEY=` line declares a name: an empty value (or a placeholder like `<your-key>`,
 * `changeme`) → required; a value → optional (an example value is not a runtime default).
 * A comment on the line, or in the comment block right above it, that says "optional" /
 * "not required" → optional, "required" → required.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { basename, guarded } from './util.js';

const PLACEHOLDER = /^(?:<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|changeme|change[-_ ]me|replace[-_ ]?me|x{3,}|todo|fixme|\.\.\.|your[-_ ].*|\*{3,})$/i;

export function isDotenvDeclaration(path: string): boolean {
  const b = basename(path);
  return (
    /^\.env(?:\.[\w-]+)?\.(?:example|sample|template|dist|tmpl|tpl)$/i.test(b) ||
    /^[\w-]+\.env\.(?:example|sample|template|dist)$/i.test(b) ||
    /^example\.env$/i.test(b) ||
    /^\.env-(?:example|sample|template|dist)$/i.test(b)
  );
}

function marker(comment: string): 'optional' | 'required' | undefined {
  if (/\bnot\s+required\b|\boptional\b/i.test(comment)) return 'optional';
  if (/\brequired\b|\bmandatory\b/i.test(comment)) return 'required';
  return undefined;
}

function extractDotenv(file: SourceFile, out: ExtractResult): void {
  const lines = file.text.split(/\r?\n/);
  const b = basename(file.path);
  let commentBlock: string[] = [];
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '') {
      commentBlock = [];
      return;
    }
    if (line.startsWith('#')) {
      commentBlock.push(line.slice(1));
      return;
    }
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    const above = commentBlock;
    commentBlock = [];
    if (!m) return;
    const name = m[1]!;
    let rest = m[2]!;
    let value: string;
    let inline = '';
    const q = rest[0];
    if (q === '"' || q === "'" || q === '`') {
      const end = rest.indexOf(q, 1);
      value = end < 0 ? rest.slice(1) : rest.slice(1, end);
      const after = end < 0 ? '' : rest.slice(end + 1);
      const h = after.indexOf('#');
      if (h >= 0) inline = after.slice(h + 1);
    } else {
      const h = rest.search(/(^|\s)#/);
      if (h >= 0) {
        inline = rest.slice(h).replace(/^\s*#/, '');
        rest = rest.slice(0, h);
      }
      value = rest.trim();
    }
    const explicit = marker(inline) ?? marker(above.join(' '));
    const read: ContractRead = {
      name,
      kind: 'optional',
      evidence: { file: file.path, line: idx + 1, pattern: `${b} ${name}=` },
      confidence: 'medium',
      declaration: true,
    };
    if (explicit) {
      read.kind = explicit;
      read.confidence = 'high';
      read.note = `declared ${explicit} in a comment`;
    } else if (value === '' || PLACEHOLDER.test(value)) {
      read.kind = 'required';
      read.note = value === '' ? 'declared with an empty value' : 'declared with a placeholder value';
    } else {
      read.note = 'declared with an example value';
    }
    out.reads.push(read);
  });
}

export const dotenvExtractor: Extractor = {
  id: 'dotenv',
  matches: isDotenvDeclaration,
  extract: (file) => guarded('dotenv', file, (out) => extractDotenv(file, out)),
};
