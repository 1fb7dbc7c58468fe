/**
 * Issue 15.1, second half: a written `~/.gitconfig` (`url."ext::sh -c …".insteadOf`) turned
 * the next clone of a `.keydrift.yaml` `git:` source into a command. Defence in depth: the git
 * keydrift runs reads no global or system configuration, and its own settings, given last,
 * forbid the `ext::` transport even when the user asks git to read their configuration.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { commit, initRepo } from '../helpers/git.js';
import { gitEnv } from '../../src/sources/git-env.js';
import { sandbox, type Sandbox } from './helpers.js';

const URL = 'https://example.invalid/app.git';

describe('a hostile ~/.gitconfig', () => {
  let sb: Sandbox;
  let home: string;
  let marker: string;
  let gitops: string;
  beforeEach(() => {
    sb = sandbox('kd-sec-gitcfg-');
    home = path.join(sb.root, 'home');
    marker = path.join(sb.root, 'MARKER');
    mkdirSync(home);
    writeFileSync(path.join(home, '.gitconfig'), `[url "ext::sh -c touch% ${marker}"]\n\tinsteadOf = ${URL}\n[protocol "ext"]\n\tallow = always\n`);
    gitops = initRepo(path.join(sb.root, 'gitops'));
    commit(gitops, {
      '.keydrift.yaml': `sources:\n  example.com/app:\n    git: ${URL}\n`,
      'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: example.com/app:1.0\n',
    });
  });
  afterEach(() => sb.cleanup());

  it('would run a command through plain git (the set-up is live)', () => {
    spawnSync('git', ['ls-remote', URL], { env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1' }, stdio: 'ignore' });
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
  });

  it.each([
    ['git reads no global configuration', {}],
    ['KEYDRIFT_GIT_USER_CONFIG=1: the configuration is read, ext:: is still forbidden', { KEYDRIFT_GIT_USER_CONFIG: '1' }],
  ])('keydrift check does not run it: %s', async (_n, extra) => {
    const r = await sb.with({ HOME: home, ...extra }, () => runCli(['check', '--repo', gitops, '--format', 'json']));
    expect(existsSync(marker)).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keydrift: cannot clone https:\/\/example\.invalid\/app\.git: .*\n$/);
  });

  it('the lockdown comes after the user’s own GIT_CONFIG_* entries, so it wins', () => {
    const env = gitEnv({}, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.ext.allow', GIT_CONFIG_VALUE_0: 'always' });
    expect(env.GIT_CONFIG_KEY_0).toBe('protocol.ext.allow');
    const n = Number(env.GIT_CONFIG_COUNT);
    const last = Array.from({ length: n }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]).filter(([k]) => k === 'protocol.ext.allow').pop();
    expect(last).toEqual(['protocol.ext.allow', 'never']);
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(env.GIT_CONFIG_NOSYSTEM).toBe('1');
  });
});
