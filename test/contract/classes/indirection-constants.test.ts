/**
 * Class 2 (indirection): names held in constants and prefixes declared once. Fixtures are our
 * own, patterned on apps that keep env names in a `const`/enum (JS/TS), pass an app-name
 * constant to `envconfig.Process`, or hold pydantic's `env_prefix` in a module constant.
 */
import { describe, expect, it } from '@jest/globals';
import { javascriptExtractor } from '../../../src/contract/extractors/javascript.js';
import { goExtractor } from '../../../src/contract/extractors/go.js';
import { pythonExtractor } from '../../../src/contract/extractors/python.js';
import { rubyExtractor } from '../../../src/contract/extractors/ruby.js';
import { phpExtractor } from '../../../src/contract/extractors/php.js';
import type { Extractor } from '../../../src/contract/model.js';
import { run } from '../helpers.js';

const TS = [
  "const API_KEY = 'API_KEY';", // 1
  "enum Env { Port = 'PORT', Host = 'HOST' }", // 2
  "const NAMES = { token: 'API_TOKEN' } as const;", // 3
  'export const key = process.env[API_KEY];', // 4
  "export const port = process.env[Env.Port] ?? '3000';", // 5
  'if (!process.env[NAMES.token]) throw new Error("API_TOKEN is required");', // 6
  'export function read(API_KEY: string) {', // 7 (an env helper: resolved where it is called)
  '  return process.env[API_KEY];', // 8
  '}', // 9
  "let mutable = 'X';", // 10
  'export const m = process.env[mutable];', // 11
  '',
].join('\n');

const GO = [
  'package main', // 1
  'import "github.com/kelseyhightower/envconfig"', // 2
  'const appName = "shiori"', // 3
  'type Spec struct {', // 4
  '\tPort     int    `default:"8080"`', // 5
  '\tDatabase string `envconfig:"DB_URL" required:"true"`', // 6
  '}', // 7
  'func main() {', // 8
  '\tvar s Spec', // 9
  '\tenvconfig.MustProcess(appName, &s)', // 10
  '}', // 11
  '',
].join('\n');

const GO_UNKNOWN = GO.replace('envconfig.MustProcess(appName, &s)', 'envconfig.MustProcess(prefix, &s)');

const PY = [
  'from pydantic_settings import BaseSettings, SettingsConfigDict', // 1
  'ENV_PREFIX = "LINKDING_"', // 2
  'class Settings(BaseSettings):', // 3
  '    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)', // 4
  '    secret_key: str', // 5
  '    workers: int = 2', // 6
  'class Other(BaseSettings):', // 7
  '    model_config = SettingsConfigDict(env_prefix=f"{APP}_")', // 8
  '    token: str', // 9
  '',
].join('\n');

const VIPER = (arg: string): string =>
  ['package main', 'import "github.com/spf13/viper"', 'const envPrefix = "svc"', 'func init() {', `\tviper.SetEnvPrefix(${arg})`, '\t_ = viper.BindEnv("db.host")', '}', ''].join('\n');

const RUBY = ['SMTP_KEY = "SMTP_PASSWORD".freeze', 'TWICE = "A"', 'TWICE = "B"', 'password = ENV.fetch(SMTP_KEY)', 'x = ENV[TWICE]', ''].join('\n');

const PHP = [
  '<?php', // 1
  "define('MAIL_DSN_KEY', 'MAILER_DSN');", // 2
  'final class Options', // 3
  '{', // 4
  "    public const TOKEN = 'APP_TOKEN';", // 5
  '    public function token(): string', // 6
  '    {', // 7
  "        return env(self::TOKEN, 'dev');", // 8
  '    }', // 9
  '}', // 10
  '$dsn = getenv(MAIL_DSN_KEY);', // 11
  '$other = getenv(Elsewhere::KEY);', // 12
  '',
].join('\n');

type Row = [string, Extractor, string, string, string[], string[]];
const rows: Row[] = [
  [
    'ts: const, enum member and as-const object as the key; shadowed and mutable names stay unresolved',
    javascriptExtractor,
    'src/config.ts',
    TS,
    ['API_KEY optional medium 4', 'PORT defaulted medium 5 =3000', 'API_TOKEN required medium 6'],
    ['11 computed key on process.env'],
  ],
  [
    'go: envconfig prefix held in a constant',
    goExtractor,
    'main.go',
    GO,
    ['SHIORI_PORT defaulted medium 5 =8080', 'SHIORI_DB_URL optional medium 6', 'DB_URL optional medium 6'],
    [],
  ],
  [
    'go: envconfig prefix computed at run time stays unknown (never required)',
    goExtractor,
    'main.go',
    GO_UNKNOWN,
    ['PORT defaulted low 5 =8080', 'DB_URL optional low 6'],
    ['10 envconfig prefix is not a literal'],
  ],
  ['ruby: ENV.fetch(CONST); a constant assigned twice stays unresolved', rubyExtractor, 'config/initializers/mail.rb', RUBY, ['SMTP_PASSWORD required medium 4'], ['5 computed key']],
  ['php: self::CONST and define()d names; a constant of another class stays unresolved', phpExtractor, 'src/Options.php', PHP, ['APP_TOKEN defaulted medium 8 =dev', 'MAILER_DSN optional medium 11'], ['12 computed key']],
  ['go: viper SetEnvPrefix with a constant', goExtractor, 'cmd/root.go', VIPER('envPrefix'), ['SVC_DB_HOST optional medium 6'], []],
  ['go: viper SetEnvPrefix computed: the name is a low-confidence guess', goExtractor, 'cmd/root.go', VIPER('strings.ToUpper(app)'), ['DB_HOST optional low 6'], []],
  [
    'python: pydantic env_prefix in a module constant; an unknown prefix is never required',
    pythonExtractor,
    'app/settings.py',
    PY,
    ['LINKDING_SECRET_KEY required medium 5', 'LINKDING_WORKERS defaulted medium 6 =2', 'TOKEN optional low 9'],
    ['8 pydantic-settings env_prefix is neither a literal nor a constant of the file'],
  ],
];

describe('class 2: names in constants, prefixes declared once', () => {
  it.each(rows)('%s', (_t, ex, path, text, reads, unresolved) => {
    const r = run(ex, path, text);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.confidence} ${x.evidence.line}${x.default !== undefined ? ` =${x.default}` : ''}`)).toEqual(reads);
    expect(r.unresolved.map((u) => `${u.evidence.line} ${u.reason}`)).toEqual(unresolved);
  });
});
