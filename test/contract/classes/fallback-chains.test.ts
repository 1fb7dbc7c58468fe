/**
 * Failure class 4 (continued): one setting read under several names in the languages whose
 * extractor does not record fallback chains (Go `cmp.Or` and the `if v == "" { v = … }`
 * re-read, Ruby fetch blocks and defaults, PHP `env('A', env('B'))` / `?:`, Rust `or_else`,
 * C# `??`, Python's re-read after `if not x:`). The new name added in front of the old one is a
 * rename the new version still honours (info); reads side by side that are not a fallback
 * (two arguments, an either-unset check) are not aliases.
 */
import { describe, expect, it } from '@jest/globals';
import { compareVersions } from './compare-helpers.js';

const go = (body: string) => `package main\n\nimport (\n\t"cmp"\n\t"os"\n)\n\nfunc main() {\n${body}\n}\n`;

const table: { title: string; path: string; old: string; next: string; renames: string[]; chains: string[] }[] = [
  {
    title: 'Go cmp.Or(NEW, OLD)',
    path: 'cmd/app/main.go',
    old: go('\tv := os.Getenv("LISTEN")\n\t_ = v'),
    next: go('\tv := cmp.Or(os.Getenv("APP_LISTEN"), os.Getenv("LISTEN"))\n\t_ = v'),
    renames: ['LISTEN→APP_LISTEN honoured'],
    chains: ['APP_LISTEN,LISTEN'],
  },
  {
    title: 'Go re-read when the new name is unset',
    path: 'cmd/app/main.go',
    old: go('\tv := os.Getenv("DB_DSN")\n\t_ = v'),
    next: go('\tv := os.Getenv("DATABASE_URL")\n\tif v == "" {\n\t\tv = os.Getenv("DB_DSN")\n\t}\n\t_ = v'),
    renames: ['DB_DSN→DATABASE_URL honoured'],
    chains: ['DATABASE_URL,DB_DSN'],
  },
  {
    title: 'Python re-read after `if not x:`',
    path: 'app/settings.py',
    old: 'import os\nbroker = os.getenv("BROKER")\n',
    next: 'import os\nbroker = os.getenv("CELERY_BROKER_URL")\nif not broker:\n    broker = os.getenv("BROKER")\n',
    renames: ['BROKER→CELERY_BROKER_URL honoured'],
    chains: ['CELERY_BROKER_URL,BROKER'],
  },
  {
    title: 'Ruby ENV.fetch(NEW) { ENV[OLD] }',
    path: 'config/initializers/smtp.rb',
    old: 'HOST = ENV["MAIL_HOST"]\n',
    next: 'HOST = ENV.fetch("SMTP_HOST") { ENV["MAIL_HOST"] }\n',
    renames: ['MAIL_HOST→SMTP_HOST honoured'],
    chains: ['SMTP_HOST,MAIL_HOST'],
  },
  {
    title: 'Ruby ENV.fetch(NEW, ENV[OLD])',
    path: 'config/initializers/smtp.rb',
    old: 'HOST = ENV["MAIL_HOST"]\n',
    next: 'HOST = ENV.fetch("SMTP_HOST", ENV["MAIL_HOST"])\n',
    renames: ['MAIL_HOST→SMTP_HOST honoured'],
    chains: ['SMTP_HOST,MAIL_HOST'],
  },
  {
    title: "PHP env('NEW', env('OLD'))",
    path: 'config/app.php',
    old: "<?php\nreturn ['url' => env('APP_URL')];\n",
    next: "<?php\nreturn ['url' => env('APP_BASE_URL', env('APP_URL'))];\n",
    renames: ['APP_URL→APP_BASE_URL honoured'],
    chains: ['APP_BASE_URL,APP_URL'],
  },
  {
    title: "PHP getenv('NEW') ?: getenv('OLD')",
    path: 'src/config.php',
    old: "<?php\n$k = getenv('API_KEY');\n",
    next: "<?php\n$k = getenv('APP_API_KEY') ?: getenv('API_KEY');\n",
    renames: ['API_KEY→APP_API_KEY honoured'],
    chains: ['APP_API_KEY,API_KEY'],
  },
  {
    title: 'C# ?? chain',
    path: 'src/Api/Program.cs',
    old: 'class P { string c = Environment.GetEnvironmentVariable("DB_CONN"); }\n',
    next: 'class P { string c = Environment.GetEnvironmentVariable("DATABASE_CONNECTION") ?? Environment.GetEnvironmentVariable("DB_CONN"); }\n',
    renames: ['DB_CONN→DATABASE_CONNECTION honoured'],
    chains: ['DATABASE_CONNECTION,DB_CONN'],
  },
  {
    title: 'two arguments of one call are not a fallback',
    path: 'cmd/app/main.go',
    old: go('\tconnect(os.Getenv("DB_HOST"), os.Getenv("DB_PORT"))'),
    next: go('\tconnect(os.Getenv("DB_HOST"), os.Getenv("DB_PORT"))\n\t_ = os.Getenv("EXTRA")'),
    renames: [],
    chains: [],
  },
  {
    title: 'an either-unset check is not a fallback',
    path: 'src/config.php',
    old: "<?php\n$a = 1;\n",
    next: "<?php\nif (!getenv('S3_KEY') || !getenv('S3_SECRET')) { throw new Exception('S3'); }\n",
    renames: [],
    chains: [],
  },
];

describe('class 4: fallback chains in every language', () => {
  it.each(table)('$title', async ({ path, old, next, renames, chains }) => {
    const r = await compareVersions({ [path]: old }, { [path]: next });
    expect(r.renames.map((x) => `${x.from.join('+')}→${x.to}${x.honoured ? ' honoured' : ''}`)).toEqual(renames);
    expect(r.newC.fallbacks.map((f) => f.names.join(','))).toEqual(chains);
  });

  it('Rust: a required chain (`.or_else(…).unwrap()`) needs one of its names, not the first', async () => {
    const rs = 'fn main() {\n    let t = std::env::var("APP_TOKEN").or_else(|_| std::env::var("TOKEN")).unwrap();\n}\n';
    const r = await compareVersions({ 'src/main.rs': 'fn main() {\n    let t = std::env::var("TOKEN").unwrap();\n}\n' }, { 'src/main.rs': rs });
    expect(r.renames.map((x) => `${x.from.join('+')}→${x.to}${x.honoured ? ' honoured' : ''}`)).toEqual(['TOKEN→APP_TOKEN honoured']);
    const e = r.newC.entries.get('APP_TOKEN')!;
    expect([e.kind, e.requiredOneOf]).toEqual(['optional', ['APP_TOKEN', 'TOKEN']]);
  });
});
