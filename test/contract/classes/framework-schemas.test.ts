/**
 * Failure class 1: schemas the framework applies, defined in one file and applied in another.
 * Fixtures patterned on real NestJS apps (the @nestjs/config docs' env.validation.ts,
 * an EnvDto validated with plainToInstance(EnvDto, process.env) behind a `src/…` path alias,
 * registerAs() files calling validateConfig(process.env, Validator)).
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf, entries } from './contract-of.js';

const APP_MODULE = (imp: string, opts: string) =>
  [
    "import { Module } from '@nestjs/common';",
    "import { ConfigModule } from '@nestjs/config';",
    imp,
    '',
    '@Module({',
    `  imports: [ConfigModule.forRoot({ isGlobal: true, ${opts} })],`,
    '})',
    'export class AppModule {}',
    '',
  ].join('\n');

const JOI_SCHEMA = [
  "import * as Joi from 'joi';",
  '',
  'export const validationSchema = Joi.object({',
  "  NODE_ENV: Joi.string().valid('development', 'production').default('development'),",
  '  DATABASE_URL: Joi.string().uri().required(),',
  '  PORT: Joi.number().default(3000),',
  '  SENTRY_DSN: Joi.string().optional(),',
  '});',
  '',
].join('\n');

const ZOD_ENV = [
  "import { z } from 'zod';",
  'export const envSchema = z.object({',
  '  REDIS_URL: z.string().url(),',
  "  LOG_LEVEL: z.enum(['debug', 'info']).default('info'),",
  '  S3_BUCKET: z.string().optional(),',
  '});',
  'export function validateEnv(config: Record<string, unknown>) {',
  '  return envSchema.parse(config);',
  '}',
  '',
].join('\n');

const CLASS_VALIDATOR_ENV = [
  "import { plainToInstance } from 'class-transformer';",
  "import { IsEnum, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Min, ValidateIf, validateSync } from 'class-validator';",
  '',
  "enum Environment { Development = 'development', Production = 'production' }",
  '',
  'class EnvironmentVariables {',
  '  @IsEnum(Environment)',
  '  NODE_ENV: Environment = Environment.Development;',
  '',
  '  @IsNumber()',
  '  @Min(0)',
  '  PORT: number;',
  '',
  '  @IsUrl({ require_tld: false })',
  '  DATABASE_URL: string;',
  '',
  '  @IsOptional()',
  '  @IsString()',
  '  SENTRY_DSN?: string;',
  '',
  "  @ValidateIf((o) => o.SMTP_ENABLED === 'true')",
  '  @IsNotEmpty()',
  '  SMTP_HOST: string;',
  '}',
  '',
  'export function validate(config: Record<string, unknown>) {',
  '  const validatedConfig = plainToInstance(EnvironmentVariables, config, { enableImplicitConversion: true });',
  '  const errors = validateSync(validatedConfig, { skipMissingProperties: false });',
  '  if (errors.length > 0) throw new Error(errors.toString());',
  '  return validatedConfig;',
  '}',
  '',
].join('\n');

const ENV_DTO = [
  "import { IsBoolean, IsIn, IsInt, IsOptional, IsString } from 'class-validator';",
  '',
  'export class EnvDto {',
  '  @IsString()',
  '  DB_URL!: string;',
  '',
  '  @IsInt()',
  '  @IsOptional()',
  '  APP_PORT?: number;',
  '',
  "  @IsIn(['verbose', 'log', 'warn'])",
  '  @IsOptional()',
  '  APP_LOG_LEVEL?: string;',
  '',
  '  @IsBoolean()',
  '  @IsOptional()',
  '  APP_MEDIA_LOCATION = false;',
  '}',
  '',
].join('\n');

const CONFIG_REPOSITORY = [
  "import { plainToInstance } from 'class-transformer';",
  "import { validateSync } from 'class-validator';",
  "import { EnvDto } from 'src/dtos/env.dto';",
  '',
  'export const getEnv = () => {',
  '  const dto = plainToInstance(EnvDto, process.env);',
  '  const errors = validateSync(dto);',
  '  if (errors.length > 0) throw new Error(`Invalid environment variables: ${errors.join(\', \')}`);',
  '  return dto;',
  '};',
  '',
].join('\n');

const REGISTER_AS = [
  "import { registerAs } from '@nestjs/config';",
  "import { IsOptional, IsString, IsUrl } from 'class-validator';",
  "import validateConfig from '../utils/validate-config';",
  '',
  'class EnvironmentVariablesValidator {',
  '  @IsUrl({ require_tld: false })',
  '  FRONTEND_DOMAIN: string;',
  '',
  '  @IsString()',
  '  @IsOptional()',
  '  API_PREFIX: string;',
  '}',
  '',
  "export default registerAs('app', () => {",
  '  validateConfig(process.env, EnvironmentVariablesValidator);',
  "  return { frontendDomain: process.env.FRONTEND_DOMAIN, apiPrefix: process.env.API_PREFIX || 'api' };",
  '});',
  '',
].join('\n');

const VALIDATE_CONFIG = [
  "import { plainToClass } from 'class-transformer';",
  "import { validateSync } from 'class-validator';",
  'export default function validateConfig<T extends object>(config: Record<string, string | undefined>, cls: new () => T) {',
  '  const validated = plainToClass(cls, config, { enableImplicitConversion: true });',
  '  const errors = validateSync(validated, { skipMissingProperties: false });',
  '  if (errors.length > 0) throw new Error(errors.toString());',
  '  return validated;',
  '}',
  '',
].join('\n');

describe('class 1: framework-applied schemas (NestJS, Joi, zod, class-validator)', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'Joi validationSchema defined in one file, applied by ConfigModule.forRoot in another',
      { 'src/config/env.validation.ts': JOI_SCHEMA, 'src/app.module.ts': APP_MODULE("import { validationSchema } from './config/env.validation';", 'validationSchema') },
      ['DATABASE_URL required', 'NODE_ENV defaulted =development', 'PORT defaulted =3000', 'SENTRY_DSN optional'],
    ],
    [
      'Joi schema inline in forRoot',
      { 'src/app.module.ts': APP_MODULE("import * as Joi from 'joi';", 'validationSchema: Joi.object({ JWT_SECRET: Joi.string().required(), TTL: Joi.number().default(60) })') },
      ['JWT_SECRET required', 'TTL defaulted =60'],
    ],
    [
      'an exported Joi schema nothing applies to the environment is no read (a request body)',
      { 'src/users/user.schema.ts': JOI_SCHEMA.replace('validationSchema', 'createUserSchema'), 'src/app.module.ts': APP_MODULE('', 'cache: true') },
      [],
    ],
    [
      'zod schema parsed by a validate function of another file',
      { 'src/env.ts': ZOD_ENV, 'src/app.module.ts': APP_MODULE("import { validateEnv } from './env';", 'validate: validateEnv') },
      ['LOG_LEVEL defaulted =info', 'REDIS_URL required', 'S3_BUCKET optional'],
    ],
    [
      'class-validator class and validate() of the NestJS docs, applied by forRoot({ validate })',
      { 'src/env.validation.ts': CLASS_VALIDATOR_ENV, 'src/app.module.ts': APP_MODULE("import { validate } from './env.validation';", 'validate') },
      ['DATABASE_URL required', 'NODE_ENV defaulted =Environment.Development', 'PORT required', 'SENTRY_DSN optional', 'SMTP_HOST optional'],
    ],
    [
      'an env class behind a path alias, validated from process.env in another file',
      { 'server/src/dtos/env.dto.ts': ENV_DTO, 'server/src/repositories/config.repository.ts': CONFIG_REPOSITORY },
      ['APP_LOG_LEVEL optional', 'APP_MEDIA_LOCATION defaulted =false', 'APP_PORT optional', 'DB_URL required'],
    ],
    [
      'validateConfig(process.env, Validator) in a registerAs() file',
      { 'src/config/app.config.ts': REGISTER_AS, 'src/utils/validate-config.ts': VALIDATE_CONFIG },
      ['API_PREFIX optional', 'FRONTEND_DOMAIN required'],
    ],
    [
      'validate() in one file applying a class of a third file',
      {
        'src/config/index.ts': ENV_DTO.replace('EnvDto', 'ConfigDto'),
        'src/common/validation/validate.ts': CLASS_VALIDATOR_ENV.split('\n').slice(0, 2).join('\n').replace(/IsEnum.*?validateSync/, 'validateSync') +
          "\nimport { ConfigDto } from '../../config';\nexport const validate = (config: Record<string, unknown>) => {\n  const c = plainToInstance(ConfigDto, config);\n  const errors = validateSync(c);\n  if (errors.length) throw new Error(errors.toString());\n  return c;\n};\n",
        'src/app.module.ts': APP_MODULE("import { validate } from './common/validation/validate';", 'validate'),
      },
      ['APP_LOG_LEVEL optional', 'APP_MEDIA_LOCATION defaulted =false', 'APP_PORT optional', 'DB_URL required'],
    ],
  ])('%s', async (_t, files, expected) => {
    const c = await contractOf(files);
    expect(entries(c)).toEqual(expected);
  });

  it('a read applied from another file says what applies it, where', async () => {
    const c = await contractOf({ 'src/config/env.validation.ts': JOI_SCHEMA, 'src/app.module.ts': APP_MODULE("import { validationSchema } from './config/env.validation';", 'validationSchema') });
    const r = c.entries.get('DATABASE_URL')!.reads[0]!;
    expect(r.evidence).toMatchObject({ file: 'src/config/env.validation.ts', line: 5 });
    expect(r.note).toBe('applied by NestJS ConfigModule.forRoot validationSchema at src/app.module.ts:6');
  });
});
