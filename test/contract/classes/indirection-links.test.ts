/**
 * Class 2 (indirection) across the files of an app: a helper wrapping a read is a read at each
 * call site, with that call's default or the helper's requiredness, wherever the call is.
 * Fixtures are our own, patterned on Go services that keep `getEnv`/`mustEnv` in one file of
 * their config package (and an exported `envutil.Getenv` used from `cmd/`).
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf, entries } from './contract-of.js';
import { pythonExtractor } from '../../../src/contract/extractors/python.js';
import { rubyExtractor } from '../../../src/contract/extractors/ruby.js';
import type { Extractor } from '../../../src/contract/model.js';
import { run } from '../helpers.js';

// healthchecks-style settings.py: envbool/envint/envsecret wrap os.getenv.
const PY_SETTINGS = [
  'import os', // 1
  'from pathlib import Path', // 2
  'def envbool(s, default):', // 3
  '    v = os.getenv(s, default=default)', // 4
  '    if v not in ("", "True", "False"):', // 5
  '        raise ValueError(f"Unexpected value {s}={v}")', // 6
  '    return v == "True"', // 7
  'def envint(s, default="0"):', // 8
  '    return int(os.environ.get(s, default))', // 9
  'def envsecret(s, default=None):', // 10
  '    if path := os.getenv(s + "_FILE"):', // 11
  '        p = Path(path)', // 12
  '        if not p.is_file():', // 13
  '            raise ValueError(f"cannot read {s}_FILE")', // 14
  '        return p.read_text()', // 15
  '    return os.getenv(s, default)', // 16
  'def must(name):', // 17
  '    value = os.getenv(name)', // 18
  '    if not value:', // 19
  '        raise SystemExit(f"{name} is required")', // 20
  '    return value', // 21
  'def unused(k):', // 22
  '    return os.environ[k]', // 23
  'DEBUG = envbool("DEBUG", "False")', // 24
  'PING_BODY_LIMIT = envint("PING_BODY_LIMIT", default="10000")', // 25
  'WORKERS = envint("WORKERS")', // 26
  'SECRET_KEY = envsecret("SECRET_KEY", "---")', // 27
  'SMTP_PASSWORD = envsecret("SMTP_PASSWORD")', // 28
  'DATABASE_URL = must("DATABASE_URL")', // 29
  'OTHER = must(PREFIX + "TOKEN")', // 30
  '',
].join('\n');

const GO_HELPERS = {
  'internal/config/env.go': [
    'package config', // getEnvInt fails on a parse error, not when unset: its calls are defaulted
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
    'func getEnvInt(key string, def int) int {',
    '\ts := os.Getenv(key)',
    '\tif s == "" {',
    '\t\treturn def',
    '\t}',
    '\tn, err := strconv.Atoi(s)',
    '\tif err != nil {',
    '\t\tlog.Fatalf("%s: %v", key, err)',
    '\t}',
    '\treturn n',
    '}',
    'var workers = getEnvInt("WORKERS", 4)',
    'func mustGetenvFor(key, purpose string) string {',
    '\tv, ok := os.LookupEnv(key)',
    '\tif !ok {',
    '\t\tlog.Fatalf("%s is needed for %s", key, purpose)',
    '\t}',
    '\treturn v',
    '}',
    '',
  ].join('\n'),
  'internal/config/config.go': [
    'package config',
    'const keyListen = "LISTEN_ADDR"',
    'type Config struct{ Listen, DB, Token, Secret string; Pool int }',
    'func Load() *Config {',
    '\treturn &Config{',
    '\t\tListen: getEnv(keyListen, ":8080"),',
    '\t\tDB:     mustEnv("DATABASE_URL"),',
    '\t\tToken:  getEnv("API_TOKEN", ""),',
    '\t\tSecret: mustGetenvFor("SESSION_SECRET", "signing cookies"),',
    '\t\tPool:   getEnvInt("DB_POOL", 10),',
    '\t}',
    '}',
    '',
  ].join('\n'),
  'internal/envutil/env.go': ['package envutil', 'import "os"', 'func Getenv(key, def string) string {', '\tif v := os.Getenv(key); v != "" {', '\t\treturn v', '\t}', '\treturn def', '}', ''].join('\n'),
  'cmd/server/main.go': ['package main', 'import "example.com/app/internal/envutil"', 'func main() {', '\tport := envutil.Getenv("PORT", "8000")', '\t_ = port', '}', ''].join('\n'),
  'go.mod': 'module example.com/app\n',
};

// A Rails config/application.rb-style helper.
const RB_APP = [
  'module Acme', // 1
  '  def self.noop; end', // 2
  'end', // 3
  'def env_bool(name, default = "false")', // 4
  '  ENV.fetch(name, default).to_s == "true"', // 5
  'end', // 6
  'def must_env(key)', // 7
  '  ENV.fetch(key)', // 8
  'end', // 9
  'config.force_ssl = env_bool("FORCE_SSL")', // 10
  'config.hosts = env_bool "ALLOW_HOSTS", "true"', // 11
  'config.secret = must_env("SECRET_KEY_BASE")', // 12
  'config.other = must_env(name_for(:x))', // 13
  '',
].join('\n');

describe('class 2: helpers wrapping a read, in one file', () => {
  it.each([
    [
      'ruby: env_bool/must_env methods of config/application.rb',
      rubyExtractor,
      'config/application.rb',
      RB_APP,
      ['FORCE_SSL defaulted 10 =false', 'ALLOW_HOSTS defaulted 11 =true', 'SECRET_KEY_BASE required 12'],
      ['13 computed key passed to must_env()'],
    ],
    [
      'python: envbool/envint/envsecret/must helpers of settings.py',
      pythonExtractor,
      'hc/settings.py',
      PY_SETTINGS,
      [
        'DEBUG defaulted 24 =False',
        'PING_BODY_LIMIT defaulted 25 =10000',
        'WORKERS defaulted 26 =0',
        'SECRET_KEY_FILE optional 27',
        'SECRET_KEY defaulted 27 =---',
        'SMTP_PASSWORD_FILE optional 28',
        'SMTP_PASSWORD optional 28',
        'DATABASE_URL required 29',
      ],
      ['23 computed key', '30 computed key passed to must()'],
    ],
  ] as const)('%s', (_t, ex: Extractor, path, text, reads, unresolved) => {
    const r = run(ex, path, text);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line}${x.default !== undefined ? ` =${x.default}` : ''}`)).toEqual([...reads]);
    expect(r.reads.every((x) => x.confidence === 'medium')).toBe(true);
    expect(r.unresolved.map((u) => `${u.evidence.line} ${u.reason}`)).toEqual([...unresolved]);
  });
});

// NBXplorer/BTCPay-style: an IConfiguration extension method called from the host set-up.
const CS_HELPERS = {
  'src/App/Configuration/ConfigurationExtensions.cs': [
    'using Microsoft.Extensions.Configuration;',
    'public static class ConfigurationExtensions',
    '{',
    '    public static T GetOrDefault<T>(this IConfiguration configuration, string key, T defaultValue)',
    '    {',
    '        var str = configuration[key];',
    '        if (str == null) return defaultValue;',
    '        return (T)System.Convert.ChangeType(str, typeof(T));',
    '    }',
    '    public static string RequireEnv(this IConfiguration configuration, string name) =>',
    '        System.Environment.GetEnvironmentVariable(name) ?? throw new System.Exception(name + " is required");',
    '}',
    '',
  ].join('\n'),
  'src/App/Program.cs': [
    'var builder = new ConfigurationBuilder().AddEnvironmentVariables(prefix: "APP_");',
    'var conf = builder.Build();',
    'var port = conf.GetOrDefault<int>("port", 8080);',
    'var network = conf.GetOrDefault<string>("chains:network", null);',
    'var key = conf.RequireEnv("LICENSE_KEY");',
    'var other = conf.Describe("not-a-helper");',
    '',
  ].join('\n'),
};

// A Java utility class wrapping System.getenv, used by the app's main class; a Kotlin helper.
const JVM_HELPERS = {
  'src/main/java/com/acme/util/EnvUtil.java': [
    'package com.acme.util;',
    'public final class EnvUtil {',
    '  public static String get(String key, String fallback) {',
    '    String v = System.getenv(key);',
    '    return v == null || v.isBlank() ? fallback : v;',
    '  }',
    '  public static String require(String key) {',
    '    String v = System.getenv(key);',
    '    if (v == null) throw new IllegalStateException(key + " must be set");',
    '    return v;',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/main/java/com/acme/App.java': [
    'package com.acme;',
    'import com.acme.util.EnvUtil;',
    'public class App {',
    '  public static void main(String[] args) {',
    '    String db = EnvUtil.get("DATABASE_URL", "jdbc:h2:mem:app");',
    '    String key = EnvUtil.require("LICENSE_KEY");',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/main/java/com/acme/Config.java': [
    'package com.acme;',
    'public class Config {',
    '  static final String PORT_KEY = "SERVER_PORT";',
    '  final String port = System.getenv(Config.PORT_KEY);',
    '}',
    '',
  ].join('\n'),
  'src/main/kotlin/com/acme/Settings.kt': [
    'package com.acme',
    'object Settings {',
    '  fun env(name: String, default: String): String = System.getenv(name) ?: default',
    '  val region = env("AWS_REGION", "eu-west-1")',
    '}',
    '',
  ].join('\n'),
};

// A Django settings package: helpers in base.py, used by production.py through `import *`
// and by another module through a named (and renamed) import.
const PY_HELPERS = {
  'proj/settings/base.py': [
    'import os',
    'def env_bool(name, default="False"):',
    '    return os.getenv(name, default) == "True"',
    'def env_required(name):',
    '    value = os.environ.get(name)',
    '    if not value:',
    '        raise RuntimeError(name)',
    '    return value',
    'DEBUG = env_bool("DEBUG")',
    '',
  ].join('\n'),
  'proj/settings/production.py': ['from .base import *', 'SECURE_SSL = env_bool("SECURE_SSL", "True")', 'SECRET_KEY = env_required("DJANGO_SECRET_KEY")', 'NAME = env_bool(computed_name())', ''].join('\n'),
  'proj/worker/tasks.py': ['from proj.settings.base import env_bool as flag', 'EAGER = flag("CELERY_EAGER", default="False")', ''].join('\n'),
};

describe('class 2: helpers wrapping a read, across files', () => {
  it.each([
    [
      'python: helpers of settings/base.py called through import * and a renamed import',
      PY_HELPERS,
      ['CELERY_EAGER defaulted =False', 'DEBUG defaulted =False', 'DJANGO_SECRET_KEY required', 'SECURE_SSL defaulted =True'],
      ['proj/settings/production.py:4 computed key passed to env_bool()'],
    ],
    [
      'java/kotlin: a utility class called as EnvUtil.get/require from another file, a Kotlin helper, Class.CONST keys',
      JVM_HELPERS,
      ['AWS_REGION defaulted =eu-west-1', 'DATABASE_URL defaulted =jdbc:h2:mem:app', 'LICENSE_KEY required', 'SERVER_PORT optional'],
      [],
    ],
    [
      'c#: IConfiguration extension methods called from Program.cs, with the AddEnvironmentVariables prefix',
      CS_HELPERS,
      ['APP_chains__network optional', 'APP_port defaulted =8080', 'LICENSE_KEY required'],
      [],
    ],
    [
      'go: helpers of one package called in another file, an exported helper called as pkg.Getenv',
      GO_HELPERS,
      ['API_TOKEN defaulted =', 'DATABASE_URL required', 'DB_POOL defaulted =10', 'LISTEN_ADDR defaulted =:8080', 'PORT defaulted =8000', 'SESSION_SECRET required', 'WORKERS defaulted =4'],
      [],
    ],
  ] as const)('%s', async (_t, files, want, unresolved) => {
    const c = await contractOf(files);
    expect(entries(c)).toEqual([...want]);
    expect(c.unresolved.map((u) => `${u.evidence.file}:${u.evidence.line} ${u.reason}`)).toEqual([...unresolved]);
  });
});
