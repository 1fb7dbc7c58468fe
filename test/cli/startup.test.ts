/**
 * Fast to start (issue 13.8): `keydrift --help` loads neither the TypeScript compiler nor the
 * Kubernetes client — each command loads what it uses when it runs. Proven by a module
 * resolve hook (test/cli/load-hook.mjs) in a real `bin/keydrift.js` process, not a timer.
 * Needs lib/ (npm run build). The figures are in `npm run bench -- startup`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, type IncidentRepos } from '../../src/example/incident.js';

const bin = path.resolve('bin/keydrift.js');
// The project's pinned Node (npm scripts run on it); the hook needs module.registerHooks (Node ≥ 22.15).
const pinned = path.resolve('node_modules/.bin/node');
const nodeBin = existsSync(pinned) ? pinned : process.execPath;
const hook = path.resolve('test/cli/load-hook.mjs');
let tmp: string;
let repos: IncidentRepos;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-startup-'));
  repos = await buildIncident(path.join(tmp, 'example'));
}, 60000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function loaded(args: string[]): { status: number | null; modules: string[] } {
  const out = path.join(tmp, `loaded-${n++}.txt`);
  const r = spawnSync(nodeBin, ['--import', hook, bin, ...args], { encoding: 'utf8', env: { ...process.env, KD_LOADED_OUT: out } });
  if (!existsSync(out)) throw new Error(`no module list from ${nodeBin}: ${r.stderr.split('\n')[0]}`);
  return { status: r.status, modules: readFileSync(out, 'utf8').split('\n') };
}
const has = (mods: string[], pkg: string) => mods.some((m) => m.includes(`/node_modules/${pkg}/`));

describe('start-up loads only what the command uses', () => {
  it.each([['--help'], ['check --help'], ['drift --help'], ['--version'], ['frobnicate']])('keydrift %s: no typescript, no @kubernetes/client-node', (args) => {
    const r = loaded(args.split(' '));
    expect(r.modules.some((m) => m.endsWith('/lib/cli/main.js'))).toBe(true);
    expect(has(r.modules, 'typescript')).toBe(false);
    expect(has(r.modules, '@kubernetes/client-node')).toBe(false);
  });

  it('check on the example loads typescript (its app is TypeScript) but not the Kubernetes client', () => {
    const r = loaded(['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head]);
    expect(r.status).toBe(1);
    expect(has(r.modules, 'typescript')).toBe(true);
    expect(has(r.modules, '@kubernetes/client-node')).toBe(false);
  });
});
