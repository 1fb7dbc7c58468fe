/**
 * Issue 15.14: every input-derived string in the PR comment and job summary stays text — a file
 * name with `)` and newlines cannot close its link and inject HTML, headings or tables; names
 * like `[x](https://…)` and `![](…)` do not render; `@org/team` never mentions.
 */
import { describe, expect, it } from '@jest/globals';
import type { Finding, Report } from '../../src/model.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { escapeMd, mdCode, mdLinkTarget } from '../../src/report/escape.js';

const EVIL_FILE = 'apps/x).md\n\n<h1>keydrift: no findings, safe to merge</h1>\n\n| a | b |\n|---|---|\n# Approved @acme/security-team [click](https://evil.example/p) ![](https://evil.example/i.png)/cm.yaml';
const EVIL_NAME = '[login](https://evil.example/login) ![x](https://evil.example/t.png) @acme/admins <img src=x onerror=alert(1)>';

function report(): Report {
  const f: Finding = {
    check: 'missing-key',
    severity: 'error',
    message: `ConfigMap ${EVIL_NAME} lacks a key.\n\n## Injected heading\n- [ ] task @octocat`,
    workload: `Deployment/prod/${EVIL_NAME}`,
    container: `c ${EVIL_NAME}`,
    key: 'KEY`)|<b>@acme/team',
    locations: [{ file: EVIL_FILE, line: 3, repo: 'gitops' }, { object: { kind: 'ConfigMap', namespace: 'prod', name: EVIL_NAME } }],
    fix: `Add it. ${EVIL_NAME}`,
    patch: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+```\n+<h1>x</h1> @acme/team\n',
  };
  return { command: 'check', findings: [f, { ...f, workload: undefined, locations: [{ object: { kind: 'Secret', name: EVIL_NAME } }] }], skipped: [{ what: `file ${EVIL_FILE}`, reason: EVIL_NAME }], checked: [`Deployment/prod/${EVIL_NAME}`] };
}

/** Markdown with every code span and fenced block removed: what GitHub renders as markup. */
function outsideCode(md: string): string {
  let s = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
  s = s.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
  // Our own link targets (checked on their own below).
  return s.replace(/\]\(https:\/\/github\.example[^)\s]*\)/g, ']');
}

describe('Markdown reporter', () => {
  const md = renderMarkdown(report(), { fileUrl: (f, l) => `https://github.example/acme/gitops/blob/abc/${f}#L${l}` });
  const text = outsideCode(md);

  it('injects no HTML, heading, table or list', () => {
    expect(text).not.toMatch(/<h1|<img|<b>/i);
    for (const line of md.split('\n')) {
      expect(line).not.toMatch(/^#{1,6} (Approved|Injected)/);
      expect(line).not.toMatch(/^- \[ \]/);
      expect(line).not.toMatch(/^\| a \| b \|/);
    }
  });

  it('renders no link or image from input, and no raw @mention', () => {
    expect(text).not.toMatch(/\]\(https:\/\/evil/);
    expect(text).not.toMatch(/!\[[^\]]*\]\(/);
    expect(text).not.toMatch(/@(acme|octocat)/);
    // Not even as a bare autolink.
    expect(text).not.toMatch(/https:\/\/evil/);
  });

  it("the file's link target is one percent-encoded URL", () => {
    const links = [...md.matchAll(/\]\((https:\/\/github\.example[^)\s]*)\)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^https:\/\/github\.example\/acme\/gitops\/blob\/abc\/apps\/x%29\.md%0A%0A%3Ch1%3E/);
    expect(links[0]).toMatch(/#L3$/);
  });

  it('each finding is one table row', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| 🔴'));
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.split(/(?<!\\)\|/).length).toBe(8);
  });
});

describe('escape helpers', () => {
  it.each([
    ['[a](https://e.x)', '\\[a\\]\\(https:&#8203;//e.x\\)'],
    ['![](u)', '\\!\\[\\]\\(u\\)'],
    ['@org/team', '@&#8203;org/team'],
    ['<script>', '&lt;script&gt;'],
    ['a|b\nc', 'a\\|b<br>c'],
    ['www.evil.example', 'www&#8203;.evil.example'],
    ['\u001b[2Jx', 'x'],
  ])('escapeMd(%j)', (input, out) => expect(escapeMd(input)).toBe(out));

  it('code spans survive backticks and line breaks', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('a\nb|c')).toBe('`a b\\|c`');
  });

  it('link targets: only http(s), nothing that ends the link', () => {
    expect(mdLinkTarget('javascript:alert(1)')).toBeUndefined();
    expect(mdLinkTarget('https://h/a b)c\n<d>')).toBe('https://h/a%20b%29c%0A%3Cd%3E');
  });
});
