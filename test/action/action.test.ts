/**
 * The bundled Action, run as the runner runs it, on the incident as real git repositories,
 * with the GitHub REST API answered by a local server that checks the requests.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { FakeGitHub } from './fake-github.js';
import { pullRequestEvent, runAction, type ActionRun } from './runner.js';
import { sarifValidator } from '../report/helpers.js';

const TOKEN = 'ghs_test_token_not_a_secret';
const MARKER = '<!-- keydrift:sticky-comment mode=check -->';

let tmp: string;
let broken: IncidentRepos;
let fixed: IncidentRepos;
let gh: FakeGitHub;
const runs: ActionRun[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-action-'));
  broken = await buildIncident(path.join(tmp, 'broken'));
  fixed = await buildIncident(path.join(tmp, 'fixed'), { fixed: true });
  gh = new FakeGitHub('acme', 'gitops', TOKEN);
  await gh.start();
});
afterAll(async () => {
  await gh.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function act(repos: IncidentRepos, inputs: Record<string, string>, event = pullRequestEvent({ number: 7, base: repos.base, head: repos.head })): Promise<ActionRun> {
  const r = await runAction({ workspace: repos.gitops, apiUrl: gh.url, event, inputs: { token: TOKEN, ...inputs } });
  runs.push(r);
  return r;
}

const commentsWithMarker = (issue: number) => (gh.comments.get(issue) ?? []).filter((c) => c.body.startsWith(MARKER));
const requestsSince = (n: number) => gh.requests.slice(n).map((r) => `${r.method} ${r.path}${r.query.page ? `?page=${r.query.page}` : ''}`);

describe('PR check on the deploy commit', () => {
  it('first run: annotations on the exact lines, outputs, SARIF, summary; lists every page of comments, then creates one', async () => {
    gh.seed(7, 150); // two pages of other people's comments, none with the marker
    const before = gh.requests.length;
    const r = await act(broken, { 'sarif-file': 'keydrift.sarif' });

    expect(r.code).toBe(1);
    expect(r.annotations.map((a) => `${a.level} ${a.props.file}:${a.props.line} ${a.props.title}`)).toEqual([
      // One cause, one finding: the rename of a required key (missing-key and stale-key stay silent about it).
      'error apps/user-auth/deployment.yaml:26 keydrift/renamed-key: REDIS_URL',
      "error undefined:undefined undefined", // setFailed's own line
    ]);
    expect(r.annotations[0]!.message).toContain('the new version will fail to start');
    expect(r.annotations[0]!.message).toContain('\nFix: Add REDIS_URL');
    expect(r.annotations.at(-1)!.message).toBe("keydrift check: 1 finding at or above 'error'");

    expect(r.outputs.findings).toBe('1');
    expect(r.outputs.errors).toBe('1');
    const report = JSON.parse(readFileSync(r.outputs['report-json']!, 'utf8'));
    expect(report.schemaVersion).toBe(1);
    expect(report.findings).toHaveLength(1);
    expect(r.outputs['sarif-file']).toBe(path.join(broken.gitops, 'keydrift.sarif'));
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('apps/user-auth/deployment.yaml');

    expect(r.summary).toContain('## keydrift check');
    expect(r.summary).toContain('### Deployment prod/user-auth');
    expect(r.summary).toContain('| 🔴 error | `renamed-key` | user-auth | `REDIS_URL` |');
    expect(r.summary).toContain(`https://github.example/acme/gitops/blob/${broken.head}/apps/user-auth/deployment.yaml#L26`);
    expect(r.summary).toMatch(/💬 PR comment created: https:\/\/github\.example\/acme\/gitops\/pull\/7#issuecomment-\d+/);

    expect(requestsSince(before)).toEqual([
      'GET /repos/acme/gitops/issues/7/comments',
      'GET /repos/acme/gitops/issues/7/comments?page=2',
      'POST /repos/acme/gitops/issues/7/comments',
    ]);
    expect(gh.requests[before]!.query.per_page).toBe('100');
    const mine = commentsWithMarker(7);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('| 🔴 error | `renamed-key` | user-auth | `REDIS_URL` |');
    expect(gh.problems).toEqual([]);
  });

  it('second run on the same PR: finds its comment on page 2 and updates it in place, no duplicate', async () => {
    const before = gh.requests.length;
    const id = commentsWithMarker(7)[0]!.id;
    const r = await act(broken, { 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(requestsSince(before)).toEqual([
      'GET /repos/acme/gitops/issues/7/comments',
      'GET /repos/acme/gitops/issues/7/comments?page=2',
      `PATCH /repos/acme/gitops/issues/comments/${id}`,
    ]);
    expect(commentsWithMarker(7).map((c) => c.id)).toEqual([id]);
    expect(r.summary).toContain('💬 PR comment updated');
    expect(r.outputs['sarif-file']).toBe('');
    expect(gh.problems).toEqual([]);
  });

  it('comment: false makes no API call at all', async () => {
    const before = gh.requests.length;
    const r = await act(broken, { comment: 'false', 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(gh.requests.length).toBe(before);
  });

  it('the exit code follows fail-on', async () => {
    expect((await act(fixed, {}, pullRequestEvent({ number: 8, base: fixed.base, head: fixed.head }))).code).toBe(0);
    const info = await act(fixed, { 'fail-on': 'info' }, pullRequestEvent({ number: 8, base: fixed.base, head: fixed.head }));
    expect(info.code).toBe(1);
    expect(info.annotations.map((a) => a.level)).toEqual(['notice', 'notice', 'error']);
    expect((await act(broken, { 'fail-on': 'warning', comment: 'false' })).code).toBe(1);
    expect((await act(broken, { 'fail-on': 'never', comment: 'false' })).code).toBe(0);
    // Still one comment per PR, created once and updated after.
    expect(commentsWithMarker(8)).toHaveLength(1);
  });
});

describe('more findings than GitHub shows annotations', () => {
  it('9 error annotations + the failure line; every other finding is listed in the summary', async () => {
    // The deploy commit also adds 12 copies of the workload: each misses REDIS_URL.
    const dir = path.join(broken.root, 'gitops-many'); // beside user-auth, so .keydrift.yaml still resolves
    execFileSync('git', ['clone', '-q', broken.gitops, dir]);
    const deployment = readFileSync(path.join(dir, 'apps/user-auth/deployment.yaml'), 'utf8');
    mkdirSync(path.join(dir, 'apps/extra'));
    for (let i = 0; i < 12; i++) writeFileSync(path.join(dir, `apps/extra/user-auth-${String(i).padStart(2, '0')}.yaml`), deployment.replace('  name: user-auth\n', `  name: user-auth-${String(i).padStart(2, '0')}\n`));
    execFileSync('git', ['add', '.'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'more'], { cwd: dir });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    const r = await runAction({ workspace: dir, apiUrl: gh.url, event: pullRequestEvent({ number: 11, base: broken.base, head }), inputs: { comment: 'false' } });
    runs.push(r);
    expect(r.code).toBe(1);
    const errors = Number(r.outputs.errors);
    expect(errors).toBeGreaterThan(10);
    const placed = r.annotations.filter((a) => a.level === 'error' && a.props.file);
    expect(placed).toHaveLength(9);
    expect(r.annotations.filter((a) => a.level === 'error')).toHaveLength(10);
    for (const a of placed) expect(a.props.file).toMatch(/^apps\/(extra\/user-auth-\d\d|user-auth\/(deployment|configmap))\.yaml$/);
    const listed = r.summary.split('\n').filter((l) => /^- error `/.test(l));
    expect(listed).toHaveLength(errors - 9);
    expect(r.summary).toContain(`GitHub shows at most 10 annotations of each level per step; ${errors - 9} more findings are listed here only:`);
    expect(listed[0]).toMatch(/^- error `missing-key` `REDIS_URL` \\\(apps\/extra\/user-auth-\d\d\.yaml:\d+\\\)$/);
  });
});

describe('fork pull request with a read-only token', () => {
  it('cannot comment: says so in the summary, and still fails the check on the findings', async () => {
    gh.readOnly.add(9);
    const before = gh.requests.length;
    const r = await act(broken, {}, pullRequestEvent({ number: 9, base: broken.base, head: broken.head, fork: true }));
    expect(r.code).toBe(1);
    expect(requestsSince(before)).toEqual(['GET /repos/acme/gitops/issues/9/comments', 'POST /repos/acme/gitops/issues/9/comments']);
    expect(r.summary).toContain('⚠️ Could not comment on this pull request: it comes from a fork, whose token is read-only (HTTP 403: Resource not accessible by integration');
    expect(r.summary).toContain('| 🔴 error | `renamed-key`');
    expect(r.annotations.filter((a) => a.level === 'error' && a.props.file)).toHaveLength(1);
    expect(r.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  it('and passes when nothing is at or above fail-on', async () => {
    const r = await act(fixed, {}, pullRequestEvent({ number: 9, base: fixed.base, head: fixed.head, fork: true }));
    expect(r.code).toBe(0);
    expect(r.summary).toContain('Could not comment');
  });
});

describe('other modes and inputs', () => {
  it('audit on workflow_dispatch: the environment in git as if it ran the new image; no comment, says why', async () => {
    const before = gh.requests.length;
    const r = await runAction({
      workspace: broken.gitops,
      apiUrl: gh.url,
      event: { name: 'workflow_dispatch', payload: { inputs: { image: 'ghcr.io/acme/user-auth:3.14.0' } } },
      // The environment before the deploy commit: it runs 3.13.2.
      inputs: { mode: 'audit', image: 'ghcr.io/acme/user-auth:3.14.0', 'head-ref': broken.base, workload: 'Deployment/prod/user-auth', token: TOKEN },
    });
    runs.push(r);
    expect(r.code).toBe(1);
    expect(gh.requests.length).toBe(before);
    expect(r.summary).toContain('## keydrift audit');
    expect(r.summary).toContain('No PR comment: this run is not for a pull request');
    expect(JSON.parse(readFileSync(r.outputs['report-json']!, 'utf8')).command).toBe('audit');
    expect(r.annotations.find((a) => a.props.title === 'keydrift/renamed-key: REDIS_URL')?.props.file).toBe('apps/user-auth/deployment.yaml');
    expect(r.annotations.find((a) => a.props.title === 'keydrift/missing-key: REDIS_URL')).toBeUndefined();
  });

  it('repo-path that is its own checkout (actions/checkout path:): paths stay relative to that repository', async () => {
    const r = await runAction({
      workspace: broken.root,
      apiUrl: gh.url,
      event: pullRequestEvent({ number: 10, base: broken.base, head: broken.head }),
      inputs: { 'repo-path': 'gitops', comment: 'false', 'sarif-file': 'out/k.sarif' },
    });
    runs.push(r);
    expect(r.code).toBe(1);
    expect(r.annotations[0]!.props.file).toBe('apps/user-auth/deployment.yaml');
    const sarif = JSON.parse(readFileSync(path.join(broken.root, 'out', 'k.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('apps/user-auth/deployment.yaml');
  });

  describe('a monorepo whose manifests live in deploy/, with the app source given by the sources input', () => {
    let mono: string;
    let base: string;
    let head: string;
    beforeAll(() => {
      mono = path.join(broken.root, 'mono');
      const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...a], { cwd: mono, encoding: 'utf8' }).trim();
      mkdirSync(path.join(mono, 'deploy'), { recursive: true });
      git('init', '-q', '--initial-branch=main');
      for (const commit of [broken.base, broken.head]) {
        execFileSync('sh', ['-c', `git -C "${broken.gitops}" archive ${commit} | tar -x -m -C "${path.join(mono, 'deploy')}"`]);
        git('add', '.');
        git('commit', '-qm', commit);
      }
      base = git('rev-parse', 'HEAD~1');
      head = git('rev-parse', 'HEAD');
    });
    const sources = () => `# image repository = where its source is\nghcr.io/acme/user-auth=${broken.app}\n`;

    it('check (read from git): paths from the repository root', async () => {
      const r = await runAction({ workspace: mono, apiUrl: gh.url, event: pullRequestEvent({ number: 12, base, head }), inputs: { 'repo-path': 'deploy', sources: sources(), comment: 'false' } });
      runs.push(r);
      expect(r.code).toBe(1);
      expect(r.annotations[0]!.props).toMatchObject({ file: 'deploy/apps/user-auth/deployment.yaml', line: '26' });
    });

    it('audit of the working tree of deploy/: the same paths, prefixed', async () => {
      const r = await runAction({
        workspace: mono,
        apiUrl: gh.url,
        event: { name: 'workflow_dispatch', payload: {} },
        inputs: { mode: 'audit', 'repo-path': 'deploy', image: 'ghcr.io/acme/user-auth:3.14.0', sources: sources() },
      });
      runs.push(r);
      expect(r.code).toBe(1);
      expect(r.annotations.find((a) => a.props.title === 'keydrift/missing-key: REDIS_URL')?.props.file).toBe('deploy/apps/user-auth/deployment.yaml');
    });
  });

  it('kubeconfig in audit mode is not read, and the summary says so; its file is removed', async () => {
    const r = await act(broken, {
      mode: 'audit',
      image: 'ghcr.io/acme/user-auth:3.14.0',
      'head-ref': broken.base,
      kubeconfig: 'apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: kube-token-canary}}]\n',
      comment: 'false',
    });
    expect(r.code).toBe(1);
    expect(r.summary).toContain('The `kubeconfig` input is not read in `mode: audit`');
    expect(r.everything).not.toContain('kube-token-canary');
    expect(readdirSync(r.runnerTemp).filter((f) => f.startsWith('keydrift-kube-'))).toEqual([]);
  });

  it.each([
    ['a bad mode', { mode: 'deploy' }, /^keydrift: input 'mode' must be one of check, audit, drift \(got 'deploy'\)$/],
    ['a bad fail-on', { 'fail-on': 'sometimes' }, /^keydrift: input 'fail-on' must be one of error, warning, info, never/],
    ['a bad comment', { comment: 'yes' }, /^keydrift: input 'comment' must be true or false/],
    ['a base commit not fetched', { 'base-ref': '1234567890abcdef1234567890abcdef12345678' }, /git ref '1234567890abcdef1234567890abcdef12345678' not found \(check out with actions\/checkout 'fetch-depth: 0'/],
    ['audit without an image', { mode: 'audit' }, /^keydrift: mode 'audit' needs the 'image' input/],
    ['audit of an image nothing runs', { mode: 'audit', image: 'ghcr.io/acme/other:1.0.0' }, /no (source mapping|container)/],
    ['drift with a kubeconfig that reaches no cluster', { mode: 'drift', kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n' }, /^keydrift: /],
  ])('%s: one error line, exit 2', async (_t, inputs, message) => {
    const r = await act(broken, { comment: 'false', ...inputs });
    expect(r.code).toBe(2);
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(message);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/\n\s+at /);
    expect(r.summary).toContain('❌ keydrift could not do its job: ');
  });
});

describe('secret values never leave memory', () => {
  it('no output of any run carries the Secret value: stdout, annotations, outputs, summary, report, SARIF, comment bodies, API requests', () => {
    expect(runs.length).toBeGreaterThan(8);
    for (const r of runs) expect(r.everything).not.toContain(EXAMPLE_SECRET_VALUE);
    for (const list of gh.comments.values()) for (const c of list) expect(c.body).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(JSON.stringify(gh.requests)).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(existsSync(path.join(broken.gitops, 'keydrift.sarif'))).toBe(true);
  });
});
