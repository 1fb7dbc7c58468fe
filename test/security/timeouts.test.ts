/**
 * Issue 15.12: a delegated build whose remote base never answers held the job for ever. The
 * build (and `helm template`) is stopped after KEYDRIFT_TOOL_TIMEOUT seconds, the whole process
 * group killed, and the app skipped with a message naming the remote bases.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { DirTree } from '../../src/sources/tree.js';
import { findKustomizeTool } from '../../src/render/kustomize/delegate.js';
import { sandbox, type Sandbox } from './helpers.js';

jest.setTimeout(60_000);

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (!alive(pid)) return true;
  return !alive(pid);
}

const DELEGATED = (remote: string) => `resources:\n- ${remote}\nreplacements:\n- source: {kind: ConfigMap, name: x, fieldPath: data.A}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.B]\n`;

describe('delegated builds and helm are bounded in time', () => {
  let sb: Sandbox;
  let server: net.Server;
  let port: number;
  const sockets: net.Socket[] = [];
  beforeEach(async () => {
    sb = sandbox('kd-sec-time-');
    // A server that accepts and never answers.
    server = net.createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    sb.cleanup();
  });

  it('a stand-in tool that never ends is killed with its children, and the app is skipped saying why', async () => {
    const pidFile = path.join(sb.root, 'child.pid');
    // A shell that starts a grandchild (as kubectl starts git) and waits for it.
    sb.tool('kustomize', `sleep 300 & echo $! > '${pidFile}'; wait`);
    const repo = path.join(sb.root, 'repo');
    writeFiles(repo, { 'app/kustomization.yaml': DELEGATED(`https://127.0.0.1:${port}/acme/base.git//app?ref=v1`) });
    const snap = await sb.with({ KEYDRIFT_TOOL_TIMEOUT: '1' }, () => loadSnapshot(new DirTree(repo)));
    expect(snap.skipped).toEqual([
      {
        file: 'app/kustomization.yaml',
        reason: expect.stringContaining(`kustomize build did not finish within 1 s (remote bases: https://127.0.0.1:${port}/acme/base.git//app?ref=v1) and was stopped`),
      },
    ]);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitGone(grandchild)).toBe(true);
    expect(readdirSync(sb.tmp).filter((d) => d.startsWith('keydrift-kustomize-'))).toEqual([]);
  });

  (findKustomizeTool() ? it : it.skip)(`the real tool on a remote base that never answers is stopped (${findKustomizeTool()?.label ?? 'skipped: no kustomize or kubectl on PATH'})`, async () => {
    const repo = path.join(sb.root, 'repo');
    const remote = `https://127.0.0.1:${port}/acme/base.git//app?ref=v1`;
    writeFiles(repo, { 'app/kustomization.yaml': DELEGATED(remote) });
    const snap = await sb.with({ KEYDRIFT_TOOL_TIMEOUT: '10' }, () => loadSnapshot(new DirTree(repo)));
    expect(snap.skipped.map((s) => s.reason)).toEqual([expect.stringContaining(`did not finish within 10 s (remote bases: ${remote}) and was stopped`)]);
    expect(sockets.length).toBeGreaterThan(0); // it did try the server
  });

  it('helm template that never ends is stopped', async () => {
    sb.tool('helm', 'exec sleep 300');
    const repo = path.join(sb.root, 'repo');
    writeFiles(repo, {
      'charts/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'charts/c/templates/cm.yaml': 'kind: ConfigMap\n',
      'apps/c.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: c\n  namespace: argocd\nspec:\n  destination: {namespace: web}\n  source:\n    repoURL: https://example.com/g.git\n    path: charts/c\n',
    });
    const snap = await sb.with({ KEYDRIFT_TOOL_TIMEOUT: '1' }, () => loadSnapshot(new DirTree(repo)));
    expect(snap.skipped.map((s) => s.reason)).toEqual([expect.stringContaining('helm template did not finish within 1 s and was stopped')]);
  });
});
