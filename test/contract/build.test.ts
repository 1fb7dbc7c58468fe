import { GitTree } from '../../src/sources/tree.js';
import { aggregate, buildContract, isToolingFile, skipReason } from '../../src/contract/build.js';
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
        'vite.config.ts': `export default { base: process.env.VITE_BASE ?? '/', port: process.env.PORT };\n`,
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
      // PORT is also read by vite.config.ts (build-time); the entrypoint's runtime read decides
      'PORT defaulted high docker-entrypoint.sh:2,vite.config.ts:1',
      'QUEUE_NAME required high src/worker.py:3',
      'REDIS_HOST optional high src/config.ts:11',
      'REDIS_URL required high .env.example:1,src/config.ts:8',
      'SENTRY_DSN optional high .env.example:4',
      'VITE_API_BASE build-time high src/config.ts:12',
      'VITE_BASE build-time high vite.config.ts:1',
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
    // Dockerfile, Dockerfile.dev, .env.example, docker-entrypoint.sh, src/config.ts, src/worker.py, vite.config.ts
    expect(contract.filesScanned).toBe(7);
    expect(contract.source).toEqual({ label: 'app', location: repo.dir, ref: 'v1' });
  });

  it('is deterministic', async () => {
    const again = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
    expect(JSON.stringify([...again.entries], null, 0)).toBe(JSON.stringify([...contract.entries], null, 0));
  });
});

describe('isToolingFile', () => {
  it.each<[string, boolean]>([
    ['vite.config.ts', true],
    ['web/webpack.config.js', true],
    ['jest.config.cjs', true],
    ['build.gradle.kts', true],
    ['build.rs', true],
    ['setup.py', true],
    ['next.config.js', false],
    ['src/config.ts', false],
    ['src/build.ts', false],
  ])('%s → %s', (p, yes) => expect(isToolingFile(p)).toBe(yes));
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
    ['deploy/release.sh', 'in deploy/ (not the shipped app)'],
    ['hack/update-codegen.sh', 'in hack/ (not the shipped app)'],
    ['scripts/docker-entrypoint.sh', undefined],
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
  it.each([
    ['REDIS_SERVICE_HOST', true],
    ['REDIS_SERVICE_PORT', true],
    ['REDIS_SERVICE_PORT_HTTP', true],
    ['REDIS_PORT_6379_TCP_ADDR', true],
    ['REDIS_PORT', false],
    ['SERVICE_HOST', false],
  ])('service link %s → never required: %s', (name, link) => {
    const e = aggregate(name, [{ ...read('required', 'a.go', 1), name }]);
    expect(e.kind).toBe(link ? 'optional' : 'required');
  });
  it('names a container always has are never required', () => {
    const e = aggregate('HOME', [{ ...read('required', 'a.py', 1), name: 'HOME' }]);
    expect([e.kind, e.note]).toEqual(['optional', 'HOME is always set in a container (by the image or the runtime), so it is never missing']);
  });
});

describe('buildContract: env helpers across files', () => {
  let repo: TempRepo;
  afterAll(() => repo.remove());
  it('resolves calls of an exported helper in other files, and reports an unused one', async () => {
    repo = new TempRepo();
    repo.commit(
      {
        'src/lib/env.ts': `export function requireEnv(name: string, def?: string) {\n  const v = process.env[name] ?? def;\n  if (v === undefined) throw new Error(name);\n  return v;\n}\nexport const unused = (k: string) => process.env[k];\n`,
        // Neither file mentions process.env: they are read because they name the helper.
        'src/app.ts': `import { requireEnv } from './lib/env.js';\nconst a = requireEnv('REDIS_URL');\nconst b = requireEnv('LOG_LEVEL', 'info');\n`,
        'src/worker.js': `const { requireEnv: e } = require('./lib/env');\nconst q = e('QUEUE');\n`,
        'src/other.js': `const x = 1;\n`,
      },
      'v1',
      'v1',
    );
    const c = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir });
    expect(entries(c)).toEqual(['LOG_LEVEL defaulted medium src/app.ts:3', 'QUEUE required medium src/worker.js:2', 'REDIS_URL required medium src/app.ts:2']);
    expect(c.entries.get('REDIS_URL')!.reads[0]!.note).toBe('through helper requireEnv(), which fails when unset (defined at src/lib/env.ts:2)');
    expect(c.unresolved.map((u) => `${u.evidence.file}:${u.evidence.line} ${u.reason}`)).toEqual([
      'src/lib/env.ts:6 computed key on process.env in exported helper unused(): no call with a literal name found',
    ]);
  });
});

describe('buildContract: one app of a monorepo', () => {
  let repo: TempRepo;
  afterAll(() => repo.remove());
  it('reads only files under options.root, with repo-relative evidence', async () => {
    repo = new TempRepo();
    repo.commit(
      {
        'services/api/src/index.ts': `const u = process.env.API_URL;\n`,
        'services/api/test/a.test.ts': `process.env.API_TEST_ONLY;\n`,
        'services/worker/main.py': `import os\nq = os.environ["QUEUE"]\n`,
        '.env.example': `COMPOSE_ONLY=\n`,
      },
      'v1',
      'v1',
    );
    const tree = await GitTree.open(repo.dir, 'v1');
    const api = await buildContract(tree, { label: 'api', location: repo.dir }, { root: 'services/api' });
    expect(entries(api)).toEqual(['API_URL optional high services/api/src/index.ts:1']);
    const all = await buildContract(tree, { label: 'all', location: repo.dir });
    expect(entries(all)).toEqual(['API_URL optional high services/api/src/index.ts:1', 'COMPOSE_ONLY required medium .env.example:1', 'QUEUE required high services/worker/main.py:2']);
    expect(all.entries.get('COMPOSE_ONLY')!.note).toBe(
      'declared in .env.example; no read of it was found in the code (it may be read dynamically, by a dependency, or only by tooling such as docker compose)',
    );
  });
});

describe('buildContract: dotenv-safe enforces the example file', () => {
  let repo: TempRepo;
  afterAll(() => repo.remove());
  it('makes every declared name required, even one the code defaults', async () => {
    repo = new TempRepo();
    repo.commit(
      {
        'src/index.js': `require('dotenv-safe').config();\nconst port = process.env.PORT || 3000;\n`,
        '.env.example': `PORT=3000\nAPI_KEY=\n# optional\nSENTRY_DSN=\n`,
        'worker/main.js': `require('dotenv-safe').config({ example: './worker.env.sample' });\n`,
        'worker/worker.env.sample': `QUEUE=jobs\n`,
      },
      'v1',
      'v1',
    );
    const c = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir });
    expect(entries(c)).toEqual([
      'API_KEY required high .env.example:2',
      'PORT required high .env.example:1,src/index.js:2',
      'QUEUE required high worker/worker.env.sample:1',
      'SENTRY_DSN required high .env.example:4',
    ]);
    expect(c.entries.get('PORT')!.reads[0]!.note).toBe('dotenv-safe fails the start when it is unset (src/index.js:1)');
  });
});
