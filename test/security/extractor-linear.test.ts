/**
 * Issue 15.11: extractors do linear work on crafted files, and a per-file step budget turns
 * what is left into one unresolved read ("too complex") instead of a stalled run. Work is
 * measured in budget steps (deterministic) and, where the cost was not a loop (copying), by
 * the ratio of CPU time between two sizes 8× apart with a generous margin — never a time limit.
 */
import { EXTRACTORS } from '../../src/contract/extractors/index.js';
import { prepareGrammars } from '../../src/contract/engine/grammars.js';
import { clearReadsMemo } from '../../src/contract/engine/reads.js';
import { goExtractor } from '../../src/contract/extractors/go.js';
import { phpExtractor } from '../../src/contract/extractors/php.js';
import { shellExtractor } from '../../src/contract/extractors/shell.js';
import { stepsOfLastRun, withStepLimit, BASE_STEPS, STEPS_PER_CHAR } from '../../src/contract/budget.js';
import type { Extractor } from '../../src/contract/model.js';

beforeAll(() => prepareGrammars(EXTRACTORS.flatMap((e) => e.grammars ?? [])));

const families: [string, Extractor, string, (n: number) => string][] = [
  ['Go: `if x {` nested', goExtractor, 'main.go', (n) => 'package main\nfunc main() {\nv := os.Getenv("A")\n' + 'if v == "" {\n'.repeat(n) + 'log.Fatal("x")\n' + '}\n'.repeat(n) + '}\n'],
  ['Go: `if` without a brace', goExtractor, 'main.go', (n) => 'package main\nfunc main() {\nv := os.Getenv("A")\n' + 'if v '.repeat(n) + '\n}\n'],
  ['Go: nested helper calls', goExtractor, 'main.go', (n) => 'package main\nfunc get(k, d string) string { return os.Getenv(k) }\nfunc main() {\n' + 'get("A", '.repeat(n) + '"d"' + ')'.repeat(n) + '\n}\n'],
  ['Go: unterminated calls', goExtractor, 'main.go', (n) => 'package main\nfunc main() {\n' + 'os.Getenv("A", \n'.repeat(n)],
  ['PHP: `env("…", "defa` lines', phpExtractor, 'config/app.php', (n) => '<?php\n' + 'env("APP_KEY", "defa\n'.repeat(n)],
  ['PHP: nested env()', phpExtractor, 'config/app.php', (n) => '<?php\n' + 'env("A", '.repeat(n) + '1' + ')'.repeat(n) + ';\n'],
];

describe('budget steps grow linearly with the input', () => {
  test.each(families)('%s', (_name, ex, path, gen) => {
    const steps = (n: number) => {
      const r = ex.extract({ path, text: gen(n) });
      expect(r.unresolved.filter((u) => u.reason.startsWith('too complex'))).toEqual([]);
      return stepsOfLastRun();
    };
    const small = steps(500);
    const big = steps(4_000);
    // Linear: ≈ 8× (+ the fixed part); quadratic would be ≈ 64×.
    expect(big).toBeLessThanOrEqual(small * 10 + 1_000);
  });
});

describe('results are unchanged by the linear rewrite', () => {
  test('nested Go checks still make the read required', () => {
    const r = goExtractor.extract({ path: 'main.go', text: families[0]![3](50) });
    expect(r.reads).toEqual([expect.objectContaining({ name: 'A', kind: 'required' })]);
  });
  test('a nested helper call still gives the outer read and its default', () => {
    const r = goExtractor.extract({ path: 'main.go', text: 'package main\nfunc get(k, d string) string { return os.Getenv(k) }\nfunc main() {\nget("A", get("B", "x"))\n}\n' });
    expect(r.reads.map((x) => [x.name, x.kind, x.default])).toEqual([
      ['A', 'defaulted', 'get("B","x")'],
      ['B', 'defaulted', 'x'],
    ]);
  });
  test('PHP env() on an unterminated line (the unclosed string is no default, as before)', () => {
    const r = phpExtractor.extract({ path: 'config/app.php', text: '<?php\nreturn [\'k\' => env("APP_KEY", "base64:x"),\n\'u\' => env("APP_URL", "defa\n' });
    expect(r.reads.map((x) => [x.name, x.kind])).toEqual([['APP_KEY', 'defaulted'], ['APP_URL', 'optional']]);
  });
});

describe('CPU time scales linearly where the cost was not a loop (ratio, generous margin)', () => {
  const cpu = (ex: Extractor, path: string, text: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      clearReadsMemo(); // measure the parse, not the engine's memo of the text
      const t0 = process.cpuUsage();
      ex.extract({ path, text });
      const t = process.cpuUsage(t0);
      best = Math.min(best, t.user + t.system);
    }
    return best;
  };
  test.each([
    // Sizes where the old code's ratio was far above the margin (shell: 137× at 4,000 → 32,000).
    ['shell: `ENV A=1 \\` continued', shellExtractor, 'entry.sh', (n: number) => '#!/bin/sh\n' + 'ENV A=1 \\\n'.repeat(n) + '\n', 4_000],
    ['Go: `if x {` nested', goExtractor, 'main.go', families[0]![3], 4_000],
    ['PHP: `env("…", "defa` lines', phpExtractor, 'a.php', families[4]![3], 2_000],
  ] as [string, Extractor, string, (n: number) => string, number][])('%s', (_n, ex, path, gen, n) => {
    cpu(ex, path, gen(500)); // warm up
    const ratio = cpu(ex, path, gen(8 * n)) / cpu(ex, path, gen(n));
    expect(ratio).toBeLessThan(24); // 8× the input; quadratic was ≥ 64×
  });
});

describe('the budget path: a file over its budget is one unresolved read, nothing thrown', () => {
  test('the budget grows with the file (it only cuts super-linear work)', () => {
    expect(STEPS_PER_CHAR).toBeGreaterThanOrEqual(16);
    expect(BASE_STEPS).toBeGreaterThan(0);
  });
  test.each(EXTRACTORS.map((e) => [e.id, e] as const))('%s', (_id, ex) => {
    // A file of every construct the extractors follow, many times over, under a tiny budget.
    const unit = 'v := os.Getenv("A")\nif v == "" { log.Fatal("x") }\nenv("A", "d") getenv("A") $_ENV["A"] ENV.fetch("A") ENV["A"] env::var("A") System.getenv("A") Environment.GetEnvironmentVariable("A") process.env.A os.environ["A"] ${A:?x} $A\n';
    const path = { javascript: 'a.ts', python: 'a.py', go: 'a.go', shell: 'a.sh', dockerfile: 'Dockerfile', dotenv: '.env', jvm: 'A.java', spring: 'application.yml', ruby: 'a.rb', rust: 'a.rs', csharp: 'a.cs', php: 'a.php', 'node-config': 'config/custom-environment-variables.yml' }[ex.id] ?? 'a.txt';
    const text = (ex.id === 'shell' ? '#!/bin/sh\n' : ex.id === 'php' ? '<?php\n' : '') + unit.repeat(200);
    const full = ex.extract({ path, text });
    const used = stepsOfLastRun();
    if (used === 0) return; // this extractor's work is one pass: it never spends budget steps
    const r = withStepLimit(Math.floor(used / 2), () => ex.extract({ path, text }));
    expect(r.unresolved.at(-1)).toEqual({ evidence: { file: path, line: 1, pattern: ex.id }, reason: `too complex: the ${ex.id} extractor stopped at its step budget for this file; reads in it may be missing` });
    expect(r.reads.length).toBeLessThanOrEqual(full.reads.length);
  });
});
