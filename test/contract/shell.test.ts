import { shellExtractor as sh } from '../../src/contract/extractors/shell.js';
import { prepareGrammars } from '../../src/contract/engine/grammars.js';
import { run, summary } from './helpers.js';

beforeAll(() => prepareGrammars(['bash']));

const head = '#!/bin/sh\nset -e\n';

describe('shell extractor', () => {
  it.each<[string, string, string[]]>([
    ['${X:?msg} is required', `${head}: "\${DATABASE_URL:?DATABASE_URL must be set}"\n`, ['DATABASE_URL required 3']],
    ['${X?} is required', `${head}echo "\${TOKEN?}"\n`, ['TOKEN required 3']],
    ['${X:-d} is defaulted', `${head}exec app --port "\${PORT:-8080}"\n`, ['PORT defaulted 3 =8080']],
    ['${X-d} and ${X:=d}', `${head}a=\${LOG_LEVEL-info}\n: \${WORKERS:=4}\n`, ['LOG_LEVEL defaulted 3 =info', 'WORKERS defaulted 4 =4']],
    ['$X and ${X} are optional', `${head}echo $REDIS_HOST \${REDIS_PORT}\n`, ['REDIS_HOST optional 3', 'REDIS_PORT optional 3']],
    ['X="${X:-d}" keeps X as a defaulted env read', `${head}PORT="\${PORT:-3000}"\nexport PORT\nexec node server.js --port "$PORT"\n`, ['PORT defaulted 3 =3000', 'PORT optional 5']],
    ['variables the script assigns are ignored', `${head}DIR=/app\nexport MODE=prod\nread -r ANSWER\nfor F in a b; do echo "$F"; done\necho "$DIR $MODE $ANSWER"\nf() { local TMP; TMP=1; echo $TMP; }\n`, []],
    ['positional, special and well-known variables are ignored', `${head}echo "$1 $@ $? $$ $# $0 \${1:-x}"\necho "$HOME $PATH $PWD $USER $HOSTNAME $RANDOM"\n`, []],
    ['single quotes and comments are not reads', `${head}# uses $COMMENTED\necho '$SINGLE_QUOTED' # and $TRAILING\necho "it's \\$ESCAPED"\n`, []],
    ['double quotes and command substitution are reads', `${head}echo "$(printf '%s' "$INNER")" \`echo $BACKTICK\`\n`, ['INNER optional 3', 'BACKTICK optional 3']],
    ['quoted heredoc is literal, unquoted expands', `${head}cat <<'EOF'\n$LITERAL\nEOF\ncat <<EOF\nurl=$EXPANDED\nEOF\necho $AFTER\n`, ['EXPANDED optional 7', 'AFTER optional 9']],
    ['[ -z "$X" ] && exit → required', `${head}[ -z "$API_KEY" ] && { echo "API_KEY missing" >&2; exit 1; }\n`, ['API_KEY required 3']],
    ['if [ -z ]; then exit; fi → required', `${head}if [ -z "\${SECRET}" ]; then\n  echo "SECRET is required" >&2\n  exit 1\nfi\n`, ['SECRET required 3']],
    [
      'an exit check after the script gave the name a value is not required',
      `${head}if [ -z "$JAVA" ]\nthen\n  JAVA=$(which java)\nfi\nif [ -z "$JAVA" ]\nthen\n  echo "no java" >&2\n  exit 1\nfi\n`,
      ['JAVA defaulted 3 =$(which java)', 'JAVA optional 7'],
    ],
    ['[ -z ] && X=d → defaulted', `${head}[ -z "$REGION" ] && REGION=eu-west-1\necho "$REGION"\n`, ['REGION defaulted 3 =eu-west-1', 'REGION optional 4']],
    ['${A:-$B} is a fallback chain', `${head}URL="\${REDIS_URL:-$REDIS_ADDR}"\n`, ['REDIS_URL optional 3', 'REDIS_ADDR optional 3']],
    ['${!X} is unresolved, not a read', `${head}v="\${!NAME_VAR}"\n`, []],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(sh, 'docker-entrypoint.sh', code))).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ['set -eu makes plain expansions required', `#!/bin/sh\necho "$A"\nset -eu\necho "$B \${C:-x} \${D:+y} \${#E}"\nset +u\necho "$F"\n`, ['A optional 2', 'B required 4', 'C defaulted 4 =x', 'D optional 4', 'E required 4', 'F optional 6']],
    ['set -o nounset and pipefail', `#!/bin/bash\nset -o errexit -o nounset -o pipefail\nexec app "$PORT"\n`, ['PORT required 3']],
    ['a -u shebang', `#!/bin/sh -eu\nexec app "$PORT"\n`, ['PORT required 2']],
    ['set -e alone does not', `#!/bin/sh\nset -e\nexec app "$PORT"\n`, ['PORT optional 3']],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(sh, 'entrypoint.sh', code))).toEqual(expected);
  });

  it('records the fallback chain and the indirect expansion', () => {
    const r = run(sh, 'entrypoint.sh', `${head}URL="\${REDIS_URL:-$REDIS_ADDR}"\nv="\${!NAME_VAR}"\n`);
    expect(r.fallbacks.map((f) => [f.names, f.evidence.line])).toEqual([[['REDIS_URL', 'REDIS_ADDR'], 3]]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason])).toEqual([[4, 'indirect expansion ${!…}']]);
  });

  it('matches by name, and extensionless files only with a shell shebang', () => {
    expect(sh.matches('scripts/run.sh')).toBe(true);
    expect(sh.matches('docker-entrypoint.d/10-env')).toBe(true);
    expect(sh.matches('bin/start')).toBe(true);
    expect(sh.matches('Dockerfile')).toBe(false);
    expect(sh.matches('src/a.py')).toBe(false);
    expect(summary(sh.extract({ path: 'bin/start', text: '#!/usr/bin/env bash\necho $X\n' }))).toEqual(['X optional 2']);
    expect(summary(sh.extract({ path: 'bin/tool', text: '#!/usr/bin/env python3\nprint("$X")\n' }))).toEqual([]);
  });
});
