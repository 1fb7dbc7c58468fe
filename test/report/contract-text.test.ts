/**
 * `keydrift contract` shows, per name, its aliases, the evidence of its need (the check that
 * fails, or why it may not run at start) and lists every unresolved read with its reason.
 */
import { describe, expect, it } from '@jest/globals';
import { contractToJson, renderContractText } from '../../src/report/contract.js';
import type { Contract, ContractEntry } from '../../src/contract/model.js';

const entry = (e: Partial<ContractEntry> & { name: string }): ContractEntry => ({ kind: 'optional', confidence: 'high', reads: [], ...e }) as ContractEntry;

const contract: Contract = {
  source: { label: 'app', location: '/src/app', ref: 'v2' },
  entries: new Map([
    [
      'SECRET_KEY',
      entry({
        name: 'SECRET_KEY',
        kind: 'required',
        reads: [{ name: 'SECRET_KEY', kind: 'required', confidence: 'high', evidence: { file: 'src/env.ts', line: 4, pattern: 'process.env.SECRET_KEY' }, note: 'explicit check fails when unset (line 5)' }],
      }),
    ],
    [
      'ALLOWED_DOMAINS',
      entry({ name: 'ALLOWED_DOMAINS', reads: [{ name: 'ALLOWED_DOMAINS', kind: 'optional', confidence: 'high', evidence: { file: 'src/env.ts', line: 9, pattern: 'process.env.ALLOWED_DOMAINS' } }] }),
    ],
    [
      'INSTANCE_ID',
      entry({
        name: 'INSTANCE_ID',
        confidence: 'medium',
        requiredOneOf: ['INSTANCE_ID', 'DYNO_ID'],
        reads: [
          {
            name: 'INSTANCE_ID',
            kind: 'optional',
            confidence: 'medium',
            requiredOneOf: ['INSTANCE_ID', 'DYNO_ID'],
            evidence: { file: 'src/metrics.ts', line: 3, pattern: 'process.env.INSTANCE_ID' },
            note: 'at least one of INSTANCE_ID, DYNO_ID is required (check at line 4) inside gauge(), which may not run at start',
          },
        ],
      }),
    ],
  ]),
  unresolved: [{ evidence: { file: 'src/dyn.ts', line: 7, pattern: 'process.env[prefix + "_URL"]' }, reason: 'computed key', hint: 'APP_' }],
  fallbacks: [{ names: ['ALLOWED_DOMAINS', 'GOOGLE_ALLOWED_DOMAINS'], evidence: { file: 'src/env.ts', line: 9, pattern: '??' } }],
  imageDefaults: [],
  filesScanned: 3,
  skipped: [],
};

describe('contract report', () => {
  const text = renderContractText(contract);
  it.each([
    ['aliases', /ALLOWED_DOMAINS .*\n\s+also read as: GOOGLE_ALLOWED_DOMAINS/],
    ['evidence of a requirement', /SECRET_KEY .*required.*\n\s+because: explicit check fails when unset \(line 5\) \(src\/env\.ts:4\)/],
    ['a one-of requirement and why it may not run at start', /INSTANCE_ID .*\n\s+required: at least one of INSTANCE_ID, DYNO_ID\n\s+because: .*inside gauge\(\), which may not run at start/],
    ['unresolved reads with reason and hint', /Unresolved reads \(not checked\): 1\n\s+src\/dyn\.ts:7\s+computed key \(name starts "APP_"\)/],
  ])('text shows %s', (_t, re) => {
    expect(text).toMatch(re);
  });
  it('JSON carries aliases, requiredOneOf and the deciding read', () => {
    const j = contractToJson(contract) as { entries: any[] };
    const byName = Object.fromEntries(j.entries.map((e) => [e.name, e]));
    expect(byName.ALLOWED_DOMAINS.aliases).toEqual(['GOOGLE_ALLOWED_DOMAINS']);
    expect(byName.INSTANCE_ID.requiredOneOf).toEqual(['INSTANCE_ID', 'DYNO_ID']);
    expect(byName.SECRET_KEY.because).toMatchObject({ file: 'src/env.ts', line: 4, note: 'explicit check fails when unset (line 5)' });
  });
});
