import { DirTree } from '../../src/sources/tree.js';
import { buildContract } from '../../src/contract/build.js';

it('smoke', async () => {
  for (const d of (process.env.SMOKE_DIRS ?? '').split(',').filter(Boolean)) {
    const t0 = Date.now();
    const tree = await DirTree.open(d);
    // DirTree skips node_modules dirs only below; the root is a package dir.
    const c = await buildContract(tree, { label: d, location: d });
    const kinds: Record<string, number> = {};
    for (const e of c.entries.values()) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    console.log(d, 'files', c.filesScanned, 'entries', c.entries.size, JSON.stringify(kinds), 'unresolved', c.unresolved.length, 'skipped', c.skipped.length, 'ms', Date.now() - t0);
    console.log([...c.entries.values()].filter((e) => e.kind === (process.env.SMOKE_KIND ?? 'required')).slice(0, 40).map((e) => `${e.name} ${e.reads[0]!.evidence.file}:${e.reads[0]!.evidence.line} ${e.reads[0]!.evidence.pattern}`).join('\n'));
    console.log(c.skipped.filter((s) => /extractor/.test(s.reason)).slice(0, 10));
    console.log(c.unresolved.filter((u) => /could not analyse/.test(u.reason)).slice(0, 10));
  }
});
