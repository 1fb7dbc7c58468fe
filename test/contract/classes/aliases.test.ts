/**
 * Failure class 4: one setting, several names. A rename is the configured name leaving the
 * alias set; while the new version still honours the old name it is `honoured` (info).
 * Fixtures patterned on urfave/cli v3 flags (woodpecker), JS `??` chains (outline) and a Go
 * switch over os.Environ() with deprecation warnings (miniflux).
 */
import { describe, expect, it } from '@jest/globals';
import { compareVersions } from './compare-helpers.js';

const goFlags = (envs: string[][]) =>
  [
    'package main',
    '',
    'import "github.com/urfave/cli/v3"',
    '',
    'var flags = []cli.Flag{',
    ...envs.flatMap((names, i) => [
      '\t&cli.StringFlag{',
      `\t\tName:    "flag-${i}",`,
      `\t\tSources: cli.EnvVars(${names.map((n) => `"${n}"`).join(', ')}),`,
      '\t},',
    ]),
    '}',
    '',
  ].join('\n');

const goSwitch = (cases: string[]) =>
  [
    'package config',
    '',
    'import (',
    '\t"log/slog"',
    '\t"os"',
    '\t"strings"',
    ')',
    '',
    'func (p *Parser) Parse() {',
    '\tfor _, line := range os.Environ() {',
    '\t\tfields := strings.SplitN(line, "=", 2)',
    '\t\tkey, value := fields[0], fields[1]',
    '\t\tswitch key {',
    ...cases,
    '\t\t}',
    '\t}',
    '}',
    '',
  ].join('\n');
const LOG = ['\t\tcase "LOG_LEVEL":', '\t\t\tp.opts.logLevel = parseString(value, defaultLogLevel)', '\t\tcase "LOG_FORMAT":', '\t\t\tp.opts.logFormat = parseString(value, defaultLogFormat)'];
const OLD_PROXY = ['\t\tcase "PROXY_OPTION":', '\t\t\tp.opts.proxyOption = parseString(value, defaultProxyOption)'];
const DEPRECATED_PROXY = [
  '\t\tcase "PROXY_OPTION":',
  '\t\t\tslog.Warn("The PROXY_OPTION environment variable is deprecated, use MEDIA_PROXY_MODE instead")',
  '\t\t\tp.opts.mediaProxyMode = parseString(value, defaultMediaProxyMode)',
  '\t\tcase "MEDIA_PROXY_MODE":',
  '\t\t\tp.opts.mediaProxyMode = parseString(value, defaultMediaProxyMode)',
];

const table: { title: string; old: Record<string, string>; next: Record<string, string | null>; renames: string[] }[] = [
  {
    title: 'urfave/cli: new name first, old name kept → honoured',
    old: { 'cmd/server/flags.go': goFlags([['APP_CONFIG_SERVICE_ENDPOINT'], ['APP_HOST']]) },
    next: { 'cmd/server/flags.go': goFlags([['APP_CONFIG_EXTENSION_ENDPOINT', 'APP_CONFIG_SERVICE_ENDPOINT'], ['APP_HOST']]) },
    renames: ['APP_CONFIG_SERVICE_ENDPOINT→APP_CONFIG_EXTENSION_ENDPOINT honoured'],
  },
  {
    title: 'urfave/cli: the old alias dropped later → a break',
    old: { 'cmd/server/flags.go': goFlags([['APP_CONFIG_EXTENSION_ENDPOINT', 'APP_CONFIG_SERVICE_ENDPOINT'], ['APP_HOST']]) },
    next: { 'cmd/server/flags.go': goFlags([['APP_CONFIG_EXTENSION_ENDPOINT'], ['APP_HOST']]) },
    renames: ['APP_CONFIG_SERVICE_ENDPOINT→APP_CONFIG_EXTENSION_ENDPOINT'],
  },
  {
    title: 'urfave/cli: the same alias set in both versions → nothing',
    old: { 'cmd/server/flags.go': goFlags([['APP_A', 'APP_OLD_A'], ['APP_HOST']]) },
    next: { 'cmd/server/flags.go': goFlags([['APP_A', 'APP_OLD_A'], ['APP_HOST'], ['APP_NEW_FLAG']]) },
    renames: [],
  },
  {
    title: 'JS fallback NEW ?? OLD where the old version read only OLD → honoured',
    old: { 'src/env.ts': 'export const domains = process.env.GOOGLE_ALLOWED_DOMAINS;\n' },
    next: { 'src/env.ts': 'export const domains = process.env.ALLOWED_DOMAINS ?? process.env.GOOGLE_ALLOWED_DOMAINS;\n' },
    renames: ['GOOGLE_ALLOWED_DOMAINS→ALLOWED_DOMAINS honoured'],
  },
  {
    title: 'JS fallback already in the old version, with NEW only in .env.example before → nothing',
    old: { 'src/env.ts': 'export const domains = process.env.ALLOWED_DOMAINS ?? process.env.GOOGLE_ALLOWED_DOMAINS;\n', '.env.example': 'ALLOWED_DOMAINS=\n' },
    next: { 'src/env.ts': 'export const domains = process.env.ALLOWED_DOMAINS ?? process.env.GOOGLE_ALLOWED_DOMAINS;\nexport const x = process.env.EXTRA ?? "1";\n' },
    renames: [],
  },
  {
    title: 'Go os.Environ() switch: deprecated case still read → honoured',
    old: { 'internal/config/parser.go': goSwitch([...LOG, ...OLD_PROXY]) },
    next: { 'internal/config/parser.go': goSwitch([...LOG, ...DEPRECATED_PROXY]) },
    renames: ['PROXY_OPTION→MEDIA_PROXY_MODE honoured'],
  },
  {
    title: 'Go os.Environ() switch: the deprecated case removed → a break (the old version said so)',
    old: { 'internal/config/parser.go': goSwitch([...LOG, ...DEPRECATED_PROXY]) },
    next: { 'internal/config/parser.go': goSwitch([...LOG, '\t\tcase "MEDIA_PROXY_MODE":', '\t\t\tp.opts.mediaProxyMode = parseString(value, defaultMediaProxyMode)']) },
    renames: ['PROXY_OPTION→MEDIA_PROXY_MODE'],
  },
];

describe('class 4: one setting, several names', () => {
  it.each(table)('$title', async ({ old, next, renames }) => {
    const r = await compareVersions(old, next);
    expect(r.renames.map((x) => `${x.from.join('+')}→${x.to}${x.honoured ? ' honoured' : ''}`)).toEqual(renames);
  });
});
