import { javascriptExtractor as js } from '../../src/contract/extractors/javascript.js';
import { run, summary } from './helpers.js';

describe('JS validation libraries', () => {
  it.each<[string, string, string[]]>([
    [
      'envalid cleanEnv',
      [
        `import { cleanEnv, str, port, bool, email } from 'envalid';`,
        `export const env = cleanEnv(process.env, {`,
        `  API_KEY: str(),`,
        `  PORT: port({ default: 3000 }),`,
        `  NODE_ENV: str({ choices: ['development', 'production'], devDefault: 'development' }),`,
        `  DEBUG: bool({ default: false }),`,
        `  ADMIN_EMAIL: email({ default: undefined }),`,
        `});`,
      ].join('\n'),
      ['API_KEY required 3', 'PORT defaulted 4 =3000', 'NODE_ENV required 5', 'DEBUG defaulted 6 =false', 'ADMIN_EMAIL optional 7'],
    ],
    [
      'envalid with the spec in a variable',
      `import { cleanEnv, url } from 'envalid';\nconst spec = {\n  DATABASE_URL: url(),\n};\nexport const env = cleanEnv(process.env, spec);\n`,
      ['DATABASE_URL required 3'],
    ],
    [
      'env-var',
      [
        `import env from 'env-var';`,
        `export const PORT = env.get('PORT').default('8080').asPortNumber();`,
        `export const KEY = env.get('API_KEY').required().asString();`,
        `export const OPT = env.get('OPT_FLAG').asBool();`,
        `export const OFF = env.get('MAYBE').required(false).asString();`,
      ].join('\n'),
      ['PORT defaulted 2 =8080', 'API_KEY required 3', 'OPT_FLAG optional 4', 'MAYBE optional 5'],
    ],
    [
      'env-var through require and from(process.env)',
      `const { from } = require('env-var');\nconst env = from(process.env, {});\nconst u = env.get('URL').required().asUrlString();\n`,
      ['URL required 3'],
    ],
    [
      'zod object parsed from process.env',
      [
        `import { z } from 'zod';`,
        `const Env = z.object({`,
        `  DATABASE_URL: z.string().url(),`,
        `  SENTRY_DSN: z.string().optional(),`,
        `  PORT: z.coerce.number().default(3000),`,
        `  LOG_LEVEL: z.enum(['debug', 'info']).default('info'),`,
        `});`,
        `export const env = Env.parse(process.env);`,
      ].join('\n'),
      ['DATABASE_URL required 3', 'SENTRY_DSN optional 4', 'PORT defaulted 5 =3000', 'LOG_LEVEL defaulted 6 =info'],
    ],
    [
      't3-env createEnv',
      [
        `import { createEnv } from '@t3-oss/env-nextjs';`,
        `import { z } from 'zod';`,
        `export const env = createEnv({`,
        `  server: {`,
        `    DATABASE_URL: z.string().url(),`,
        `    OPENAI_KEY: z.string().min(1).optional(),`,
        `  },`,
        `  client: { NEXT_PUBLIC_SITE: z.string() },`,
        `  runtimeEnv: process.env,`,
        `});`,
      ].join('\n'),
      ['DATABASE_URL required 5', 'OPENAI_KEY optional 6', 'NEXT_PUBLIC_SITE build-time 8'],
    ],
    [
      't3-env with zod preprocess around a schema held in a constant (formbricks 5)',
      [
        `import { createEnv } from '@t3-oss/env-nextjs';`,
        `import { z } from 'zod';`,
        `const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);`,
        `const ZOptionalNonEmpty = z.preprocess(emptyToUndefined, z.string().trim().min(1).optional());`,
        `export const env = createEnv({`,
        `  server: {`,
        `    JWT_AUDIENCE: ZOptionalNonEmpty,`,
        `    API_SECRET: z.preprocess(emptyToUndefined, z.string().min(1)),`,
        `    REGION: z.preprocess(emptyToUndefined, z.string().default('eu')),`,
        `  },`,
        `  runtimeEnv: process.env,`,
        `});`,
      ].join('\n'),
      ['JWT_AUDIENCE optional 7', 'API_SECRET required 8', 'REGION defaulted 9 =eu'],
    ],
    [
      'Joi object validated against process.env',
      [
        `const Joi = require('joi');`,
        `const schema = Joi.object({`,
        `  DB_URL: Joi.string().uri().required(),`,
        `  PORT: Joi.number().default(3000),`,
        `  FEATURE: Joi.boolean(),`,
        `}).unknown();`,
        `const { value, error } = schema.validate(process.env);`,
        `if (error) throw error;`,
      ].join('\n'),
      ['DB_URL required 3', 'PORT defaulted 4 =3000', 'FEATURE optional 5'],
    ],
    ['Joi.attempt with keys()', `import Joi from 'joi';\nconst s = Joi.object().keys({\n  A: Joi.string().required(),\n});\nconst v = Joi.attempt(process.env, s);\n`, ['A required 3']],
    ['a zod schema not parsed from process.env is not a contract', `import { z } from 'zod';\nconst User = z.object({ NAME: z.string() });\nUser.parse(body);\n`, []],
  ])('%s', (_t, code, expected) => {
    const r = run(js, 'src/env.ts', code);
    expect(summary(r)).toEqual(expected);
    // process.env handed to a recognised schema is not an unresolved use.
    expect(r.unresolved).toEqual([]);
  });

  it('safeParse makes required reads medium confidence', () => {
    const r = run(js, 'src/env.ts', `import { z } from 'zod';\nconst r = z.object({ A: z.string() }).safeParse(process.env);\n`);
    expect(r.reads.map((x) => [x.name, x.kind, x.confidence])).toEqual([['A', 'required', 'medium']]);
  });

  it('a spread or an unknown schema is unresolved', () => {
    const r = run(js, 'src/env.ts', `import { cleanEnv, str } from 'envalid';\nconst env = cleanEnv(process.env, { ...base, A: str() });\nconst e2 = cleanEnv(process.env, makeSpec());\n`);
    expect(summary(r)).toEqual(['A required 2']);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([
      [2, 'envalid schema spreads another object: its keys are not known'],
      [3, 'envalid schema built elsewhere: its keys are not known'],
    ]);
  });
});
