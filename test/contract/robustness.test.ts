import { EXTRACTORS } from '../../src/contract/extractors/index.js';
import { prepareGrammars } from '../../src/contract/engine/grammars.js';

beforeAll(() => prepareGrammars(EXTRACTORS.flatMap((e) => e.grammars ?? [])));

/** A path each extractor matches. */
const PATHS: Record<string, string> = {
  javascript: 'src/a.ts',
  python: 'app/a.py',
  go: 'cmd/a.go',
  shell: 'docker-entrypoint.sh',
  dockerfile: 'Dockerfile',
  dotenv: '.env.example',
  jvm: 'src/A.java',
  spring: 'src/main/resources/application.yml',
  ruby: 'config/a.rb',
  rust: 'src/a.rs',
  csharp: 'src/A.cs',
  php: 'config/a.php',
  'node-config': 'config/custom-environment-variables.json',
};

const NASTY: [string, string][] = [
  ['empty', ''],
  ['unterminated quotes', `"'\`"""'''\${ process.env['A os.environ["B ENV.fetch("C`],
  ['deep brackets', '('.repeat(5000) + 'process.env.X os.Getenv("X") ENV["X"] ${X:?}' + ')'.repeat(10)],
  ['nested placeholders', '${'.repeat(3000) + 'X' + '}'.repeat(10)],
  ['many options', 'read ' + '-a '.repeat(3000) + '\nset ' + '-o '.repeat(2000)],
  ['long line', 'x = os.environ.get("A", ' + 'os.environ.get("B", '.repeat(500) + '"d"' + ')'.repeat(501) + '\n'],
  ['binary-ish', Array.from({ length: 20000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('')],
  ['CRLF', 'A=1\r\nexport B=\r\nprocess.env.C\r\n'],
];

describe('every extractor degrades instead of throwing or hanging', () => {
  it('has a sample path for every extractor', () => {
    for (const e of EXTRACTORS) expect([e.id, e.matches(PATHS[e.id] ?? '')]).toEqual([e.id, true]);
  });
  const cases = EXTRACTORS.flatMap((e) => NASTY.map(([name, text]) => [e.id, name, text] as const));
  it.each(cases)('%s: %s', (id, _name, text) => {
    const ex = EXTRACTORS.find((e) => e.id === id)!;
    const r = ex.extract({ path: PATHS[id]!, text });
    expect(Array.isArray(r.reads) && Array.isArray(r.unresolved)).toBe(true);
    for (const x of r.reads) expect(x.evidence.line).toBeGreaterThanOrEqual(1);
  });
});
