/**
 * A PR check reads two commits of one repository. Both commits resolve with one `git rev-parse`;
 * one `git diff-tree --stdin` lists the head (the empty tree against it) and gives the changes
 * since the base, whose listing is the head's with the changes' base side (no `git ls-tree`);
 * the base versions of changed manifests are read in the head's one `git cat-file` batch. What the base tree lists and reads must be exactly what `ls-tree` and
 * `cat-file` of that commit give, whatever the change: added, deleted, modified, mode changes,
 * a symlink replacing a file and the other way round, a submodule entry.
 */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitTree } from '../../src/sources/tree.js';
import { changedFiles } from '../../src/render/pr.js';
import { commit, git, initRepo } from '../helpers/git.js';
import { countGitProcesses } from '../helpers/git-count.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-git-pair-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function repoWithEveryKindOfChange(): string {
  const repo = initRepo(path.join(tmp, 'r'));
  commit(repo, {
    'a.yaml': 'a: 1\n',
    'gone.yaml': 'g: 1\n',
    'run.sh': '#!/bin/sh\n',
    'dir/c.yaml': 'c: 1\n',
    'dir/to-link.yaml': 'l: 1\n',
    'same/x.yaml': 'x: 1\n',
    'apps/kustomization.yaml': 'resources: [a.yaml]\n',
  });
  chmodSync(path.join(repo, 'run.sh'), 0o755);
  symlinkSync('a.yaml', path.join(repo, 'link.yaml'));
  // A submodule entry (a gitlink: an embedded repository): listed by neither side.
  commit(initRepo(path.join(repo, 'sub')), { 'inner.yaml': 'i: 1\n' });
  commit(repo, {}, 'base');
  expect(git(repo, 'ls-tree', 'HEAD', 'sub')).toMatch(/^160000 commit/);
  const base = git(repo, 'rev-parse', 'HEAD');
  // The head: modify, delete, add, mode change, symlink → file, file → symlink.
  writeFileSync(path.join(repo, 'a.yaml'), 'a: 2\n');
  rmSync(path.join(repo, 'gone.yaml'));
  writeFileSync(path.join(repo, 'new.yaml'), 'n: 1\n');
  chmodSync(path.join(repo, 'run.sh'), 0o644);
  rmSync(path.join(repo, 'link.yaml'));
  writeFileSync(path.join(repo, 'link.yaml'), 'now: a file\n');
  rmSync(path.join(repo, 'dir/to-link.yaml'));
  symlinkSync('c.yaml', path.join(repo, 'dir/to-link.yaml'));
  mkdirSync(path.join(repo, 'apps'), { recursive: true });
  writeFileSync(path.join(repo, 'apps/kustomization.yaml'), 'resources: [b.yaml]\n');
  rmSync(path.join(repo, 'sub'), { recursive: true, force: true });
  commit(repo, {}, 'head');
  git(repo, 'tag', 'base-tag', base);
  return repo;
}

test('the base derived from the head and the diff lists and reads exactly what ls-tree and cat-file of the base give', async () => {
  const repo = repoWithEveryKindOfChange();
  const alone = await GitTree.open(repo, 'base-tag');
  const [head, base] = await GitTree.openPair(repo, 'HEAD', 'base-tag');
  expect(base.commit).toBe(alone.commit);
  expect(head.commit).toBe(git(repo, 'rev-parse', 'HEAD'));
  const changed = await changedFiles(base, head);
  expect([...changed].sort()).toEqual(['a.yaml', 'apps/kustomization.yaml', 'dir/to-link.yaml', 'gone.yaml', 'link.yaml', 'new.yaml', 'run.sh', 'sub']);
  const want = await alone.list();
  expect(want).toContain('dir/to-link.yaml');
  expect(want).not.toContain('link.yaml');
  expect(await base.list()).toEqual(want);
  expect(await base.readMany(want)).toEqual(await alone.readMany(want));
  // The head side is untouched by the pairing.
  const headAlone = await GitTree.open(repo, 'HEAD');
  expect(await head.list()).toEqual(await headAlone.list());
  expect(await head.readMany(await head.list())).toEqual(await headAlone.readMany(await headAlone.list()));
});

test('a PR pair costs one rev-parse, one diff-tree (the head listing and the changes) and one cat-file, base versions of changed manifests included', async () => {
  const repo = repoWithEveryKindOfChange();
  const { count, calls } = await countGitProcesses(tmp, async () => {
    const [head, base] = await GitTree.openPair(repo, 'HEAD', 'base-tag');
    const changed = await changedFiles(base, head);
    // The head render's batch, then the base's reads of its changed manifests: no git process of its own.
    const headFiles = await head.list();
    await head.readMany(headFiles);
    const baseYaml = [...changed].filter((f) => f.endsWith('.yaml') && !headFiles.includes(f)).concat(['a.yaml', 'apps/kustomization.yaml']);
    const texts = await base.readMany(baseYaml);
    expect(texts.get('a.yaml')).toBe('a: 1\n');
    expect(texts.get('gone.yaml')).toBe('g: 1\n');
    expect(texts.get('apps/kustomization.yaml')).toBe('resources: [a.yaml]\n');
    expect((await base.list()).includes('new.yaml')).toBe(false);
  });
  expect(calls.sort()).toEqual(['cat-file', 'diff-tree', 'rev-parse']);
  expect(count).toBe(3);
});

test('a missing base ref is still named, with one process more', async () => {
  const repo = repoWithEveryKindOfChange();
  await expect(GitTree.openPair(repo, 'HEAD', 'no-such-ref')).rejects.toThrow(`${repo}: git ref 'no-such-ref' not found`);
  await expect(GitTree.openPair(repo, 'no-such-head', 'HEAD')).rejects.toThrow(`${repo}: git ref 'no-such-head' not found`);
  await expect(GitTree.openPair(path.join(tmp, 'nope'), 'HEAD', 'HEAD~1')).rejects.toThrow('no such directory');
  // A ref that is a range is not taken for a commit.
  await expect(GitTree.openPair(repo, 'HEAD', 'base-tag..HEAD')).rejects.toThrow("git ref 'base-tag..HEAD' not found");
});
