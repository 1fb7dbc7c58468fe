/**
 * Issue 10, cost follows the change: a PR check (`check --base`) is never dearer than the full
 * check of the same head. Counted, not timed: the git processes it starts (as many as a full
 * check: one rev-parse for both commits, one diff-tree for the head listing and the changes,
 * one cat-file batch for the head's manifests and the base versions of the changed ones), the
 * documents of a changed manifest it parses again for the base (only the changed one), and the
 * kustomization lists the base render resolves again (only the changed kustomization's). What
 * the PR check finds stays what it found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCheck } from '../../src/commands/check.js';
import { changedFiles, loadPrSnapshots, prRenderOptions } from '../../src/render/pr.js';
import { newRenderCache } from '../../src/render/host.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { GitTree } from '../../src/sources/tree.js';
import { commit, initRepo } from '../helpers/git.js';
import { countGitProcesses } from '../helpers/git-count.js';

const deploy = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: prod\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n          envFrom:\n            - configMapRef: {name: ${name}-cfg}\n`;
const cm = (name: string, v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: prod\ndata:\n  A: "${v}"\n  B: "b"\n`;
/** One big plain manifest of many documents, as opentelemetry-demo's kubernetes/opentelemetry-demo.yaml. */
const bigFile = (changed?: number) =>
  Array.from({ length: 40 }, (_, i) => (i % 2 ? deploy(`svc${i}`, `example.com/svc${i}:1`) : cm(`svc${i + 1}-cfg`, i === changed ? 'changed' : String(i)))).join('---\n');
const overlay = (tag: string) => `resources:\n- ../../base\nnamespace: prod\nimages:\n- name: example.com/web\n  newTag: "${tag}"\n`;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-pr-cost-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function repo(): { dir: string; base: string; head: string } {
  const dir = initRepo(path.join(tmp, 'gitops'));
  const files: Record<string, string> = { 'all/demo.yaml': bigFile(), 'base/kustomization.yaml': 'resources:\n- web.yaml\n', 'base/web.yaml': deploy('web', 'example.com/web:1') };
  for (let i = 0; i < 6; i++) files[`overlays/o${i}/kustomization.yaml`] = overlay('1');
  const base = commit(dir, files, 'base');
  const head = commit(dir, { 'all/demo.yaml': bigFile(10), 'overlays/o3/kustomization.yaml': overlay('2') }, 'one key, one tag');
  return { dir, base, head };
}

test('a PR check starts no more git processes than the full check (3 each)', async () => {
  const r = repo();
  const full = await countGitProcesses(tmp, () => runCheck({ repo: r.dir, head: r.head }));
  const pr = await countGitProcesses(tmp, () => runCheck({ repo: r.dir, base: r.base, head: r.head }));
  expect(full.calls).toEqual(['rev-parse', 'ls-tree', 'cat-file']);
  expect(pr.calls.sort()).toEqual(['cat-file', 'diff-tree', 'rev-parse']);
  // What it finds: the workloads the change touches (the changed ConfigMap's reader, the retagged overlay's Deployment).
  expect(pr.result.checked.sort()).toEqual(['Deployment/prod/svc11', 'Deployment/prod/web']);
  expect(full.result.checked.length).toBe(26); // 20 in the big file, one per overlay
});

test('the base version of a changed manifest parses only the changed document; the others are the head parse', async () => {
  const r = repo();
  const [head, base] = await GitTree.openPair(r.dir, r.head, r.base);
  const s = await loadPrSnapshots(head, base);
  const at = (snap: typeof s.head, name: string) => snap.objects.find((o) => o.file === 'all/demo.yaml' && o.name === name)!;
  // Unchanged documents before and after the change: the head's objects or bodies, not a new parse.
  expect(at(s.base!, 'svc1-cfg')).toBe(at(s.head, 'svc1-cfg'));
  expect(at(s.base!, 'svc21-cfg').body).toBe(at(s.head, 'svc21-cfg').body);
  expect(at(s.base!, 'svc39').body).toBe(at(s.head, 'svc39').body);
  // The changed one is parsed at base, with its base value and its own lines.
  expect(at(s.base!, 'svc11-cfg').body).not.toBe(at(s.head, 'svc11-cfg').body);
  expect(at(s.base!, 'svc11-cfg').body.data.A).toBe('10');
  expect(at(s.head, 'svc11-cfg').body.data.A).toBe('changed');
  expect(at(s.base!, 'svc39').lineOf(['spec', 'template'])).toBe(at(s.head, 'svc39').lineOf(['spec', 'template']));
});

test('the base render resolves again only the lists of kustomizations whose text changed', async () => {
  const r = repo();
  const [head, base] = await GitTree.openPair(r.dir, r.head, r.base);
  const changed = await changedFiles(base, head);
  const cache = newRenderCache();
  await loadSnapshot(head, prRenderOptions(changed, cache));
  const afterHead = new Map(cache.closures!.refs!.byDir);
  await loadSnapshot(base, prRenderOptions(changed, cache));
  const afterBase = cache.closures!.refs!.byDir;
  expect(afterBase.get('overlays/o1')!.refs).toBe(afterHead.get('overlays/o1')!.refs);
  expect(afterBase.get('base')!.refs).toBe(afterHead.get('base')!.refs);
  expect(afterBase.get('overlays/o3')!.refs).not.toBe(afterHead.get('overlays/o3')!.refs);
  expect(afterBase.get('overlays/o3')!.refs).toEqual(['base']);
});
