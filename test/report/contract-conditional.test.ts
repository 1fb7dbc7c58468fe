/**
 * `keydrift contract` shows the condition of a conditional requirement (issue 9 class 3), and
 * the contract document carries it both ways.
 */
import { describe, expect, it } from '@jest/globals';
import { contractToJson, renderContractText } from '../../src/report/contract.js';
import { fromContractDocument, toContractDocument } from '../../src/contract/document.js';
import type { Contract } from '../../src/contract/model.js';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

const when = { names: ['SMTP_ENABLED'], evidence: { file: 'src/mail.ts', line: 2, pattern: 'if (!process.env.SMTP_PASSWORD) throw' } };
const contract: Contract = {
  source: { label: 'app', location: '/src/app', ref: 'v2' },
  entries: new Map([
    [
      'SMTP_PASSWORD',
      {
        name: 'SMTP_PASSWORD',
        kind: 'optional',
        confidence: 'high',
        requiredWhen: [when],
        reads: [
          {
            name: 'SMTP_PASSWORD',
            kind: 'optional',
            confidence: 'high',
            requiredWhen: when,
            evidence: { file: 'src/mail.ts', line: 2, pattern: 'process.env.SMTP_PASSWORD' },
            note: 'required when SMTP_ENABLED is set: explicit check fails when unset (line 2)',
          },
        ],
      },
    ],
  ]),
  unresolved: [],
  fallbacks: [],
  imageDefaults: [],
  filesScanned: 1,
  skipped: [],
};

describe('contract report: conditional requirements', () => {
  it('text names the setting and the check that fails', () => {
    expect(renderContractText(contract)).toMatch(/SMTP_PASSWORD .*optional.*\n\s+required when SMTP_ENABLED is set \(src\/mail\.ts:2\)\n\s+because: required when SMTP_ENABLED is set/);
  });
  it('JSON carries requiredWhen on the entry and the read', () => {
    const j = contractToJson(contract) as { entries: any[] };
    expect(j.entries[0].requiredWhen).toEqual([{ names: ['SMTP_ENABLED'], file: 'src/mail.ts', line: 2, pattern: 'if (!process.env.SMTP_PASSWORD) throw' }]);
    expect(j.entries[0].reads[0].requiredWhen).toMatchObject({ names: ['SMTP_ENABLED'], line: 2 });
  });
  it('the document with conditions validates against schema/contract.v1.json', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/contract.v1.json', import.meta.url), 'utf8'));
    const validate = new (Ajv as any)({ strict: false, allErrors: true }).compile(schema);
    const doc = toContractDocument(contract);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    (doc as any).entries[0].requiredWhen = [{ names: ['X'] }];
    expect(validate(doc)).toBe(false);
  });
  it('a carried document reads back with its conditions', () => {
    const back = fromContractDocument(JSON.parse(JSON.stringify(toContractDocument(contract))), 'test');
    const e = back.entries.get('SMTP_PASSWORD')!;
    expect(e.requiredWhen).toEqual([when]);
    expect(e.reads[0]!.requiredWhen).toEqual(when);
  });
  it('a malformed condition is a one-line error', () => {
    const doc = toContractDocument(contract) as any;
    doc.entries[0].requiredWhen = [{ names: 'SMTP_ENABLED', file: 'x', line: 1 }];
    expect(() => fromContractDocument(doc, 'image x label')).toThrow(/image x label: not a usable keydrift contract: entries\[0\]\.requiredWhen\[0\]\.names: expected an array/);
  });
});
