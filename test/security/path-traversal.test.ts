/**
 * Issue 15.1: a git tree may hold entries `git add` never writes (`..`, `.git`, `a\b`): `git
 * mktree` makes them and `git fsck` only warns. keydrift reads trees from git objects and copies
 * them out for `kubectl kustomize` and `helm template`: such an entry must never become a file
 * outside keydrift's own temporary directory. The tree is refused (exit 2, one line), and the
 * copy-out itself refuses any path that is not a normal relative path (defence in depth).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { pathProblem } from '../../src/sources/paths.js';
import { writeConfined } from '../../src/sources/materialise.js';
import { DirTree, GitTree } from '../../src/sources/tree.js';
import { CM, DELEGATED_KUSTOMIZATION, repoWithTree, sandbox, walk, type Sandbox } from './helpers.js';

describe('normal relative paths', () => {
  it.each([
    ['..', "has a '..' segment"],
    ['../tmp/PWNED.txt', "has a '..' segment"],
    ['app/../../x', "has a '..' segment"],
    ['./a', "has a '.' segment"],
    ['/etc/passwd', 'is absolute'],
    ['a//b', 'has an empty segment'],
    ['a/', 'has an empty segment'],
    ['a\\..\\..\\b', 'contains a backslash'],
    ['a\0b', 'contains a NUL byte'],
    ['C:/Windows', 'starts with a drive letter'],
    ['.git/config', "names a '.git' directory"],
    ['sub/.GIT/hooks/post-checkout', "names a '.git' directory"],
    ['.git./config', "names a '.git' directory"],
    ['.git /config', "names a '.git' directory"],
    ['git~1/config', "names a '.git' directory"],
    ['.git::$INDEX_ALLOCATION/config', "names a '.git' directory"],
    ['.g\u200cit/config', "names a '.git' directory"],
    ['', 'empty path'],
  ])('%j is refused: %s', (p, why) => {
    expect(pathProblem(p)).toBe(why);
  });

  it.each(['a', 'app/kustomization.yaml', '.gitignore', '.github/workflows/x.yml', 'a..b/c', '...', '.gitkeep', 'git~x', 'ünï/cödé.yaml', 'a b/c d'])('%j is a normal path', (p) => {
    expect(pathProblem(p)).toBeUndefined();
  });
});

describe('copying files out of a tree', () => {
  it.each(['../escape.txt', 'a/../../escape.txt', '/abs-escape.txt', 'a\\..\\escape.txt', '.git/config'])('refuses %j and writes nothing outside', (bad) => {
    const outer = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kd-sec-mat-')));
    const root = path.join(outer, 'root');
    mkdirSync(root);
    expect(() => writeConfined(root, new Map([[bad, 'x']]))).toThrow(/refusing to write/);
    expect(walk(outer)).toEqual([]);
  });
});

describe('a crafted tree with a `..` entry', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox();
    // The minimal case: the kustomization is delegated (replacements), so the tree is materialised.
    sb.tool('kubectl', 'echo "apiVersion: v1"; echo "kind: ConfigMap"; echo "metadata: {name: cm}"');
    sb.tool('kustomize', 'echo "apiVersion: v1"; echo "kind: ConfigMap"; echo "metadata: {name: cm}"');
    sb.tool('helm', 'exit 0');
  });
  afterEach(() => sb.cleanup());

  const cases: [string, Record<string, any>][] = [
    ['a kustomize dir delegated to kubectl', { '..': { tmp: { 'PWNED.txt': 'pwned\n' } }, app: { 'kustomization.yaml': DELEGATED_KUSTOMIZATION, 'cm.yaml': CM } }],
    ['a Helm chart copied out for helm template', { chart: { 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', templates: { 'cm.yaml': CM }, '..': { '..': { tmp: { 'PWNED.txt': 'pwned\n' } } } } }],
    ['a .git directory inside the tree', { app: { 'kustomization.yaml': DELEGATED_KUSTOMIZATION, 'cm.yaml': CM, '.git': { config: '[core]\n\tfsmonitor = touch PWNED.txt\n' } } }],
    ['a backslash traversal', { '..\\..\\tmp': { 'PWNED.txt': 'pwned\n' }, app: { 'kustomization.yaml': DELEGATED_KUSTOMIZATION, 'cm.yaml': CM } }],
  ];

  it.each(cases)('%s: refused with one line, exit 2, nothing written anywhere', async (_name, tree) => {
    const repo = path.join(sb.root, 'repo');
    repoWithTree(repo, tree);
    const r = await sb.with({}, () => runCli(['render', repo, '--ref', 'HEAD']));
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keydrift: .*tree entry ".*" (has a '\.\.' segment|names a '\.git' directory|contains a backslash): not a path git would check out; refusing to read this tree\n$/);
    expect(r.code).toBe(2);
    // Nothing anywhere in the sandbox but the repository itself and the fake tools: TMPDIR is empty again.
    expect(walk(sb.tmp)).toEqual([]);
    expect(walk(sb.root).filter((f) => /PWNED/.test(f) && !f.startsWith(`repo${path.sep}.git`))).toEqual([]);
  });

  it('the tree is refused as soon as it is listed, whatever reads it', async () => {
    const repo = path.join(sb.root, 'repo');
    repoWithTree(repo, { '..': { 'x.yaml': CM }, 'ok.yaml': CM });
    const t = await GitTree.open(repo, 'HEAD');
    await expect(t.list()).rejects.toThrow(/tree entry "\.\.\/x\.yaml" has a '\.\.' segment/);
  });
});

describe('reading a working tree', () => {
  it('reads only normal paths whose file is inside the root and not a symlink', async () => {
    const outer = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kd-sec-dir-')));
    try {
      const root = path.join(outer, 'repo');
      mkdirSync(path.join(root, 'a'), { recursive: true });
      writeFileSync(path.join(root, 'a/in.yaml'), 'inside');
      writeFileSync(path.join(outer, 'secret.txt'), 'outside');
      symlinkSync(path.join(outer, 'secret.txt'), path.join(root, 'a/link.txt'));
      symlinkSync(outer, path.join(root, 'up'));
      const t = new DirTree(root);
      expect(await t.read('a/in.yaml')).toBe('inside');
      for (const p of ['../secret.txt', 'a/../../secret.txt', `${outer}/secret.txt`, 'a/link.txt', 'up/secret.txt', 'a//in.yaml']) expect(await t.read(p)).toBeUndefined();
      expect(await t.list()).toEqual(['a/in.yaml']);
    } finally {
      rmSync(outer, { recursive: true, force: true });
    }
  });
});
