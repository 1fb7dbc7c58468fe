/**
 * Issue 15.9: a kustomization that includes itself — its own directory (`""`, `.`), or
 * through other bases or components — is an error naming the chain (file:line), never a
 * promise that never settles. `keydrift render` exits 2 on one.
 */
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { treeHost } from '../../src/render/host.js';
import { Kustomizer, KustomizeError } from '../../src/render/kustomize/build.js';
import { writeTree } from '../render/helpers.js';
import { runCli } from '../helpers/cli.js';
import { MemTree } from './memtree.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {A: "1"}\n';

/** Build `dir` natively; the KustomizeError it throws, if any. */
async function buildError(files: Record<string, string>, dir: string): Promise<KustomizeError | undefined> {
  const host = await treeHost(new MemTree(files));
  try {
    await new Kustomizer(host).build(dir);
    return undefined;
  } catch (e) {
    if (e instanceof KustomizeError) return e;
    throw e;
  }
}

describe('cycles are errors with the chain, never a hang', () => {
  test.each([
    ['base lists "" and an overlay uses it', { 'base/kustomization.yaml': 'resources:\n- ""\n- cm.yaml\n', 'base/cm.yaml': CM, 'overlay/kustomization.yaml': 'resources:\n- ../base\n' }, 'overlay', 'base/kustomization.yaml', 2, /^cycle: base lists its own directory$/],
    ['base lists "." and an overlay uses it', { 'base/kustomization.yaml': 'resources:\n- cm.yaml\n- .\n', 'base/cm.yaml': CM, 'overlay/kustomization.yaml': 'resources:\n- ../base\n' }, 'overlay', 'base/kustomization.yaml', 3, /^cycle: base lists its own directory$/],
    ['"./" in a top-level kustomization', { 'k/kustomization.yaml': 'resources:\n- ./\n' }, 'k', 'k/kustomization.yaml', 2, /^cycle: k lists its own directory$/],
    ['"" at the repository root', { 'kustomization.yaml': 'resources:\n- cm.yaml\n- ""\n', 'cm.yaml': CM }, '', 'kustomization.yaml', 3, /^cycle: \. lists its own directory$/],
    ['mutual bases under an overlay', { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- cm.yaml\n- ../a\n', 'b/cm.yaml': CM, 'o/kustomization.yaml': 'resources:\n- ../a\n' }, 'o', 'b/kustomization.yaml', 3, /^cycle: a includes itself: a\/kustomization\.yaml:2 → b\/kustomization\.yaml:3 → a$/],
    ['a three-step cycle', { 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../c\n', 'c/kustomization.yaml': 'resources:\n- ../a\n' }, 'a', 'c/kustomization.yaml', 2, /^cycle: a includes itself: a\/kustomization\.yaml:2 → b\/kustomization\.yaml:2 → c\/kustomization\.yaml:2 → a$/],
    ['a component that lists itself', { 'k/kustomization.yaml': 'components:\n- ../comp\n', 'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncomponents:\n- .\n' }, 'k', 'comp/kustomization.yaml', 4, /^cycle: comp lists its own directory$/],
    ['a component that includes its user', { 'k/kustomization.yaml': 'resources:\n- cm.yaml\ncomponents:\n- ../comp\n', 'k/cm.yaml': CM, 'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- ../k\n' }, 'k', 'comp/kustomization.yaml', 4, /^cycle: k includes itself: k\/kustomization\.yaml:4 → comp\/kustomization\.yaml:4 → k$/],
  ])('%s', async (_name, files, dir, file, line, message) => {
    const e = await buildError(files, dir);
    expect(e).toBeDefined();
    expect(e!.message).toMatch(message);
    expect(e!.message).not.toContain('\n');
    expect({ file: e!.file, line: e!.line }).toEqual({ file, line });
  });

  test('the same base used twice (a diamond) is not a cycle', async () => {
    const files = { 'b/kustomization.yaml': 'resources:\n- cm.yaml\n', 'b/cm.yaml': CM, 'x/kustomization.yaml': 'resources:\n- ../b\n', 'y/kustomization.yaml': 'resources:\n- ../b\n', 'o/kustomization.yaml': 'resources:\n- ../x\n- ../y\nnamePrefix: p-\n' };
    const host = await treeHost(new MemTree(files));
    // Kustomize refuses the duplicate ConfigMap, but not as a cycle.
    await expect(new Kustomizer(host).build('o')).rejects.not.toThrow(/cycle/);
    const ok = await new Kustomizer(host).build('x');
    expect(ok.map((r) => r.body.metadata.name)).toEqual(['c']);
  });

  test('a builder reused after a cycle error builds other apps normally', async () => {
    const files = { 'base/kustomization.yaml': 'resources:\n- ""\n', 'o/kustomization.yaml': 'resources:\n- ../base\n', 'ok/kustomization.yaml': 'resources:\n- cm.yaml\n', 'ok/cm.yaml': CM };
    const k = new Kustomizer(await treeHost(new MemTree(files)));
    await expect(k.build('o')).rejects.toThrow(/cycle/);
    await expect(k.build('o')).rejects.toThrow(/cycle/);
    expect((await k.build('ok')).map((r) => r.body.metadata.name)).toEqual(['c']);
  });
});

describe('in a snapshot, every cycle is reported once, with its chain', () => {
  test('two kustomizations that include each other (and nothing else does) are reported, not silently skipped', async () => {
    const snap = await loadSnapshot(new MemTree({
      'm1/kustomization.yaml': 'resources:\n- ../m2\n',
      'm2/kustomization.yaml': 'resources:\n- ../m1\n- cm.yaml\n',
      'm2/cm.yaml': CM,
      'ok/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'ok/cm.yaml': CM,
    }));
    const cycles = snap.problems.filter((p) => p.code === 'cycle');
    expect(cycles).toMatchObject([{ file: 'm2/kustomization.yaml', line: 2, code: 'cycle', message: 'kustomize build of m1 failed: cycle: m1 includes itself: m1/kustomization.yaml:2 → m2/kustomization.yaml:2 → m1' }]);
    expect(snap.objects.map((o) => `${o.app}:${o.name}`)).toEqual(['kustomize/ok:c']);
  });

  test('a self-including base under an overlay is one problem', async () => {
    const snap = await loadSnapshot(new MemTree({ 'base/kustomization.yaml': 'resources:\n- ""\n- cm.yaml\n', 'base/cm.yaml': CM, 'overlay/kustomization.yaml': 'resources:\n- ../base\n' }));
    expect(snap.problems).toMatchObject([{ file: 'base/kustomization.yaml', line: 2, code: 'cycle', message: 'kustomize build of overlay failed: cycle: base lists its own directory' }]);
    expect(snap.objects).toEqual([]);
  });

  test('a cycle an overlay reaches is reported through the overlay, not a second time on its own', async () => {
    const snap = await loadSnapshot(new MemTree({ 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n', 'o/kustomization.yaml': 'resources:\n- ../a\n' }));
    expect(snap.problems.map((p) => p.message)).toEqual(['kustomize build of o failed: cycle: a includes itself: a/kustomization.yaml:2 → b/kustomization.yaml:2 → a']);
  });
});

describe('keydrift render', () => {
  test.each([
    ['"" in a base', { 'base/kustomization.yaml': 'resources:\n- ""\n- cm.yaml\n', 'base/cm.yaml': CM, 'overlay/kustomization.yaml': 'resources:\n- ../base\n' }, 'base/kustomization.yaml:2: kustomize build of overlay failed: cycle: base lists its own directory'],
    ['mutual includes', { 'm1/kustomization.yaml': 'resources:\n- ../m2\n', 'm2/kustomization.yaml': 'resources:\n- ../m1\n' }, 'm2/kustomization.yaml:2: kustomize build of m1 failed: cycle: m1 includes itself: m1/kustomization.yaml:2 → m2/kustomization.yaml:2 → m1'],
  ])('%s: exit 2, one line naming the chain', async (_n, files, line) => {
    const t = writeTree(files);
    try {
      const r = await runCli(['render', '.'], { cwd: t.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`keydrift: ${line}\n`);
    } finally {
      t.cleanup();
    }
  });
});
