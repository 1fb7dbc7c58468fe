import { GitTree } from '../../src/sources/tree.js';
import { aggregate, buildContract, skipReason } from '../../src/contract/build.js';
import type { Contract } from '../../src/contract/model.js';
import { TempRepo } from './gitrepo.js';

const entries = (c: Contract): string[] =>
  [...c.entries.values()].map((e) => `${e.name} ${e.kind} ${e.confidence} ${e.reads.map((r) => `${r.evidence.file}:${r.evidence.line}`).join(',')}`);

describe('buildContract over a git repo at a tag', () => {
  let repo: TempRepo;
  let contract: Contract;
  beforeAll(async () => {
    repo = new TempRepo();
    repo.commit(
      {
        'src/config.ts': [
          `const env = process.env;`, // 1 alias → unresolved
          `export const config = {`, // 2
          `  logLevel: process.env.LOG_LEVEL ?? 'info',`, // 3
          `  region: process.env['AWS_REGION'],`, // 4
          `  version: process.env.APP_VERSION,`, // 5
          `  extra: process.env[\`FEATURE_\${name}\`],`, // 6 computed → unresolved
          `};`, // 7
          `const redisUrl = process.env.REDIS_URL;`, // 8
          `if (!redisUrl) throw new Error('REDIS_URL is required');`, // 9
          `// REDIS_HOST is deprecated, use REDIS_URL`, // 10
          `const legacyHost = process.env.REDIS_HOST;`, // 11
          `const api = import.meta.env.VITE_API_BASE;`, // 12
          ``,
        ].join('\n'),
        'src/worker.py': `import os\n\nQUEUE = os.environ["QUEUE_NAME"]\n`,
        'docker-entrypoint.sh': `#!/bin/sh\nexec node dist/server.js --port "\${PORT:-3000}"\n`,
        Dockerfile: `FROM node:24 AS build\nENV BUILD_STAGE_ONLY=1\nARG APP_VERSION\nFROM node:24-slim\nENV NODE_ENV=production\n`,
        'Dockerfile.dev': `FROM node:24\nENV DEV_ONLY=1\n`,
        '.env.example': `REDIS_URL=\nLOG_LEVEL=\n# optional\nSENTRY_DSN=\nFEATURE_FLAGS_URL=\n`,
        'test/config.test.ts': `process.env.TEST_DIR_ONLY;\n`,
        'src/config.spec.ts': `process.env.SPEC_ONLY;\n`,
        'src/__tests__/a.ts': `process.env.JEST_DIR_ONLY;\n`,
        'vendor/lib/lib.go': `package lib\nimport "os"\nvar v = os.Getenv("VENDORED")\n`,
        'pkg/db/db_test.go': `package db\nimport "os"\nvar v = os.Getenv("GO_TEST_ONLY")\n`,
        'tests/test_app.py': `import os\nos.environ["PY_TEST_ONLY"]\n`,
        'dist/server.js': `process.env.BUILD_OUTPUT_ONLY;\n`,
        'examples/demo.js': `process.env.EXAMPLE_ONLY;\n`,
        'src/big.js': `process.env.IN_BIG_FILE;\n` + '//' + 'x'.repeat(1024 * 1024 + 10) + '\n',
        'README.md': `Set process.env.README_ONLY\n`,
      },
      'v1',
      'v1',
    );
    // Work after the tag must not leak into the contract at v1.
    repo.commit({ 'src/later.ts': `process.env.AFTER_TAG;\n` }, 'later');
    repo.write({ 'src/uncommitted.ts': `process.env.UNCOMMITTED;\n` });
    contract = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
  });
  afterAll(() => repo.remove());

  it('aggregates one entry per name, sorted, with kinds decided as documented', () => {
    expect(entries(contract)).toEqual([
      // build-time ARG + runtime read → runtime kind
      'APP_VERSION optional high Dockerfile:3,src/config.ts:5',
      'AWS_REGION optional high src/config.ts:4',
      // only declared, empty value → required (medium: no comment says so)
      'FEATURE_FLAGS_URL required medium .env.example:5',
      // declared empty (required) but code has a default → code wins
      'LOG_LEVEL defaulted high .env.example:2,src/config.ts:3',
      'PORT defaulted high docker-entrypoint.sh:2',
      'QUEUE_NAME required high src/worker.py:3',
      'REDIS_HOST optional high src/config.ts:11',
      'REDIS_URL required high .env.example:1,src/config.ts:8',
      'SENTRY_DSN optional high .env.example:4',
      'VITE_API_BASE build-time high src/config.ts:12',
    ]);
  });

  it('keeps the default and the deprecation', () => {
    expect(contract.entries.get('LOG_LEVEL')!.reads.find((r) => !r.declaration)!.default).toBe('info');
    expect(contract.entries.get('REDIS_HOST')!.deprecated).toEqual({ replacement: 'REDIS_URL' });
    expect(contract.entries.get('REDIS_URL')!.deprecated).toBeUndefined();
  });

  it('reports unresolved reads, image defaults of the final stage, skipped files', () => {
    expect(contract.unresolved.map((u) => `${u.evidence.file}:${u.evidence.line} ${u.reason}${u.hint ? ` [${u.hint}]` : ''}`)).toEqual([
      'src/config.ts:1 process.env aliased as `env`',
      'src/config.ts:6 computed key on process.env [FEATURE_]',
    ]);
    expect(contract.imageDefaults.map((d) => `${d.name}=${d.value} ${d.evidence.file}:${d.evidence.line}`)).toEqual(['NODE_ENV=production Dockerfile:5']);
    expect(contract.skipped).toEqual([
      { file: 'Dockerfile.dev', reason: 'ENV defaults ignored: looks like a development/test Dockerfile, not the shipped image' },
      { file: 'src/big.js', reason: 'larger than 1 MiB' },
    ]);
    // Dockerfile, Dockerfile.dev, .env.example, docker-entrypoint.sh, src/config.ts, src/worker.py
    expect(contract.filesScanned).toBe(6);
    expect(contract.source).toEqual({ label: 'app', location: repo.dir, ref: 'v1' });
  });

  it('is deterministic', async () => {
    const again = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
    expect(JSON.stringify([...again.entries], null, 0)).toBe(JSON.stringify([...contract.entries], null, 0));
  });
});

describe('skipReason', () => {
  it.each<[string, string | undefined]>([
    ['src/app.ts', undefined],
    ['node_modules/x/index.js', 'in node_modules/ (not the shipped app)'],
    ['.github/workflows/entrypoint.sh', 'in .github/ (tooling, not the app)'],
    ['build/Dockerfile', undefined],
    ['build/app.js', 'in build/ (build output)'],
    ['pkg/x_test.go', 'test file'],
    ['app/conftest.py', 'test file'],
    ['src/Button.stories.tsx', 'test file'],
    ['internal/testdata/a.go', 'in testdata/ (not the shipped app)'],
  ])('%s', (p, why) => {
    expect(skipReason(p)).toBe(why);
  });
});

describe('aggregate', () => {
  const read = (kind: 'required' | 'optional' | 'defaulted' | 'build-time', file: string, line: number, extra: object = {}) => ({
    name: 'X',
    kind,
    evidence: { file, line, pattern: 'p' },
    confidence: 'high' as const,
    ...extra,
  });
  it.each<[string, ReturnType<typeof read>[], string]>([
    ['strongest runtime need wins', [read('defaulted', 'a.ts', 1), read('required', 'b.py', 2), read('optional', 'c.go', 3)], 'required'],
    ['optional beats defaulted', [read('defaulted', 'a.ts', 1), read('optional', 'a.ts', 5)], 'optional'],
    ['build-time only when nothing reads it at runtime', [read('build-time', 'Dockerfile', 1)], 'build-time'],
    ['a runtime read keeps its kind next to a build-time read', [read('build-time', 'Dockerfile', 1), read('defaulted', 'a.ts', 1)], 'defaulted'],
    ['code beats a declaration', [read('required', '.env.example', 1, { declaration: true }), read('optional', 'a.ts', 1)], 'optional'],
    ['a declaration decides when no code reads the name', [read('required', '.env.example', 1, { declaration: true })], 'required'],
  ])('%s', (_t, reads, kind) => {
    expect(aggregate('X', reads).kind).toBe(kind);
  });
  it('sorts reads by file and line', () => {
    expect(aggregate('X', [read('optional', 'b.ts', 1), read('optional', 'a.ts', 9), read('optional', 'a.ts', 2)]).reads.map((r) => `${r.evidence.file}:${r.evidence.line}`)).toEqual(['a.ts:2', 'a.ts:9', 'b.ts:1']);
  });
  it('names a container always has are never required', () => {
    const e = aggregate('HOME', [{ ...read('required', 'a.py', 1), name: 'HOME' }]);
    expect([e.kind, e.note]).toEqual(['optional', 'HOME is always set in a container (by the image or the runtime), so it is never missing']);
  });
});
