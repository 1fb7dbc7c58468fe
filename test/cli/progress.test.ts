/** Progress on long runs (issue 13.9): one line on a TTY's stderr, nothing off a TTY or with --quiet. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident, EXAMPLE_SECRET_VALUE, type IncidentRepos } from '../../src/example/incident.js';
import { runCheck } from '../../src/commands/check.js';
import { Progress } from '../../src/progress.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
let repos: IncidentRepos;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-progress-'));
  repos = await buildIncident(path.join(tmp, 'example'));
}, 60000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) }, writes };
}

describe('progress', () => {
  it('on a TTY: counts redrawn on one line, erased at the end', async () => {
    const { stream, writes } = fakeStream(true);
    await runCheck({ repo: repos.gitops, base: repos.base, head: repos.head, progress: new Progress(stream) });
    const all = writes.join('');
    expect(all).toContain('keydrift: 1/1 workloads checked');
    expect(all).toContain('2 contracts read'); // 3.14.0 and the 3.13.2 it replaces
    expect(all).not.toContain('\n');
    expect(writes.every((w) => w.startsWith('\r\u001b[2K'))).toBe(true);
    expect(writes[writes.length - 1]).toBe('\r\u001b[2K');
    expect(all).not.toContain(EXAMPLE_SECRET_VALUE);
  });

  it.each([
    ['not a TTY', false, {}],
    ['--quiet', true, { quiet: true }],
  ])('%s: nothing', async (_t, isTTY, opts) => {
    const { stream, writes } = fakeStream(isTTY);
    await runCheck({ repo: repos.gitops, base: repos.base, head: repos.head, progress: new Progress(stream, opts) });
    expect(writes).toEqual([]);
  });

  it('the CLI: on stderr only when stderr is a TTY and not --quiet; stdout untouched', async () => {
    const args = ['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head];
    const tty = await runCli(args, { stderrIsTTY: true });
    expect(tty.stderr).toContain('workloads checked');
    expect(tty.stdout).not.toContain('workloads checked');
    expect((await runCli(args, { stderrIsTTY: false })).stderr).toBe('');
    expect((await runCli([...args, '--quiet'], { stderrIsTTY: true })).stderr).toBe('');
  });
});
