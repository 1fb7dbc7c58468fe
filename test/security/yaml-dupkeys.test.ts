/**
 * Issue 15.10: duplicate-key checking is linear. The `yaml` library's own check compares each
 * key with every earlier key of its map (40,000 keys took 30 s); keydrift composes without it
 * and checks with one Set per map, giving the same errors.
 */
import { Composer, LineCounter, Parser, parseDocument } from 'yaml';
import { checkUniqueKeys, composeAll } from '../../src/sources/yaml-keys.js';
import { parseManifests } from '../../src/sources/yaml.js';
import { parseYamlDocs } from '../../src/render/prov.js';
import { parseConfig } from '../../src/images/mapping.js';
import { readClusterDump } from '../../src/cluster/dump.js';
import { nodeConfigExtractor } from '../../src/contract/extractors/node-config.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The library's own (quadratic) check, for reference: errors as [code, offset, message]. */
function libraryErrors(text: string): [string, number, string][][] {
  const lc = new LineCounter();
  const docs = [...new Composer({ uniqueKeys: true }).compose(new Parser(lc.addNewLine).parse(text), true, text.length)];
  return docs.map((d) => d.errors.map((e) => [e.code, e.pos[0], e.message]));
}
function ourErrors(text: string): [string, number, string][][] {
  return composeAll(text, new LineCounter()).map((d) => d.errors.map((e) => [e.code, e.pos[0], e.message]));
}

const cases: [string, string][] = [
  ['block map', 'a: 1\nb: 2\na: 3\n'],
  ['flow map', '{a: 1, b: 2, a: 3}\n'],
  ['nested, in a sequence', 'items:\n- x: 1\n  x: 2\n- y: 1\n'],
  ['three times', 'a: 1\na: 2\na: 3\n'],
  ['quoted and plain are the same key', 'a: 1\n"a": 2\n\'a\': 3\n'],
  ['number and string are different keys', '1: a\n"1": b\n'],
  ['1 and 1.0 (both 1)', '1: a\n1.0: b\n'],
  ['null keys', '? : a\n? : b\n'],
  ['true twice', 'true: 1\ntrue: 2\n'],
  ['no duplicates', 'a: 1\nb: {a: 1, b: 2}\nc: [{a: 1}, {a: 2}]\n'],
  ['same key in separate documents', 'a: 1\n---\na: 2\n'],
  ['duplicate in the second document', 'a: 1\n---\nb: 1\nb: 2\n'],
  ['with another error before it', 'a: [1\nb: 2\nb: 3\n'],
  ['with another error after it', 'a: 1\na: 2\nb: "x\n'],
  ['pairs in a flow sequence', '[a: 1, a: 2]\n'],
  ['a complex key with a duplicate inside', '? {k: 1, k: 2}\n: v\n'],
  ['anchored keys', '&x a: 1\n*x : 2\n'],
];

describe('the same errors as the library check', () => {
  test.each(cases)('%s', (_n, text) => {
    expect(ourErrors(text)).toEqual(libraryErrors(text));
  });
});

describe('every YAML reader reports duplicates', () => {
  const dup = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  A: "1"\n  B: "2"\n  A: "3"\n';
  test('manifests (git files)', () => {
    expect(parseManifests('cm.yaml', dup).problems).toMatchObject([{ file: 'cm.yaml', line: 7, message: 'Map keys must be unique' }]);
  });
  test('kustomizations and patches', () => {
    expect(() => parseYamlDocs('kustomization.yaml', 'resources: []\nresources: [a.yaml]\n')).toThrow(expect.objectContaining({ line: 2, message: expect.stringMatching(/Map keys must be unique|a key that appears twice in one mapping/) }));
  });
  test('.keydrift.yaml', () => {
    expect(() => parseConfig('sources:\n  x: ./a\n  x: ./b\n', '.keydrift.yaml', '/r')).toThrow('.keydrift.yaml:3: invalid YAML: Map keys must be unique at line 3, column 3');
  });
  test('a cluster dump', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kd-dupkeys-'));
    try {
      writeFileSync(path.join(d, 'dump.yaml'), dup);
      // A dump with nothing readable fails closed (exit 2): a good object beside the broken file.
      writeFileSync(path.join(d, 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: d}\ndata: {A: "1"}\n');
      const snap = await readClusterDump(d);
      expect(snap.objects.map((o: any) => o.name)).toEqual(['ok']);
      expect(snap.skipped).toEqual([{ what: `dump ${path.join(d, 'dump.yaml')}`, reason: 'not read completely: line 7: a key that appears twice in one mapping' }]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  test('node-config mapping', () => {
    const r = nodeConfigExtractor.extract({ path: 'config/custom-environment-variables.yaml', text: 'db:\n  url: DB_URL\n  url: OTHER\n' } as any);
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['node-config mapping could not be parsed']);
  });
});

describe('linear work', () => {
  const configMap = (n: number, extraDup = false) => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data:'];
    for (let i = 0; i < n; i++) lines.push(`  K${i}: "v"`);
    if (extraDup) lines.push('  K0: "again"');
    return lines.join('\n') + '\n';
  };

  test('one key look-up per key (the library check makes n(n-1)/2 comparisons)', () => {
    for (const n of [1_000, 8_000]) {
      const steps = { n: 0 };
      const doc = parseDocument(configMap(n, true), { uniqueKeys: false });
      expect(checkUniqueKeys(doc, undefined, steps)).toBe(1);
      expect(steps.n).toBe(n + 1 + 5); // the data keys, the duplicate, and apiVersion, kind, metadata, name, data
      // For contrast, the library's comparator on the same map:
      let compared = 0;
      parseDocument(configMap(n), { uniqueKeys: (a, b) => (compared++, a === b) });
      expect(compared).toBeGreaterThanOrEqual((n * (n - 1)) / 2);
    }
  });

  test('parseManifests scales linearly with the number of keys (CPU time ratio, generous margin)', () => {
    // Not a time limit: the ratio of two sizes 8× apart. Quadratic checking gave ≥ 30×.
    const cpu = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = process.cpuUsage();
        const r = parseManifests('cm.yaml', text);
        const t = process.cpuUsage(t0);
        expect(r.problems).toHaveLength(1);
        best = Math.min(best, t.user + t.system);
      }
      return best;
    };
    const small = configMap(2_000, true);
    const big = configMap(16_000, true);
    cpu(small); // warm up
    const ratio = cpu(big) / cpu(small);
    expect(ratio).toBeLessThan(20);
  });

  test('looking up the line of every key of a big map is linear (indexed per map)', () => {
    const n = 20_000;
    const o = parseManifests('cm.yaml', configMap(n)).objects[0]!;
    for (const i of [0, 1, n - 1, 12_345]) expect(o.lineOf(['data', `K${i}`])).toBe(5 + i);
    expect(o.lineOf(['data', 'nope'])).toBeUndefined();
    expect(o.lineOf(['data', 'K7', 'deeper'])).toBeUndefined();
  });
});
