import { GitTree } from '../../../src/sources/tree.js';
import { buildContract } from '../../../src/contract/build.js';
import { compareContracts } from '../../../src/contract/compare.js';
import { TempRepo } from '../gitrepo.js';

/** Commit `old` as v1 and `next` as v2 (null deletes a file) in a fresh repo, then compare. */
export async function compareVersions(old: Record<string, string>, next: Record<string, string | null>) {
  const repo = new TempRepo();
  try {
    repo.commit(old, 'v1', 'v1');
    repo.commit(next, 'v2', 'v2');
    const oldTree = await GitTree.open(repo.dir, 'v1');
    const newTree = await GitTree.open(repo.dir, 'v2');
    const oldC = await buildContract(oldTree, { label: 'app', location: repo.dir, ref: 'v1' });
    const newC = await buildContract(newTree, { label: 'app', location: repo.dir, ref: 'v2' });
    return { oldC, newC, ...(await compareContracts(oldC, newC, oldTree, newTree)) };
  } finally {
    repo.remove();
  }
}
