/**
 * Issue 15.8: killing keydrift during a delegated build left the materialised repository
 * (Secret manifests in plain text) in $TMPDIR and kubectl running; the Action left its temp
 * kubeconfig behind. On SIGINT/SIGTERM the built CLI and Action (lib/, `npm run build`) kill their
 * children and remove their temporary directories before exiting with 128 + the signal number.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commit, initRepo } from '../helpers/git.js';
import { sandbox, type Sandbox } from './helpers.js';

jest.setTimeout(60_000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'keydrift.js');
const ACTION = path.join(ROOT, 'lib', 'action', 'index.js');
const built = existsSync(path.join(ROOT, 'lib', 'cleanup.js'));

const SECRET_VALUE = 'c2lnbmFsLWNhbmFyeQ==';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on('close', (code) => r(code)));

(built ? describe : describe.skip)(`stopping keydrift cleans up${built ? '' : ' (skipped: run npm run build first)'}`, () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox('kd-sec-sig-');
  });
  afterEach(() => sb.cleanup());

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('CLI, %s during a delegated build: the copy of the repository is removed and the tool killed', async (sig, code) => {
    const pidFile = path.join(sb.root, 'grandchild.pid');
    sb.tool('kustomize', `sleep 300 & echo $! > '${pidFile}'; wait`);
    const repo = path.join(sb.root, 'repo');
    mkdirSync(path.join(repo, 'app'), { recursive: true });
    writeFileSync(path.join(repo, 'app/kustomization.yaml'), 'resources:\n- secret.yaml\nreplacements:\n- source: {kind: Secret, name: s, fieldPath: data.P}\n  targets:\n  - select: {kind: Secret}\n    fieldPaths: [data.Q]\n');
    writeFileSync(path.join(repo, 'app/secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  P: ${SECRET_VALUE}\n`);
    const child = spawn(process.execPath, [BIN, 'render', repo], {
      env: { PATH: `${sb.bin}${path.delimiter}${process.env.PATH}`, TMPDIR: sb.tmp, HOME: sb.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = exited(child);
    await until('the stand-in tool to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    const copies = readdirSync(sb.tmp).filter((d) => d.startsWith('keydrift-kustomize-'));
    expect(copies).toHaveLength(1); // the materialised repository, Secret included, exists now
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    child.kill(sig);
    expect(await done).toBe(code);
    // (Node's compile cache of keydrift's own code, bin/keydrift.js, may sit there: code, no input.)
    expect(readdirSync(sb.tmp).filter((f) => f !== 'node-compile-cache')).toEqual([]); // the copy of the repository is gone
    await until('the tool’s child to die', () => !alive(grandchild), 5000);
  });

  it('Action, SIGTERM while talking to the cluster: the temp kubeconfig is removed', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const repo = initRepo(path.join(sb.root, 'gitops'));
      commit(repo, { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\ndata:\n  A: "1"\n' });
      const runnerTemp = path.join(sb.root, 'runner-temp');
      mkdirSync(runnerTemp);
      const files = Object.fromEntries(['event.json', 'output.txt', 'summary.md'].map((f) => [f, path.join(sb.root, f)]));
      writeFileSync(files['event.json']!, '{}');
      writeFileSync(files['output.txt']!, '');
      writeFileSync(files['summary.md']!, '');
      const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: kubeconfig-canary-token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`;
      const child = spawn(process.execPath, [ACTION], {
        cwd: repo,
        env: {
          PATH: process.env.PATH,
          HOME: sb.root,
          TMPDIR: sb.tmp,
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: 'workflow_dispatch',
          GITHUB_EVENT_PATH: files['event.json'],
          GITHUB_WORKSPACE: repo,
          GITHUB_REPOSITORY: 'acme/gitops',
          GITHUB_OUTPUT: files['output.txt'],
          GITHUB_STEP_SUMMARY: files['summary.md'],
          RUNNER_TEMP: runnerTemp,
          INPUT_MODE: 'drift',
          INPUT_KUBECONFIG: kubeconfig,
          INPUT_COMMENT: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const done = exited(child);
      await until('the kubeconfig to be written and the cluster contacted', () => readdirSync(runnerTemp).some((d) => d.startsWith('keydrift-kube-')) && sockets.length > 0);
      child.kill('SIGTERM');
      expect(await done).toBe(143);
      expect(readdirSync(runnerTemp).filter((d) => d.startsWith('keydrift-kube-'))).toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
