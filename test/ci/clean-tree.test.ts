/**
 * CI fails when set-up leaves the tree dirty (issue 13.7): .ci/run runs the check between the
 * README's set-up and the tests, and the check fails on any `git status --porcelain` line.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commit, initRepo } from '../helpers/git.js';

const script = path.resolve('scripts/check-clean-tree.sh');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-clean-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (dir: string) => spawnSync('bash', [script], { cwd: dir, encoding: 'utf8' });

describe('clean tree after set-up', () => {
  it.each([
    ['a clean tree passes', (_d: string) => {}, 0, ''],
    ['a rewritten lockfile fails, naming it', (d: string) => writeFileSync(path.join(d, 'package-lock.json'), '{"changed":true}\n'), 1, 'package-lock.json'],
    ['an untracked file fails', (d: string) => writeFileSync(path.join(d, 'stray.txt'), 'x'), 1, 'stray.txt'],
  ])('%s', (name, mutate, code, mention) => {
    const d = initRepo(path.join(tmp, name.replace(/\W+/g, '-')));
    commit(d, { 'package-lock.json': '{}\n' });
    mutate(d);
    const r = run(d);
    expect(r.status).toBe(code);
    if (mention) expect(r.stderr).toContain(mention);
  });

  it('.ci/run checks the tree after set-up and before the tests', () => {
    const lines = readFileSync('.ci/run', 'utf8').split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l) && !l.trimStart().startsWith('#'));
    expect(at(/scripts\/setup\.sh/)).toBeGreaterThanOrEqual(0);
    expect(at(/check-clean-tree\.sh/)).toBeGreaterThan(at(/scripts\/setup\.sh/));
    expect(at(/npm test/)).toBeGreaterThan(at(/check-clean-tree\.sh/));
  });
});
