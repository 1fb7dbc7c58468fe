/**
 * missing-key and conditional requirements (issue 9 class 3): a name required only while
 * another setting is on is an error only when the deployment turns that setting on.
 */
import { describe, expect, it } from '@jest/globals';
import type { Contract, ContractEntry } from '../../src/contract/model.js';
import { parseImageRef } from '../../src/images/ref.js';
import { firstContainer, runContainerChecks, snapshotOf, webDeployment } from '../helpers/checks.js';

const DEPLOY = webDeployment;

const CHECK = { file: 'src/mail.ts', line: 2, pattern: 'if (!process.env.SMTP_PASSWORD) throw' };
function smtpContract(confidence: 'high' | 'medium' = 'high'): Contract {
  const when = { names: ['SMTP_ENABLED'], evidence: CHECK };
  const pass: ContractEntry = {
    name: 'SMTP_PASSWORD',
    kind: 'optional',
    confidence,
    requiredWhen: [when],
    reads: [{ name: 'SMTP_PASSWORD', kind: 'optional', confidence, requiredWhen: when, evidence: { file: 'src/mail.ts', line: 2, pattern: 'process.env.SMTP_PASSWORD' } }],
  };
  const on: ContractEntry = {
    name: 'SMTP_ENABLED',
    kind: 'optional',
    confidence: 'high',
    reads: [{ name: 'SMTP_ENABLED', kind: 'optional', confidence: 'high', evidence: { file: 'src/mail.ts', line: 1, pattern: 'process.env.SMTP_ENABLED' } }],
  };
  return {
    source: { label: 'app', location: '/src/app', ref: 'v2' },
    entries: new Map([
      ['SMTP_ENABLED', on],
      ['SMTP_PASSWORD', pass],
    ]),
    unresolved: [],
    fallbacks: [],
    imageDefaults: [],
    filesScanned: 1,
    skipped: [],
  };
}

function run(env: string, docs = '', confidence: 'high' | 'medium' = 'high') {
  const c = smtpContract(confidence);
  const ctx = firstContainer(snapshotOf({ 'w.yaml': DEPLOY(env, docs) }, { keepTexts: false }), {
    current: { image: parseImageRef('example.com/web:2.0')!, contract: c },
    // The previous version read SMTP_ENABLED only: SMTP_PASSWORD is a new read, which would be
    // a warning if it were plain optional.
    previous: { image: parseImageRef('example.com/web:1.0')!, contract: { ...c, entries: new Map([['SMTP_ENABLED', c.entries.get('SMTP_ENABLED')!]]), source: { ...c.source, ref: 'v1' } } },
  });
  return runContainerChecks(ctx, 'missing-key');
}
const lit = (vars: Record<string, string>) => `env:\n${Object.entries(vars).map(([k, v]) => `  - name: ${k}\n    value: "${v}"`).join('\n')}`;
const EXT = `---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: ext\n  namespace: prod\nspec:\n  dataFrom:\n    - extract:\n        key: x\n`;

describe('missing-key: conditional requirements', () => {
  it.each<[string, string, string, string[]]>([
    ['the feature is not configured: nothing', lit({ OTHER: 'x' }), '', []],
    ['the feature is off ("false"): nothing', lit({ SMTP_ENABLED: 'false' }), '', []],
    ['the feature is off ("0"): nothing', lit({ SMTP_ENABLED: '0' }), '', []],
    ['the feature is on and the name is missing: error', lit({ SMTP_ENABLED: 'true' }), '', ['error:SMTP_PASSWORD']],
    ['the feature is on and the name is provided: nothing', lit({ SMTP_ENABLED: 'true', SMTP_PASSWORD: 'p' }), '', []],
    [
      'the feature is on and a source git cannot read may provide it: info',
      `${lit({ SMTP_ENABLED: 'true' })}\nenvFrom:\n  - secretRef:\n      name: ext`,
      EXT,
      ['info:SMTP_PASSWORD'],
    ],
  ])('%s', (_t, env, docs, want) => {
    expect(run(env, docs).map((f) => `${f.severity}:${f.key}`)).toEqual(want);
  });

  it('a medium-confidence conditional check is a warning', () => {
    expect(run(lit({ SMTP_ENABLED: 'yes' }), '', 'medium').map((f) => `${f.severity}:${f.key}`)).toEqual(['warning:SMTP_PASSWORD']);
  });

  it('says which setting turns the requirement on and where the check is', () => {
    const [f] = run(lit({ SMTP_ENABLED: 'true' }));
    expect(f!.message).toContain('requires SMTP_PASSWORD when SMTP_ENABLED is set (src/mail.ts:2)');
    expect(f!.fix).toContain('unset SMTP_ENABLED');
    expect(f!.details).toMatchObject({ requiredWhen: ['SMTP_ENABLED'] });
  });
});
