import { GitTree } from '../../src/sources/tree.js';
import { buildContract } from '../../src/contract/build.js';
import { compareContracts } from '../../src/contract/compare.js';
import { TempRepo } from './gitrepo.js';

async function compareTags(repo: TempRepo, a: string, b: string) {
  const oldTree = await GitTree.open(repo.dir, a);
  const newTree = await GitTree.open(repo.dir, b);
  const oldC = await buildContract(oldTree, { label: 'user-auth', location: repo.dir, ref: a });
  const newC = await buildContract(newTree, { label: 'user-auth', location: repo.dir, ref: b });
  return { oldC, newC, result: await compareContracts(oldC, newC, oldTree, newTree) };
}

const REDIS_OLD = [
  `import { createClient } from 'redis';`, // 1
  ``, // 2
  `export function connect() {`, // 3
  `  const host = process.env.REDIS_HOST;`, // 4
  `  const port = Number(process.env.REDIS_PORT ?? 6379);`, // 5
  `  return createClient({ socket: { host, port } });`, // 6
  `}`, // 7
  ``,
].join('\n');

const REDIS_NEW = [
  `import { createClient } from 'redis';`, // 1
  ``, // 2
  `export function connect() {`, // 3
  `  const redisUrl = process.env.REDIS_URL;`, // 4
  `  if (!redisUrl) throw new Error('REDIS_URL is required');`, // 5
  `  return createClient({ url: redisUrl });`, // 6
  `}`, // 7
  ``,
].join('\n');

describe('compareContracts: the user-auth incident', () => {
  const repo = new TempRepo();
  afterAll(() => repo.remove());

  it('REDIS_HOST + REDIS_PORT → REDIS_URL (same hunk, high) and REDIS_URL is required', async () => {
    const common = { 'src/server.ts': `const port = process.env.PORT ?? '8080';\n` };
    repo.commit({ ...common, 'src/redis.ts': REDIS_OLD }, 'user-auth 3.13.2', 'v3.13.2');
    repo.commit({ 'src/redis.ts': REDIS_NEW }, 'user-auth 3.14.0: one REDIS_URL', 'v3.14.0');
    const { newC, result } = await compareTags(repo, 'v3.13.2', 'v3.14.0');
    expect(result.added).toEqual(['REDIS_URL']);
    expect(result.removed).toEqual(['REDIS_HOST', 'REDIS_PORT']);
    expect(result.renames).toEqual([
      {
        from: ['REDIS_HOST', 'REDIS_PORT'],
        to: 'REDIS_URL',
        confidence: 'high',
        reasons: [
          'REDIS_HOST removed and REDIS_URL added in the same diff hunk of src/redis.ts',
          'REDIS_PORT removed and REDIS_URL added in the same diff hunk of src/redis.ts',
        ],
        // old version first (REDIS_HOST, REDIS_PORT at v3.13.2), then the new one (REDIS_URL)
        evidence: [
          { file: 'src/redis.ts', line: 4, pattern: 'process.env.REDIS_HOST' },
          { file: 'src/redis.ts', line: 5, pattern: 'process.env.REDIS_PORT' },
          { file: 'src/redis.ts', line: 4, pattern: 'process.env.REDIS_URL' },
        ],
        oldEvidence: 2,
      },
    ]);
    const url = newC.entries.get('REDIS_URL')!;
    expect([url.kind, url.confidence, url.reads[0]!.evidence.line, url.reads[0]!.note]).toEqual([
      'required',
      'high',
      4,
      'explicit check fails when unset (line 5)',
    ]);
  });
});

describe('compareContracts: other rename signals', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
  });
  afterEach(() => repo.remove());

  it('(a) a fallback chain NEW ?? OLD', async () => {
    repo.commit({ 'app.js': `const a = 1;\nconst db = process.env.DB_URI;\n` }, 'v1', 'v1');
    repo.commit({ 'lib/other.js': `// moved\n`, 'app.js': `const a = 1;\n\n\n\n\n\n\n\nconst db = process.env.DATABASE_URL ?? process.env.DB_URI;\n` }, 'v2', 'v2');
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.added).toEqual(['DATABASE_URL']);
    expect(result.removed).toEqual([]);
    expect(result.renames.map((r) => [r.from, r.to, r.confidence, r.reasons])).toEqual([
      [['DB_URI'], 'DATABASE_URL', 'high', ['fallback chain DATABASE_URL → DB_URI: DATABASE_URL is read first, DB_URI when it is unset']],
    ]);
  });

  it('(d) a deprecation marker', async () => {
    repo.commit({ 'cfg.py': `import os\nTOKEN = os.getenv("API_TOKEN")\n` }, 'v1', 'v1');
    repo.commit(
      {
        'cfg.py': `import os\nTOKEN = os.getenv("API_KEY")\n# API_TOKEN is deprecated, use API_KEY\nif os.getenv("API_TOKEN"):\n    TOKEN = os.getenv("API_TOKEN")\n`,
      },
      'v2',
      'v2',
    );
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.renames.map((r) => [r.from, r.to, r.confidence, r.reasons[0]])).toEqual([
      [['API_TOKEN'], 'API_KEY', 'high', 'the source says API_TOKEN is deprecated in favour of API_KEY'],
    ]);
  });

  it('(c) a shared stem in different files is medium; unrelated names are not paired', async () => {
    repo.commit({ 'a.go': `package a\nimport "os"\nvar h = os.Getenv("SMTP_HOST")\nvar x = os.Getenv("LEGACY_FLAG")\n` }, 'v1', 'v1');
    repo.commit(
      { 'a.go': `package a\n`, 'b/b.go': `package b\nimport "os"\nvar u = os.Getenv("SMTP_URL")\nvar n = os.Getenv("NEW_THING")\n` },
      'v2',
      'v2',
    );
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.removed).toEqual(['LEGACY_FLAG', 'SMTP_HOST']);
    expect(result.renames.map((r) => [r.from, r.to, r.confidence])).toEqual([[['SMTP_HOST'], 'SMTP_URL', 'medium']]);
  });

  it('(b) a moved file is matched by its name; build-time names are ignored', async () => {
    repo.commit({ 'src/config.js': `a();\nconst s = process.env.SESSION_KEY;\nb();\n`, Dockerfile: `FROM x\nARG OLD_BUILD_ARG\n` }, 'v1', 'v1');
    repo.commit({ 'src/config.js': null, 'lib/config.js': `a();\nconst s = process.env.COOKIE_SECRET;\nb();\n`, Dockerfile: `FROM x\nARG NEW_BUILD_ARG\n` }, 'v2', 'v2');
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result).toEqual({
      added: ['COOKIE_SECRET'],
      removed: ['SESSION_KEY'],
      renames: [
        {
          from: ['SESSION_KEY'],
          to: 'COOKIE_SECRET',
          confidence: 'high',
          reasons: ['SESSION_KEY removed and COOKIE_SECRET added in the same diff hunk of src/config.js → lib/config.js'],
          evidence: [
            { file: 'src/config.js', line: 2, pattern: 'process.env.SESSION_KEY' },
            { file: 'lib/config.js', line: 2, pattern: 'process.env.COOKIE_SECRET' },
          ],
          oldEvidence: 1,
        },
      ],
    });
  });

  it('changes far apart in one file are not one hunk', async () => {
    const filler = Array.from({ length: 20 }, (_, i) => `f${i}();`).join('\n');
    repo.commit({ 'x.js': `const a = process.env.ALPHA;\n${filler}\nconst z = 1;\n` }, 'v1', 'v1');
    repo.commit({ 'x.js': `const a = 0;\n${filler}\nconst z = process.env.OMEGA;\n` }, 'v2', 'v2');
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.renames).toEqual([]);
  });
});

describe('compareContracts: signals from other languages', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
  });
  afterEach(() => repo.remove());

  it('pydantic AliasChoices is a fallback chain: high', async () => {
    const head = `from pydantic import Field, AliasChoices\nfrom pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n`;
    repo.commit({ 'app/settings.py': `${head}    broker: str = Field(alias="BROKER_HOST")\n` }, 'v1', 'v1');
    repo.commit({ 'app/settings.py': `${head}    broker: str = Field(validation_alias=AliasChoices("BROKER_URL", "BROKER_HOST"))\n` }, 'v2', 'v2');
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.added).toEqual(['BROKER_URL']);
    expect(result.renames.map((r) => [r.from, r.to, r.confidence])).toEqual([[['BROKER_HOST'], 'BROKER_URL', 'high']]);
  });

  it('Spring metadata deprecation.replacement: high', async () => {
    repo.commit({ 'src/main/resources/application.yml': `mail:\n  host: \${MAIL_HOST}\n` }, 'v1', 'v1');
    repo.commit(
      {
        'src/main/resources/application.yml': `mail:\n  url: \${MAIL_URL}\n`,
        'src/main/resources/META-INF/additional-spring-configuration-metadata.json': JSON.stringify({ properties: [{ name: 'mail.host', deprecation: { replacement: 'mail.url' } }] }),
      },
      'v2',
      'v2',
    );
    const { result } = await compareTags(repo, 'v1', 'v2');
    // MAIL_HOST is still "read" (declared deprecated) in v2, so it is not removed.
    expect(result.removed).toEqual([]);
    expect(result.renames.map((r) => [r.from, r.to, r.confidence, r.reasons[0]])).toEqual([
      [['MAIL_HOST'], 'MAIL_URL', 'high', 'the source says MAIL_HOST is deprecated in favour of MAIL_URL'],
    ]);
  });

  it('a Go rename in one hunk, never pairing a name with itself', async () => {
    const pre = `package main\n\nimport "os"\n\nfunc main() {\n`;
    repo.commit({ 'main.go': `${pre}\t_ = os.Getenv("PORT")\n\t_ = os.Getenv("DB_HOST")\n}\n` }, 'v1', 'v1');
    repo.commit({ 'main.go': `${pre}\t_ = os.Getenv("PORT")\n\t_ = os.Getenv("DB_DSN")\n}\n` }, 'v2', 'v2');
    const { result } = await compareTags(repo, 'v1', 'v2');
    expect(result.renames.map((r) => [r.from, r.to, r.confidence])).toEqual([[['DB_HOST'], 'DB_DSN', 'high']]);
  });
});
