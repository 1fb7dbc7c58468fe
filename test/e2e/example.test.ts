/**
 * The README's example commands, run as a person would (npm test builds lib/ first):
 * the PR check on the incident exits 1 with the findings, the fixed variant exits 0, and
 * the drift half reports the live-only REDIS_URL with the patch that puts it in git.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { EXAMPLE_SECRET_VALUE } from '../../src/example/incident.js';

const script = new URL('../../scripts/example.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('npm run example', () => {
  it('the PR check: the rename of the required REDIS_URL, one finding, exit 1', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(/missing-key/);
    expect(r.stdout).toMatch(/error\s+renamed-key REDIS_URL/);
    expect(r.stdout).toContain('1 finding (1 error, 0 warnings, 0 info)');
    expect(r.stdout).toContain('+              value: "redis://$(REDIS_HOST):$(REDIS_PORT)/0"');
    expect(r.stdout + r.stderr).not.toContain(EXAMPLE_SECRET_VALUE);
  });

  it('--fixed: exit 0', () => {
    const r = run('--fixed');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('0 errors');
  });

  it('drift: the kubectl-patch fix that lives only in the cluster, who made it and the patch for git', () => {
    const r = run('drift');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/live-only-key REDIS_URL/);
    expect(r.stdout).toContain('kubectl-patch (Update); its last write to this object: 2026-11-20T14:03:27Z');
    expect(r.stdout).toContain('+  REDIS_URL: redis://redis-master.prod.svc.cluster.local:6379/0');
    expect(r.stdout + r.stderr).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(r.stdout + r.stderr).not.toContain(Buffer.from(EXAMPLE_SECRET_VALUE).toString('base64'));
  });

  it('explain: the crash-looping pods, the rename as the most likely cause, exit 1', () => {
    const r = run('explain');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Most likely cause\n  1. user-auth 3.14.0 reads REDIS_URL; the pod gets REDIS_HOST, REDIS_PORT: the key was renamed');
    expect(r.stdout).toContain('3× waiting: CrashLoopBackOff; 24 restarts; last exit code 1 (the application stopped with an error), reason Error');
    expect(r.stdout).toContain('kubectl logs -n prod user-auth-6c9d7f8b5d-wl7hd -c user-auth --previous');
    expect(r.stdout + r.stderr).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(r.stdout).not.toContain('ECONNREFUSED');
  });
});
