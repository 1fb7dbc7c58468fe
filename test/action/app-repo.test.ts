/**
 * The bundled Action in an application repository: the GitOps repository is checked out
 * beside the app (actions/checkout `path: gitops`) and named by the `deployments` input.
 * Annotations go on the app's own line that introduced the new read; the comment names the
 * environment that breaks and carries the GitOps-side patch.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { FakeGitHub } from './fake-github.js';
import { pullRequestEvent, runAction } from './runner.js';
import { git } from '../helpers/git.js';
import { buildAppRepos, CONFIG_NEW } from '../helpers/app-repo.js';

const TOKEN = 'ghs_test_token_not_a_secret';
let gh: FakeGitHub;
let repos: ReturnType<typeof buildAppRepos>;
let base: string;
let head: string;

beforeAll(async () => {
  repos = buildAppRepos(CONFIG_NEW, { gitopsInside: true });
  base = git(repos.app, 'rev-parse', 'v3.13.2');
  head = git(repos.app, 'rev-parse', 'HEAD');
  gh = new FakeGitHub('acme', 'user-auth', TOKEN);
  await gh.start();
});
afterAll(async () => {
  await gh.stop();
  rmSync(repos.root, { recursive: true, force: true });
});

describe('the Action in an application repository', () => {
  it('fails naming prod only, annotates the app line, and comments with the GitOps patch', async () => {
    const r = await runAction({
      workspace: repos.app,
      apiUrl: gh.url,
      repository: 'acme/user-auth',
      event: pullRequestEvent({ number: 3, base, head, repository: 'acme/user-auth' }),
      inputs: { token: TOKEN, deployments: 'gitops=gitops' },
    });
    expect(r.code).toBe(1);
    const errors = r.annotations.filter((a) => a.level === 'error' && a.props.file);
    expect(errors.length).toBeGreaterThan(0);
    // On the app's line that reads REDIS_URL at head, never on the other repository's files.
    expect(errors.map((a) => `${a.props.file}:${a.props.line}`)).toContain('src/config.ts:1');
    expect(errors.every((a) => !String(a.props.file).startsWith('apps/'))).toBe(true);
    expect(errors.find((a) => a.props.title === 'keydrift/renamed-key: REDIS_URL')!.message).toMatch(/^Merging this and deploying it to prod will fail to start/);
    const comment = (gh.comments.get(3) ?? []).map((c) => c.body).join('\n');
    expect(comment).toContain('prod/user-auth');
    expect(comment).not.toMatch(/staging\/user-auth.*error/);
    expect(comment).toContain('REDIS_URL');
    expect(comment).toContain('$(REDIS_HOST)');
  });

  it('a .keydrift.yaml deployment path outside the workspace is refused without the input', async () => {
    const r = await runAction({
      workspace: repos.app,
      apiUrl: gh.url,
      repository: 'acme/user-auth',
      event: pullRequestEvent({ number: 4, base, head, repository: 'acme/user-auth' }),
      inputs: { token: TOKEN },
    });
    expect(r.code).not.toBe(0);
    expect(r.everything).toMatch(/deployment 'gitops' in \.keydrift\.yaml: .* is outside the workspace/);
  });
});
