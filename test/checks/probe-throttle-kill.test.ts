/** probe-throttle-kill: liveness timeout/threshold against a CPU limit, table-driven, and in `check`/`audit` with file:line. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probeThrottleKill } from '../../src/checks/probe-throttle-kill.js';
import { firstContainer, snapshotOf, webDeployment } from '../helpers/checks.js';
import { runCli } from '../helpers/cli.js';
import { gitRepo, rm } from '../drift/helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident } from '../../src/example/incident.js';

const deploy = (container: string) => webDeployment(container);

function run(text: string) {
  const ctx = firstContainer(snapshotOf({ 'deploy.yaml': text }, { strict: false }));
  return probeThrottleKill.run(ctx);
}

describe('probe-throttle-kill', () => {
  const cases: [string, string, { line: number; timeout: number; threshold: number } | null][] = [
    ['defaults (timeout 1 s, threshold 3) with a CPU limit', 'livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\nresources:\n  limits: { cpu: 500m }', { line: 12, timeout: 1, threshold: 3 }],
    ['timeoutSeconds: 1 set explicitly: the line of the field', 'livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\n  timeoutSeconds: 1\n  failureThreshold: 10\nresources:\n  limits: { cpu: "1" }', { line: 14, timeout: 1, threshold: 10 }],
    ['failureThreshold: 2 with a generous timeout', 'livenessProbe:\n  tcpSocket: { port: 8080 }\n  timeoutSeconds: 5\n  failureThreshold: 2\nresources:\n  limits: { cpu: 250m }', { line: 15, timeout: 5, threshold: 2 }],
    ['no CPU limit: not throttled', 'livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\nresources:\n  limits: { memory: 256Mi }', null],
    ['timeout 5 s and threshold 10: tolerant', 'livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\n  timeoutSeconds: 5\n  failureThreshold: 10\nresources:\n  limits: { cpu: 500m }', null],
    ['no liveness probe', 'readinessProbe:\n  httpGet: { path: /ready, port: 8080 }\n  timeoutSeconds: 1\nresources:\n  limits: { cpu: 500m }', null],
  ];
  it.each(cases)('%s', (_name, container, want) => {
    const fs = run(deploy(container));
    if (!want) return expect(fs).toEqual([]);
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f).toMatchObject({ check: 'probe-throttle-kill', severity: 'warning', workload: 'Deployment/prod/web', container: 'web' });
    expect(f.locations[0]).toMatchObject({ file: 'deploy.yaml', line: want.line });
    expect(f.message).toContain(`gives up after ${want.timeout} s`);
    expect(f.message).toContain(`after ${want.threshold} failures`);
    expect(f.message).toContain('the kubelet kills a container that was only slow (exit 137 or 143)');
    expect(f.fix).toContain('timeoutSeconds: 5 or more and failureThreshold: 10 or more, and add a startupProbe');
  });
});

describe('probe-throttle-kill in keydrift check', () => {
  let repo: string;
  beforeAll(() => {
    repo = gitRepo({
      'apps/web/deployment.yaml': deploy('livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\n  timeoutSeconds: 1\nresources:\n  limits: { cpu: 500m }'),
      '.keydrift.yaml': 'sources: {}\n',
    });
  });
  afterAll(() => rm(repo));

  it('check: a warning at the probe line; exit 0 with --fail-on error, 1 with warning', async () => {
    const r = await runCli(['check', '--repo', repo, '--format', 'json']);
    const f = JSON.parse(r.stdout).findings.find((x: any) => x.check === 'probe-throttle-kill');
    expect(f.locations[0]).toMatchObject({ file: 'apps/web/deployment.yaml', line: 14 });
    expect(r.code).toBe(0);
    expect((await runCli(['check', '--repo', repo, '--fail-on', 'warning'])).code).toBe(1);
  });
});

describe('probe-throttle-kill in keydrift audit', () => {
  let tmp: string;
  let repo: string;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-probe-audit-'));
    const incident = await buildIncident(path.join(tmp, 'incident'));
    repo = gitRepo({
      '.keydrift.yaml': `sources:\n  ghcr.io/acme/user-auth:\n    path: ${incident.app}\n    ref: "v{tag}"\n`,
      'apps/user-auth/deployment.yaml': deploy('livenessProbe:\n  httpGet: { path: /healthz, port: 8080 }\nresources:\n  limits: { cpu: 200m }').replace('example.com/web:2.0', 'ghcr.io/acme/user-auth:3.13.2'),
    });
  });
  afterAll(() => {
    rm(repo);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('audit of the next version reports the fragile probe of every container that runs it', async () => {
    const r = await runCli(['audit', '--repo', repo, '--image', 'ghcr.io/acme/user-auth:3.14.0', '--format', 'json']);
    const f = JSON.parse(r.stdout).findings.filter((x: any) => x.check === 'probe-throttle-kill');
    expect(f).toHaveLength(1);
    expect(f[0].locations[0]).toMatchObject({ file: 'apps/user-auth/deployment.yaml', line: 12 });
    expect(f[0].message).toContain('it has a CPU limit of 200m');
  });
});
