import { goExtractor as go } from '../../src/contract/extractors/go.js';
import { splitWords } from '../../src/contract/extractors/go-libs.js';
import { run, summary } from './helpers.js';

describe('Go configuration libraries', () => {
  it.each<[string, string, string[]]>([
    [
      'envconfig with a Process prefix, split_words, required, default, ignored, nested',
      [
        `package config`, // 1
        ``, // 2
        `import "github.com/kelseyhightower/envconfig"`, // 3
        ``, // 4
        `type DB struct {`, // 5
        `\tHost string \`required:"true"\``, // 6
        `\tPort int    \`default:"5432"\``, // 7
        `}`, // 8
        ``, // 9
        `type Config struct {`, // 10
        `\tDebug      bool`, // 11
        `\tMaxRetries int    \`split_words:"true" default:"3"\``, // 12
        `\tAPIKey     string \`envconfig:"API_KEY" required:"true"\``, // 13
        `\tInternal   string \`ignored:"true"\``, // 14
        `\tDatabase   DB`, // 15
        `}`, // 16
        ``, // 17
        `func Load() (Config, error) {`, // 18
        `\tvar c Config`, // 19
        `\terr := envconfig.Process("myapp", &c)`, // 20
        `\treturn c, err`, // 21
        `}`, // 22
      ].join('\n'),
      [
        'MYAPP_DEBUG optional 11',
        'MYAPP_MAX_RETRIES defaulted 12 =3',
        'MYAPP_API_KEY optional 13',
        'API_KEY optional 13',
        'MYAPP_DATABASE_HOST required 6',
        'MYAPP_DATABASE_PORT defaulted 7 =5432',
      ],
    ],
    [
      'caarlos0/env with options prefix and envPrefix',
      [
        `package main`, // 1
        `import "github.com/caarlos0/env/v11"`, // 2
        `type Redis struct {`, // 3
        `\tURL string \`env:"URL,required"\``, // 4
        `}`, // 5
        `type Config struct {`, // 6
        `\tPort  int      \`env:"PORT" envDefault:"8080"\``, // 7
        `\tToken string   \`env:"TOKEN,notEmpty"\``, // 8
        `\tTags  []string \`env:"TAGS"\``, // 9
        `\tRedis Redis    \`envPrefix:"REDIS_"\``, // 10
        `\tSkip  string   \`env:"-"\``, // 11
        `}`, // 12
        `func main() {`, // 13
        `\tcfg := Config{}`, // 14
        `\t_ = env.ParseWithOptions(&cfg, env.Options{Prefix: "APP_"})`, // 15
        `}`, // 16
      ].join('\n'),
      ['APP_PORT defaulted 7 =8080', 'APP_TOKEN required 8', 'APP_TAGS optional 9', 'APP_REDIS_URL required 4'],
    ],
    [
      'urfave/cli EnvVars',
      [
        `package main`,
        `import "github.com/urfave/cli/v2"`,
        `var flags = []cli.Flag{`,
        `\t&cli.StringFlag{Name: "listen", Value: ":8080", EnvVars: []string{"LISTEN_ADDR"}},`,
        `\t&cli.StringFlag{`,
        `\t\tName:     "db",`,
        `\t\tRequired: true,`,
        `\t\tEnvVars:  []string{"DATABASE_URL", "DB_URL"},`,
        `\t},`,
        `}`,
      ].join('\n'),
      ['LISTEN_ADDR defaulted 4 =:8080', 'DATABASE_URL optional 8', 'DB_URL optional 8'],
    ],
    [
      'viper BindEnv',
      `package main\nimport "github.com/spf13/viper"\nfunc init() {\n\tviper.SetEnvPrefix("svc")\n\t_ = viper.BindEnv("port")\n\t_ = viper.BindEnv("db.url", "DATABASE_URL")\n}\n`,
      ['SVC_PORT optional 5', 'DATABASE_URL optional 6'],
    ],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(go, 'internal/config/config.go', code))).toEqual(expected);
  });

  it('envconfig tag name falls back to the bare name: a chain', () => {
    const r = run(go, 'c.go', `package c\nimport "github.com/kelseyhightower/envconfig"\ntype C struct {\n\tKey string \`envconfig:"API_KEY" required:"true"\`\n}\nfunc f() { var c C; envconfig.MustProcess("app", &c) }\n`);
    expect(r.fallbacks.map((f) => f.names)).toEqual([['APP_API_KEY', 'API_KEY']]);
    expect(r.reads.map((x) => [x.name, x.kind, x.requiredOneOf])).toEqual([
      ['APP_API_KEY', 'optional', ['APP_API_KEY', 'API_KEY']],
      ['API_KEY', 'optional', ['APP_API_KEY', 'API_KEY']],
    ]);
  });

  it('an envconfig struct not tied to a literal prefix is unresolved and never required', () => {
    const r = run(go, 'c.go', `package c\ntype C struct {\n\tHost string \`envconfig:"HOST" required:"true"\`\n}\n// envconfig.Process is called elsewhere\nvar _ = envconfig\n`);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['envconfig struct processed elsewhere: prefix unknown']);
    expect(r.reads.map((x) => [x.name, x.kind, x.confidence])).toEqual([['HOST', 'optional', 'low']]);
  });

  it('viper AutomaticEnv is unresolved', () => {
    const r = run(go, 'c.go', `package c\nfunc f() {\n\tviper.AutomaticEnv()\n}\n`);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([[3, 'viper AutomaticEnv: any configuration key may be read from the environment']]);
  });

  it.each([
    ['MaxRetries', 'Max_Retries'],
    ['APIKey', 'API_Key'],
    ['Port', 'Port'],
    ['HTTPServerAddr', 'HTTP_Server_Addr'],
  ])('splitWords(%s) = %s', (a, b) => {
    expect(splitWords(a)).toBe(b);
  });
});
