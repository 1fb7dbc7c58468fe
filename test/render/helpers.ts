import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirTree } from '../../src/sources/tree.js';
import { treeHost } from '../../src/render/host.js';
import { Kustomizer } from '../../src/render/kustomize/build.js';
import { toKObject } from '../../src/render/index.js';
import { findKustomizeTool, runKustomizeTool } from '../../src/render/kustomize/delegate.js';
import { parseAllDocuments } from 'yaml';
import type { KObject } from '../../src/sources/yaml.js';

/** Write a map of repo-relative path → text into a fresh temp dir. */
export function writeTree(files: Record<string, string>): { dir: string; tree: DirTree; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-render-test-'));
  for (const [f, t] of Object.entries(files)) {
    const p = path.join(dir, ...f.split('/'));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, t);
  }
  return { dir, tree: new DirTree(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Build one kustomization dir natively. */
export async function buildNative(files: Record<string, string>, kdir: string): Promise<{ objects: KObject[]; dir: string; cleanup: () => void }> {
  const t = writeTree(files);
  const host = await treeHost(t.tree);
  const res = await new Kustomizer(host).build(kdir);
  return { objects: res.map((r) => toKObject(r, `kustomize/${kdir}`)), dir: t.dir, cleanup: t.cleanup };
}

export const kustomizeTool = findKustomizeTool();

/** The real tool's output for a dir, parsed; undefined when no tool is on PATH. */
export function buildReal(dir: string): any[] | undefined {
  if (!kustomizeTool) return undefined;
  const r = runKustomizeTool(kustomizeTool, dir);
  if (!r.ok) throw new Error(r.error);
  return parseAllDocuments(r.yaml).map((d) => d.toJS()).filter(Boolean);
}

export const byName = (objs: KObject[], kind: string, prefix: string) => objs.find((o) => o.kind === kind && o.name.startsWith(prefix))!;
export const plainBodies = (objs: KObject[]) => objs.map((o) => JSON.parse(JSON.stringify(o.body)));

/** The shared corpus: $KEYDRIFT_CORPUS, or ../shared/corpus beside the project (../../ from a worktree). */
export function corpusDir(): string {
  for (const c of [process.env.KEYDRIFT_CORPUS, path.resolve(process.cwd(), '../shared/corpus'), path.resolve(process.cwd(), '../../shared/corpus')]) {
    if (c && existsSync(c)) return c;
  }
  return path.resolve(process.cwd(), '../shared/corpus');
}
