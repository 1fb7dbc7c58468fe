/** A long report that fits GitHub: several PR comments by app, and a job summary below 1 MiB. */
import { describe, expect, it } from '@jest/globals';
import { COMMENT_BUDGET, partMarker, partOf, renderSummary, sizeOf, splitComments, SUMMARY_BUDGET } from '../../src/report/comments.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/report/markdown.js';
import type { Finding, Report } from '../../src/model.js';

const MARKER = '<!-- keydrift:sticky-comment mode=check -->';
const FULL = 'the full report is in `keydrift-check-report.json` of the artifact';

/** `n` findings over `w` workloads, each with a fix and a patch of `patchLines` lines. */
function bigReport(n: number, w: number, o: { patchLines?: number; text?: string } = {}): Report {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const patch = ['--- a/x', '+++ b/x', '@@ -1 +1,2 @@', ' a', ...Array.from({ length: o.patchLines ?? 1 }, (_, k) => `+KEY_${i}_${k}: "v"`)].join('\n') + '\n';
    findings.push({
      check: 'missing-key',
      severity: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'info',
      workload: `Deployment/prod/app-${String(i % w).padStart(3, '0')}`,
      container: 'app',
      key: `KEY_${i}`,
      message: `app ${i} requires KEY_${i} but does not get it${o.text ?? ''}.`,
      locations: [{ repo: 'gitops', file: `apps/app-${i % w}/deployment.yaml`, line: 20 + (i % 50) }],
      fix: `Add KEY_${i}.`,
      patch,
    });
  }
  findings.sort((a, b) => (a.workload! < b.workload! ? -1 : a.workload! > b.workload! ? 1 : 0));
  return { command: 'check', findings, skipped: [{ what: 'image x', reason: 'no mapping' }], checked: [...new Set(findings.map((f) => f.workload!))] };
}

const rows = (md: string) => md.split('\n').filter((l) => /^\| (🔴|🟡|🔵) /.test(l));
const fencesBalanced = (md: string) => (md.match(/^```/gm) ?? []).length % 2 === 0;
const detailsBalanced = (md: string) => (md.match(/<details>/g) ?? []).length === (md.match(/<\/details>/g) ?? []).length;

function expectFits(bodies: string[]) {
  bodies.forEach((b, i) => {
    expect(b.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(sizeOf(b)).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(b.startsWith(`${MARKER}\n${partMarker(i + 1, bodies.length)}\n`)).toBe(true);
    expect(partOf(b, MARKER)).toBe(i + 1);
    expect(fencesBalanced(b)).toBe(true);
    expect(detailsBalanced(b)).toBe(true);
  });
}

describe('splitComments', () => {
  it('a short report is one comment with its part marker, no "comments follow"', () => {
    const bodies = splitComments(bigReport(3, 2), { marker: MARKER, fullReport: FULL });
    expect(bodies).toHaveLength(1);
    expectFits(bodies);
    expect(bodies[0]).not.toContain('This report is in');
    expect(bodies[0]).toContain('| App | Errors | Warnings | Info | Status | Comment |');
    expect(bodies[0]).toContain('### Not checked');
  });

  it('600 findings over 60 apps: several comments, each below the limit, apps in order and never split, summary first', () => {
    const report = bigReport(600, 60, { patchLines: 6 });
    const bodies = splitComments(report, { marker: MARKER, fullReport: FULL, failOn: 'warning' });
    expect(bodies.length).toBeGreaterThan(2);
    expectFits(bodies);
    // Every finding's row exactly once, in report order, as in the uncut report.
    expect(bodies.flatMap(rows)).toEqual(rows(renderMarkdown(report)));
    // Apps in order; an app that fits a comment is in one comment only.
    const headings = bodies.flatMap((b) => b.split('\n').filter((l) => l.startsWith('### Deployment')));
    expect(headings).toEqual([...new Set(report.findings.map((f) => f.workload!))].map((w) => `### Deployment prod/${w.split('/')[2]}`));
    // The first comment leads: counts, the status, the table of apps with their comment, how many follow.
    const first = bodies[0]!;
    expect(first).toContain('## keydrift check');
    expect(first).toContain('❌ The check fails: 400 findings at or above `warning`.');
    expect(first).toContain(`📄 This report is in ${bodies.length} comments: this one and the ${bodies.length - 1} below it.`);
    expect(first.indexOf('| App |')).toBeLessThan(first.indexOf('### Deployment'));
    const table = first.split('\n').filter((l) => /^\| Deployment prod\/app-\d+ \|/.test(l));
    expect(table).toHaveLength(60);
    // app-000 has only errors, app-001 only warnings, app-002 only info: it passes at fail-on warning.
    expect(table[0]).toBe('| Deployment prod/app-000 | 10 | 0 | 0 | ❌ fails | 1 |');
    expect(table[1]).toBe('| Deployment prod/app-001 | 0 | 10 | 0 | ❌ fails | 1 |');
    expect(table[2]).toBe('| Deployment prod/app-002 | 0 | 0 | 10 | ✅ passes | 1 |');
    // The comment number in the table is where the app's section is.
    for (const line of table) {
      const [, app, n] = line.match(/^\| Deployment prod\/(app-\d+) .*\| (\d+) \|$/)!;
      expect(bodies[Number(n) - 1]).toContain(`### Deployment prod/${app}\n`);
    }
    for (const b of bodies.slice(1)) expect(b).toMatch(/^.*\n.*\n## keydrift check \(\d+\/\d+\)\n\nContinued from the comment above\./);
    expect(bodies.at(-1)).toContain('### Not checked');
  });

  it('one app bigger than a comment is split at finding boundaries, its later pieces marked continued', () => {
    const report = bigReport(1500, 1, { patchLines: 3 });
    const bodies = splitComments(report, { marker: MARKER, fullReport: FULL });
    expect(bodies.length).toBeGreaterThan(3);
    expectFits(bodies);
    expect(bodies.flatMap(rows)).toEqual(rows(renderMarkdown(report)));
    expect(bodies[0]).toContain('### Deployment prod/app-000\n');
    for (const b of bodies.slice(1)) expect(b).toContain('### Deployment prod/app-000 (continued)\n\n| Severity |');
    // A row's suggested fix is in the same comment as the row.
    for (const b of bodies) for (const r of rows(b)) expect(b).toContain(`**missing-key \`${r.match(/`(KEY_\d+)`/)![1]}\`**`);
    expect(bodies[0]).toMatch(new RegExp(`\\| Deployment prod/app-000 \\| 500 \\| 500 \\| 500 \\| ❌ fails \\| 1–${bodies.length} \\|`));
  });

  it('a single finding bigger than a comment: its patch is cut at whole lines, fence closed, with a note naming the full report', () => {
    const report = bigReport(3, 1, { patchLines: 1 });
    report.findings[1]!.patch = ['--- a/x', '+++ b/x', '@@ -1 +1,5000 @@', ...Array.from({ length: 5000 }, (_, k) => `+HUGE_${k}: "${'v'.repeat(20)}"`)].join('\n') + '\n';
    const bodies = splitComments(report, { marker: MARKER, fullReport: FULL });
    expectFits(bodies);
    expect(bodies.flatMap(rows)).toHaveLength(3);
    const cut = bodies.find((b) => b.includes('✂️'))!;
    expect(cut).toMatch(/_✂️ The patch \(\d+ more lines\) is cut here to fit a comment; the full report is in `keydrift-check-report\.json` of the artifact\._/);
    expect(cut).toContain('+HUGE_0: ');
    expect(cut).not.toContain('+HUGE_4999: ');
  });

  it('a finding whose text alone is bigger than a comment is cut too, and says so', () => {
    const report = bigReport(1, 1, { text: ' because'.repeat(20_000) });
    const bodies = splitComments(report, { marker: MARKER, fullReport: FULL });
    expectFits(bodies);
    expect(rows(bodies.join('\n'))).toHaveLength(1);
    expect(bodies.join('\n')).toContain('… _✂️ (cut to fit a comment; the full report is in `keydrift-check-report.json` of the artifact)_ |');
  });

  it('counts UTF-8 bytes: a report of emoji and CJK stays within budget and within 65,536 UTF-16 units', () => {
    const bodies = splitComments(bigReport(800, 20, { text: ' 🔥漢字🔥'.repeat(30) }), { marker: MARKER, fullReport: FULL });
    expect(bodies.length).toBeGreaterThan(1);
    expectFits(bodies);
  });

  it('at most maxComments: what does not fit is counted in the last comment', () => {
    const report = bigReport(3000, 30, { patchLines: 4 });
    const bodies = splitComments(report, { marker: MARKER, fullReport: FULL, maxComments: 3 });
    expect(bodies).toHaveLength(3);
    expectFits(bodies);
    const shown = bodies.flatMap(rows).length;
    expect(bodies[2]).toContain(`⚠️ ${3000 - shown} findings are not in these comments (at most 3 are written); ${FULL}.`);
  });

  it('the table of apps is capped: hundreds of apps do not crowd out the first comment', () => {
    const bodies = splitComments(bigReport(900, 900), { marker: MARKER, fullReport: FULL });
    expectFits(bodies);
    expect(bodies[0]).toMatch(/\| … and \d+ more apps \| \d+ \| \d+ \| \d+ \| ❌ fails \| \|/);
    expect(bodies.flatMap(rows)).toHaveLength(900);
  });

  it('names from the input stay text in the table of apps and the headings', () => {
    const report = bigReport(2, 1);
    for (const f of report.findings) f.workload = 'Deployment/prod/x|<img src=x>@team';
    const [body] = splitComments(report, { marker: MARKER, fullReport: FULL });
    const line = body!.split('\n').find((l) => l.startsWith('| Deployment prod/x'))!;
    expect(line.split(/(?<!\\)\|/).length - 2).toBe(6);
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@team/);
    expect(body).toContain('### Deployment prod/x\\|&lt;img src=x&gt;@&#8203;team\n');
  });
});

describe('renderSummary', () => {
  it('a report bigger than 1 MiB: whole apps in order while they fit, the others named in a note', () => {
    const report = bigReport(6000, 60, { patchLines: 8, text: ' — and here is why, at some length'.repeat(3) });
    expect(sizeOf(renderMarkdown(report))).toBeGreaterThan(SUMMARY_BUDGET * 1.5);
    const md = renderSummary(report, { fullReport: FULL });
    expect(sizeOf(md)).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(sizeOf(md)).toBeGreaterThan(SUMMARY_BUDGET * 0.8);
    const shown = rows(md).length;
    // Whole apps only: every app shown has all of its 100 findings.
    expect(shown % 100).toBe(0);
    const omitted = 60 - shown / 100;
    expect(md).toContain(`⚠️ Cut to fit the job summary's 1 MiB: ${omitted} apps (${omitted * 100} findings) not shown here: Deployment prod/app-${String(60 - omitted).padStart(3, '0')}, `);
    expect(md).toContain(FULL);
    expect(fencesBalanced(md) && detailsBalanced(md)).toBe(true);
    expect(md).toContain('### Not checked');
  });

  it('a small report is whole', () => {
    const report = bigReport(40, 4);
    const md = renderSummary(report, { fullReport: FULL });
    expect(rows(md)).toEqual(rows(renderMarkdown(report)));
    expect(md).not.toContain('Cut to fit');
  });
});
