/**
 * The line scanner that finds what a kustomization lists (for PR mode and for telling
 * bases from top-level kustomizations) must never miss an entry a YAML parse finds.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as posix from 'node:path/posix';
import { parse } from 'yaml';
import { DirTree } from '../../src/sources/tree.js';
import { treeHost } from '../../src/render/host.js';
import { corpusDir } from './helpers.js';
import { Closures, scanKustomizationRefs } from '../../src/render/index.js';
import { KUSTOMIZATION_FILES } from '../../src/render/kustomize/build.js';

function parsedEntries(text: string): string[] {
  let body: any;
  try {
    body = parse(text) ?? {};
  } catch {
    return []; // not YAML (a Jinja template named kustomization.yaml): nothing a parse could find
  }
  const out: string[] = [];
  for (const f of ['resources', 'bases', 'components', 'configurations', 'transformers', 'patchesStrategicMerge']) if (Array.isArray(body[f])) out.push(...body[f].filter((x: unknown) => typeof x === 'string' && !x.includes('\n')));
  for (const p of [...(body.patches ?? []), ...(body.patchesJson6902 ?? [])]) if (typeof p?.path === 'string') out.push(p.path);
  for (const g of [...(body.configMapGenerator ?? []), ...(body.secretGenerator ?? [])]) for (const f of [...(g.files ?? []), ...(g.envs ?? []), ...(g.env ? [g.env] : [])]) out.push(String(f).split('=').pop()!);
  return out;
}

test('scanner finds list items, path: values, key=path and flow lists', () => {
  const text = `resources:
  - deploy.yaml   # comment
  - ../../base
  - https://github.com/x/y//z?ref=v1
components: [../c1, "../c2"]
patches:
  - path: patch.yaml
    target: {kind: Deployment}
  - patch: |-
      - op: add
        path: /spec/x
configMapGenerator:
  - name: cfg
    literals:
      - "A=b c"
    files:
      - app.conf=conf/app.conf
    env: old.env
`;
  expect(scanKustomizationRefs(text)).toEqual(expect.arrayContaining(['deploy.yaml', '../../base', '../c1', '../c2', 'patch.yaml', 'conf/app.conf', 'old.env']));
  expect(scanKustomizationRefs(text)).not.toContain('https://github.com/x/y//z?ref=v1');
});

const CORPUS = corpusDir();
(existsSync(CORPUS) ? test : test.skip)('over the corpus, the scanner finds every existing entry a YAML parse finds', async () => {
  const tree = new DirTree(CORPUS);
  const files = await tree.list();
  const kfiles = files.filter((f) => KUSTOMIZATION_FILES.includes(posix.basename(f)));
  const host = await treeHost(tree, kfiles);
  const closures = new Closures(host, files);
  let n = 0;
  for (const kf of kfiles) {
    const dir = posix.dirname(kf) === '.' ? '' : posix.dirname(kf);
    const scanned = new Set(closures.refs(dir));
    for (const e of parsedEntries(host.texts.get(kf)!)) {
      const p = posix.normalize(posix.join(dir || '.', e)).replace(/\/$/, '');
      if (!(host.files.has(p) || host.dirs.has(p))) continue;
      n++;
      expect({ kf, p, found: scanned.has(p) }).toEqual({ kf, p, found: true });
    }
  }
  expect(n).toBeGreaterThan(300);
});
