/**
 * `keydrift explain` against the fake API server: one workload per cause, pods and events as
 * the API server returns them, the exact answer for each — and no Secret value, termination
 * message or probe URL in any output.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { managedFieldsEntry, startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { runCli } from '../helpers/cli.js';
import { readLive } from '../../src/cluster/source.js';
import { gitRepo, rm } from '../drift/helpers.js';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { incidentExplainObjects, writeIncidentExplainDump } from '../../src/example/incident-explain.js';
import { exitMeaning } from '../../src/explain/exit-code.js';
import { eventFact, parseMessage } from '../../src/explain/facts.js';
import { container, deployment, event, NS, pod } from './helpers.js';

const CANARY = 'kd-canary-explain-3e9b71c0';
const CANARY_B64 = Buffer.from(CANARY).toString('base64');

// --- one workload per cause -------------------------------------------------------------

// CreateContainerConfigError: a key the ConfigMap does not have.
const cfgC = container({ name: 'api', env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'cfg-config', key: 'DB_HOST' } } }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'cfg-secret', key: 'password' } } }] });
const cfgPod = pod('cfg', 'a1b2c', [cfgC], [{ name: 'api', state: { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key DB_HOST in ConfigMap prod/cfg-config" } } }], { phase: 'Pending' });

// CreateContainerConfigError: a ConfigMap that does not exist.
const nocmC = container({ name: 'api', envFrom: [{ configMapRef: { name: 'nocm-config' } }] });
const nocmPod = pod('nocm', 'd3e4f', [nocmC], [{ name: 'api', state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "nocm-config" not found' } } }], { phase: 'Pending' });

// OOMKilled.
const oomC = container({ name: 'worker', resources: { limits: { memory: '256Mi' }, requests: { memory: '128Mi' } } });
const oomPod = pod('oom', 'g5h6i', [oomC], [{ name: 'worker', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container=worker' } }, last: { exitCode: 137, reason: 'OOMKilled' } }]);

// The liveness probe killing a throttled container; the probe URL carries a token.
const probeC = container({ name: 'web', resources: { limits: { cpu: '500m', memory: '512Mi' } }, livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3 } });
const probePod = pod('probe', 'j7k8l', [probeC], [{ name: 'web', restartCount: 12, state: { running: { startedAt: '2026-11-20T14:00:00Z' } }, last: { exitCode: 137, reason: 'Error' } }]);

// Exit 127: command not found.
const cmdC = container({ name: 'job' });
const cmdPod = pod('cmd', 'm9n0p', [cmdC], [{ name: 'job', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, last: { exitCode: 127, reason: 'StartError', message: 'exec: "srv": executable file not found in $PATH' } }]);

// Exit 0: nothing long-running.
const zeroC = container({ name: 'once' });
const zeroPod = pod('zero', 'q1r2s', [zeroC], [{ name: 'once', restartCount: 6, state: { waiting: { reason: 'CrashLoopBackOff' } }, last: { exitCode: 0, reason: 'Completed' } }]);

// Exit 143 with no probe events and no CPU limit: SIGTERM from outside.
const termC = container({ name: 'svc' });
const termPod = pod('term', 't3u4v', [termC], [{ name: 'svc', restartCount: 2, state: { running: { startedAt: '2026-11-20T14:00:00Z' } }, last: { exitCode: 143, reason: 'Error' } }]);

// ImagePullBackOff.
const pullC = container({ name: 'app', image: 'ghcr.io/acme/app:9.9.9' });
const pullPod = pod('pull', 'w5x6y', [pullC], [{ name: 'app', image: 'ghcr.io/acme/app:9.9.9', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/app:9.9.9"' } } }], { phase: 'Pending' });

// Evicted: the node ran out of memory.
const evC = container({ name: 'cache' });
const evPod = pod('ev', 'c9d0e', [evC], [{ name: 'cache', state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown' } } }], { phase: 'Failed', reason: 'Evicted' });

// Healthy.
const okC = container({ name: 'app' });
const okPod = pod('ok', 'z7a8b', [okC], [{ name: 'app', ready: true, state: { running: { startedAt: '2026-11-20T13:00:00Z' } } }]);

const objects: Record<string, unknown>[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg-config', namespace: NS }, data: { DB_HOSTNAME: 'db.prod.svc' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cfg-secret', namespace: NS }, type: 'Opaque', data: { password: CANARY_B64 } },
  deployment('cfg', [cfgC]),
  cfgPod,
  event({ kind: 'Pod', name: (cfgPod.metadata as any).name, container: 'api' }, 'Failed', "Error: couldn't find key DB_HOST in ConfigMap prod/cfg-config", { count: 9 }),
  deployment('nocm', [nocmC]),
  nocmPod,
  event({ kind: 'Pod', name: (nocmPod.metadata as any).name, container: 'api' }, 'Failed', 'Error: configmap "nocm-config" not found', { count: 4 }),
  deployment('oom', [oomC]),
  oomPod,
  deployment('probe', [probeC]),
  probePod,
  event({ kind: 'Pod', name: (probePod.metadata as any).name, container: 'web' }, 'Unhealthy', `Liveness probe failed: Get "http://10.244.1.9:8080/healthz?token=${CANARY}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, { count: 36, first: '2026-11-20T13:41:00Z', last: '2026-11-20T14:02:00Z' }),
  event({ kind: 'Pod', name: (probePod.metadata as any).name, container: 'web' }, 'Killing', 'Container web failed liveness probe, will be restarted', { type: 'Normal', count: 12, first: '2026-11-20T13:41:20Z', last: '2026-11-20T14:02:20Z' }),
  deployment('cmd', [cmdC]),
  cmdPod,
  deployment('zero', [zeroC]),
  zeroPod,
  deployment('term', [termC]),
  termPod,
  deployment('pull', [pullC]),
  pullPod,
  event({ kind: 'Pod', name: (pullPod.metadata as any).name, container: 'app' }, 'Failed', 'Failed to pull image "ghcr.io/acme/app:9.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/acme/app:9.9.9": failed to resolve reference "ghcr.io/acme/app:9.9.9": ghcr.io/acme/app:9.9.9: not found', { count: 3 }),
  deployment('ev', [evC]),
  evPod,
  event({ kind: 'Pod', name: (evPod.metadata as any).name }, 'Evicted', 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 42Mi. Container cache was using 1200Mi, request is 0, has larger consumption of memory.', { count: 1 }),
  deployment('ok', [okC]),
  okPod,
];

let srv: FakeApiServer;
let kc: string;
beforeAll(async () => {
  srv = await startFakeApiServer({ objects });
  kc = srv.writeKubeconfig();
});
afterAll(async () => srv.close());

async function explainJson(workload: string, ...more: string[]) {
  const r = await runCli(['explain', workload, '--kubeconfig', kc, '--format', 'json', ...more]);
  expect(r.stderr).toBe('');
  return { code: r.code, x: JSON.parse(r.stdout) as any, stdout: r.stdout };
}

describe('keydrift explain on the fake API server: the most likely cause, exactly', () => {
  const cases: [string, string, string, string[]][] = [
    [
      'Deployment/prod/cfg',
      'config-ref-missing',
      'Container api cannot start: it references key DB_HOST of ConfigMap cfg-config, which does not exist in namespace prod (CreateContainerConfigError).',
      ['1 pod waiting with CreateContainerConfigError (cfg-7d9f8b6c4-a1b2c)', 'event Failed ×9: the kubelet could not find key DB_HOST in ConfigMap cfg-config', 'the live ConfigMap cfg-config has no key DB_HOST (read as DB_HOST)'],
    ],
    [
      'Deployment/prod/nocm',
      'config-ref-missing',
      'Container api cannot start: it references ConfigMap nocm-config, which does not exist in namespace prod (CreateContainerConfigError).',
      ['event Failed ×4: the kubelet found no ConfigMap nocm-config', 'the live namespace prod has no ConfigMap nocm-config (envFrom)'],
    ],
    [
      'Deployment/prod/oom',
      'oom-killed',
      'Container worker is killed for running out of memory (limit 256Mi).',
      ["1 termination with reason OOMKilled, exit code 137 (SIGKILL from the kernel's out-of-memory killer)", 'memory limit 256Mi, request 128Mi'],
    ],
    [
      'Deployment/prod/probe',
      'probe-kill',
      'The liveness probe kills web while the CPU limit (500m) throttles it: a probe that gives up after 1 s fails under load, and the restarts keep the loop going.',
      [
        'event Killing ×12: the kubelet restarted web because it failed its liveness probe',
        'event Unhealthy ×36: liveness probe — no answer within the timeout',
        '1 termination with exit code 137 (SIGKILL): killed from outside, not a crash',
        'its liveness probe gives up after 1 s (timeoutSeconds) and restarts it after 3 failures (failureThreshold; 30 s at periodSeconds 10), and it has a CPU limit of 500m: under load the CPU limit throttles the app, the probe times out, and each restart adds start-up CPU while the other replicas take the load',
      ],
    ],
    ['Deployment/prod/cmd', 'exit-code', 'Container job keeps stopping: exit code 127 (command not found), reason StartError.', ['meaning: the command or entrypoint named in the image or in `command:`/`args:` does not exist in the image (a typo, a different base image, a PATH that lacks it)']],
    ['Deployment/prod/zero', 'exit-code', 'Container once keeps exiting successfully: exit code 0 (exited successfully), reason Completed.', ['pod zero-7d9f8b6c4-q1r2s (6 restarts, waiting: CrashLoopBackOff): last run ended with exit code 0 (exited successfully), reason Completed']],
    ['Deployment/prod/term', 'exit-code', 'Container svc keeps stopping: exit code 143 (terminated by SIGTERM), reason Error.', []],
    ['Deployment/prod/ev', 'evicted', 'Pods of ev were evicted: their node ran short of memory.', ['1 pod with status reason Evicted (ev-7d9f8b6c4-c9d0e)', 'event Evicted ×1: the node was low on memory']],
    ['Deployment/prod/pull', 'image-pull', 'Container app never starts: the node cannot pull ghcr.io/acme/app:9.9.9.', ['1 pod waiting with ImagePullBackOff', 'event Failed ×3: pulling ghcr.io/acme/app:9.9.9 failed — the registry has no such image or tag']],
  ];

  it.each(cases)('%s → %s', async (workload, id, summary, evidence) => {
    const { code, x, stdout } = await explainJson(workload);
    expect(code).toBe(1);
    expect(x.causes[0].id).toBe(id);
    expect(x.causes[0].summary).toBe(summary);
    for (const ev of evidence) expect(x.causes[0].evidence).toContain(ev);
    // A logged-out reader still gets the command that shows the logs.
    if (x.containers[0].lastExit) expect(x.notSeen[0].command).toBe(`kubectl logs -n prod ${x.pods[0].name} -c ${x.containers[0].name} --previous`);
    expect(stdout).not.toContain(CANARY);
    expect(stdout).not.toContain(CANARY_B64);
    // Every format: the text and the HTML report carry the same summary, and no secret either.
    for (const format of ['text', 'html']) {
      const r = await runCli(['explain', workload, '--kubeconfig', kc, '--format', format]);
      expect(r.stdout).toContain(format === 'html' ? summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;') : summary);
      for (const bad of [CANARY, CANARY_B64, 'healthz', 'executable file not found']) expect(r.stdout).not.toContain(bad);
    }
  });

  it('a healthy workload: no cause, exit 0', async () => {
    const { code, x } = await explainJson('Deployment/prod/ok');
    expect(code).toBe(0);
    expect(x.causes).toEqual([]);
    expect(x.containers[0].state).toBe('running, ready');
  });

  it('a pod name finds its Deployment (through its ReplicaSet) and explains that pod', async () => {
    const { x } = await explainJson('pod/oom-7d9f8b6c4-g5h6i', '-n', 'prod');
    expect(x.workload).toBe('Deployment/prod/oom');
    expect(x.pods.map((p: any) => p.name)).toEqual(['oom-7d9f8b6c4-g5h6i']);
    expect(x.causes[0].id).toBe('oom-killed');
  });

  it('reads pods and events in the workload namespace only, in pages', async () => {
    srv.resetLog();
    await explainJson('Deployment/prod/oom');
    const lists = srv.requests.filter((r) => r.type === 'list');
    expect(lists.find((r) => r.resource === 'events')).toMatchObject({ namespace: 'prod', query: { limit: '500' } });
    expect(lists.find((r) => r.resource === 'pods')).toMatchObject({ namespace: 'prod' });
    expect(lists.every((r) => r.namespace === 'prod' || ['applications', 'kustomizations', 'helmreleases'].includes(r.resource!))).toBe(true);
  });

  it('events are read for explain only: drift and check list no events (the reader change is additive)', async () => {
    srv.resetLog();
    await readLive({ kubeconfig: kc });
    expect(srv.requests.some((r) => r.resource === 'events')).toBe(false);
    srv.resetLog();
    const live = await readLive({ kubeconfig: kc, events: true, namespaces: ['prod'] });
    expect(srv.requests.filter((r) => r.resource === 'events')).toHaveLength(1);
    expect(live.objects.filter((o) => o.kind === 'Event').length).toBe(objects.filter((o) => o.kind === 'Event').length);
  });

  it('text: most likely first, evidence, fix, and what keydrift cannot see — never a probe URL or termination message', async () => {
    const r = await runCli(['explain', 'Deployment/prod/probe', '--kubeconfig', kc]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Most likely cause\n  1. The liveness probe kills web while the CPU limit (500m) throttles it');
    expect(r.stdout).toContain('fix: Remove the CPU limit or raise it well above the busy-time use, give the liveness probe timeoutSeconds: 5 or more and failureThreshold: 10 or more, and add a startupProbe');
    expect(r.stdout).toContain('kubectl logs -n prod probe-7d9f8b6c4-j7k8l -c web --previous');
    expect(r.stdout).not.toContain('healthz');
    expect(r.stdout).not.toContain(CANARY);
    const c = await runCli(['explain', 'Deployment/prod/cmd', '--kubeconfig', kc]);
    expect(c.stdout).not.toContain('executable file not found');
  });

  it.each([
    [['explain', 'Deployment/prod/nope'], /^keydrift: explain: Deployment\/prod\/nope not found in cluster http:\/\/127\.0\.0\.1:\d+ \(context fake\)\n$/],
    [['explain', 'ReplicaSet/prod/x'], /^keydrift: explain: 'ReplicaSet' is not a kind keydrift explains/],
    [['explain'], /^keydrift: explain: expected one WORKLOAD/],
    [['explain', 'a/b/c/d'], /^keydrift: explain: 'a\/b\/c\/d': expected Kind\/namespace\/name/],
  ])('bad input %j: one line, exit 2', async (args, msg) => {
    const r = await runCli([...args, '--kubeconfig', kc]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('explain with git: the reference file:line', () => {
  let repo: string;
  beforeAll(() => {
    repo = gitRepo({
      'apps/cfg/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cfg
  namespace: prod
spec:
  selector:
    matchLabels: { app: cfg }
  template:
    metadata:
      labels: { app: cfg }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/app:1.0.0
          env:
            - name: DB_HOST
              valueFrom:
                configMapKeyRef:
                  name: cfg-config
                  key: DB_HOST
`,
      'apps/cfg/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-config\n  namespace: prod\ndata:\n  DB_HOSTNAME: db.prod.svc\n',
    });
  });
  afterAll(() => rm(repo));

  it('points at the env entry that makes the dangling reference', async () => {
    const { x } = await explainJson('Deployment/prod/cfg', '--repo', repo);
    expect(x.causes[0].id).toBe('config-ref-missing');
    expect(x.causes[0].locations[0]).toMatchObject({ file: 'apps/cfg/deployment.yaml', line: 17 });
    expect(x.causes[0].evidence).toContain('git makes the same reference (apps/cfg/deployment.yaml:17) and does not declare key DB_HOST of ConfigMap cfg-config either');
  });
});

describe('the incident: the rename, most likely first, live and from a dump', () => {
  let root: string;
  let repos: IncidentRepos;
  let srv2: FakeApiServer;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'keydrift-explain-incident-'));
    repos = await buildIncident(root);
    srv2 = await startFakeApiServer({ objects: incidentExplainObjects() });
  });
  afterAll(async () => {
    await srv2.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('3.14.0 reads REDIS_URL; the pod gets REDIS_HOST, REDIS_PORT', async () => {
    const r = await runCli(['explain', 'Deployment/prod/user-auth', '--kubeconfig', srv2.writeKubeconfig(), '--repo', repos.gitops, '--format', 'json']);
    expect(r.stderr).toBe('');
    const x = JSON.parse(r.stdout);
    expect(x.causes.map((c: any) => c.id)).toEqual(['missing-key']);
    const c = x.causes[0];
    expect(c.summary).toBe("user-auth 3.14.0 reads REDIS_URL; the pod gets REDIS_HOST, REDIS_PORT: the key was renamed and the container's configuration still has the old names, so the app stops at start.");
    expect(c.evidence).toEqual([
      'user-auth 3.14.0 requires REDIS_URL: src/config.ts:6 (process.env.REDIS_URL)',
      'the live container gets REDIS_HOST, REDIS_PORT from ConfigMap user-auth-config (envFrom) but not REDIS_URL; user-auth 3.14.0 reads none of REDIS_HOST, REDIS_PORT',
      'pod user-auth-6c9d7f8b5d-wl7hd: last run ended with exit code 1 (the application stopped with an error), reason Error, now CrashLoopBackOff, 9 restarts',
      'git does not give it REDIS_URL either (apps/user-auth/configmap.yaml:6)',
    ]);
    expect(c.fix).toBe("Add REDIS_URL to the container's env built from the keys it already gets (value: redis://$(REDIS_HOST):$(REDIS_PORT)/0), and keep REDIS_HOST, REDIS_PORT until nothing reads them.");
    expect(c.patch).toContain('+              value: "redis://$(REDIS_HOST):$(REDIS_PORT)/0"');
    expect(x.containers[0]).toEqual({ name: 'user-auth', init: false, image: 'ghcr.io/acme/user-auth:3.14.0', state: '3× waiting: CrashLoopBackOff', restarts: 24, lastExit: 'exit code 1 (the application stopped with an error), reason Error' });
    expect(x.timeline.some((t: any) => t.what === 'Warning BackOff ×33 on Pod user-auth-6c9d7f8b5d-wl7hd (container user-auth)')).toBe(true);
    expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
    expect(r.stdout).not.toContain('ECONNREFUSED');
  });

  it('the same answer from a dump with pods and events (kubectl get … -o yaml)', async () => {
    const dump = path.join(root, 'dump.yaml');
    await writeIncidentExplainDump(dump);
    const r = await runCli(['explain', 'user-auth', '--cluster-dump', dump, '--repo', repos.gitops, '--format', 'json']);
    const x = JSON.parse(r.stdout);
    expect(x.sources.live).toBe(`dump ${dump}`);
    expect(x.causes.map((c: any) => c.id)).toEqual(['missing-key']);
    expect(x.causes[0].summary).toMatch(/^user-auth 3\.14\.0 reads REDIS_URL; the pod gets REDIS_HOST, REDIS_PORT/);
    expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
  });

  it('after the kubectl patch: running again, but only thanks to a live change git does not have — its fate', async () => {
    const objs = incidentExplainObjects().map((o: any) => {
      if (o.kind === 'ConfigMap') {
        o.data.REDIS_URL = 'redis://redis-master.prod.svc.cluster.local:6379/0';
        o.metadata.managedFields.push(managedFieldsEntry({ manager: 'kubectl-patch', operation: 'Update', time: '2026-11-20T14:03:27Z', keys: ['REDIS_URL'] }));
      }
      if (o.kind === 'Pod') {
        const st = o.status.containerStatuses[0];
        st.state = { running: { startedAt: '2026-11-20T14:05:00Z' } };
        st.ready = true;
        st.started = true;
      }
      return o;
    });
    const srv3 = await startFakeApiServer({ objects: objs });
    try {
      const r = await runCli(['explain', 'Deployment/prod/user-auth', '--kubeconfig', srv3.writeKubeconfig(), '--repo', repos.gitops, '--format', 'json']);
      const x = JSON.parse(r.stdout);
      expect(x.failing).toBe(false);
      expect(x.causes.map((c: any) => c.id)).toEqual(['live-only-fix', 'exit-code']);
      expect(x.causes[0].summary).toMatch(/^user-auth 3\.14\.0 requires REDIS_URL, and the container gets it only from a change made by hand in the cluster \(kubectl-patch, 2026-11-20T14:03:27Z\) that git does not have — kept: /);
      expect(x.causes[0].patch).toContain('+  REDIS_URL: redis://redis-master.prod.svc.cluster.local:6379/0');
      expect(x.causes[1].summary).toBe('Container user-auth is running and ready now; before, it restarted (last stop: exit code 1 (the application stopped with an error), reason Error).');
      expect(x.drift.map((f: any) => `${f.check} ${f.key}`)).toEqual(['live-only-key REDIS_URL']);
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain(EXAMPLE_SECRET_VALUE);
    } finally {
      await srv3.close();
    }
  });

  it('a dump without events says so', async () => {
    const dump = path.join(root, 'dump-noevents.yaml');
    const { stringify } = await import('yaml');
    writeFileSync(dump, stringify({ apiVersion: 'v1', kind: 'List', items: incidentExplainObjects().filter((o) => o.kind !== 'Event') }));
    const r = await runCli(['explain', 'Deployment/prod/user-auth', '--cluster-dump', dump, '--format', 'json']);
    expect(JSON.parse(r.stdout).skipped).toContainEqual({ what: 'events', reason: 'the dump has no events in namespace prod (add them: kubectl get events -n prod -o yaml)' });
  });

  it('without the contract (no mapping), the exit code is the answer and the reason is named', async () => {
    const r = await runCli(['explain', 'Deployment/prod/user-auth', '--kubeconfig', srv2.writeKubeconfig(), '--format', 'json'], { cwd: root });
    const x = JSON.parse(r.stdout);
    expect(x.causes[0].id).toBe('exit-code');
    expect(x.skipped.map((s: any) => s.what)).toContain('contract of ghcr.io/acme/user-auth:3.14.0');
  });
});

describe('exit codes and messages', () => {
  it.each([
    [0, 'exited successfully'],
    [1, 'the application stopped with an error'],
    [2, 'the application stopped with an error (often a usage error)'],
    [125, 'the container runtime could not run the container'],
    [126, 'the command is not executable'],
    [127, 'command not found'],
    [128, 'invalid exit argument'],
    [134, 'aborted (SIGABRT)'],
    [137, 'killed by SIGKILL'],
    [139, 'segmentation fault (SIGSEGV)'],
    [143, 'terminated by SIGTERM'],
    [255, 'exit status out of range (-1)'],
    [131, 'killed by SIGQUIT'],
    [42, "the application exited with its own error code"],
  ])('%i: %s', (code, meaning) => expect(exitMeaning(code).meaning).toBe(meaning));

  it('an events.k8s.io/v1 Event (regarding, note, series) reads like a core one', () => {
    const e = eventFact({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web-1.17a', namespace: 'prod' },
      regarding: { kind: 'Pod', name: 'web-1', namespace: 'prod', fieldPath: 'spec.containers{web}' },
      reason: 'Killing',
      note: 'Container web failed liveness probe, will be restarted',
      type: 'Normal',
      eventTime: '2026-11-20T14:00:00.000000Z',
      series: { count: 7, lastObservedTime: '2026-11-20T14:10:00.000000Z' },
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
    });
    expect(e).toEqual({ reason: 'Killing', type: 'Normal', count: 7, firstTime: '2026-11-20T14:00:00.000000Z', lastTime: '2026-11-20T14:10:00.000000Z', object: { kind: 'Pod', name: 'web-1' }, container: 'web', parsed: { killedByProbe: 'liveness' } });
  });

  it.each([
    [`Liveness probe failed: Get "http://10.0.0.1:8080/h?key=${CANARY}": context deadline exceeded`, { probe: 'liveness', probeFailure: 'timeout' }],
    ['Readiness probe failed: HTTP probe failed with statuscode: 503', { probe: 'readiness', probeFailure: 'http-status', httpStatus: 503 }],
    [`Liveness probe failed: ${CANARY} token rejected`, { probe: 'liveness', probeFailure: 'other' }],
    ['Container web failed liveness probe, will be restarted', { killedByProbe: 'liveness' }],
    ['Error: secret "db-creds" not found', { missingObject: { kind: 'Secret', name: 'db-creds' } }],
    ["Error: couldn't find key password in Secret prod/db-creds", { missingKey: { kind: 'Secret', name: 'db-creds', key: 'password' } }],
    ['Successfully pulled image "ghcr.io/acme/app:1.0.0" in 401ms (401ms including waiting). Image size: 5 bytes.', {}],
    ['Failed to pull image "ghcr.io/acme/app:2.0.0": rpc error: code = Unknown desc = failed to resolve reference: unexpected status: 401 Unauthorized', { image: 'ghcr.io/acme/app:2.0.0', pullFailure: 'unauthorized' }],
    ['The node was low on resource: memory. Threshold quantity: 100Mi, available: 20Mi.', { evictedFor: 'memory' }],
  ])('parses %s into names and classes only', (msg, want) => {
    const p = parseMessage(msg);
    expect(p).toEqual(want);
    expect(JSON.stringify(p)).not.toContain(CANARY);
  });
});
