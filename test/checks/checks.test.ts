/** Table-driven tests per check: the same container against contracts that should and should not fire. */
import { describe, expect, it } from '@jest/globals';
import type { Contract, ReadKind } from '../../src/contract/model.js';
import { parseImageRef } from '../../src/images/ref.js';
import type { Finding } from '../../src/model.js';
import type { RenameInfo } from '../../src/checks/types.js';
import { firstContainer, runContainerChecks, snapshotOf, webDeployment } from '../helpers/checks.js';

function contract(entries: [string, ReadKind][], extra: Partial<Contract> = {}, ref = 'v2'): Contract {
  return {
    source: { label: 'app', location: '/src/app', ref },
    entries: new Map(
      entries.map(([name, kind], i) => [
        name,
        { name, kind, confidence: 'high', reads: [{ name, kind, confidence: 'high', evidence: { file: 'src/config.ts', line: i + 1, pattern: `process.env.${name}` } }] },
      ]),
    ),
    unresolved: [],
    fallbacks: [],
    imageDefaults: [],
    filesScanned: 1,
    skipped: [],
    ...extra,
  };
}

const DEPLOY = webDeployment;

const CM = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: prod
data:
  DB_HOST: db
  DB_PORT: "5432"
`;

interface Case {
  container: string;
  docs?: string;
  current?: [string, ReadKind][];
  previous?: [string, ReadKind][];
  renames?: RenameInfo[];
  imageDefaults?: string[];
  unresolved?: number;
  file?: string;
}

function run(c: Case, check?: string): Finding[] {
  const file = c.file ?? 'apps/web.yaml';
  const text = DEPLOY(c.container, c.docs ?? '');
  const snapshot = snapshotOf({ [file]: text });
  const cur = c.current
    ? contract(c.current, {
        imageDefaults: (c.imageDefaults ?? []).map((name) => ({ name, value: 'x', evidence: { file: 'Dockerfile', line: 3, pattern: 'ENV' } })),
        unresolved: Array.from({ length: c.unresolved ?? 0 }, (_, i) => ({ evidence: { file: 'src/dyn.ts', line: i + 1, pattern: 'process.env[name]' }, reason: 'computed key' })),
      })
    : undefined;
  const ctx = firstContainer(snapshot, {
    ...(cur ? { current: { image: parseImageRef('example.com/web:2.0')!, contract: cur } } : {}),
    ...(c.previous ? { previous: { image: parseImageRef('example.com/web:1.0')!, contract: contract(c.previous, {}, 'v1') } } : {}),
    renames: c.renames ?? [],
  });
  return runContainerChecks(ctx, check);
}

const summary = (fs: Finding[]) => fs.map((f) => `${f.check}:${f.severity}:${f.key ?? ''}`).sort();
const ENVFROM = `envFrom:\n  - configMapRef:\n      name: cfg`;

describe('missing-key', () => {
  it.each<[string, Case, string[]]>([
    ['a required key the container gets: nothing', { container: ENVFROM, docs: CM, current: [['DB_HOST', 'required']] }, []],
    ['a required key nobody provides: error', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']] }, ['missing-key:error:DB_URL']],
    ['a defaulted key nobody provides: nothing', { container: ENVFROM, docs: CM, current: [['LOG_LEVEL', 'defaulted']] }, []],
    ['an optional key that was read before: nothing', { container: ENVFROM, docs: CM, current: [['DEBUG', 'optional']], previous: [['DEBUG', 'optional']] }, []],
    ['a new optional read nobody provides: warning', { container: ENVFROM, docs: CM, current: [['FEATURE_X', 'optional']], previous: [] }, ['missing-key:warning:FEATURE_X']],
    ['a build-time read: nothing', { container: ENVFROM, docs: CM, current: [['VITE_API', 'build-time']] }, []],
    ['a default the image carries: nothing', { container: ENVFROM, docs: CM, current: [['NODE_ENV', 'required']], imageDefaults: ['NODE_ENV'] }, []],
    ['a literal env entry provides it: nothing', { container: `env:\n  - name: DB_URL\n    value: postgres://db`, current: [['DB_URL', 'required']] }, []],
    [
      'a source whose keys git cannot know: info, never error',
      {
        container: `envFrom:\n  - secretRef:\n      name: ext`,
        docs: `---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: ext\n  namespace: prod\nspec:\n  dataFrom:\n    - extract:\n        key: x\n`,
        current: [['DB_PASSWORD', 'required']],
      },
      ['missing-key:info:DB_PASSWORD'],
    ],
    ['the envFrom ConfigMap itself is missing: dangling-ref, and the key cannot be confirmed', { container: ENVFROM, current: [['DB_URL', 'required']] }, ['dangling-ref:error:', 'missing-key:info:DB_URL']],
  ])('%s', (_t, c, expected) => {
    expect(summary(run(c).filter((f) => f.check === 'missing-key' || f.check === 'dangling-ref'))).toEqual(expected);
  });

  it('names the container env, the ConfigMap to add to, and the app read', () => {
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'required']] }, 'missing-key');
    expect(f!.locations).toEqual([
      { file: 'apps/web.yaml', line: 12, repo: 'gitops', note: 'envFrom of container web' },
      { file: 'apps/web.yaml', line: 21, repo: 'gitops', note: 'ConfigMap cfg data' },
      { file: 'src/config.ts', line: 1, repo: 'app', ref: 'v2', note: 'process.env.DB_URL' },
    ]);
    expect(f!.fix).toContain('Add DB_URL to ConfigMap cfg (apps/web.yaml:21)');
  });
});

describe('renamed-key', () => {
  const rename: RenameInfo = { from: ['DB_HOST', 'DB_PORT'], to: 'DB_URL', confidence: 'high', reasons: ['same diff hunk of src/config.ts'], evidence: [], oldEvidence: 0 };
  it.each<[string, Case, string[]]>([
    ['old keys provided, new one not: error', { container: ENVFROM, docs: CM, current: [['DB_URL', 'optional']], previous: [['DB_HOST', 'optional'], ['DB_PORT', 'optional']], renames: [rename] }, ['renamed-key:error:DB_URL']],
    ['new key provided as well: nothing', { container: `${ENVFROM}\nenv:\n  - name: DB_URL\n    value: x`, docs: CM, current: [['DB_URL', 'optional']], previous: [['DB_HOST', 'optional']], renames: [rename] }, []],
    ['a low-confidence rename is a warning', { container: ENVFROM, docs: CM, current: [['DB_URL', 'optional']], previous: [['DB_HOST', 'optional']], renames: [{ ...rename, confidence: 'low' }] }, ['renamed-key:warning:DB_URL']],
    ['no previous version: nothing', { container: ENVFROM, docs: CM, current: [['DB_URL', 'optional']], renames: [rename] }, []],
    ['the new version still reads the old name as a fallback: info', { container: ENVFROM, docs: CM, current: [['DB_URL', 'optional'], ['DB_HOST', 'optional']], previous: [['DB_HOST', 'optional']], renames: [{ ...rename, from: ['DB_HOST'], honoured: true }] }, ['renamed-key:info:DB_URL']],
  ])('%s', (_t, c, expected) => {
    expect(summary(run(c, 'renamed-key'))).toEqual(expected);
  });

  it('builds the new key from the old ones, as a patch that adds env', () => {
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'optional']], previous: [['DB_HOST', 'optional'], ['DB_PORT', 'optional']], renames: [rename] }, 'renamed-key');
    // the scheme from the old port the ConfigMap sets (DB_PORT: "5432"), never a made-up db://
    expect(f!.fix).toContain('value: postgresql://$(DB_HOST):$(DB_PORT); scheme from the old port DB_PORT=5432');
    expect(f!.patch).toContain('+          env:\n+            - name: DB_URL\n+              value: "postgresql://$(DB_HOST):$(DB_PORT)"');
  });

  it('writes no patch against a file that declares a Secret', () => {
    const secret = `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: prod\nstringData:\n  k: v\n`;
    const [f] = run({ container: ENVFROM, docs: CM + secret, current: [['DB_URL', 'optional']], previous: [['DB_HOST', 'optional']], renames: [{ ...rename, from: ['DB_HOST'] }] }, 'renamed-key');
    expect(f!.patch).toBeUndefined();
    expect(f!.fix).toContain('$(DB_HOST)');
  });
});

describe('one cause, one finding: a renamed key the new version needs', () => {
  const rename: RenameInfo = { from: ['DB_HOST', 'DB_PORT'], to: 'DB_URL', confidence: 'high', reasons: ['same diff hunk of src/config.ts'], evidence: [], oldEvidence: 0 };
  const prev: [string, ReadKind][] = [['DB_HOST', 'required'], ['DB_PORT', 'required']];
  it.each<[string, Case, string[]]>([
    ['required, old keys provided: one renamed-key error, no missing-key, no stale-key', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: prev, renames: [rename] }, ['renamed-key:error:DB_URL']],
    ['a low-confidence rename of a required key: still one finding, an error', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: prev, renames: [{ ...rename, confidence: 'low' }] }, ['renamed-key:error:DB_URL']],
    ['a new optional read without default: one renamed-key finding', { container: ENVFROM, docs: CM, current: [['DB_URL', 'optional']], previous: prev, renames: [rename] }, ['renamed-key:error:DB_URL']],
    ['the new key provided too: only the stale old keys (info)', { container: `${ENVFROM}\nenv:\n  - name: DB_URL\n    value: x`, docs: CM, current: [['DB_URL', 'required']], previous: prev, renames: [rename] }, ['stale-key:info:DB_HOST', 'stale-key:info:DB_PORT']],
    ['no rename: missing-key', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: prev }, ['missing-key:error:DB_URL', 'stale-key:info:DB_HOST', 'stale-key:info:DB_PORT']],
  ])('%s', (_t, c, expected) => {
    expect(summary(run(c))).toEqual(expected);
  });

  it('says the new version will fail to start, and carries the container env and the fix', () => {
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: prev, renames: [rename] });
    expect(f!.message).toContain('requires DB_URL');
    expect(f!.message).toContain('will fail to start');
    expect(f!.locations[0]).toEqual({ file: 'apps/web.yaml', line: 12, repo: 'gitops', note: 'envFrom of container web' });
    expect(f!.fix).toMatch(/keep DB_HOST, DB_PORT/);
    expect(f!.patch).toContain('DB_URL');
  });

  it('a defaulted new name: the rename, without "fail to start"', () => {
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'defaulted']], previous: prev, renames: [rename] });
    expect(f!.check).toBe('renamed-key');
    expect(f!.message).not.toContain('fail to start');
  });
});

describe('evidence is labelled with the ref where the line says it', () => {
  it('old read and new read on the same file:line: the old one at the old tag, the new one at the new tag', () => {
    // DB_HOST at src/config.ts:1 in v1; DB_URL at src/config.ts:1 in v2
    const rename: RenameInfo = {
      from: ['DB_HOST'],
      to: 'DB_URL',
      confidence: 'high',
      reasons: ['same diff hunk'],
      evidence: [
        { file: 'src/config.ts', line: 1, pattern: 'process.env.DB_HOST' },
        { file: 'src/config.ts', line: 1, pattern: 'process.env.DB_URL' },
      ],
      oldEvidence: 1,
    };
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: [['DB_HOST', 'required']], renames: [rename] }, 'renamed-key');
    const app = f!.locations.filter((l) => l.repo === 'app');
    expect(app).toEqual([
      { file: 'src/config.ts', line: 1, repo: 'app', ref: 'v1', note: 'process.env.DB_HOST' },
      { file: 'src/config.ts', line: 1, repo: 'app', ref: 'v2', note: 'process.env.DB_URL' },
    ]);
  });

  it('missing-key quotes the new version at the new tag', () => {
    const [f] = run({ container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: [['DB_HOST', 'required']] }, 'missing-key');
    expect(f!.locations.filter((l) => l.repo === 'app').map((l) => l.ref)).toEqual(['v2']);
  });
});

describe('stale-key', () => {
  it.each<[string, Case, string[]]>([
    ['read before, not now: info', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: [['DB_HOST', 'optional'], ['DB_URL', 'optional']] }, ['stale-key:info:DB_HOST']],
    ['still used to build another value: nothing', { container: `${ENVFROM}\nenv:\n  - name: DB_URL\n    value: pg://$(DB_HOST)`, docs: CM, current: [['DB_URL', 'required']], previous: [['DB_HOST', 'optional']] }, []],
    ['never read by either version: nothing (not ours to judge)', { container: ENVFROM, docs: CM, current: [['DB_URL', 'required']], previous: [['DB_URL', 'required']] }, []],
  ])('%s', (_t, c, expected) => {
    expect(summary(run(c, 'stale-key'))).toEqual(expected);
  });
});

describe('dangling-ref and optional-ref-missing', () => {
  it.each<[string, string, string, string[]]>([
    ['missing ConfigMap', ENVFROM, '', ['dangling-ref:error:']],
    ['missing key', `env:\n  - name: H\n    valueFrom:\n      configMapKeyRef:\n        name: cfg\n        key: nope`, CM, ['dangling-ref:error:H']],
    ['optional missing Secret', `envFrom:\n  - secretRef:\n      name: s\n      optional: true`, '', ['optional-ref-missing:info:']],
    ['a Secret git declares nowhere: warning (often made outside git)', `envFrom:\n  - secretRef:\n      name: s`, '', ['dangling-ref:warning:']],
    [
      'a Secret git declares only in another namespace: error',
      `envFrom:\n  - secretRef:\n      name: s`,
      `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: staging\n`,
      ['dangling-ref:error:'],
    ],
    ['all present', ENVFROM, CM, []],
  ])('%s', (_t, container, docs, expected) => {
    const fs = run({ container, docs }).filter((f) => f.check.endsWith('ref') || f.check === 'optional-ref-missing');
    expect(summary(fs)).toEqual(expected);
    for (const f of fs.filter((x) => x.severity === 'error')) expect(f.message).toContain('CreateContainerConfigError');
  });
});

describe('optional-ref-missing: one finding per missing object, not per reference', () => {
  const optKey = (env: string, key: string, kind = 'configMapKeyRef', name = 'cfg') => `  - name: ${env}\n    valueFrom:\n      ${kind}:\n        name: ${name}\n        key: ${key}\n        optional: true`;
  const envOf = (...items: string[]) => `env:\n${items.join('\n')}`;
  it.each<[string, string, string, string[]]>([
    ['three optional keys missing from one ConfigMap: one finding', envOf(optKey('A', 'a.x'), optKey('B', 'b.x'), optKey('C', 'c.x')), CM, ['optional-ref-missing:info:']],
    ['one optional key: one finding with its variable', envOf(optKey('A', 'a.x')), CM, ['optional-ref-missing:info:A']],
    ['keys missing from two objects: one finding each', envOf(optKey('A', 'a.x'), optKey('B', 'b.x', 'secretKeyRef', 's'), optKey('C', 'c.x', 'secretKeyRef', 's')), CM, ['optional-ref-missing:info:', 'optional-ref-missing:info:A']],
  ])('%s', (_t, container, docs, expected) => {
    expect(summary(run({ container, docs }, 'optional-ref-missing'))).toEqual(expected);
  });

  it('names every unset variable and each reference, the object once, and no advice to mark it optional', () => {
    const [f, ...rest] = run({ container: envOf(optKey('A', 'a.x'), optKey('B', 'b.x'), optKey('C', 'c.x')), docs: CM }, 'optional-ref-missing');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/3 optional references to keys of ConfigMap cfg \(apps\/web\.yaml:\d+\) that it does not have: env A \(key a\.x\), env B \(key b\.x\), env C \(key c\.x\)/);
    expect(f!.message).toContain('these 3 variables are unset');
    expect(f!.details).toMatchObject({ references: 3, refKeys: ['a.x', 'b.x', 'c.x'], unset: ['A', 'B', 'C'] });
    // The first reference, the ConfigMap, then the other references: each with its line.
    expect(f!.locations.map((l) => l.file)).toEqual(['apps/web.yaml', 'apps/web.yaml', 'apps/web.yaml', 'apps/web.yaml']);
    expect(new Set(f!.locations.map((l) => l.line)).size).toBe(4);
    expect(f!.fix).not.toContain('optional: true');
  });
});

describe('unresolved-read', () => {
  it('one info finding per read keydrift cannot name, with its place in the source', () => {
    const fs = run({ container: ENVFROM, docs: CM, current: [], unresolved: 2 }, 'unresolved-read');
    expect(fs.map((f) => `${f.severity} ${f.locations[0]!.file}:${f.locations[0]!.line}`)).toEqual(['info src/dyn.ts:1', 'info src/dyn.ts:2']);
  });
});

describe('missing-key: confidence, declarations, loose names, one-of groups', () => {
  function withEntry(entry: Partial<import('../../src/contract/model.js').ContractEntry> & { name: string }, container = ENVFROM, docs = CM) {
    const c = contract([]);
    c.entries.set(entry.name, {
      kind: 'required',
      confidence: 'high',
      reads: [{ name: entry.name, kind: 'required', confidence: 'high', evidence: { file: 'src/a.py', line: 3, pattern: 'x' } }],
      ...entry,
    } as any);
    const ctx = firstContainer(snapshotOf({ 'w.yaml': DEPLOY(container, docs) }, { strict: false, keepTexts: false }), {
      current: { image: parseImageRef('example.com/web:2.0')!, contract: c },
    });
    return runContainerChecks(ctx, 'missing-key').map((f) => `${f.severity}:${f.key}`);
  }

  it.each<[string, any, string[]]>([
    ['high confidence: error', { name: 'DB_URL' }, ['error:DB_URL']],
    ['medium confidence (a check on a path that may not run at start): warning', { name: 'DB_URL', confidence: 'medium' }, ['warning:DB_URL']],
    ['low confidence: info', { name: 'DB_URL', confidence: 'low' }, ['info:DB_URL']],
    [
      'only a .env.example declaration: warning',
      { name: 'DB_URL', reads: [{ name: 'DB_URL', kind: 'required', confidence: 'high', declaration: true, evidence: { file: '.env.example', line: 1, pattern: 'DB_URL=' } }] },
      ['warning:DB_URL'],
    ],
    [
      'a declaration enforced at start (dotenv-safe): error',
      { name: 'DB_URL', reads: [{ name: 'DB_URL', kind: 'required', confidence: 'high', declaration: true, enforcedBy: { file: 'src/i.js', line: 1, pattern: 'dotenv-safe' }, evidence: { file: '.env.example', line: 1, pattern: 'DB_URL=' } }] },
      ['error:DB_URL'],
    ],
    ['pydantic ignores case: db_host is provided by DB_HOST', { name: 'db_host', match: 'case-insensitive' }, []],
    ['exact names do not match another case', { name: 'db_host' }, ['error:db_host']],
    ['Spring relaxed binding: app.db-host is not satisfied by DB_HOST', { name: 'app.db-host', match: 'spring-relaxed' }, ['error:app.db-host']],
  ])('%s', (_t, entry, expected) => {
    expect(withEntry(entry)).toEqual(expected);
  });

  it('relaxed binding matches a provided APP_DB_HOST', () => {
    expect(withEntry({ name: 'app.db-host', match: 'spring-relaxed' }, `env:\n  - name: APP_DB_HOST\n    value: x`, '')).toEqual([]);
  });

  it('one of several names: reported once, only when none is provided', () => {
    const group = { kind: 'optional', requiredOneOf: ['DB_URL', 'DATABASE_URL'] };
    expect(withEntry({ name: 'DB_URL', ...group } as any)).toEqual(['error:DB_URL']);
    expect(withEntry({ name: 'DB_URL', ...group } as any, `env:\n  - name: DATABASE_URL\n    value: x`, '')).toEqual([]);
  });
});
