/**
 * Class 2 (indirection) across the files of an app: a helper wrapping a read is a read at each
 * call site, with that call's default or the helper's requiredness, wherever the call is.
 * Fixtures are our own, patterned on Go services that keep `getEnv`/`mustEnv` in one file of
 * their config package (and an exported `envutil.Getenv` used from `cmd/`).
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf, entries } from './contract-of.js';

const GO_HELPERS = {
  'internal/config/env.go': [
    'package config',
    'import (',
    '\t"log"',
    '\t"os"',
    ')',
    'func getEnv(key, fallback string) string {',
    '\tif v, ok := os.LookupEnv(key); ok {',
    '\t\treturn v',
    '\t}',
    '\treturn fallback',
    '}',
    'func mustEnv(key string) string {',
    '\tv := os.Getenv(key)',
    '\tif v == "" {',
    '\t\tlog.Fatalf("%s must be set", key)',
    '\t}',
    '\treturn v',
    '}',
    '',
  ].join('\n'),
  'internal/config/config.go': [
    'package config',
    'const keyListen = "LISTEN_ADDR"',
    'type Config struct{ Listen, DB, Token string }',
    'func Load() *Config {',
    '\treturn &Config{',
    '\t\tListen: getEnv(keyListen, ":8080"),',
    '\t\tDB:     mustEnv("DATABASE_URL"),',
    '\t\tToken:  getEnv("API_TOKEN", ""),',
    '\t}',
    '}',
    '',
  ].join('\n'),
  'internal/envutil/env.go': ['package envutil', 'import "os"', 'func Getenv(key, def string) string {', '\tif v := os.Getenv(key); v != "" {', '\t\treturn v', '\t}', '\treturn def', '}', ''].join('\n'),
  'cmd/server/main.go': ['package main', 'import "example.com/app/internal/envutil"', 'func main() {', '\tport := envutil.Getenv("PORT", "8000")', '\t_ = port', '}', ''].join('\n'),
  'go.mod': 'module example.com/app\n',
};

describe('class 2: helpers wrapping a read, across files', () => {
  it.each([
    [
      'go: helpers of one package called in another file, an exported helper called as pkg.Getenv',
      GO_HELPERS,
      ['API_TOKEN defaulted =', 'DATABASE_URL required', 'LISTEN_ADDR defaulted =:8080', 'PORT defaulted =8000'],
    ],
  ] as const)('%s', async (_t, files, want) => {
    const c = await contractOf(files);
    expect(entries(c)).toEqual([...want]);
    expect(c.unresolved.map((u) => `${u.evidence.file}:${u.evidence.line} ${u.reason}`)).toEqual([]);
  });
});
