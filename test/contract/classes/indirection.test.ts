/**
 * Failure classes 2 and 7: names held in constants, a switch over the whole environment, and
 * no silent drops. Fixtures patterned on meilisearch's option.rs (`env = MEILI_DUMP_DIR` with a
 * `const`) and miniflux's config parser.
 */
import { describe, expect, it } from '@jest/globals';
import { rustExtractor } from '../../../src/contract/extractors/rust.js';
import { goExtractor } from '../../../src/contract/extractors/go.js';
import { run } from '../helpers.js';

const RUST = [
  'const MEILI_DUMP_DIR: &str = "MEILI_DUMP_DIR";', // 1
  'const DEFAULT_DUMP_DIR: &str = "dumps/";', // 2
  '#[derive(Parser)]', // 3
  'pub struct Opt {', // 4
  '    #[clap(long, env = MEILI_DUMP_DIR, default_value_os_t = default_dump_dir())]', // 5
  '    pub dump_dir: PathBuf,', // 6
  '    #[clap(long, env = "MEILI_HTTP_ADDR", default_value = "localhost:7700")]', // 7
  '    pub http_addr: String,', // 8
  '    #[clap(long, env = name_of("MEILI_X"))]', // 9
  '    pub x: String,', // 10
  '}', // 11
  '',
].join('\n');

const GO = [
  'package config', // 1
  'import "os"', // 2
  'func parse() {', // 3
  '\tfor _, line := range os.Environ() {', // 4
  '\t\tkey, value := split(line)', // 5
  '\t\tswitch key {', // 6
  '\t\tcase "LOG_FILE":', // 7
  '\t\t\topts.logFile = parseString(value, defaultLogFile)', // 8
  '\t\tcase "BASE_URL":', // 9
  '\t\t\topts.baseURL = value', // 10
  '\t\tcase "PORT", "LISTEN_PORT":', // 11
  '\t\t\tport = value', // 12
  '\t\tdefault:', // 13
  '\t\t}', // 14
  '\t}', // 15
  '}', // 16
  '',
].join('\n');

describe('classes 2 and 7: indirection, no silent drops', () => {
  it.each([
    ['rust clap env = CONST', rustExtractor, 'src/option.rs', RUST, ['MEILI_DUMP_DIR defaulted 5', 'MEILI_HTTP_ADDR defaulted 7'], ['clap env name is not a string literal or a known constant']],
    [
      'go switch over os.Environ()',
      goExtractor,
      'internal/config/parser.go',
      GO,
      ['BASE_URL optional 9', 'LISTEN_PORT optional 11', 'LOG_FILE defaulted 7', 'PORT optional 11'],
      ['iteration over the whole environment (os.Environ())'],
    ],
  ] as const)('%s', (_t, ex, path, text, reads, unresolved) => {
    const r = run(ex, path, text);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line}`).sort()).toEqual([...reads]);
    expect(r.unresolved.map((u) => u.reason)).toEqual([...unresolved]);
  });
});

describe('class 2: PHP backed enum of variable names read through env($this->value)', () => {
  const PHP = [
    '<?php', // 1
    'enum EnvVars: string', // 2
    '{', // 3
    "    case DEFAULT_DOMAIN = 'DEFAULT_DOMAIN';", // 4
    "    case REDIRECT_EXTRA_PATH_MODE = 'REDIRECT_EXTRA_PATH_MODE';", // 5
    '    public function loadFromEnv(): mixed', // 6
    '    {', // 7
    '        return env($this->value) ?? $this->loadFromFileEnv();', // 8
    '    }', // 9
    '    private function loadFromFileEnv(): ?string', // 10
    '    {', // 11
    "        return env(sprintf('%s_FILE', $this->value));", // 12
    '    }', // 13
    '}', // 14
    '',
  ].join('\n');
  it('every case is a read; the _FILE variant stays unresolved', async () => {
    const { phpExtractor } = await import('../../../src/contract/extractors/php.js');
    const r = run(phpExtractor, 'module/Core/src/Config/EnvVars.php', PHP);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line} ${x.confidence}`)).toEqual(['DEFAULT_DOMAIN optional 4 medium', 'REDIRECT_EXTRA_PATH_MODE optional 5 medium']);
    expect(r.unresolved.map((u) => `${u.evidence.line} ${u.reason}`)).toEqual(['12 computed key']);
  });
});
