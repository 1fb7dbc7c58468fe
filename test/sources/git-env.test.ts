import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { gitEnv, GIT_UNSAFE } from '../../src/sources/git-env.js';
import { commit, initRepo } from '../helpers/git.js';
import { runCli } from '../helpers/cli.js';

describe('git environment', () => {
  it('drops what only interactive git uses, keeps the rest', () => {
    const env = gitEnv({ GIT_TERMINAL_PROMPT: '0' }, { EDITOR: 'vi', PAGER: 'less', GIT_SSH_COMMAND: 'ssh -i k', PATH: '/bin', prefix: '/usr' });
    expect(env).toMatchObject({ GIT_SSH_COMMAND: 'ssh -i k', PATH: '/bin', GIT_TERMINAL_PROMPT: '0' });
    for (const k of ['EDITOR', 'PAGER', 'prefix']) expect(env).not.toHaveProperty(k);
    // Only keydrift's own isolation and lockdown besides (test/security/git-config.test.ts).
    expect(Object.keys(env).filter((k) => !['GIT_SSH_COMMAND', 'PATH', 'GIT_TERMINAL_PROMPT'].includes(k) && !/^(GIT_CONFIG_|HOME$|XDG_CONFIG_HOME$)/.test(k))).toEqual([]);
  });

  it('simple-git accepts it even when npm has set EDITOR (as it does for every npm script)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-gitenv-'));
    try {
      initRepo(dir);
      commit(dir, { a: '1' });
      const base = { ...process.env, EDITOR: 'vi', GIT_SSH_COMMAND: 'ssh' };
      await expect(simpleGit({ baseDir: dir }).env({ ...base }).revparse(['HEAD'])).rejects.toThrow(/EDITOR/);
      await expect(simpleGit({ baseDir: dir, unsafe: GIT_UNSAFE }).env(gitEnv({}, base)).revparse(['HEAD'])).resolves.toMatch(/^[0-9a-f]{40}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keydrift check works with EDITOR set, through a git URL source', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-gitenv-cli-'));
    const saved = { EDITOR: process.env.EDITOR, KEYDRIFT_CACHE_DIR: process.env.KEYDRIFT_CACHE_DIR };
    process.env.EDITOR = 'vi';
    process.env.KEYDRIFT_CACHE_DIR = path.join(tmp, 'cache');
    try {
      const app = initRepo(path.join(tmp, 'app'));
      commit(app, { 'index.js': 'const u = process.env.DB_URL;\nif (!u) throw new Error("DB_URL");\n' }, 'v1', 'v1.0');
      const gitops = initRepo(path.join(tmp, 'gitops'));
      commit(gitops, { 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: example.com/app:1.0\n' });
      const r = await runCli(['check', '--repo', gitops, '--source', `example.com/app=file://${app}`, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).findings.map((f: any) => `${f.check} ${f.key}`)).toEqual(['missing-key DB_URL']);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
