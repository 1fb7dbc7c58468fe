/** The pre-rollout audit: would promoting user-auth 3.14.0 to the environment in git break it? */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, type IncidentRepos } from '../../src/example/incident.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
let r: IncidentRepos;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-audit-'));
  r = await buildIncident(path.join(tmp, 'i'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('keydrift audit', () => {
  it('promoting 3.14.0 onto the environment as it is at base: the rename, before any PR exists', async () => {
    const res = await runCli(['audit', '--repo', r.gitops, '--ref', r.base, '--image', 'ghcr.io/acme/user-auth:3.14.0', '--format', 'json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(1);
    const rep = JSON.parse(res.stdout);
    expect(rep.command).toBe('audit');
    expect(rep.checked).toEqual(['Deployment/prod/user-auth']);
    expect(rep.findings.filter((f: any) => f.severity === 'error').map((f: any) => `${f.check} ${f.key}`).sort()).toEqual(['renamed-key REDIS_URL']);
  });

  it('promoting the version already running: nothing to say', async () => {
    const res = await runCli(['audit', '--repo', r.gitops, '--ref', r.base, '--image', 'ghcr.io/acme/user-auth:3.13.2', '--workload', 'Deployment/prod/user-auth']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('no findings; 1 workload checked');
  });

  it.each([
    [['--image', 'ghcr.io/acme/user-auth'], /expected an image reference with a tag/],
    [['--image', 'ghcr.io/acme/other:1.0'], /no source mapping for ghcr\.io\/acme\/other/],
    [['--image', 'ghcr.io/acme/user-auth:3.14.0', '--workload', 'nope'], /workload 'nope' not found/],
    [['--image', 'ghcr.io/acme/other:1.0', '--source', 'ghcr.io/acme/other=.'], /no container .* runs ghcr\.io\/acme\/other/],
    [[], /--image IMAGE:TAG is required/],
  ])('%j → one line, exit 2', async (args, msg) => {
    const res = await runCli(['audit', '--repo', r.gitops, ...(args as string[])], { cwd: r.gitops });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(msg);
  });
});
