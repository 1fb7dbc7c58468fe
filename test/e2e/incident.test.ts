/**
 * The incident of DESIGN.md, end to end, on real git repositories: the deploy commit bumps
 * user-auth from 3.13.2 to 3.14.0, which reads REDIS_URL instead of REDIS_HOST/REDIS_PORT,
 * and the ConfigMap was not updated.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
let broken: IncidentRepos;
let fixed: IncidentRepos;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-incident-'));
  broken = await buildIncident(path.join(tmp, 'broken'));
  fixed = await buildIncident(path.join(tmp, 'fixed'), { fixed: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const check = (r: IncidentRepos, ...extra: string[]) => runCli(['check', '--repo', r.gitops, '--base', r.base, '--head', r.head, ...extra]);

describe('keydrift check on the deploy commit', () => {
  it('finds the rename of the required REDIS_URL as one finding, with file:line in both repos at their own tags, and exits 1', async () => {
    const r = await check(broken, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    // One cause, one finding: not missing-key + renamed-key, and no stale-key reminders the fix already says.
    expect(report.findings.map((f: any) => `${f.severity} ${f.check} ${f.key}`)).toEqual(['error renamed-key REDIS_URL']);
    expect(report.summary).toMatchObject({ error: 1, warning: 0, info: 0 });

    const renamed = report.findings[0];
    expect(renamed).toMatchObject({ workload: 'Deployment/prod/user-auth', container: 'user-auth' });
    expect(renamed.message).toContain('requires REDIS_URL');
    expect(renamed.message).toContain('fail to start');
    expect(renamed.details).toMatchObject({ from: ['REDIS_HOST', 'REDIS_PORT'], to: 'REDIS_URL', kind: 'required' });
    expect(renamed.locations).toEqual([
      expect.objectContaining({ repo: 'gitops', file: 'apps/user-auth/deployment.yaml', line: 26 }),
      expect.objectContaining({ repo: 'gitops', file: 'apps/user-auth/configmap.yaml', line: 8 }),
      expect.objectContaining({ repo: 'gitops', file: 'apps/user-auth/configmap.yaml', line: 9 }),
      // each read at the tag where that line says it
      expect.objectContaining({ repo: 'user-auth', ref: 'v3.13.2', file: 'src/config.ts', line: 11, note: 'process.env.REDIS_HOST' }),
      expect.objectContaining({ repo: 'user-auth', ref: 'v3.13.2', file: 'src/config.ts', line: 12, note: 'process.env.REDIS_PORT' }),
      expect.objectContaining({ repo: 'user-auth', ref: 'v3.14.0', file: 'src/config.ts', line: 6, note: 'process.env.REDIS_URL' }),
    ]);
    expect(renamed.fix).toContain('redis://$(REDIS_HOST):$(REDIS_PORT)/0');
    expect(renamed.fix).toMatch(/keep REDIS_HOST, REDIS_PORT/);
  });

  it('suggests a patch that git can apply, adding REDIS_URL built from the old keys', async () => {
    const r = await check(broken, '--format', 'json');
    const renamed = JSON.parse(r.stdout).findings.find((f: any) => f.check === 'renamed-key');
    expect(renamed.patch).toContain('+            - name: REDIS_URL');
    expect(renamed.patch).toContain('+              value: "redis://$(REDIS_HOST):$(REDIS_PORT)/0"');
    const work = path.join(broken.root, 'gitops-clone'); // so .keydrift.yaml's ../user-auth still resolves
    execFileSync('git', ['clone', '--quiet', broken.gitops, work]);
    writeFileSync(path.join(work, 'fix.patch'), renamed.patch);
    execFileSync('git', ['apply', '--check', '-p1', 'fix.patch'], { cwd: work });
    execFileSync('git', ['apply', '-p1', 'fix.patch'], { cwd: work });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'fix'], { cwd: work });
    const after = await runCli(['check', '--repo', work, '--base', broken.base, '--head', 'HEAD', '--format', 'json']);
    expect(JSON.parse(after.stdout).findings.filter((f: any) => f.severity === 'error')).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('with the ConfigMap fixed in the same commit: exit 0, old keys reported as stale (info)', async () => {
    const r = await check(fixed, '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings.filter((f: any) => f.severity !== 'info')).toEqual([]);
    expect(report.findings.filter((f: any) => f.check === 'stale-key').map((f: any) => f.key).sort()).toEqual(['REDIS_HOST', 'REDIS_PORT']);
  });

  it('text output groups by workload and says what to change', async () => {
    const r = await check(broken);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Deployment prod/user-auth'.replace(' ', '/'));
    expect(r.stdout).toMatch(/error\s+renamed-key REDIS_URL/);
    expect(r.stdout).toContain('1 finding (1 error, 0 warnings, 0 info)');
    expect(r.stdout).toContain('fix:');
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('colour only on a TTY, and never with NO_COLOR', async () => {
    const args = ['check', '--repo', broken.gitops, '--base', broken.base, '--head', broken.head];
    expect((await runCli(args, { isTTY: true })).stdout).toMatch(/\u001b\[31m/);
    expect((await runCli(args, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
  });

  it('--fail-on never exits 0; --fail-on info exits 1 on the fixed repos', async () => {
    expect((await check(broken, '--fail-on', 'never')).code).toBe(0);
    expect((await check(fixed, '--fail-on', 'info')).code).toBe(1);
  });

  it('without --base checks every workload (audit of the head)', async () => {
    const r = await runCli(['check', '--repo', broken.gitops, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checked).toEqual(['Deployment/prod/user-auth']);
  });
});

describe('secret values never leave memory', () => {
  it.each([['text'], ['json']])('%s output carries no secret value, hash or length', async (format) => {
    const r = await check(broken, '--format', format);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(all).not.toMatch(new RegExp(`\\b${EXAMPLE_SECRET_VALUE.length}\\b.*(char|byte|length)`, 'i'));
  });
});

describe('bad input: one line, exit 2, nothing on stdout', () => {
  it.each([
    ['a missing repo', ['check', '--repo', '/nonexistent/repo'], /\/nonexistent\/repo: no such directory/],
    ['a missing ref', (r: IncidentRepos) => ['check', '--repo', r.gitops, '--base', 'no-such-ref'], /git ref 'no-such-ref' not found/],
    ['a bad --format', (r: IncidentRepos) => ['check', '--repo', r.gitops, '--format', 'xml'], /--format must be one of text, json/],
    ['a bad --fail-on', (r: IncidentRepos) => ['check', '--repo', r.gitops, '--fail-on', 'sometimes'], /--fail-on must be one of/],
    ['an unknown option', ['check', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a malformed --source', (r: IncidentRepos) => ['check', '--repo', r.gitops, '--source', 'nonsense'], /--source 'nonsense': expected IMAGE_REPO=PATH_OR_URL/],
    ['a source path that does not exist', (r: IncidentRepos) => ['check', '--repo', r.gitops, '--source', 'ghcr.io/acme/user-auth=/nope/app'], /source of ghcr.io\/acme\/user-auth.*\/nope\/app: no such directory/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ])('%s', async (_t, args, message) => {
    const a = typeof args === 'function' ? args(broken) : args;
    const r = await runCli(a as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a tag with no git ref in the mapped source', async () => {
    const r = await runCli(['check', '--repo', broken.gitops, '--base', broken.base, '--head', broken.head, '--source', `ghcr.io/acme/user-auth=${fixed.gitops}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no git ref 'v3\.14\.0' or '3\.14\.0'/);
  });
});
