/**
 * The contract engine (issue 9): the grammar loader and the mapping of the engine's read form
 * onto the contract model.
 */
import { GrammarNotLoaded, parserFor, prepareGrammars, withTree } from '../../src/contract/engine/grammars.js';
import { addReads, type EnvRead } from '../../src/contract/engine/reads.js';
import { shellExtractor } from '../../src/contract/extractors/shell.js';
import { emptyResult } from '../../src/contract/model.js';

describe('grammar loader', () => {
  // Order matters: this file's module state starts without any grammar.
  it('an adapter run before its grammar is prepared says so instead of reading nothing silently', () => {
    expect(() => parserFor('bash')).toThrow(GrammarNotLoaded);
    const r = shellExtractor.extract({ path: 'entrypoint.sh', text: '#!/bin/sh\necho "$A"\n' });
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([expect.stringContaining('the bash grammar is not loaded')]);
  });

  it('loads a grammar once per process, and parses with it', async () => {
    await prepareGrammars(['bash']);
    const p = parserFor('bash');
    await Promise.all([prepareGrammars(['bash']), prepareGrammars(['bash'])]);
    expect(parserFor('bash')).toBe(p);
    expect(withTree('bash', 'echo "$A"\n', (root) => root.type)).toBe('program');
  });
});

describe('engine reads → contract reads', () => {
  const file = { path: 'entry.sh', text: '' };
  const rows: [string, EnvRead[], { reads: string[]; unresolved?: string[]; fallbacks?: string[][] }][] = [
    ['absent → empty is optional', [{ name: 'A', line: 1, pattern: '$A', whenAbsent: 'empty' }], { reads: ['A optional'] }],
    ['a default', [{ name: 'A', line: 1, pattern: '${A:-x}', whenAbsent: 'defaults', default: 'x' }], { reads: ['A defaulted =x'] }],
    ['fails → required, with its evidence as note', [{ name: 'A', line: 1, pattern: '${A:?}', whenAbsent: 'fails', because: '${…:?} fails when unset' }], { reads: ['A required (${…:?} fails when unset)'] }],
    [
      'fails under a feature switch → conditional',
      [{ name: 'B', line: 4, pattern: '${B:?}', whenAbsent: 'fails', guards: [{ names: ['ON'], when: 'set', line: 3 }] }],
      { reads: ['B optional when ON'] },
    ],
    ['fails under an unset test → still required', [{ name: 'B', line: 4, pattern: '${B:?}', whenAbsent: 'fails', guards: [{ names: ['C'], when: 'unset', line: 3 }] }], { reads: ['B required'] }],
    ['aliases → a fallback chain', [{ name: 'A', line: 1, pattern: '${A:-$B}', whenAbsent: 'empty', aliases: ['B'] }], { reads: ['A optional (fallback chain A → B)'], fallbacks: [['A', 'B']] }],
    [
      'a computed name is unresolved with its reason and hint, never dropped',
      [{ line: 2, pattern: '${!APP_@}', whenAbsent: 'empty', computed: { expr: '${!APP_@}', reason: 'names enumerated by prefix', hint: 'APP_' } }],
      { reads: [], unresolved: ['2 names enumerated by prefix APP_'] },
    ],
    [
      'one name on one line: the strongest read is kept',
      [
        { name: 'A', line: 1, pattern: '$A', whenAbsent: 'empty' },
        { name: 'A', line: 1, pattern: '${A:?}', whenAbsent: 'fails' },
        { name: 'A', line: 2, pattern: '${A:-d}', whenAbsent: 'defaults', default: 'd' },
      ],
      { reads: ['A required', 'A defaulted =d'] },
    ],
  ];
  it.each(rows)('%s', (_t, reads, want) => {
    const out = emptyResult();
    addReads(file, reads, out);
    expect(
      out.reads.map((r) => `${r.name} ${r.kind}${r.default !== undefined ? ` =${r.default}` : ''}${r.requiredWhen ? ` when ${r.requiredWhen.names.join(',')}` : ''}${r.note && !r.requiredWhen && r.kind !== 'defaulted' ? ` (${r.note})` : ''}`),
    ).toEqual(want.reads);
    expect(out.unresolved.map((u) => `${u.evidence.line} ${u.reason}${u.hint ? ` ${u.hint}` : ''}`)).toEqual(want.unresolved ?? []);
    expect(out.fallbacks.map((f) => f.names)).toEqual(want.fallbacks ?? []);
    for (const r of out.reads) expect(r.evidence.file).toBe('entry.sh');
  });
});
