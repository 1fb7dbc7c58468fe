import { javascriptExtractor as js } from '../../src/contract/extractors/javascript.js';
import { run, summary } from './helpers.js';

describe('javascript extractor: reads and kinds', () => {
  it.each<[string, string, string[]]>([
    ['bare property read is optional', `const host = process.env.REDIS_HOST;\n`, ['REDIS_HOST optional 1']],
    ['element read with a string key', `\nconst p = process.env['REDIS_PORT'];\n`, ['REDIS_PORT optional 2']],
    ['?? default', `export const port = Number(process.env.PORT ?? '8080');\n`, ['PORT defaulted 1 =8080']],
    ['|| default (number)', `const n = process.env.WORKERS || 4;\n`, ['WORKERS defaulted 1 =4']],
    ['destructuring with and without default', `const {\n  LOG_LEVEL = 'info',\n  DATABASE_URL,\n} = process.env;\n`, ['LOG_LEVEL defaulted 2 =info', 'DATABASE_URL optional 3']],
    ['destructuring rename keeps the env name', `const { API_KEY: apiKey } = process.env;\n`, ['API_KEY optional 1']],
    [
      'if (!process.env.X) throw → required',
      `if (!process.env.JWT_SECRET) {\n  throw new Error('JWT_SECRET is required');\n}\n`,
      ['JWT_SECRET required 1'],
    ],
    [
      'const binding then if (!x) throw → required at the read line',
      `const redisUrl = process.env.REDIS_URL;\nif (!redisUrl) throw new Error('REDIS_URL is required');\n`,
      ['REDIS_URL required 1'],
    ],
    [
      '=== undefined check with process.exit',
      `function load() {\n  const dsn = process.env.SENTRY_DSN;\n  if (dsn === undefined) {\n    console.error('missing');\n    process.exit(1);\n  }\n  return dsn;\n}\n`,
      ['SENTRY_DSN required 2'],
    ],
    ['== null check', `const t = process.env.TOKEN;\nif (t == null) throw new Error('x');\n`, ['TOKEN required 1']],
    ['typeof check', `if (typeof process.env.A === 'undefined') throw new Error('A');\n`, ['A required 1']],
    ['|| in a check makes both required', `if (!process.env.A || !process.env.B) process.exit(2);\n`, ['A required 1', 'B required 1']],
    ['?? failing call → required', `const u = process.env.URL ?? throwMissing('URL');\nconst v = process.env.V || (() => { throw new Error('V'); })();\n`, ['URL required 1', 'V required 2']],
    ['?? ordinary call → defaulted', `const p = process.env.P ?? defaultPort();\n`, ['P defaulted 1 =defaultPort()']],
    ['check that only logs is not required', `const x = process.env.X;\nif (!x) console.warn('X unset');\n`, ['X optional 1']],
    ['default "" then falsy check → required', `const k = process.env.KEY || '';\nif (!k) throw new Error('KEY');\n`, ['KEY required 1']],
    ['non-empty default then check → stays defaulted', `const k = process.env.KEY ?? 'dev';\nif (!k) throw new Error('KEY');\n`, ['KEY defaulted 1 =dev']],
    ['Number(x) binding checked', `const port = Number(process.env.PORT);\nif (!port) throw new Error('PORT');\n`, ['PORT required 1']],
    ['assert', `import assert from 'node:assert';\nassert(process.env.BUCKET, 'BUCKET');\n`, ['BUCKET required 2']],
    ['check in another function does not see a shadowed binding', `function a() { const u = process.env.U; return u; }\nfunction b(u?: string) { if (!u) throw new Error('u'); }\n`, ['U optional 1']],
    ['??= default', `process.env.NODE_ENV ??= 'production';\n`, ['NODE_ENV defaulted 1 =production']],
    ['assignment is not a read', `process.env.TZ = 'UTC';\ndelete process.env.DEBUG;\n`, []],
    ['in operator', `if ('CI' in process.env) {}\n`, ['CI optional 1']],
    ['import { env } from node:process is process.env', `import { env } from 'node:process';\nconst u = env.APP_URL;\nif (!u) throw new Error('APP_URL');\n`, ['APP_URL required 2']],
    ['Bun.env', `const k = Bun.env.BUN_KEY ?? 'x';\n`, ['BUN_KEY defaulted 1 =x']],
    ['Deno.env.get / has', `const k = Deno.env.get("DENO_KEY");\nif (Deno.env.has("FLAG")) {}\n`, ['DENO_KEY optional 1', 'FLAG optional 2']],
    ['import.meta.env → build-time, Vite builtins skipped', `const a = import.meta.env.VITE_API;\nif (import.meta.env.DEV) {}\n`, ['VITE_API build-time 1']],
    ['process.env inside a comment or string is not a read', `// process.env.COMMENTED\nconst s = "process.env.IN_STRING";\nconst t = \`process.env.IN_TEMPLATE\`;\n/* process.env.BLOCK */\n`, []],
    ['tsx file', `export const App = () => <div>{process.env.NEXT_PUBLIC_X}</div>;\n`, ['NEXT_PUBLIC_X optional 1']],
  ])('%s', (_t, code, expected) => {
    const path = _t === 'tsx file' ? 'src/App.tsx' : 'src/config.ts';
    expect(summary(run(js, path, code))).toEqual(expected);
  });
});

describe('javascript extractor: where a check runs', () => {
  it.each<[string, string, [string, string, string]]>([
    ['module level → high', `const k = process.env.K;\nif (!k) throw new Error('K');\n`, ['required', 'high', 'explicit check fails when unset (line 2)']],
    ['in main() → high', `async function main() {\n  if (!process.env.K) process.exit(1);\n}\n`, ['required', 'high', 'explicit check fails when unset (line 2)']],
    ['in loadConfig arrow → high', `export const loadConfig = () => {\n  const k = process.env.K;\n  if (k === undefined) throw new Error('K');\n};\n`, ['required', 'high', 'explicit check fails when unset (line 3)']],
    [
      'in some other function → medium',
      `export function sendInvoice() {\n  const k = process.env.K;\n  if (!k) throw new Error('K');\n}\n`,
      ['required', 'medium', 'explicit check fails when unset (line 3) inside sendInvoice(), which may not run at start'],
    ],
  ])('%s', (_t, code, [kind, confidence, note]) => {
    const r = run(js, 'src/a.ts', code).reads[0]!;
    expect([r.kind, r.confidence, r.note]).toEqual([kind, confidence, note]);
  });
});

describe('javascript extractor: fallback chains', () => {
  it('records a chain and reads of both names', () => {
    const r = run(js, 'src/redis.ts', `const url =\n  process.env.REDIS_URL ?? process.env.REDIS_ADDR;\n`);
    expect(summary(r)).toEqual(['REDIS_URL optional 2', 'REDIS_ADDR optional 2']);
    expect(r.fallbacks).toEqual([
      { names: ['REDIS_URL', 'REDIS_ADDR'], evidence: { file: 'src/redis.ts', line: 2, pattern: 'process.env.REDIS_URL ?? process.env.REDIS_ADDR' } },
    ]);
  });
  it('a chain ending in a literal makes every name defaulted', () => {
    const r = run(js, 'a.js', `const u = process.env.A || process.env.B || 'x';\n`);
    expect(summary(r)).toEqual(['A defaulted 1 =x', 'B defaulted 1 =x']);
    expect(r.fallbacks.map((f) => f.names)).toEqual([['A', 'B']]);
  });
  it('a checked chain requires one of the names, not each', () => {
    const r = run(js, 'a.js', `const u = process.env.NEW ?? process.env.OLD;\nif (!u) throw new Error('NEW');\n`);
    expect(r.reads.map((x) => [x.name, x.kind, x.requiredOneOf])).toEqual([
      ['NEW', 'optional', ['NEW', 'OLD']],
      ['OLD', 'optional', ['NEW', 'OLD']],
    ]);
  });
  it('|| in an if condition is not a fallback chain', () => {
    const r = run(js, 'a.js', `if (process.env.A || process.env.B) start();\n`);
    expect(r.fallbacks).toEqual([]);
    expect(summary(r)).toEqual(['A optional 1', 'B optional 1']);
  });
});

describe('javascript extractor: hard cases degrade to unresolved', () => {
  it('computed keys are unresolved, with the static prefix as hint', () => {
    const r = run(
      js,
      'src/x.ts',
      `const a = process.env[name];\nconst b = process.env[prefix + '_URL'];\nconst c = process.env['DB_' + kind];\nconst d = process.env[\`SVC_\${n}_HOST\`];\n`,
    );
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [1, 'computed key on process.env', undefined],
      [2, 'computed key on process.env', undefined],
      [3, 'computed key on process.env', 'DB_'],
      [4, 'computed key on process.env', 'SVC_'],
    ]);
  });
  it('an alias is unresolved, and reads through it are low confidence and never required', () => {
    const r = run(
      js,
      'src/config.js',
      `const env = process.env;\nconst url = env.DATABASE_URL;\nif (!url) throw new Error('DATABASE_URL');\nconst { PORT = '3000' } = env;\n`,
    );
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([[1, 'process.env aliased as `env`']]);
    expect(r.reads.map((x) => [x.name, x.kind, x.confidence, x.evidence.line])).toEqual([
      ['DATABASE_URL', 'optional', 'low', 2],
      ['PORT', 'defaulted', 'low', 4],
    ]);
  });
  it('const { env } = process is an alias too', () => {
    const r = run(js, 'a.js', `const { env } = process;\nconst x = env.X;\n`);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['process.env aliased as `env`']);
    expect(r.reads.map((x) => [x.name, x.confidence])).toEqual([['X', 'low']]);
  });
  it('process.env passed, enumerated, spread or iterated', () => {
    const r = run(
      js,
      'a.ts',
      `loadConfig(process.env);\nObject.keys(process.env).forEach(() => {});\nconst e = { ...process.env };\nfor (const k in process.env) {}\nspawn('x', [], { env: process.env });\n`,
    );
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([
      [1, 'process.env passed to loadConfig()'],
      [2, 'process.env enumerated with Object.keys()'],
      [3, 'process.env spread into another object'],
      [4, 'iteration over process.env'],
      [5, 'process.env stored in a property'],
    ]);
  });
  it('Deno.env.toObject() is unresolved', () => {
    const r = run(js, 'main.ts', `const all = Deno.env.toObject();\n`);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([[1, 'iteration over the whole environment (Deno.env.toObject())']]);
  });
  it('never throws on broken input', () => {
    const r = run(js, 'a.ts', `const x = process.env.OK;\nfunction (((( {\n const y = process.env.ALSO\n`);
    expect(r.reads.map((x) => x.name)).toEqual(['OK', 'ALSO']);
  });
  it('does not match declaration files', () => {
    expect(js.matches('types/env.d.ts')).toBe(false);
    expect(js.matches('a.mjs')).toBe(true);
    expect(js.matches('a.cts')).toBe(true);
    expect(js.matches('a.json')).toBe(false);
  });
});

describe('javascript extractor: env helpers', () => {
  it('follows a local helper with a default parameter to its call sites', () => {
    const r = run(
      js,
      'src/config.ts',
      [
        `function getEnv(name: string, fallback?: string): string | undefined {`, // 1
        `  return process.env[name] ?? fallback;`, // 2
        `}`, // 3
        `export const port = getEnv('PORT', '3000');`, // 4
        `export const host = getEnv('HOST');`, // 5
        `export const x = getEnv(prefix + '_X');`, // 6
      ].join('\n'),
    );
    expect(r.reads.map((x) => [x.name, x.kind, x.evidence.line, x.default, x.confidence])).toEqual([
      ['PORT', 'defaulted', 4, '3000', 'medium'],
      ['HOST', 'optional', 5, undefined, 'medium'],
    ]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([[6, 'computed key passed to getEnv()']]);
  });
  it('a helper that throws makes its call sites required', () => {
    const r = run(
      js,
      'src/config.js',
      `const requireEnv = (name) => {\n  const v = process.env[name];\n  if (!v) throw new Error(name + ' is required');\n  return v;\n};\nconst db = requireEnv('DATABASE_URL');\n`,
    );
    expect(r.reads.map((x) => [x.name, x.kind, x.note])).toEqual([['DATABASE_URL', 'required', 'through helper requireEnv(), which fails when unset']]);
    expect(r.unresolved).toEqual([]);
  });
  it('exports a helper and records calls of imported functions', () => {
    const a = run(js, 'src/env.ts', `export function mustEnv(key: string): string {\n  const v = process.env[key];\n  if (v === undefined) throw new Error(key);\n  return v;\n}\n`);
    expect(a.envHelpers).toEqual([{ exportName: 'mustEnv', fails: true, defaultParam: false, evidence: { file: 'src/env.ts', line: 2, pattern: 'process.env[key]' } }]);
    expect(a.unresolved).toEqual([]);
    const b = run(js, 'src/app.ts', `import { mustEnv } from './env.js';\nconst url = mustEnv('REDIS_URL');\n`);
    expect(b.helperCalls).toEqual([{ importedName: 'mustEnv', from: './env.js', nameArg: 'REDIS_URL', evidence: { file: 'src/app.ts', line: 2, pattern: "mustEnv('REDIS_URL')" } }]);
  });
  it('a local helper never called is unresolved', () => {
    const r = run(js, 'a.js', `function env(n) { return process.env[n]; }\n`);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['computed key on process.env in env(), which is never called with a name in this file']);
  });
});
