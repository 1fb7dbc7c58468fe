/** Image → source without a registry: the image config is given, the source is a real git repo. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeydriftError } from '../../src/errors.js';
import { parseImageRef } from '../../src/images/ref.js';
import { contractForImage } from '../../src/images/oci-contract.js';
import { cacheRepoFor, fetchRevision } from '../../src/images/oci-source.js';
import type { ImageConfig } from '../../src/images/registry.js';
import { parseConfig } from '../../src/images/mapping.js';
import { git, makeSourceRepo, type SourceRepo } from '../support/registry-source.js';

let tmp: string;
let src: SourceRepo;
const savedCache = process.env.KEYDRIFT_CACHE_DIR;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'keydrift-ocisrc-'));
  src = makeSourceRepo(tmp);
});
beforeEach(() => {
  // A fresh cache per test: each one says how it fetches.
  process.env.KEYDRIFT_CACHE_DIR = mkdtempSync(path.join(tmp, 'cache-'));
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KEYDRIFT_CACHE_DIR;
  else process.env.KEYDRIFT_CACHE_DIR = savedCache;
  rmSync(tmp, { recursive: true, force: true });
});

function image(raw: string, labels: Record<string, string>, env: Record<string, string> = {}): ImageConfig {
  return { ref: parseImageRef(raw)!, registry: 'ghcr.io', digest: 'sha256:' + 'a'.repeat(64), manifestDigest: 'sha256:' + 'a'.repeat(64), configDigest: 'sha256:' + 'b'.repeat(64), env, labels, notes: [] };
}
const S = 'org.opencontainers.image.source';
const R = 'org.opencontainers.image.revision';

test('revision as a full commit id: shallow fetch of that commit only', async () => {
  const { repo, commit } = await fetchRevision(src.url, src.commits.v1);
  expect(commit).toBe(src.commits.v1);
  expect(repo).toBe(cacheRepoFor(src.url));
  expect(existsSync(path.join(repo, 'shallow'))).toBe(true);
  // Only the one commit is there: its parent-less shallow history, not the later ones.
  expect(git(repo, 'rev-list', '--all').split('\n')).toEqual([src.commits.v1]);
});

test.each([
  ['an abbreviated commit id', () => src.commits.v2.slice(0, 10)],
  ['a tag', () => 'v3.14.0'],
])('revision as %s', async (_what, rev) => {
  const r = await contractForImage('ghcr.io/acme/user-auth:3.14.0', { image: image('ghcr.io/acme/user-auth:3.14.0', { [S]: src.url, [R]: rev() }) });
  expect(r.tree?.commit).toBe(src.commits.v2);
  expect(r.contract.entries.has('REDIS_URL')).toBe(true);
});

test('a source label that is a plain local directory (no git) is read as it is', async () => {
  const dir = path.join(tmp, 'plain');
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  writeFileSync(path.join(dir, 'src', 'a.py'), 'import os\nX = os.environ["PLAIN_DIR_KEY"]\n');
  const r = await contractForImage('ghcr.io/acme/plain:1', { image: image('ghcr.io/acme/plain:1', { [S]: dir, [R]: 'abc' }) });
  expect(r.sourceFrom).toBe('labels');
  expect(r.tree?.commit).toBeUndefined();
  expect(r.contract.entries.get('PLAIN_DIR_KEY')?.kind).toBe('required');
});

test('a monorepo: the mapping dir applies to the labelled repository', async () => {
  const mono = path.join(tmp, 'mono');
  mkdirSync(path.join(mono, 'services', 'auth'), { recursive: true });
  mkdirSync(path.join(mono, 'services', 'billing'), { recursive: true });
  writeFileSync(path.join(mono, 'services', 'auth', 'main.go'), 'package main\nimport "os"\nvar u = os.Getenv("AUTH_ONLY")\n');
  writeFileSync(path.join(mono, 'services', 'billing', 'main.go'), 'package main\nimport "os"\nvar u = os.Getenv("BILLING_ONLY")\n');
  git(mono, 'init', '-q', '-b', 'main');
  git(mono, 'add', '-A');
  git(mono, 'commit', '-q', '-m', 'mono');
  const rev = git(mono, 'rev-parse', 'HEAD');
  const mappings = parseConfig('sources:\n  ghcr.io/acme/auth:\n    path: mono\n    dir: services/auth\n', '.keydrift.yaml', tmp).sources;
  const r = await contractForImage('ghcr.io/acme/auth:1', { mappings, image: image('ghcr.io/acme/auth:1', { [S]: `file://${mono}`, [R]: rev }) });
  expect(r.sourceFrom).toBe('labels');
  expect([...r.contract.entries.keys()]).toEqual(['AUTH_ONLY']);
});

test('labels unreadable but a mapping exists: the mapping, at the labelled revision, with a note', async () => {
  const mappings = parseConfig(`sources:\n  ghcr.io/acme/user-auth: ${src.dir}\n`, '.keydrift.yaml', tmp).sources;
  const r = await contractForImage('ghcr.io/acme/user-auth:9.9.9', {
    mappings,
    image: image('ghcr.io/acme/user-auth:9.9.9', { [S]: `file://${path.join(tmp, 'gone')}`, [R]: src.commits.v1 }),
  });
  expect(r.sourceFrom).toBe('mapping');
  expect(r.tree?.commit).toBe(src.commits.v1); // the labelled revision, though no tag v9.9.9 exists
  expect(r.notes.join('\n')).toMatch(/^source from the image labels not readable \(source file:\/\/.*gone: cannot fetch revision .*\); using the mapping in \.keydrift\.yaml$/m);
});

test('labels without a revision and nothing else: the tag → v{tag} refs of the labelled repository, with a warning', async () => {
  const r = await contractForImage('ghcr.io/acme/user-auth:3.13.2', { image: image('ghcr.io/acme/user-auth:3.13.2', { [S]: src.url }) });
  expect(r.notes[0]).toMatch(/^warning: label org\.opencontainers\.image\.source has no org\.opencontainers\.image\.revision beside it/);
  expect(r.tree?.commit).toBe(src.commits.v1);
});

test('no tag and no digest: one line', async () => {
  await expect(contractForImage('ghcr.io/acme/user-auth')).rejects.toThrow(new KeydriftError('image ghcr.io/acme/user-auth: give a tag or a digest (which version?)'));
});

test('a source label naming a base-image repository is never read as the app source', async () => {
  const r = await contractForImage('ghcr.io/acme/app:1', {
    image: image('ghcr.io/acme/app:1', { [S]: 'https://github.com/docker-library/python', [R]: 'c0ffee' }, { PYTHON_VERSION: '3.12.1' }),
  });
  expect(r.sourceFrom).toBe('none');
  expect(r.tree).toBeUndefined();
  expect(r.notes).toEqual([
    'warning: label org.opencontainers.image.source=https://github.com/docker-library/python names a base-image repository: probably inherited from the base image, not used',
    'no source for ghcr.io/acme/app: its source label is not usable and there is no mapping (.keydrift.yaml or --source); the contract holds only the image\'s Env defaults',
  ]);
  expect(r.contract.imageDefaults.map((d) => d.name)).toEqual(['PYTHON_VERSION']);
});
