import { extractFiles } from '../../src/contract/build.js';
import { javascriptExtractor as js, JS_TRIGGERS, parsedFiles } from '../../src/contract/extractors/javascript.js';
import { SCHEMA_TRIGGERS } from '../../src/contract/extractors/js-schemas.js';
import { NEST_CONFIG_TRIGGERS } from '../../src/contract/extractors/nest-config.js';
import { prefilter } from '../../src/contract/extractors/js-prefilter.js';
import type { SourceFile } from '../../src/contract/model.js';

/** extractFiles (prefilter, lazy linking) over the files; how many of them were parsed. */
function scan(files: Record<string, string>) {
  const list: SourceFile[] = Object.entries(files).map(([path, text]) => ({ path, text }));
  const before = parsedFiles.count;
  const { results } = extractFiles(list);
  return { results, parsed: parsedFiles.count - before };
}

const names = (rs: { reads: { name: string; kind: string }[] }[]): string[] =>
  rs
    .flatMap((r) => r.reads.map((x) => `${x.name} ${x.kind}`))
    .sort();

/**
 * One file per trigger whose only environment access is what that trigger stands for (the
 * `by` of the trigger). Each must pass the prefilter and give what the extractor gives without it.
 */
const CASES: { by: string; path: string; text: string }[] = [
  { by: JS_TRIGGERS[0]!.by, path: 'src/cast.ts', text: `export const key = (process as NodeJS.Process).env.API_KEY ?? 'dev';\n` },
  { by: JS_TRIGGERS[0]!.by, path: 'src/chain.js', text: `const port = process\n  // the port the server listens on\n  .env.PORT;\nmodule.exports = { port };\n` },
  { by: JS_TRIGGERS[0]!.by, path: 'src/alias.js', text: `const { env } = process;\nexport const url = env.DATABASE_URL;\n` },
  { by: JS_TRIGGERS[0]!.by, path: 'src/deno.ts', text: `export const token = Deno.env.get('BOT_TOKEN');\n` },
  { by: JS_TRIGGERS[0]!.by, path: 'src/bun.ts', text: `export const level = Bun.env.LOG_LEVEL || 'info';\n` },
  { by: JS_TRIGGERS[0]!.by, path: 'src/vite.ts', text: `export const api = import.meta.env.VITE_API_URL;\n` },
  {
    by: JS_TRIGGERS[1]!.by,
    path: 'src/node-env.ts',
    text: `import {\n  argv,\n  cwd,\n  // every option the command line takes, and then some more that it could take one day\n  env as environment,\n  exit,\n} from 'node:process';\nexport const home = environment.APP_HOME;\n`,
  },
  { by: JS_TRIGGERS[2]!.by, path: 'src/boot.js', text: `require('dotenv-safe').config({ example: '.env.sample' });\n` },
  {
    by: SCHEMA_TRIGGERS[0]!.by,
    path: 'src/config.ts',
    text: `import { cleanEnv, str, port } from 'envalid';\nimport { source } from './source';\nexport const config = cleanEnv(source, { DB_URL: str(), PORT: port({ default: 3000 }) });\n`,
  },
  {
    by: SCHEMA_TRIGGERS[1]!.by,
    path: 'src/env.mjs',
    text: `import { createEnv } from '@t3-oss/env-core';\nimport { z } from 'zod';\nimport { runtime } from './runtime.mjs';\nexport const settings = createEnv({ server: { DATABASE_URL: z.string().url(), REDIS_URL: z.string().optional() }, runtimeEnv: runtime });\n`,
  },
  { by: SCHEMA_TRIGGERS[2]!.by, path: 'src/vars.ts', text: `import vars from 'env-var';\nexport const secret = vars.get('JWT_SECRET').required().asString();\n` },
  {
    by: NEST_CONFIG_TRIGGERS[0]!.by,
    path: 'src/app.module.ts',
    text: [
      `import { Module } from '@nestjs/common';`,
      `import { ConfigModule } from '@nestjs/config';`,
      `import * as Joi from 'joi';`,
      `@Module({`,
      `  imports: [`,
      `    ConfigModule`,
      `      .forRoot({ validationSchema: Joi.object({ JWT_SECRET: Joi.string().required(), TTL: Joi.number().default(60) }) }),`,
      `  ],`,
      `})`,
      `export class AppModule {}`,
    ].join('\n'),
  },
];

describe('JS/TS prefilter (js-prefilter.ts), built from the recognizers', () => {
  it('has a case for every trigger of every recognizer', () => {
    const triggers = [...JS_TRIGGERS, ...SCHEMA_TRIGGERS, ...NEST_CONFIG_TRIGGERS].map((t) => t.by);
    expect(new Set(CASES.map((c) => c.by))).toEqual(new Set(triggers));
  });

  it.each(CASES.map((c) => [c.path, c] as const))('%s: parsed, and extracted as without the prefilter', (_p, c) => {
    const direct = js.extract({ path: c.path, text: c.text });
    expect(direct.reads.length + direct.unresolved.length + (direct.enforcesDeclarations?.length ?? 0)).toBeGreaterThan(0);
    expect(js.quick!.test(c.text)).toBe(true);
    const { results, parsed } = scan({ [c.path]: c.text });
    expect(parsed).toBe(1);
    expect(results).toEqual([direct]);
  });

  it('parses none of the files that only look like they read the environment', () => {
    const { results, parsed } = scan({
      'app/scenes/Login.tsx': `import { env } from '~/env';\nexport const Login = () => <a href={env.URL}>{env.APP_NAME}</a>;\n`,
      'app/utils/environment.ts': `export const environment = { isBrowser: typeof window !== 'undefined' };\nexport const envelope = 1;\n`,
      'server/cli.ts': `const args = process.argv.slice(2);\nexport default args;\n`,
      'server/dotenv.ts': `export const note = 'dotenv-safe is not used here';\n`,
    });
    expect(parsed).toBe(0);
    expect(results).toEqual([]);
  });

  it('parses a schema file only when a matching file applies it (lazy, through link.ts)', () => {
    const schema = `import * as Joi from 'joi';\nexport const validationSchema = Joi.object({ DATABASE_URL: Joi.string().required() });\n`;
    const app = `import { ConfigModule } from '@nestjs/config';\nimport { validationSchema } from './env.validation';\nexport const config = ConfigModule.forRoot({ validationSchema });\n`;
    const applied = scan({ 'src/env.validation.ts': schema, 'src/app.module.ts': app });
    expect(applied.parsed).toBe(2);
    expect(names(applied.results)).toEqual([]); // pending: joined into reads by linkPending (buildContract)
    expect(applied.results.flatMap((r) => r.pending ?? []).map((p) => p.key)).toEqual(['js:src/env.validation.ts#validationSchema']);
    const alone = scan({ 'src/env.validation.ts': schema, 'src/users.ts': `export const users = [];\n` });
    expect(alone.parsed).toBe(0);
  });

  it('parses a file calling a default-exported env helper only when it imports that helper', () => {
    const helper = `export default function getEnv(name: string, d?: string) {\n  return process.env[name] ?? d;\n}\n`;
    const caller = `import getEnv from '../lib/get-env';\nexport const port = getEnv('PORT', '3000');\n`;
    const other = `import render from './render';\nexport const page = render('home');\n`;
    const { results, parsed } = scan({ 'src/lib/get-env.ts': helper, 'src/server/port.ts': caller, 'src/server/page.ts': other });
    expect(parsed).toBe(2);
    expect(results.flatMap((r) => r.helperCalls ?? []).map((c) => `${c.evidence.file} ${c.nameArg}`)).toEqual(['src/server/port.ts PORT']);
  });

  it('checks its triggers: words next to each other within `near`, module names in quotes', () => {
    const t = prefilter([{ by: 'x', allOf: [['env'], ['process']], near: { chars: 10, notBetween: ';', notBetweenReversed: ',;' } }, { by: 'm', allOf: [{ modules: ['env-var'] }] }]);
    expect(t.test('process.env')).toBe(true);
    expect(t.test('(process!)?.env')).toBe(true);
    expect(t.test('const { env } = process')).toBe(true);
    expect(t.test('const { a, env } = process')).toBe(true);
    expect(t.test('typeof process, t.env = {}')).toBe(false); // a bundle's polyfill, not a read
    expect(t.test('let env; process')).toBe(false);
    expect(t.test(`process${' '.repeat(40)}env`)).toBe(false);
    expect(t.test('processenv')).toBe(false);
    expect(t.test(`import x from 'env-var'`)).toBe(true);
    expect(t.test('my env-var helper')).toBe(false);
    expect(() => prefilter([{ by: 'empty', allOf: [[]] }])).toThrow(/empty group/);
  });
});
