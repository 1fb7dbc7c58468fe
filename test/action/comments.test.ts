/**
 * Comments that fit: a PR check with several hundred findings across many apps, run as the
 * runner runs the Action (a fresh bundle of src/, as html-report.test.ts) against the local fake
 * GitHub API. The report becomes several sticky comments, each below GitHub's limit, in order,
 * the first with the table of apps; a re-run updates each in place; a smaller report deletes the
 * extra ones; the old single comment is taken over as the first; the job summary stays below
 * 1 MiB; the full JSON, SARIF and Markdown are in the artifact directory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commit, initRepo } from '../helpers/git.js';
import { FakeGitHub, type FakeComment } from './fake-github.js';
import { pullRequestEvent, ROOT, runAction, type ActionRun } from './runner.js';
import { sarifValidator } from '../report/helpers.js';
import { COMMENT_BUDGET, partMarker, sizeOf } from '../../src/report/comments.js';

const TOKEN = 'ghs_test_token_not_a_secret';
const MARKER = '<!-- keydrift:sticky-comment mode=check -->';
const CANARY = 's3cr3t-canary-value-for-comments';
const PR = 21;
const MiB = 1024 * 1024;

/** One app: a ConfigMap without the keys its Deployment references (each a dangling-ref error), and a Secret. */
function app(name: string, keys: number): string {
  const env = Array.from({ length: keys }, (_, k) => `            - name: SETTING_${k}\n              valueFrom:\n                configMapKeyRef:\n                  name: ${name}-config\n                  key: SETTING_${k}`).join('\n');
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: prod
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: ${name}-secret
  namespace: prod
stringData:
  PASSWORD: ${CANARY}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/shared:1.0.0
          env:
            - name: PASSWORD
              valueFrom:
                secretKeyRef:
                  name: ${name}-secret
                  key: PASSWORD
${env}
`;
}

let tmp: string;
let bundle: string;
let repo: string;
let base: string;
let big: string;
let small: string;
let gh: FakeGitHub;
const runs: ActionRun[] = [];
const APPS = 40;
const KEYS = 9;
const HUGE_KEYS = 150; // one app bigger than one comment
const FINDINGS = APPS * KEYS + HUGE_KEYS;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-action-comments-'));
  bundle = path.join(tmp, 'index.js');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.js'), bundle], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  repo = initRepo(path.join(tmp, 'gitops'));
  base = commit(repo, { 'README.md': 'gitops\n' });
  const files: Record<string, string> = {};
  for (let a = 0; a < APPS; a++) files[`apps/app-${String(a).padStart(2, '0')}/app.yaml`] = app(`app-${String(a).padStart(2, '0')}`, KEYS);
  files['apps/huge/app.yaml'] = app('huge', HUGE_KEYS);
  big = commit(repo, files, 'many apps');
  // The fix for most of them: the report shrinks to three apps.
  const fewer: Record<string, null> = {};
  for (let a = 3; a < APPS; a++) fewer[`apps/app-${String(a).padStart(2, '0')}/app.yaml`] = null;
  small = commit(repo, { ...fewer, 'apps/huge/app.yaml': null }, 'fix most');
  gh = new FakeGitHub('acme', 'gitops', TOKEN);
  await gh.start();
}, 180_000);
afterAll(async () => {
  await gh.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function act(head: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const r = await runAction({ dist: bundle, workspace: repo, apiUrl: gh.url, event: pullRequestEvent({ number: PR, base, head }), inputs: { token: TOKEN, ...inputs } });
  runs.push(r);
  expect(r.stderr).toBe('');
  return r;
}

const mine = (): FakeComment[] => (gh.comments.get(PR) ?? []).filter((c) => c.body.startsWith(MARKER));
const requestsSince = (n: number) => gh.requests.slice(n).map((r) => `${r.method} ${r.path.replace(/^\/repos\/acme\/gitops/, '')}`);
const rows = (md: string) => md.split('\n').filter((l) => /^\| 🔴 error \| `dangling-ref` \|/.test(l));

/** Figures for the closing note of issue 13. */
const figures: Record<string, number> = {};

describe('a report of several hundred findings across many apps', () => {
  let ids: number[];

  it('first run: several comments, each below the limit, in order, the summary first; the old single comment becomes the first', async () => {
    gh.seed(PR, 30); // other people's comments
    // What the single-comment version left on this PR.
    gh.seed(PR, 1, () => ({ body: `${MARKER}\n## keydrift check\n\nold report\n`, user: { login: 'github-actions[bot]', type: 'Bot' } }));
    const oldId = mine()[0]!.id;
    gh.seed(PR, 5);
    const before = gh.requests.length;
    const r = await act(big);
    expect(r.code).toBe(1);
    expect(Number(r.outputs.findings)).toBe(FINDINGS);

    const posted = mine();
    const n = posted.length;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(r.outputs.comments).toBe(String(n));
    // The old comment, updated in place as comment 1; the others created after it, in order.
    expect(posted[0]!.id).toBe(oldId);
    expect(requestsSince(before).filter((x) => !x.startsWith('GET'))).toEqual([`PATCH /issues/comments/${oldId}`, ...Array.from({ length: n - 1 }, () => `POST /issues/${PR}/comments`)]);
    posted.forEach((c, i) => {
      expect(c.body.startsWith(`${MARKER}\n${partMarker(i + 1, n)}\n`)).toBe(true);
      expect(c.body.length).toBeLessThan(65536);
      expect(sizeOf(c.body)).toBeLessThanOrEqual(COMMENT_BUDGET);
      expect((c.body.match(/^```/gm) ?? []).length % 2).toBe(0);
    });
    // Summary first: counts, the table of apps (each with its comment), how many follow.
    const first = posted[0]!.body;
    expect(first).toContain(`**${FINDINGS} errors**`);
    expect(first).toContain(`📄 This report is in ${n} comments: this one and the ${n - 1} below it.`);
    expect(first).toContain('| App | Errors | Warnings | Info | Status | Comment |');
    expect(first).toMatch(/\| Deployment prod\/app-00 \| 9 \| 0 \| 0 \| ❌ fails \| 1 \|/);
    expect(first).toMatch(new RegExp(`\\| Deployment prod/huge \\| ${HUGE_KEYS} \\| 0 \\| 0 \\| ❌ fails \\| \\d+–\\d+ \\|`));
    expect(first.indexOf('| App |')).toBeLessThan(first.indexOf('### '));
    // By app, in order: every finding once, in report order, across the comments.
    const all = posted.flatMap((c) => rows(c.body));
    expect(all).toHaveLength(FINDINGS);
    const report = JSON.parse(readFileSync(r.outputs['report-json']!, 'utf8'));
    expect(all.map((l) => l.match(/\| `(SETTING_\d+)` \|/)![1])).toEqual(report.findings.map((f: { key: string }) => f.key));
    const headings = posted.flatMap((c) => c.body.split('\n').filter((l) => l.startsWith('### Deployment')));
    expect(headings.filter((h) => !h.endsWith('(continued)'))).toEqual([...new Set(report.findings.map((f: { workload: string }) => f.workload))].map((w) => `### Deployment prod/${String(w).split('/')[2]}`));
    expect(headings).toContain('### Deployment prod/huge (continued)');
    expect(gh.problems).toEqual([]);
    ids = posted.map((c) => c.id);

    // The job summary: below 1 MiB, says where the comments and the full report are.
    expect(sizeOf(r.summary)).toBeLessThan(MiB);
    expect(r.summary).toContain(`💬 The report is in ${n} PR comments (${n - 1} created, 1 updated), starting at https://github.example/acme/gitops/pull/${PR}#issuecomment-${oldId}.`);
    expect(rows(r.summary)).toHaveLength(FINDINGS);

    // The artifact directory: the full reports, valid JSON and SARIF.
    const dir = r.outputs['artifact-dir']!;
    expect(dir).toBe(path.join(r.runnerTemp, 'keydrift'));
    expect(r.outputs['report-json']).toBe(path.join(dir, 'keydrift-check-report.json'));
    expect(r.outputs['report-sarif']).toBe(path.join(dir, 'keydrift-check.sarif'));
    expect(r.outputs['report-markdown']).toBe(path.join(dir, 'keydrift-check-report.md'));
    expect(report.findings).toHaveLength(FINDINGS);
    const sarif = JSON.parse(readFileSync(r.outputs['report-sarif']!, 'utf8'));
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(FINDINGS);
    expect(rows(readFileSync(r.outputs['report-markdown']!, 'utf8'))).toHaveLength(FINDINGS);

    figures.comments = n;
    figures.largestCommentChars = Math.max(...posted.map((c) => c.body.length));
    figures.largestCommentBytes = Math.max(...posted.map((c) => sizeOf(c.body)));
    figures.summaryBytes = sizeOf(r.summary);
  }, 120_000);

  it('re-run: each comment updated in place, same ids, nothing created or deleted', async () => {
    const before = gh.requests.length;
    const r = await act(big, { 'fail-on': 'never' });
    expect(r.code).toBe(0);
    expect(mine().map((c) => c.id)).toEqual(ids);
    expect(requestsSince(before).filter((x) => !x.startsWith('GET'))).toEqual(ids.map((id) => `PATCH /issues/comments/${id}`));
    expect(r.summary).toContain(`💬 The report is in ${ids.length} PR comments (${ids.length} updated)`);
    expect(gh.problems).toEqual([]);
  }, 120_000);

  it('the report shrinks: the first comment updated, the extra ones deleted', async () => {
    const before = gh.requests.length;
    const r = await act(small);
    expect(r.code).toBe(1);
    expect(Number(r.outputs.findings)).toBe(3 * KEYS);
    expect(mine().map((c) => c.id)).toEqual([ids[0]]);
    expect(mine()[0]!.body.startsWith(`${MARKER}\n${partMarker(1, 1)}\n`)).toBe(true);
    expect(rows(mine()[0]!.body)).toHaveLength(3 * KEYS);
    expect(requestsSince(before).filter((x) => !x.startsWith('GET'))).toEqual([`PATCH /issues/comments/${ids[0]}`, ...ids.slice(1).map((id) => `DELETE /issues/comments/${id}`)]);
    expect(r.summary).toContain(`💬 PR comment updated: https://github.example/acme/gitops/pull/${PR}#issuecomment-${ids[0]}; ${ids.length - 1} left from an earlier, longer report deleted.`);
    // Other people's comments are untouched.
    expect((gh.comments.get(PR) ?? []).filter((c) => c.user.type === 'User')).toHaveLength(35);
    expect(gh.problems).toEqual([]);
  }, 120_000);

  it('an artifact-dir input is resolved in the workspace', async () => {
    const r = await act(small, { 'artifact-dir': 'out/keydrift', comment: 'false' });
    expect(r.outputs['artifact-dir']).toBe(path.join(repo, 'out', 'keydrift'));
    expect(existsSync(path.join(repo, 'out', 'keydrift', 'keydrift-check-report.json'))).toBe(true);
    expect(r.outputs.comments).toBe('0');
  }, 120_000);

  it('no Secret value anywhere: comments, requests, summary, artifacts', () => {
    for (const r of runs) expect(r.everything).not.toContain(CANARY);
    for (const c of gh.comments.get(PR) ?? []) expect(c.body).not.toContain(CANARY);
    expect(JSON.stringify(gh.requests)).not.toContain(CANARY);
    // eslint-disable-next-line no-console
    console.log(`split-comment figures: ${JSON.stringify(figures)}`);
  });
});
