/**
 * Issue 15.4: `.keydrift.yaml` comes from the pull request, so the sources it names must stay in
 * the workspace: the directory holding the GitOps repository (checkouts side by side), plus what
 * the user allows with `--source-root` / the Action's `source-roots` — never what the file says.
 * `path: /etc` or `/proc/self` (heap exhaustion before) is one line and exit 2, at once; so are
 * a local `git: file://` clone and a `dir:` that climbs out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { commit, initRepo } from '../helpers/git.js';
import { sandbox, type Sandbox } from './helpers.js';

const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: example.com/app:1.0\n';

let sb: Sandbox;
let ws: string;
beforeAll(() => {
  sb = sandbox('kd-sec-src-');
  ws = path.join(sb.root, 'ws');
  const app = initRepo(path.join(ws, 'app'));
  commit(app, { 'index.js': 'const u = process.env.DB_URL;\nif (!u) throw new Error("DB_URL");\n' }, 'v1', 'v1.0');
  const elsewhere = initRepo(path.join(sb.root, 'elsewhere', 'app2'));
  commit(elsewhere, { 'index.js': 'const u = process.env.OTHER_URL;\nif (!u) throw new Error("OTHER_URL");\n' }, 'v1', 'v1.0');
  mkdirSync(path.join(ws, 'links'));
  symlinkSync('/etc', path.join(ws, 'links', 'etc'));
});
afterAll(() => sb.cleanup());

async function check(config: string, extra: string[] = []) {
  const gitops = path.join(ws, `gitops-${Math.random().toString(36).slice(2, 8)}`);
  initRepo(gitops);
  commit(gitops, { '.keydrift.yaml': config, 'd.yaml': DEPLOY });
  const r = await sb.with({}, () => runCli(['check', '--repo', gitops, '--format', 'json', ...extra]));
  return r;
}

describe('.keydrift.yaml sources are confined to the workspace', () => {
  it.each([
    ['an absolute system path', 'path: /etc', /path '\/etc' is outside the workspace .*--source-root DIR/],
    ['/proc/self', 'path: /proc/self', /path '\/proc\/self' is outside the workspace/],
    ['a climb out of the workspace', 'path: ../../elsewhere/app2', /path '\.\.\/\.\.\/elsewhere\/app2' is outside the workspace/],
    ['a symlink in the workspace to /etc', 'path: ../links/etc', /path '\.\.\/links\/etc' is outside the workspace/],
    ['a local git clone', 'git: file:///etc', /git URL 'file:\/\/\/etc' is not a network URL/],
    ['a transport helper', 'git: "ext::sh -c id"', /git URL 'ext::sh -c id' is not a network URL/],
    ['a dir that climbs out', 'path: ../app\n    dir: ../../elsewhere', /dir '\.\.\/\.\.\/elsewhere' must be a sub-directory/],
  ])('%s: one line, exit 2', async (_n, spec, why) => {
    const r = await check(`sources:\n  example.com/app:\n    ${spec}\n`);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^keydrift: \\.keydrift\\.yaml: source of 'example\\.com/app': [^\\n]*${why.source}[^\\n]*\\n$`));
    expect(r.code).toBe(2);
  });

  it('a sibling checkout in the workspace is read', async () => {
    const r = await check('sources:\n  example.com/app:\n    path: ../app\n');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: any) => `${f.check} ${f.key}`)).toEqual(['missing-key DB_URL']);
  });

  it('--source-root lets the user (never the file) allow another directory', async () => {
    const r = await check('sources:\n  example.com/app:\n    path: ../../elsewhere/app2\n', ['--source-root', path.join(sb.root, 'elsewhere')]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: any) => `${f.check} ${f.key}`)).toEqual(['missing-key OTHER_URL']);
  });

  it('--source on the command line is the user’s own choice and is not confined', async () => {
    const r = await check('sources: {}\n', ['--source', `example.com/app=${path.join(sb.root, 'elsewhere', 'app2')}`]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: any) => `${f.check} ${f.key}`)).toEqual(['missing-key OTHER_URL']);
  });
});

// A file the CLI reads, not the repo: the same confinement applies to `keydrift contract IMAGE` (.keydrift.yaml in the working directory).
describe('the same rule for .keydrift.yaml in the working directory', () => {
  it('mappingsFromConfigFile refuses /etc', async () => {
    const { mappingsFromConfigFile } = await import('../../src/images/oci-contract.js');
    const dir = path.join(ws, 'cwd');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.keydrift.yaml'), 'sources:\n  example.com/app:\n    path: /etc\n');
    expect(() => mappingsFromConfigFile(dir)).toThrow(/path '\/etc' is outside the workspace/);
  });
});
