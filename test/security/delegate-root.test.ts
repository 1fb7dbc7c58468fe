/**
 * Issue 15.2: a delegated `kubectl kustomize` build may reach the repository only. A base that
 * leaves it (`../../outside`, an absolute path), a local git remote (`git::file://…`) or a
 * symlinked base in a working tree is refused before the tool runs, and the app is skipped
 * saying why; nothing from outside ends up in the rendered objects (where `replacements` could
 * copy it into a key name shown in a PR comment). Runs the real tool: skipped when neither
 * kustomize nor kubectl is on PATH.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { DirTree, GitTree } from '../../src/sources/tree.js';
import { findKustomizeTool, preflight } from '../../src/render/kustomize/delegate.js';
import { commit, initRepo } from '../helpers/git.js';
import { sandbox, type Sandbox } from './helpers.js';

const tool = findKustomizeTool();
const CANARY = 'outside-canary-7f3a';
const outsideBase = { 'kustomization.yaml': 'resources:\n- cm.yaml\n', 'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\ndata:\n  ${CANARY}: "${CANARY}"\n` };
/** The app: delegated (replacements), including whatever `base` names. */
const app = (base: string) => ({
  'app/kustomization.yaml': `resources:\n- cm.yaml\n- ${JSON.stringify(base)}\nreplacements:\n- source: {kind: ConfigMap, name: own, fieldPath: data.A}\n  targets:\n  - select: {kind: ConfigMap, name: own}\n    fieldPaths: [data.B]\n`,
  'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: own\ndata:\n  A: "1"\n  B: "2"\n',
});

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
}

(tool ? describe : describe.skip)(`delegated builds reach the repository only (${tool?.label ?? 'skipped: neither kustomize nor kubectl on PATH'})`, () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox('kd-sec-deleg-');
    // Beside the repository, and beside keydrift's temp copy of it: `../../outside` from app/ reaches both.
    writeFiles(path.join(sb.root, 'outside'), outsideBase);
    writeFiles(path.join(sb.tmp, 'outside'), outsideBase);
    const local = initRepo(path.join(sb.root, 'local-remote'));
    commit(local, Object.fromEntries(Object.entries(outsideBase).map(([k, v]) => [`base/${k}`, v])));
  });
  afterEach(() => sb.cleanup());

  const cases: [string, (root: string) => string, RegExp][] = [
    ['a base beyond the repository root', () => '../../outside', /resources entry "\.\.\/\.\.\/outside" leaves the repository/],
    ['an absolute base', (root) => path.join(root, 'outside'), /is an absolute path outside the repository/],
    ['a git::file:// remote', (root) => `git::file://${path.join(root, 'local-remote')}//base?ref=main`, /is a local git remote/],
    ['a file:// remote', (root) => `file://${path.join(root, 'local-remote')}//base`, /is a local git remote/],
  ];

  for (const mode of ['working tree', 'git ref'] as const) {
    it.each(cases)(`${mode}: %s is refused, saying why`, async (_n, base, why) => {
      const repo = initRepo(path.join(sb.root, 'repo'));
      const files = app(base(sb.root));
      writeFiles(repo, files);
      commit(repo, {});
      const snap = await sb.with({}, async () => loadSnapshot(mode === 'git ref' ? await GitTree.open(repo, 'HEAD') : new DirTree(repo)));
      expect(JSON.stringify(snap.objects.map((o) => o.body))).not.toContain(CANARY);
      expect(snap.skipped).toEqual([{ file: 'app/kustomization.yaml', reason: expect.stringMatching(why) }]);
      expect(snap.skipped[0]!.reason).toMatch(/was not run: app\/kustomization\.yaml: .*; a delegated build may reach this repository only/);
    });
  }

  it('working tree: a symlinked base pointing outside is refused', async () => {
    const repo = initRepo(path.join(sb.root, 'repo'));
    writeFiles(repo, app('../linked'));
    symlinkSync(path.join(sb.root, 'outside'), path.join(repo, 'linked'));
    const snap = await sb.with({}, () => loadSnapshot(new DirTree(repo)));
    expect(JSON.stringify(snap.objects.map((o) => o.body))).not.toContain(CANARY);
    expect(snap.skipped).toEqual([{ file: 'app/kustomization.yaml', reason: expect.stringMatching(/resources entry "\.\.\/linked" is a symlink to outside the repository/) }]);
  });

  it('a base inside the repository is let through, and network remotes are only noted', async () => {
    const repo = initRepo(path.join(sb.root, 'repo'));
    writeFiles(repo, { ...app('../base'), ...Object.fromEntries(Object.entries(outsideBase).map(([k, v]) => [`base/${k}`, v])) });
    const snap = await sb.with({}, () => loadSnapshot(new DirTree(repo)));
    expect(snap.skipped).toEqual([]);
    expect(snap.objects.map((o) => o.name).sort()).toEqual(['own', 'stolen']);
    writeFiles(repo, { 'net/kustomization.yaml': 'resources:\n- https://github.com/acme/x//base?ref=v1\n- git@github.com:acme/y.git\n- https://tok:secret@example.com/z.git\n- ../app\n' });
    expect(await preflight(new DirTree(repo), 'net')).toEqual({ remotes: ['https://github.com/acme/x//base?ref=v1', 'git@github.com:acme/y.git', 'https://example.com/z.git'], roots: ['net', 'app', 'base'] });
  });
});

describe('preflight reads kustomizations as the tool does', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox("kd-sec-pf-");
  });
  afterEach(() => sb.cleanup());

  it.each([
    ['a merge key', 'x: &x\n  resources: [../../outside]\n<<: *x\n', /leaves the repository/],
    ['a field name in another case (Go decodes case-insensitively)', 'Resources:\n- ../../outside\n', /leaves the repository/],
    ['a second document', 'resources: []\n---\nresources: [/etc]\n', /absolute path/],
    ['a component', 'components:\n- ../../../x\n', /components entry .* leaves the repository/],
    ['a transformer directory', 'transformers:\n- ../..\n', /leaves the repository/],
    ['a git:: path', 'resources:\n- git::/srv/repo\n', /is a local git remote/],
    ['unreadable YAML', 'resources: [\n', /could not be read/],
    ['an escape through a base', 'resources:\n- ../b\n', /b\/kustomization\.yaml: resources entry "\.\.\/\.\.\/x" leaves the repository/],
  ])('%s', async (_n, text, why) => {
    writeFiles(path.join(sb.root, 'r'), { 'a/kustomization.yaml': text, 'b/kustomization.yaml': 'resources:\n- ../../x\n' });
    const pf = await preflight(new DirTree(path.join(sb.root, 'r')), 'a');
    expect(pf.refusal).toMatch(why);
  });
});
