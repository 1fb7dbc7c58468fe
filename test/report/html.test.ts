/**
 * The HTML incident report, loaded in real headless Chromium (Debian's `chromium`, installed
 * by scripts/setup.sh): what the page shows — the summary, the timeline, the findings with
 * their fate and patch — with no script, no outside resource, no Secret value, and every
 * input string escaped. The test also writes a screenshot of the incident report and prints
 * its path, so a reader can look at it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { writeIncidentDump } from '../../src/example/incident-live.js';
import { writeIncidentExplainDump } from '../../src/example/incident-explain.js';
import { renderHtml, escapeHtml } from '../../src/report/html.js';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';

const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
const d = chromium ? describe : describe.skip;
if (!chromium) console.warn('test/report/html.test.ts: SKIPPED — no chromium on PATH (Debian package chromium; scripts/setup.sh installs it)');

let tmp: string;
let repos: IncidentRepos;

/** Load a file in headless Chromium and return the DOM it built (no network: the page must not need it). */
function dumpDom(file: string): string {
  const profile = mkdtempSync(path.join(tmp, 'profile-'));
  const r = spawnSync(
    chromium!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}`],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

function screenshot(file: string, png: string): void {
  const profile = mkdtempSync(path.join(tmp, 'profile-'));
  const r = spawnSync(
    chromium!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, `--screenshot=${png}`, '--window-size=1200,1600', `file://${file}`],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
}

/** The text of the element with this id, tags stripped and entities decoded, spaces collapsed. */
function sectionText(dom: string, id: string): string {
  const start = dom.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const open = dom.lastIndexOf('<', start);
  const end = dom.indexOf('</section>', start);
  return text(dom.slice(open, end));
}
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** A page that loads nothing from anywhere and runs nothing. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
  // Every '<' in the page starts a real tag (text has '&lt;'): no tag may load anything.
  for (const tag of html.match(/<[^>]*>/g) ?? []) expect(tag).not.toMatch(/\b(src|href|srcset|action|data)\s*=/i);
  const style = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  expect(style).not.toMatch(/url\(|@import/i);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'keydrift-html-'));
  repos = await buildIncident(path.join(tmp, 'incident'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

d('HTML report in headless Chromium', () => {
  it('drift: a summary a manager can read, the timeline of who changed what, each finding with its fate and patch', async () => {
    const dump = path.join(tmp, 'live.yaml');
    await writeIncidentDump(dump);
    const r = await runCli(['drift', '--repo', repos.gitops, '--cluster-dump', dump, '--format', 'html']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const html = r.stdout;
    expectSelfContained(html);
    expect(html).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(html).not.toContain(Buffer.from(EXAMPLE_SECRET_VALUE).toString('base64'));
    const file = path.join(tmp, 'drift.html');
    writeFileSync(file, html);
    const dom = dumpDom(file);
    expect(text(dom.slice(dom.indexOf('<h1'), dom.indexOf('</h1>')))).toBe('keydrift drift report');
    const summary = sectionText(dom, 'summary');
    expect(summary).toMatch(/^Summary (Action needed|Needs attention): /);
    expect(summary).toContain('1 change was made by hand in the cluster.');
    expect(summary).toContain('REDIS_URL exists only in the cluster, in ConfigMap prod/user-auth-config.');
    expect(summary).toContain('What to do: Make it permanent in git: add REDIS_URL to apps/user-auth/configmap.yaml, keeping the other keys (patch below).');
    const timeline = sectionText(dom, 'timeline');
    expect(timeline).toBe('Timeline When Who What App 2026-11-20 14:03:27 UTC by hand kubectl-patch (Update) added REDIS_URL in ConfigMap/prod/user-auth-config ArgoCD app argocd/user-auth');
    const findings = sectionText(dom, 'findings');
    expect(findings).toContain('live-only-key REDIS_URL ConfigMap/prod/user-auth-config');
    expect(findings).toMatch(/fate: kept — /);
    expect(findings).toContain('+ REDIS_URL: redis://redis-master.prod.svc.cluster.local:6379/0');
  });

  it('explain: the incident report — most likely cause first, the timeline of events — and a screenshot', async () => {
    const dump = path.join(tmp, 'crashloop.yaml');
    await writeIncidentExplainDump(dump);
    const r = await runCli(['explain', 'Deployment/prod/user-auth', '--cluster-dump', dump, '--repo', repos.gitops, '--format', 'html']);
    expect(r.stderr).toBe('');
    const html = r.stdout;
    expectSelfContained(html);
    expect(html).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(html).not.toContain('ECONNREFUSED'); // the termination message the pod wrote
    const file = path.join(tmp, 'explain.html');
    writeFileSync(file, html);
    const dom = dumpDom(file);
    expect(sectionText(dom, 'summary')).toBe(
      "Summary Most likely cause: user-auth 3.14.0 reads REDIS_URL; the pod gets REDIS_HOST, REDIS_PORT: the key was renamed and the container's configuration still has the old names, so the app stops at start. " +
        'Deployment/prod/user-auth has 3 pods (3× waiting: CrashLoopBackOff), 24 restarts in all. ' +
        "What to do: Add REDIS_URL to the container's env built from the keys it already gets (value: redis://$(REDIS_HOST):$(REDIS_PORT)/0), and keep REDIS_HOST, REDIS_PORT until nothing reads them.",
    );
    const causes = sectionText(dom, 'causes');
    expect(causes).toContain('user-auth 3.14.0 requires REDIS_URL: src/config.ts:6 (process.env.REDIS_URL)');
    expect(causes).toContain('+ - name: REDIS_URL');
    const timeline = sectionText(dom, 'timeline');
    expect(timeline).toContain('2026-11-20 13:40:19 UTC Normal ScalingReplicaSet on Deployment user-auth');
    expect(timeline).toContain('2026-11-20 14:01:12 UTC Warning BackOff ×31 on Pod user-auth-6c9d7f8b5d-4xkqz (container user-auth)');
    expect(timeline).toContain('pod user-auth-6c9d7f8b5d-4xkqz container user-auth stopped: exit code 1 (the application stopped with an error), reason Error');
    expect(sectionText(dom, 'not-seen')).toContain('kubectl logs -n prod user-auth-6c9d7f8b5d-wl7hd -c user-auth --previous');

    const png = path.join(mkdtempSync(path.join(tmpdir(), 'keydrift-incident-report-')), 'incident-report.png');
    screenshot(file, png);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000); // a rendered page, not a blank one
    console.log(`incident report screenshot: ${png}`);
  });

  it('input strings are escaped: markup in a key, a message or a patch stays text', () => {
    const evil = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    const report: Report = {
      command: 'check',
      checked: ['Deployment/prod/web'],
      skipped: [{ what: `file ${evil}`, reason: 'not valid YAML' }],
      findings: [
        { check: 'missing-key', severity: 'error', message: `app requires ${evil}.`, workload: 'Deployment/prod/web', container: 'web', key: evil, locations: [{ file: `a${evil}.yaml`, line: 3, repo: 'gitops' }], fix: `Add ${evil}`, patch: `+  ${evil}\n` },
      ],
    };
    const html = renderHtml(report);
    expectSelfContained(html);
    const file = path.join(tmp, 'escape.html');
    writeFileSync(file, html);
    const dom = dumpDom(file);
    expect(dom).not.toMatch(/<img|<script/i);
    expect(text(dom)).toContain(`app requires ${evil}.`);
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});

describe('keydrift check --format html', () => {
  it('the PR check on the incident: the verdict, the finding and its patch, self-contained, no Secret value', async () => {
    const r = await runCli(['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head, '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expectSelfContained(r.stdout);
    const t = text(r.stdout);
    // One cause, one finding: the rename, which says the new version will fail to start.
    expect(t).toContain('Summary Action needed: 1 problem will break a rollout or be undone.');
    expect(t).toContain('renamed-key REDIS_URL container user-auth');
    expect(t).toContain('the new version will fail to start (CrashLoopBackOff) without it');
    expect(t).toContain('+ value: "redis://$(REDIS_HOST):$(REDIS_PORT)/0"');
    expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
  });
});
