/** Markdown for the PR comment and job summary: a table per workload, cut below GitHub's limit. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { EXAMPLE_SECRET_VALUE } from '../../src/example/incident.js';
import { escapeMd, GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/report/markdown.js';
import type { Finding, Report } from '../../src/model.js';
import { incidentReport } from './helpers.js';
import { runCli } from '../helpers/cli.js';
import type { IncidentRepos } from '../../src/example/incident.js';
import { sarifValidator } from './helpers.js';

let report: Report;
let repos: IncidentRepos;
let tmp: string;
beforeAll(async () => {
  ({ report, repos, tmp } = await incidentReport());
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A report of `n` findings over `w` workloads, each with a fix and a patch. */
function bigReport(n: number, w: number): Report {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    findings.push({
      check: 'missing-key',
      severity: i % 3 === 0 ? 'error' : 'warning',
      workload: `Deployment/prod/app-${String(i % w).padStart(3, '0')}`,
      container: 'app',
      key: `KEY_${i}`,
      message: `app ${i} requires KEY_${i} but does not get it | and this message has a pipe and <html>.`,
      locations: [{ repo: 'gitops', file: `apps/app-${i % w}/deployment.yaml`, line: 20 + (i % 50) }],
      fix: `Add KEY_${i}.`,
      patch: `--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n a\n+KEY_${i}: "v"\n`,
    });
  }
  findings.sort((a, b) => (a.workload! < b.workload! ? -1 : a.workload! > b.workload! ? 1 : 0));
  return { command: 'check', findings, skipped: [{ what: 'image x', reason: 'no mapping' }], checked: [...new Set(findings.map((f) => f.workload!))] };
}

describe('markdown', () => {
  it('the incident: counts, one table per workload with file:line links, fixes, marker first', () => {
    const md = renderMarkdown(report, {
      marker: '<!-- keydrift:test -->',
      fileUrl: (f, l) => `https://github.example/acme/gitops/blob/abc/${f}#L${l}`,
    });
    expect(md.split('\n')[0]).toBe('<!-- keydrift:test -->');
    expect(md).toContain('## keydrift check');
    expect(md).toContain('**1 error**, 0 warnings, 0 info in 1 workload checked.');
    expect(md.match(/^### /gm)).toHaveLength(1);
    expect(md).toContain('### Deployment prod/user-auth');
    expect(md).toContain('| 🔴 error | `renamed-key` | user-auth | `REDIS_URL` | [`apps/user-auth/deployment.yaml:26`](https://github.example/acme/gitops/blob/abc/apps/user-auth/deployment.yaml#L26) |');
    expect(md).toContain('```diff\n--- a/apps/user-auth/deployment.yaml');
    expect(md).not.toContain('Cut to fit');
    expect(md).not.toContain(EXAMPLE_SECRET_VALUE);
  });

  it('a drift report: findings grouped by the cluster object, counts in objects compared', () => {
    const md = renderMarkdown({
      command: 'drift',
      findings: [
        {
          check: 'live-only-key',
          severity: 'warning',
          key: 'REDIS_URL',
          message: 'REDIS_URL exists only in the cluster.',
          locations: [{ object: { kind: 'ConfigMap', namespace: 'prod', name: 'user-auth-config' } }, { repo: 'gitops', file: 'apps/user-auth/configmap.yaml', line: 6 }],
        },
      ],
      skipped: [],
      checked: ['ConfigMap/prod/user-auth-config', 'Secret/prod/user-auth-secrets'],
    });
    expect(md).toContain('0 errors**, 1 warning, 0 info in 2 objects compared.');
    expect(md).toContain('### ConfigMap prod/user-auth-config');
    expect(md).toContain('| `apps/user-auth/configmap.yaml:6` |');
  });

  it('no findings says so', () => {
    expect(renderMarkdown({ command: 'check', findings: [], skipped: [], checked: ['Deployment/a/b'] })).toContain('✅ No findings in 1 workload checked.');
  });

  it('escapes cell text: pipes, HTML and line breaks cannot break the table', () => {
    expect(escapeMd('a|b<script>\nc')).toBe('a\\|b&lt;script&gt;<br>c');
    const md = renderMarkdown(bigReport(1, 1));
    const row = md.split('\n').find((l) => l.startsWith('| 🔴'))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });

  it.each([
    [2000, 40],
    [5000, 1],
    [300, 300],
  ])('%i findings in %i workloads: cut below 65,536 characters at whole rows, with a link to the summary', (n, w) => {
    const md = renderMarkdown(bigReport(n, w), { marker: '<!-- m -->', maxLength: GITHUB_COMMENT_LIMIT, moreUrl: 'https://github.example/acme/gitops/actions/runs/42' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 0.8);
    expect(md).toMatch(/⚠️ Cut to fit: \d+ findings are not shown here; the full report is in the \[job summary\]\(https:\/\/github\.example\/acme\/gitops\/actions\/runs\/42\)\.\n$/);
    const shownRows = md.split('\n').filter((l) => /^\| (🔴|🟡)/.test(l)).length;
    const notShown = Number(md.match(/Cut to fit: (\d+) findings/)![1]);
    expect(shownRows + notShown).toBe(n);
    // Never cut inside a code fence: fences are balanced.
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('without a limit nothing is cut', () => {
    const md = renderMarkdown(bigReport(300, 30));
    expect(md).not.toContain('Cut to fit');
    expect(md.split('\n').filter((l) => /^\| (🔴|🟡)/.test(l))).toHaveLength(300);
  });
});

describe('CLI --format sarif and --format markdown', () => {
  const args = () => ['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head];
  it('sarif: the same reporter, schema-valid, exit code still follows --fail-on', async () => {
    const r = await runCli([...args(), '--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout);
    expect(sarifValidator()(log)).toBe(true);
    expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
  });
  it('markdown: the same reporter', async () => {
    const r = await runCli([...args(), '--format', 'markdown', '--fail-on', 'never']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderMarkdown(report));
    expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
  });
});
