/**
 * Issue 15.15: text output never passes an escape sequence or control character from input to
 * the terminal (clear screen, OSC 8 links, a fake green "no findings"), with or without colour;
 * SARIF uris are percent-encoded.
 */
import { describe, expect, it } from '@jest/globals';
import type { Finding, Report } from '../../src/model.js';
import { renderText } from '../../src/report/text.js';
import { renderDriftText } from '../../src/drift/text.js';
import { renderContractText } from '../../src/report/contract.js';
import { toSarif } from '../../src/report/sarif.js';
import { annotationFor } from '../../src/action/annotations.js';
import { renderImageContractText } from '../../src/commands/contract.js';
import { runCli } from '../helpers/cli.js';
import { prRepo } from './output-helpers.js';

const ESC = '\u001b';
const NASTY = `${ESC}[2J${ESC}[H${ESC}[32mkeydrift check: no findings${ESC}[0m${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\\u0007\u0008\r\u009b31m\u202eevil`;

function report(): Report {
  const f: Finding = {
    check: 'missing-key',
    severity: 'error',
    message: `ConfigMap ${NASTY} lacks a key`,
    workload: `Deployment/prod/${NASTY}`,
    container: NASTY,
    key: NASTY,
    locations: [{ file: `apps/${NASTY}.yaml`, line: 2, repo: 'gitops', note: NASTY }, { object: { kind: 'ConfigMap', name: NASTY } }],
    fix: NASTY,
    patch: `--- a/x\n+++ b/x\n@@ -1 +1 @@\n-${NASTY}\n+ok\n`,
    details: { app: NASTY, object: NASTY, manager: NASTY, operation: NASTY, fate: { outcome: NASTY, when: NASTY } },
  };
  return { command: 'check', findings: [f], skipped: [{ what: NASTY, reason: NASTY }], checked: [NASTY] };
}

/** Control characters other than newline, and our own colour codes when `color`. */
function controls(out: string, color: boolean): string[] {
  const rest = color ? out.replace(/\u001b\[\d+m/g, '') : out;
  return [...rest].filter((c) => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(c));
}

describe('terminal output', () => {
  it.each([false, true])('text report (color %s)', (color) => {
    const out = renderText(report(), { color });
    expect(controls(out, color)).toEqual([]);
    expect(out).toContain('keydrift check: no findings'); // the name is shown, as text
    expect(out).not.toContain(']8;;');
    expect(out).not.toContain('[2J');
  });

  it.each([false, true])('drift text (color %s)', (color) => {
    const out = renderDriftText({ ...report(), command: 'drift', sources: { git: NASTY, live: NASTY } }, { color });
    expect(controls(out, color)).toEqual([]);
    expect(out).not.toContain('[2J');
  });

  it('contract text', () => {
    const out = renderContractText({
      source: { label: NASTY, location: NASTY },
      entries: new Map([[NASTY, { name: NASTY, kind: 'required', confidence: 'high', reads: [{ name: NASTY, kind: 'required', evidence: { file: NASTY, line: 1, pattern: NASTY }, confidence: 'high' }] }]]),
      unresolved: [{ evidence: { file: NASTY, line: 1, pattern: NASTY }, reason: NASTY }],
      fallbacks: [],
      imageDefaults: [],
      filesScanned: 1,
      skipped: [],
    } as any);
    expect(controls(out, false)).toEqual([]);
  });

  it('image contract text: labels and registry notes', () => {
    const out = renderImageContractText(`x${NASTY}`, { image: { digest: `sha256:${NASTY}`, manifestDigest: `sha256:${NASTY}`, platform: NASTY }, sourceFrom: 'labels', notes: [NASTY] } as any, 'contract\n');
    expect(controls(out, false)).toEqual([]);
  });

  it('annotations (the log viewer renders escapes)', () => {
    const a = annotationFor(report().findings[0]!);
    expect(controls(a.title + a.message, false)).toEqual([]);
  });

  it('the CLI: a file name with escapes, NO_COLOR and no TTY, in findings and in errors', async () => {
    const bad = `apps/x${ESC}[2J${ESC}]0;pwned\u0007.yaml`;
    const repo = prRepo({}, { [bad]: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  p: !a!x\n' });
    try {
      for (const env of [{ NO_COLOR: '1' }, {}]) {
        const r = await runCli(['check', '--repo', repo.dir], { env, isTTY: false });
        expect(r.code).toBe(1);
        expect(r.stdout).toContain('invalid-yaml');
        expect(controls(r.stdout + r.stderr, false)).toEqual([]);
      }
      const e = await runCli(['check', '--repo', `${repo.dir}/nope${ESC}[2J`]);
      expect(e.code).toBe(2);
      expect(controls(e.stderr, false)).toEqual([]);
    } finally {
      repo.rm();
    }
  });
});

describe('SARIF', () => {
  it('uris are percent-encoded relative references', () => {
    const r: Report = {
      command: 'check',
      findings: [{ check: 'missing-key', severity: 'error', message: 'm', locations: [{ file: 'apps/a b/100%#x?.yaml', line: 1, repo: 'gitops' }, { file: 'apps/é\n.yaml', line: 2, repo: 'gitops' }] }],
      skipped: [],
      checked: [],
    };
    const run = (toSarif(r) as any).runs[0];
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('apps/a%20b/100%25%23x%3F.yaml');
    expect(run.results[0].relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('apps/%C3%A9%0A.yaml');
  });
});
