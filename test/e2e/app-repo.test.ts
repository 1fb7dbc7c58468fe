/**
 * App-repo mode: the incident caught in the application's own pull request. The app commit
 * renames REDIS_HOST/REDIS_PORT to REDIS_URL; a GitOps repository runs the app in two
 * environments, staging (already provides REDIS_URL) and prod (does not). Only prod breaks.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { commit } from '../helpers/git.js';
import { APP_CONFIG, buildAppRepos, CONFIG_FALLBACK, CONFIG_NEW, CONFIG_OLD, overlay } from '../helpers/app-repo.js';
import { runCli } from '../helpers/cli.js';

describe('keydrift check in an application repository', () => {
  let repos: ReturnType<typeof buildAppRepos>;
  afterEach(() => rmSync(repos.root, { recursive: true, force: true }));

  it('names only the environment that breaks, with the GitOps-side patch', async () => {
    repos = buildAppRepos(CONFIG_NEW);
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const errors = report.findings.filter((f: any) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const f of errors) {
      expect(f.workload).toBe('Deployment/prod/user-auth');
      expect(f.details.environment).toBe('prod');
    }
    const main = errors.find((f: any) => f.key === 'REDIS_URL');
    expect(main.message).toMatch(/^Merging this and deploying it to prod will fail to start: REDIS_URL is not provided to Deployment\/prod\/user-auth \(gitops@working tree apps\/user-auth\/base\/deployment\.yaml:\d+\)/);
    expect(main.patch).toContain('REDIS_URL');
    expect(main.patch).toContain('$(REDIS_HOST)');
    // The app's own line is among the places: annotations go there.
    expect(main.locations.some((l: any) => l.repo === 'user-auth' && l.file === 'src/config.ts' && l.line === 1)).toBe(true);
    expect(main.locations.some((l: any) => l.repo === 'gitops' && l.file?.startsWith('apps/user-auth/'))).toBe(true);
    // staging already provides REDIS_URL: nothing at error level about it.
    expect(report.findings.filter((f: any) => f.workload === 'Deployment/staging/user-auth' && f.severity === 'error')).toEqual([]);
    expect(report.checked.sort()).toEqual(['gitops@working tree Deployment/prod/user-auth', 'gitops@working tree Deployment/staging/user-auth']);
  });

  it('is clean when every environment already provides the new key', async () => {
    repos = buildAppRepos(CONFIG_NEW);
    commit(repos.gitops, overlay('prod', true), 'prod gets REDIS_URL');
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a rename the app still honours through a fallback is not an error', async () => {
    repos = buildAppRepos(CONFIG_FALLBACK);
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.findings.filter((f: any) => f.severity === 'error')).toEqual([]);
    const info = report.findings.find((f: any) => f.check === 'renamed-key' && f.key === 'REDIS_URL');
    expect(info.severity).toBe('info');
    expect(info.message).toMatch(/it works, because user-auth \(this change\) still reads REDIS_HOST as a fallback; move to REDIS_URL before the fallback is removed/);
    expect(r.code).toBe(0);
  });

  it('checks the working tree when no --head is given', async () => {
    repos = buildAppRepos(CONFIG_OLD);
    writeFileSync(path.join(repos.app, 'src/config.ts'), CONFIG_NEW);
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.some((f: any) => f.key === 'REDIS_URL' && f.severity === 'error')).toBe(true);
  });

  it('a deployment path that does not exist, or no --base, is exit 2 with one line', async () => {
    repos = buildAppRepos(CONFIG_NEW);
    const noBase = await runCli(['check', '--repo', repos.app]);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr.trim().split('\n')).toHaveLength(1);
    expect(noBase.stderr).toMatch(/--base/);
    commit(repos.app, { '.keydrift.yaml': APP_CONFIG().replace('../gitops', '../nowhere') });
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/deployment 'gitops'/);
  });

  it('says so when no deployment runs the image', async () => {
    repos = buildAppRepos(CONFIG_NEW);
    commit(repos.app, { '.keydrift.yaml': APP_CONFIG().replace('ghcr.io/acme/user-auth', 'ghcr.io/acme/other') });
    const r = await runCli(['check', '--repo', repos.app, '--base', 'v3.13.2', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.skipped.some((s: any) => /no container .* runs ghcr.io\/acme\/other/.test(s.reason))).toBe(true);
  });
});
