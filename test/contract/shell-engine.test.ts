/**
 * The shell extractor on the tree-sitter engine (issue 9): constructs the former hand-written
 * scanner (extractors/shell-lexer.ts) got wrong, each row patterned on real entrypoints
 * (fixtures written here, not fetched code). Every row differs from what the former scanner
 * gave, which the last test shows.
 */
import { shellExtractor as sh } from '../../src/contract/extractors/shell.js';
import { shellLexerExtractor } from '../../src/contract/extractors/shell-lexer.js';
import { prepareGrammars } from '../../src/contract/engine/grammars.js';
import type { ExtractResult } from '../../src/contract/model.js';

beforeAll(() => prepareGrammars(['bash']));

const head = '#!/bin/bash\nset -e\n';

/** Reads and unresolved entries as compact strings. */
function view(r: ExtractResult): string[] {
  return [
    ...r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line}${x.default !== undefined ? ` =${x.default}` : ''}${x.requiredWhen ? ` when ${x.requiredWhen.names.join(',')}@${x.requiredWhen.evidence.line}` : ''}${x.requiredOneOf ? ` one of ${x.requiredOneOf.join(',')}` : ''}`),
    ...r.unresolved.map((u) => `? ${u.evidence.line} ${u.reason}${u.hint ? ` [${u.hint}]` : ''}`),
  ];
}

const ROWS: [string, string, string[]][] = [
  [
    'a here-string <<<\'…\' is no heredoc: the reads after it are seen',
    `${head}if mysql <<<'SELECT 1' &> /dev/null; then :; fi\n: "\${MARIADB_ROOT_PASSWORD:?}"\n`,
    ['MARIADB_ROOT_PASSWORD required 4'],
  ],
  [
    'NAME=value inside a quoted heredoc is text, not an assignment',
    `${head}if [ -z "$POSTGRES_PASSWORD" ]; then\n  cat >&2 <<-'EOE'\n\tset it: "-e POSTGRES_PASSWORD=password"\n\tEOE\n  exit 1\nfi\n`,
    ['POSTGRES_PASSWORD required 3'],
  ],
  [
    'a default spanning lines',
    `${head}: "\${MOTD:-Welcome\nto the\nserver}"\n`,
    ['MOTD defaulted 3 =Welcome\nto the\nserver'],
  ],
  [
    'eval of a string that expands variables is unresolved, with its reason',
    `${head}for key in A B; do value=1; eval "export $key=\\$value"; done\neval "$(ssh-agent -s)"\n`,
    ['? 3 eval of a computed string: the variables it expands are not known'],
  ],
  [
    'printenv NAME is a read; printenv "$n" is unresolved',
    `${head}token=$(printenv API_TOKEN)\nfor n in A B; do printenv "$n"; done\n`,
    ['API_TOKEN optional 3', '? 4 printenv of a computed name'],
  ],
  [
    'listing the whole environment is unresolved',
    `${head}env | grep '^APP_' > /app/.env\nprintenv > /tmp/all\n`,
    ['? 3 env lists the whole environment', '? 4 printenv lists the whole environment'],
  ],
  [
    '${!PREFIX@} enumerates names: unresolved with the prefix as hint',
    `${head}for v in "\${!APP_@}"; do echo "$v"; done\n`,
    ['? 3 names enumerated by prefix ${!…@} [APP_]'],
  ],
  [
    'a requirement inside `if [ -n "$FEATURE" ]` is conditional on FEATURE',
    `${head}if [ -n "$SMTP_HOST" ]; then\n  : "\${SMTP_PASSWORD:?SMTP_PASSWORD is required with SMTP_HOST}"\nfi\n`,
    ['SMTP_HOST optional 3', 'SMTP_PASSWORD optional 4 when SMTP_HOST@4'],
  ],
  [
    'a check inside `if [ "$FEATURE" = true ]` is conditional on FEATURE',
    `${head}if [ "$USE_S3" = "true" ]; then\n  [ -z "$S3_BUCKET" ] && { echo "S3_BUCKET missing" >&2; exit 1; }\nfi\n`,
    ['USE_S3 optional 3', 'S3_BUCKET optional 4 when USE_S3@4'],
  ],
  [
    'a check that fails only when both names are empty needs one of them, neither alone',
    `${head}if [ -z "$ROOT_PASSWORD" ] && [ -z "$ROOT_PASSWORD_HASH" ]; then\n  echo "set one" >&2\n  exit 1\nfi\n`,
    ['ROOT_PASSWORD optional 3 one of ROOT_PASSWORD,ROOT_PASSWORD_HASH', 'ROOT_PASSWORD_HASH optional 3 one of ROOT_PASSWORD,ROOT_PASSWORD_HASH'],
  ],
  [
    'a function reading the variable its first argument names (file_env) is a read at each call, with its default',
    `${head}file_env() {\n  local var="$1"\n  local def="\${2:-}"\n  local val="$def"\n  if [ "\${!var:-}" ]; then val="\${!var}"; fi\n  export "$var"="$val"\n}\nfile_env 'POSTGRES_PASSWORD'\nfile_env 'POSTGRES_USER' 'postgres'\nfor v in A B; do file_env "$v"; done\n`,
    ['POSTGRES_PASSWORD optional 10', 'POSTGRES_USER defaulted 11 =postgres', '? 12 file_env reads the variable its first argument names, here computed'],
  ],
  [
    'under set -u, expanding X inside `if [ -n "${X:-}" ]` cannot fail',
    `#!/bin/sh\nset -ue\nif [ -n "\${DOCKERHUB_USER:-}" ]; then\n  echo "$DOCKERHUB_TOKEN" | docker login -u "\${DOCKERHUB_USER}" --password-stdin\nfi\n`,
    ['DOCKERHUB_USER defaulted 3 =', 'DOCKERHUB_TOKEN optional 4 when DOCKERHUB_USER@4', 'DOCKERHUB_USER optional 4'],
  ],
];

/** Text the bash grammar does not break down into expansions, which the adapter scans. */
const GRAMMAR_GAPS: [string, string, string[]][] = [
  [
    'an expansion opening a line of an unquoted heredoc is a read',
    `${head}cat >/etc/logrotate.d/app <<EOF\n{\n  rotate 4\n  \${LOGROTATE_INTERVAL}\n}\nEOF\n`,
    ['LOGROTATE_INTERVAL optional 6'],
  ],
  [
    'the pattern of [[ =~ ]] and of ${W#…} expands variables',
    `${head}if [[ $CHANGED =~ \${SSL_CERT_PATH:-/nonexistent} ]]; then :; fi\necho "\${URL#$URL_PREFIX}"\n`,
    ['CHANGED optional 3', 'SSL_CERT_PATH defaulted 3 =/nonexistent', 'URL optional 4', 'URL_PREFIX optional 4'],
  ],
];

describe('shell on the tree-sitter engine', () => {
  it.each(ROWS)('%s', (_t, code, expected) => {
    expect(view(sh.extract({ path: 'docker-entrypoint.sh', text: code }))).toEqual(expected);
  });

  it.each(GRAMMAR_GAPS)('%s', (_t, code, expected) => {
    expect(view(sh.extract({ path: 'docker-entrypoint.sh', text: code }))).toEqual(expected);
  });

  it.each(ROWS)('the former scanner gave something else: %s', (_t, code, expected) => {
    expect(view(shellLexerExtractor.extract({ path: 'docker-entrypoint.sh', text: code }))).not.toEqual(expected);
  });

  it('evidence of a conditional requirement names the check that fails', () => {
    const r = sh.extract({ path: 'docker-entrypoint.sh', text: ROWS.find((x) => x[0].includes('-n "$FEATURE"'))![1] });
    const read = r.reads.find((x) => x.name === 'SMTP_PASSWORD')!;
    expect(read.requiredWhen).toEqual({ names: ['SMTP_HOST'], evidence: { file: 'docker-entrypoint.sh', line: 4, pattern: '${SMTP_PASSWORD:?SMTP_PASSWORD is required with SMTP_HOST}' } });
    expect(read.note).toContain('required when SMTP_HOST is set');
  });

  it('the same text in two files is parsed once and yields each file its own evidence', () => {
    const text = `${head}: "\${DB_URL:?}"\n`;
    const a = sh.extract({ path: '16/docker-entrypoint.sh', text });
    const b = sh.extract({ path: '17/docker-entrypoint.sh', text });
    expect(a.reads.map((x) => x.evidence.file)).toEqual(['16/docker-entrypoint.sh']);
    expect(b.reads.map((x) => x.evidence.file)).toEqual(['17/docker-entrypoint.sh']);
    expect(b.reads[0]).not.toBe(a.reads[0]);
  });
});
