import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTRACTORS, RECOGNIZERS } from '../../src/contract/extractors/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/contract');
/** Files in extractors/ that are helpers run by another extractor, not extractors. */
const SUPPORT = new Set(['index.ts', 'util.ts', 'lexer.ts', 'js-schemas.ts', 'python-libs.ts', 'python-helpers.ts', 'go-libs.ts', 'js-constants.ts', 'js-prefilter.ts', 'csharp-helpers.ts', 'jvm-helpers.ts', 'ruby-helpers.ts', 'shell-lexer.ts']);

describe('extractor registry', () => {
  const files = readdirSync(path.join(dir, 'extractors')).filter((f) => f.endsWith('.ts') && !SUPPORT.has(f));
  it('registers one extractor or framework recognizer per file, with the file name as id', () => {
    expect([...EXTRACTORS, ...RECOGNIZERS].map((e) => e.id).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
  });
  it('documents every extractor in src/contract/README.md', () => {
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    for (const e of [...EXTRACTORS, ...RECOGNIZERS]) expect(readme).toContain(`| \`${e.id}\` |`);
  });
  it('has unique ids', () => {
    const ids = [...EXTRACTORS, ...RECOGNIZERS].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
