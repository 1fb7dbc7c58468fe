/** The committed bundle is what src/ builds to: rebuild to a temp file and compare. */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DIST, ROOT } from './runner.js';
import { INPUT_NAMES, OUTPUT_NAMES, readInputs } from '../../src/action/inputs.js';

describe('dist/', () => {
  it('dist/index.js is up to date with src/ (run `npm run bundle` and commit dist/)', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-dist-'));
    try {
      const out = path.join(tmp, 'index.js');
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.js'), out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const fresh = readFileSync(out);
      const committed = readFileSync(DIST);
      expect(committed.length).toBe(fresh.length);
      expect(committed.equals(fresh)).toBe(true);
      // The contract engine's WebAssembly files: the runtime and only the grammars it uses.
      const grammars = readdirSync(path.join(tmp, 'grammars')).sort();
      expect(grammars).toEqual(['tree-sitter-bash.wasm', 'tree-sitter.wasm']);
      for (const g of grammars) expect(readFileSync(path.join(path.dirname(DIST), 'grammars', g)).equals(readFileSync(path.join(tmp, 'grammars', g)))).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('action.yml', () => {
  const meta = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  it('runs dist/index.js on node24', () => {
    expect(meta.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
  it('declares exactly the inputs the code reads and the outputs it sets', () => {
    const asked: string[] = [];
    readInputs((n) => (asked.push(n), ''));
    expect([...new Set(asked)].sort()).toEqual([...INPUT_NAMES].sort());
    expect(Object.keys(meta.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(Object.keys(meta.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    const main = readFileSync(path.join(ROOT, 'src', 'action', 'main.ts'), 'utf8');
    const set = [...main.matchAll(/core\.setOutput\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(set).toEqual([...OUTPUT_NAMES].sort());
  });
  it('defaults: mode check, fail-on error (warning for drift), comment true, token github.token, repo-path .', () => {
    expect(meta.inputs.mode.default).toBe('check');
    expect(meta.inputs['fail-on'].default).toBeUndefined();
    expect(readInputs((n) => (n === 'mode' ? 'drift' : '')).failOn).toBe('warning');
    expect(meta.inputs.comment.default).toBe('true');
    expect(meta.inputs.token.default).toBe('${{ github.token }}');
    expect(meta.inputs['repo-path'].default).toBe('.');
    expect(readInputs(() => '')).toEqual({ mode: 'check', repoPath: '.', failOn: 'error', comment: true, sources: [], fetchCharts: false });
  });
});
