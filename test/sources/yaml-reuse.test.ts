/**
 * reparseManifests (PR mode: the base version of a changed file the head already parsed)
 * re-parses only the documents that changed, and its result is the whole parse's: the same
 * objects, bodies, document indexes, lines, columns, ranges and other documents, whatever the
 * edit (a value, a line added or removed, a document added or removed, comments, `...`, empty
 * documents, block scalars, the last document without a final newline).
 */
import fc from 'fast-check';
import { parseManifests, type KObject, type ParsedFile, type PathSeg } from '../../src/sources/yaml.js';
import { reparseManifests } from '../../src/sources/yaml-reuse.js';

const cm = (name: string, keys: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(keys)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n')}\n`;
const deploy = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n          envFrom:\n            - configMapRef: {name: ${name}}\n          args:\n            - |\n              line one\n              line two\n`;

/** Every path of a body, for comparing positions. */
function paths(v: unknown, at: PathSeg[] = [], out: PathSeg[][] = []): PathSeg[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function view(p: ParsedFile) {
  const obj = (o: KObject) => ({
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    file: o.file,
    docIndex: o.docIndex,
    line: o.line,
    body: o.body,
    at: paths(o.body).map((x) => [x.join('.'), o.lineOf(x), o.columnOf(x), o.rangeOf(x), o.locate(x)]),
  });
  return { objects: p.objects.map(obj), others: p.others, problems: p.problems };
}

/** Reparse `b` from the parse of `a`; the result must be the whole parse of `b`. */
function same(a: string, b: string, prev = parseManifests('big.yaml', a)): ParsedFile {
  const got = reparseManifests('big.yaml', b, { text: a, parsed: prev });
  expect(view(got)).toEqual(view(parseManifests('big.yaml', b)));
  return got;
}

const many = (n: number, v = 'x') => Array.from({ length: n }, (_, i) => (i % 3 === 2 ? deploy(`d${i}`, `img:${i}`) : cm(`c${i}`, { A: `"${i}"`, B: v }))).join('---\n');

test('a one-key change re-parses one document and keeps the others of the earlier parse', () => {
  const a = many(30);
  const b = a.replace('A: "13"', 'A: "changed"');
  const prev = parseManifests('big.yaml', a);
  const got = same(a, b, prev);
  const before = prev.objects.find((o) => o.name === 'c12')!;
  const after = prev.objects.find((o) => o.name === 'c15')!;
  // Untouched documents are the earlier parse's (no new parse), the changed one is new.
  expect(got.objects.find((o) => o.name === 'c12')).toBe(before);
  expect(got.objects.find((o) => o.name === 'c15')!.body).toBe(after.body);
  expect(got.objects.find((o) => o.name === 'c13')!.body).not.toBe(prev.objects.find((o) => o.name === 'c13')!.body);
  expect(got.objects.find((o) => o.name === 'c13')!.body.data.A).toBe('changed');
});

test('lines, ranges and document indexes after the change move with it', () => {
  const a = many(12);
  // A line added, a document added, a document removed, a line removed.
  same(a, a.replace('  B: x\n', '  B: x\n  NEW: "1"\n'));
  same(a, a.replace('---\n', `---\n${cm('extra', { Z: '1' })}---\n`));
  const docs = a.split('---\n');
  same(a, [...docs.slice(0, 4), ...docs.slice(5)].join('---\n'));
  same(a, a.replace('  name: c4\n', ''));
  // The first and the last document changed.
  same(a, a.replace('name: c0', 'name: first'));
  same(a, a.replace(/img:11\n/, 'img:last\n'));
});

test('comments, document ends, empty documents, no final newline', () => {
  const a = `# head comment\n${cm('a', { A: '1' })}---\n# between\n---\n${cm('b', { B: '2' })}...\n---\n${cm('c', { C: '3' })}---\nplain: value\n---\n${deploy('d', 'img:1')}`;
  same(a, a.replace('C: 3', 'C: 4'));
  same(a, a.replace('B: 2', 'B: 5\n  B2: 6'));
  same(a, a.replace('plain: value', 'plain: other'));
  same(a, a.replace('# between\n', ''));
  same(a, a.slice(0, -1));
  same(a + 'x: |\n  tail', a + 'x: |\n  tail2');
  // A broken version is parsed whole (its problems are the whole parse's).
  same(a, a.replace('C: 3', 'C: [3'));
  same(a.replace('C: 3', 'C: [3'), a);
});

test('random edits of a multi-document file', () => {
  const pieces = [cm('p', { A: '1', B: '"two"' }), deploy('q', 'img:1'), '# only a comment\n', '', 'key: value\n', '...\n', cm('r', { K: '|\n    block\n    text' })];
  const file = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 }).map((ps) => ps.join('---\n'));
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('', 'X', '\n', '---\n', '--- # c\n', '--- a: 1\n', 'z: 1\n', '  ', '#', '"', '...\n', '\r\n', '%YAML 1.2\n', '&a ', '*a'));
  fc.assert(
    fc.property(file, edit, (a, [at, del, ins]) => {
      const i = a.length ? at % a.length : 0;
      const b = a.slice(0, i) + ins + a.slice(i + del);
      same(a, b);
    }),
    { numRuns: Number(process.env.REUSE_RUNS ?? 300) },
  );
});
