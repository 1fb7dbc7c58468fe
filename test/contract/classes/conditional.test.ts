/**
 * Failure class 3 (continued): a check inside a feature that only runs when another setting is
 * on is a *conditional* requirement (optional on its own, `requiredWhen` that setting); a value
 * the code replaces when unset is a default; a urfave/cli flag checked in the action is a
 * requirement of the variables the flag is read from. Fixtures patterned on Node mailers
 * (`if (SMTP_ENABLED) { if (!SMTP_PASSWORD) throw }`), Python settings modules
 * (`if REDIS_URL is None: REDIS_URL = "redis://…"`) and urfave/cli servers (woodpecker's
 * `if c.String("server-host") == "" { return fmt.Errorf(…) }`).
 */
import { describe, expect, it } from '@jest/globals';
import { pythonExtractor } from '../../../src/contract/extractors/python.js';
import { javascriptExtractor } from '../../../src/contract/extractors/javascript.js';
import { goExtractor } from '../../../src/contract/extractors/go.js';
import type { ContractRead, Extractor } from '../../../src/contract/model.js';
import { buildContract } from '../../../src/contract/build.js';
import { GitTree } from '../../../src/sources/tree.js';
import { TempRepo } from '../gitrepo.js';
import { run } from '../helpers.js';

const show = (x: ContractRead) =>
  `${x.name} ${x.kind} ${x.confidence}${x.default !== undefined ? ` =${x.default}` : ''}${x.requiredWhen ? ` when ${x.requiredWhen.names.join('|')}@${x.requiredWhen.evidence.line}` : ''}`;

const table: { title: string; ex: Extractor; path: string; text: string; want: string[] }[] = [
  {
    title: 'JS: a check inside `if (process.env.SMTP_ENABLED)` is conditional on SMTP_ENABLED',
    ex: javascriptExtractor,
    path: 'src/mail.ts',
    text: [
      "if (process.env.SMTP_ENABLED === 'true') {", // 1
      '  if (!process.env.SMTP_PASSWORD) throw new Error("SMTP_PASSWORD is required");', // 2
      '}', // 3
      '',
    ].join('\n'),
    want: ['SMTP_ENABLED optional high', 'SMTP_PASSWORD optional high when SMTP_ENABLED@2'],
  },
  {
    title: 'JS: through a derived switch `const smtp = process.env.X === "true"`',
    ex: javascriptExtractor,
    path: 'src/mail.ts',
    text: [
      "const smtp = process.env.MAIL_ENABLED === 'true';", // 1
      'const pass = process.env.MAIL_PASSWORD;', // 2
      'if (smtp) {', // 3
      '  if (!pass) throw new Error("MAIL_PASSWORD is required");', // 4
      '}', // 5
      '',
    ].join('\n'),
    want: ['MAIL_ENABLED optional high', 'MAIL_PASSWORD optional high when MAIL_ENABLED@4'],
  },
  {
    title: 'JS: an early `if (!FEATURE) return;` makes the later check conditional',
    ex: javascriptExtractor,
    path: 'src/metrics.ts',
    text: [
      'export function main() {', // 1
      '  if (!process.env.DD_ENABLED) return;', // 2
      '  if (!process.env.DD_API_KEY) throw new Error("DD_API_KEY");', // 3
      '}', // 4
      '',
    ].join('\n'),
    want: ['DD_API_KEY optional high when DD_ENABLED@3', 'DD_ENABLED optional high'],
  },
  {
    title: 'Go: a fatal check inside `if os.Getenv("SMTP_ENABLED") == "true"` is conditional',
    ex: goExtractor,
    path: 'cmd/app/main.go',
    text: [
      'package main', // 1
      'import ("log"; "os")', // 2
      'func main() {', // 3
      '\tif os.Getenv("SMTP_ENABLED") == "true" {', // 4
      '\t\tif os.Getenv("SMTP_PASSWORD") == "" {', // 5
      '\t\t\tlog.Fatal("SMTP_PASSWORD is required")', // 6
      '\t\t}', // 7
      '\t}', // 8
      '\tif os.Getenv("DB_DSN") == "" {', // 9
      '\t\tlog.Fatal("DB_DSN is required")', // 10
      '\t}', // 11
      '}', // 12
      '',
    ].join('\n'),
    want: ['DB_DSN required high', 'SMTP_ENABLED optional high', 'SMTP_PASSWORD optional high when SMTP_ENABLED@5'],
  },
  {
    title: 'Python: a raise inside `if os.getenv("SENTRY_ENABLED"):` is conditional',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: [
      'import os', // 1
      'if os.getenv("SENTRY_ENABLED"):', // 2
      '    dsn = os.getenv("SENTRY_DSN")', // 3
      '    if not dsn:', // 4
      '        raise RuntimeError("SENTRY_DSN is required")', // 5
      'SECRET_KEY = os.environ["SECRET_KEY"]', // 6
      '',
    ].join('\n'),
    want: ['SECRET_KEY required high', 'SENTRY_DSN optional high when SENTRY_ENABLED@4', 'SENTRY_ENABLED optional high'],
  },
  {
    title: 'Python: os.environ[...] inside `if USE_S3:` is conditional',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: ['import os', 'USE_S3 = os.getenv("USE_S3") == "1"', 'if USE_S3:', '    BUCKET = os.environ["S3_BUCKET"]', ''].join('\n'),
    want: ['S3_BUCKET optional high when USE_S3@4', 'USE_S3 optional high'],
  },
  {
    title: 'Python: `if X is None: X = "…"` is a default',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: ['import os', 'REDIS_URL = os.getenv("REDIS_URL")', 'if REDIS_URL is None:', '    REDIS_URL = "redis://localhost:6379/0"', ''].join('\n'),
    want: ['REDIS_URL defaulted high =redis://localhost:6379/0'],
  },
  {
    title: 'Python: `if not x: x = "…"` is a default too',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: ['import os', 'broker = os.environ.get("BROKER_URL")', 'if not broker:', '    broker = "amqp://guest@localhost//"', ''].join('\n'),
    want: ['BROKER_URL defaulted high =amqp://guest@localhost//'],
  },
];

describe('class 3: conditional requirements and defaults assigned later', () => {
  it.each(table)('$title', ({ ex, path, text, want }) => {
    const r = run(ex, path, text);
    expect(r.reads.map(show).sort()).toEqual(want);
  });
});

const FLAGS = [
  'package main', // 1
  'import "github.com/urfave/cli/v2"', // 2
  'var flags = []cli.Flag{', // 3
  '\t&cli.StringFlag{Name: "server-host", EnvVars: []string{"APP_SERVER_HOST", "APP_HOST"}},', // 4
  '\t&cli.StringFlag{Name: "agent-secret", EnvVars: []string{"APP_AGENT_SECRET"}},', // 5
  '\t&cli.StringFlag{Name: "log-level", EnvVars: []string{"APP_LOG_LEVEL"}, Value: "info"},', // 6
  '\t&cli.BoolFlag{Name: "smtp", EnvVars: []string{"APP_SMTP"}},', // 7
  '\t&cli.StringFlag{Name: "smtp-password", EnvVars: []string{"APP_SMTP_PASSWORD"}},', // 8
  '}', // 9
  '',
].join('\n');
const ACTION = [
  'package main', // 1
  'import ("fmt"; "github.com/urfave/cli/v2")', // 2
  'func run(c *cli.Context) error {', // 3
  '\tif c.String("server-host") == "" {', // 4
  '\t\treturn fmt.Errorf("server-host is not set")', // 5
  '\t}', // 6
  '\tif c.String("agent-secret") == "" {', // 7
  '\t\treturn fmt.Errorf("agent-secret is not set")', // 8
  '\t}', // 9
  '\tif c.String("log-level") == "" {', // 10
  '\t\treturn fmt.Errorf("log-level is not set")', // 11
  '\t}', // 12
  '\tif c.Bool("smtp") {', // 13
  '\t\tif c.String("smtp-password") == "" {', // 14
  '\t\t\treturn fmt.Errorf("smtp-password is not set")', // 15
  '\t\t}', // 16
  '\t}', // 17
  '\treturn nil', // 18
  '}', // 19
  '',
].join('\n');

describe('class 3: a block entered when a value is unset is no feature switch', () => {
  it('JS: a check inside `if (!A) { … }` stays a requirement of its own', () => {
    const r = run(javascriptExtractor, 'src/db.ts', ['if (!process.env.DATABASE_URL) {', '  if (!process.env.DB_HOST) throw new Error("DB_HOST");', '}', ''].join('\n'));
    expect(r.reads.filter((x) => x.name === 'DB_HOST').map(show)).toEqual(['DB_HOST required high']);
  });
  it('Go: a check inside `if os.Getenv("A") == "" { … }` stays a requirement of its own', () => {
    const text = ['package main', 'import ("log"; "os")', 'func main() {', '\tif os.Getenv("DATABASE_URL") == "" {', '\t\tif os.Getenv("DB_HOST") == "" {', '\t\t\tlog.Fatal("DB_HOST")', '\t\t}', '\t}', '}', ''].join('\n');
    expect(run(goExtractor, 'main.go', text).reads.filter((x) => x.name === 'DB_HOST').map(show)).toEqual(['DB_HOST required high']);
  });
});

describe('class 3: a urfave/cli flag checked in the action requires its variables', () => {
  it('flag definitions in one file, checks in another', async () => {
    const repo = new TempRepo();
    try {
      repo.commit({ 'cmd/server/flags.go': FLAGS, 'cmd/server/server.go': ACTION }, 'v1', 'v1');
      const c = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
      const got = [...c.entries.values()].map(
        (e) =>
          `${e.name} ${e.kind} ${e.confidence}${e.requiredOneOf ? ` one-of ${e.requiredOneOf.join('|')}` : ''}${e.requiredWhen ? ` when ${e.requiredWhen.map((w) => `${w.names.join('|')}@${w.evidence.file}:${w.evidence.line}`).join(',')}` : ''}`,
      );
      expect(got.sort()).toEqual([
        'APP_AGENT_SECRET required high',
        'APP_HOST optional high one-of APP_SERVER_HOST|APP_HOST',
        'APP_LOG_LEVEL defaulted high',
        'APP_SERVER_HOST optional high one-of APP_SERVER_HOST|APP_HOST',
        'APP_SMTP optional high',
        'APP_SMTP_PASSWORD optional high when APP_SMTP@cmd/server/server.go:14',
      ]);
      const secret = c.entries.get('APP_AGENT_SECRET')!.reads.find((r) => r.kind === 'required')!;
      expect(secret.evidence).toMatchObject({ file: 'cmd/server/server.go', line: 7 });
    } finally {
      repo.remove();
    }
  });
});
