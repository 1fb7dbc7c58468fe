/**
 * Failure class 4, alias sets taken from the OLD version: one function of the old version reads
 * one setting under two names — a value derived from the old name and overridden when the new
 * name is set, or the new name read first and the old one only when it is unset. When the new
 * version no longer reads the old name, a deployment still setting it lost its setting: a rename
 * to the surviving name (a break). While the new version keeps reading both, nothing changed; a
 * new version that starts such a fallback honours the old name (info).
 *
 * Fixtures patterned on shlink 4.6 (`UrlShortenerOptions::fromEnv()`: the deprecated
 * REDIRECT_APPEND_EXTRA_PATH read first, REDIRECT_EXTRA_PATH_MODE taking precedence when set,
 * both through an `EnvVars` backed enum read with `env($this->value)`), and on the same shape
 * in Python settings modules, Go config loaders and Ruby initializers.
 */
import { describe, expect, it } from '@jest/globals';
import { compareVersions } from './compare-helpers.js';
import { contractOf } from './contract-of.js';

/** A shlink-like backed enum: each case names a variable, read through env($this->value). */
const phpEnum = (cases: string[]) =>
  [
    '<?php',
    '',
    'declare(strict_types=1);',
    '',
    'namespace App\\Config;',
    '',
    'use function App\\Config\\env;',
    '',
    'enum EnvVars: string',
    '{',
    ...cases.map((c) => `    case ${c} = '${c}';`),
    '',
    '    public function loadFromEnv(): mixed',
    '    {',
    '        return env($this->value) ?? $this->defaultValue();',
    '    }',
    '',
    '    public function existsInEnv(): bool',
    '    {',
    '        return $this->loadFromEnv() !== null;',
    '    }',
    '}',
    '',
  ].join('\n');

const phpOptions = (body: string[]) =>
  [
    '<?php',
    '',
    'namespace App\\Options;',
    '',
    'use App\\Config\\EnvVars;',
    '',
    'final class PathOptions',
    '{',
    '    public static function fromEnv(): self',
    '    {',
    ...body.map((l) => `        ${l}`),
    '        return new self($pathMode);',
    '    }',
    '}',
    '',
  ].join('\n');

const PHP_PRECEDENCE = phpOptions([
  '// Deprecated. Initialize the path mode from APPEND_EXTRA_PATH.',
  '$append = EnvVars::APPEND_EXTRA_PATH->loadFromEnv();',
  '$pathMode = $append ? PathMode::APPEND : PathMode::DEFAULT;',
  '',
  '// If EXTRA_PATH_MODE was explicitly provided, it has precedence',
  '$fromEnv = EnvVars::EXTRA_PATH_MODE->loadFromEnv();',
  'if ($fromEnv !== null) {',
  '    $pathMode = PathMode::tryFrom($fromEnv) ?? PathMode::DEFAULT;',
  '}',
]);
const PHP_NEW_ONLY = phpOptions(['$pathMode = PathMode::tryFrom(EnvVars::EXTRA_PATH_MODE->loadFromEnv()) ?? PathMode::DEFAULT;']);
const PHP_OLD_ONLY = phpOptions(['$append = EnvVars::APPEND_EXTRA_PATH->loadFromEnv();', '$pathMode = $append ? PathMode::APPEND : PathMode::DEFAULT;']);

const phpGetenv = (body: string[]) => ['<?php', '', 'function cacheDir(): string', '{', ...body.map((l) => `    ${l}`), '    return $dir;', '}', ''].join('\n');

const table: { title: string; old: Record<string, string>; next: Record<string, string | null>; renames: string[] }[] = [
  {
    title: 'PHP (shlink): a deprecated name overridden by the new one through an enum; the new version drops it → a break',
    old: { 'src/Config/EnvVars.php': phpEnum(['DEFAULT_DOMAIN', 'EXTRA_PATH_MODE', 'APPEND_EXTRA_PATH']), 'src/Options/PathOptions.php': PHP_PRECEDENCE },
    next: { 'src/Config/EnvVars.php': phpEnum(['DEFAULT_DOMAIN', 'EXTRA_PATH_MODE']), 'src/Options/PathOptions.php': PHP_NEW_ONLY },
    renames: ['APPEND_EXTRA_PATH→EXTRA_PATH_MODE'],
  },
  {
    title: 'PHP (shlink): the new version starts honouring the old name behind the new one → honoured',
    old: { 'src/Config/EnvVars.php': phpEnum(['DEFAULT_DOMAIN', 'APPEND_EXTRA_PATH']), 'src/Options/PathOptions.php': PHP_OLD_ONLY },
    next: { 'src/Config/EnvVars.php': phpEnum(['DEFAULT_DOMAIN', 'EXTRA_PATH_MODE', 'APPEND_EXTRA_PATH']), 'src/Options/PathOptions.php': PHP_PRECEDENCE },
    renames: ['APPEND_EXTRA_PATH→EXTRA_PATH_MODE honoured'],
  },
  {
    title: 'PHP getenv: the old name read only when the new one is unset; the new version drops it → a break',
    old: { 'src/paths.php': phpGetenv(["$dir = getenv('APP_CACHE_DIR');", 'if ($dir === false) {', "    $dir = getenv('CACHE_PATH');", '}']) },
    next: { 'src/paths.php': phpGetenv(["$dir = getenv('APP_CACHE_DIR') ?: '/tmp/cache';"]) },
    renames: ['CACHE_PATH→APP_CACHE_DIR'],
  },
  {
    title: 'Python: a mode derived from the old flag, overridden when the new name is set → a break when the flag goes',
    old: {
      'app/settings.py': ['import os', '', 'mode = "append" if os.getenv("APPEND_SLASH_PATHS") else "keep"', 'from_env = os.getenv("SLASH_MODE")', 'if from_env is not None:', '    mode = from_env', ''].join('\n'),
    },
    next: { 'app/settings.py': ['import os', '', 'mode = os.getenv("SLASH_MODE", "keep")', ''].join('\n') },
    renames: ['APPEND_SLASH_PATHS→SLASH_MODE'],
  },
  {
    title: 'Python: the new name read with the old value as its default → a break when the old name goes',
    old: { 'app/config.py': ['import os', '', 'def load():', '    timeout = os.getenv("HTTP_TIMEOUT", "30")', '    timeout = os.getenv("CLIENT_TIMEOUT", timeout)', '    return int(timeout)', ''].join('\n') },
    next: { 'app/config.py': ['import os', '', 'def load():', '    timeout = os.getenv("CLIENT_TIMEOUT", "30")', '    return int(timeout)', ''].join('\n') },
    renames: ['HTTP_TIMEOUT→CLIENT_TIMEOUT'],
  },
  {
    title: 'Go: LookupEnv of the new name overriding a value parsed from the old one → a break when the old name goes',
    old: {
      'internal/config/config.go': [
        'package config',
        '',
        'import "os"',
        '',
        'func Load() string {',
        '\tmode := parseMode(os.Getenv("LEGACY_PROXY"))',
        '\tif v, ok := os.LookupEnv("PROXY_MODE"); ok {',
        '\t\tmode = v',
        '\t}',
        '\treturn mode',
        '}',
        '',
      ].join('\n'),
    },
    next: { 'internal/config/config.go': ['package config', '', 'import "os"', '', 'func Load() string {', '\treturn os.Getenv("PROXY_MODE")', '}', ''].join('\n') },
    renames: ['LEGACY_PROXY→PROXY_MODE'],
  },
  {
    title: 'Ruby: the new name wins when set (postfix if) → a break when the old name goes',
    old: { 'config/initializers/storage.rb': ['bucket = ENV["S3_BUCKET_NAME"] || "uploads"', 'bucket = ENV["STORAGE_BUCKET"] if ENV["STORAGE_BUCKET"]', 'Storage.bucket = bucket', ''].join('\n') },
    next: { 'config/initializers/storage.rb': ['Storage.bucket = ENV.fetch("STORAGE_BUCKET", "uploads")', ''].join('\n') },
    renames: ['S3_BUCKET_NAME→STORAGE_BUCKET'],
  },
  {
    title: 'Go urfave/cli v1: the legacy name listed first leaves the alias set → a break to the surviving name',
    old: {
      'cmd/server/flags.go': ['package main', '', 'import "github.com/urfave/cli"', '', 'var flags = []cli.Flag{', '\tcli.StringFlag{', '\t\tEnvVar: "DRONE_SERVER_HOST,DRONE_HOST,APP_HOST",', '\t\tName:   "server-host",', '\t},', '}', ''].join('\n'),
    },
    next: {
      'cmd/server/flags.go': ['package main', '', 'import "github.com/urfave/cli/v2"', '', 'var flags = []cli.Flag{', '\t&cli.StringFlag{', '\t\tEnvVars: []string{"APP_HOST"},', '\t\tName:    "server-host",', '\t},', '}', ''].join('\n'),
    },
    renames: ['DRONE_HOST+DRONE_SERVER_HOST→APP_HOST'],
  },
  {
    title: 'PHP: the same precedence in both versions → nothing changed',
    old: { 'src/Config/EnvVars.php': phpEnum(['EXTRA_PATH_MODE', 'APPEND_EXTRA_PATH']), 'src/Options/PathOptions.php': PHP_PRECEDENCE },
    next: { 'src/Config/EnvVars.php': phpEnum(['EXTRA_PATH_MODE', 'APPEND_EXTRA_PATH', 'DEFAULT_DOMAIN']), 'src/Options/PathOptions.php': PHP_PRECEDENCE },
    renames: [],
  },
];

/** Two names in one function that are two settings: never an alias set. */
const guards: { title: string; old: Record<string, string>; next: Record<string, string | null>; oldChains?: string[] }[] = [
  {
    title: 'JS: the old name falls back to another setting (umami HASH_SALT || DATABASE_URL) → no rename to that setting',
    old: { 'lib/crypto.js': 'export const secret = () => hash(process.env.HASH_SALT || process.env.DATABASE_URL);\n', 'lib/db.js': 'export const url = process.env.DATABASE_URL;\n' },
    next: { 'lib/crypto.js': 'export const secret = () => hash(process.env.DATABASE_URL);\n', 'lib/db.js': 'export const url = process.env.DATABASE_URL;\n' },
    oldChains: ['HASH_SALT → DATABASE_URL'],
  },
  {
    title: 'Python: a switch of another setting putting a literal in A\'s value is no precedence',
    old: { 'app/settings.py': ['import os', '', 'LOG_LEVEL = os.getenv("LOG_LEVEL", "info")', 'verbose = os.getenv("VERBOSE")', 'if verbose:', '    LOG_LEVEL = "debug"', ''].join('\n') },
    next: { 'app/settings.py': ['import os', '', 'verbose = os.getenv("VERBOSE")', 'LOG_LEVEL = "debug" if verbose else "info"', ''].join('\n') },
  },
  {
    title: 'PHP: two settings, the second only normalised when set',
    old: { 'src/db.php': ['<?php', 'function db(): array', '{', "    $host = getenv('DB_HOST');", "    $port = getenv('DB_PORT');", '    if ($port !== false) {', '        $port = (int) $port;', '    }', '    return [$host, $port];', '}', ''].join('\n') },
    next: { 'src/db.php': ['<?php', 'function db(): array', '{', "    $port = getenv('DB_PORT');", '    return [$port];', '}', ''].join('\n') },
  },
  {
    title: 'Python: the second name sets another variable',
    old: { 'app/settings.py': ['import os', '', 'cache_dir = os.getenv("CACHE_DIR")', 'from_env = os.getenv("LOG_DIR")', 'if from_env:', '    log_dir = from_env', ''].join('\n') },
    next: { 'app/settings.py': ['import os', '', 'from_env = os.getenv("LOG_DIR")', 'if from_env:', '    log_dir = from_env', ''].join('\n') },
  },
  {
    title: 'Python: the same variable name in two functions',
    old: { 'app/settings.py': ['import os', '', 'def a():', '    mode = os.getenv("PAGER_MODE")', '    return mode', '', 'def b(mode):', '    m = os.getenv("EDITOR_MODE")', '    if m:', '        mode = m', '    return mode', ''].join('\n') },
    next: { 'app/settings.py': ['import os', '', 'def b(mode):', '    m = os.getenv("EDITOR_MODE")', '    if m:', '        mode = m', '    return mode', ''].join('\n') },
  },
  {
    title: 'PHP: the override guarded by the new name being unset is no precedence',
    old: { 'src/paths.php': phpGetenv(["$dir = getenv('TMP_ROOT');", "$x = getenv('SCRATCH_DIR');", 'if ($x === false) {', '    $dir = $dir . "/scratch";', '}']) },
    next: { 'src/paths.php': phpGetenv(["$x = getenv('SCRATCH_DIR');", "$dir = $x ?: '/tmp';"]) },
  },
];

describe('class 4: alias sets of the old version', () => {
  it.each(table)('$title', async ({ old, next, renames }) => {
    const r = await compareVersions(old, next);
    expect(r.renames.map((x) => `${x.from.join('+')}→${x.to}${x.honoured ? ' honoured' : ''}`)).toEqual(renames);
  });

  it.each(guards)('no alias set: $title', async ({ old, next, oldChains = [] }) => {
    const r = await compareVersions(old, next);
    expect(r.oldC.fallbacks.map((f) => f.names.join(' → '))).toEqual(oldChains);
    expect(r.renames).toEqual([]);
  });

  it('PHP enum calls are reads at the call site, with the chain there', async () => {
    const c = await contractOf({ 'src/Config/EnvVars.php': phpEnum(['EXTRA_PATH_MODE', 'APPEND_EXTRA_PATH']), 'src/Options/PathOptions.php': PHP_PRECEDENCE });
    const ev = c.entries.get('APPEND_EXTRA_PATH')!.reads.map((r) => `${r.evidence.file}:${r.evidence.line}`);
    expect(ev).toContain('src/Options/PathOptions.php:12');
    expect(c.fallbacks.map((f) => `${f.names.join(' → ')} @${f.evidence.file}:${f.evidence.line}`)).toEqual(['EXTRA_PATH_MODE → APPEND_EXTRA_PATH @src/Options/PathOptions.php:17']);
  });
});
