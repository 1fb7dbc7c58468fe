/**
 * The `html-report` input: the Action writes the self-contained HTML report where asked (for
 * actions/upload-artifact) and names it in the `html-report` output. Runs a bundle of the
 * current src/ (built to a temp file, like dist.test.ts), so it tests this code, not dist/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { incidentLiveObjects } from '../../src/example/incident-live.js';
import { ROOT, runAction } from './runner.js';

let tmp: string;
let bundle: string;
let repos: IncidentRepos;
let srv: FakeApiServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-action-html-'));
  bundle = path.join(tmp, 'index.js');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.js'), bundle], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  repos = await buildIncident(path.join(tmp, 'incident'));
  srv = await startFakeApiServer({ objects: incidentLiveObjects() });
}, 120_000);
afterAll(async () => {
  await srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Action input html-report', () => {
  it('mode drift: writes the report, outputs its path; no Secret value in it', async () => {
    const kubeconfig = readFileSync(srv.writeKubeconfig(), 'utf8');
    const r = await runAction({
      dist: bundle,
      workspace: repos.gitops,
      event: { name: 'schedule', payload: {} },
      inputs: { mode: 'drift', kubeconfig, comment: 'false', 'fail-on': 'never', 'html-report': 'reports/keydrift.html' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs['html-report']).toBe(path.join(repos.gitops, 'reports', 'keydrift.html'));
    const html = readFileSync(r.outputs['html-report']!, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<h1>keydrift drift report</h1>');
    expect(html).toContain('kubectl-patch');
    expect(html).not.toMatch(/<script/i);
    expect(r.everything).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(r.everything).not.toContain(Buffer.from(EXAMPLE_SECRET_VALUE).toString('base64'));
  });

  it('without the input: the output is empty and nothing is written', async () => {
    const r = await runAction({ dist: bundle, workspace: repos.gitops, event: { name: 'schedule', payload: {} }, inputs: { mode: 'check', comment: 'false' } });
    expect(r.outputs['html-report']).toBe('');
  });
});
