import { GitTree } from '../../../src/sources/tree.js';
import { buildContract } from '../../../src/contract/build.js';
import type { Contract } from '../../../src/contract/model.js';
import { TempRepo } from '../gitrepo.js';

/** The contract of one committed version of `files`, in a fresh git repo. */
export async function contractOf(files: Record<string, string>): Promise<Contract> {
  const repo = new TempRepo();
  try {
    repo.commit(files, 'v1', 'v1');
    return await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
  } finally {
    repo.remove();
  }
}

/** Entries as "NAME kind [=default]", sorted by name. */
export function entries(c: Contract): string[] {
  return [...c.entries.values()].map((e) => {
    const d = e.reads.find((r) => r.default !== undefined)?.default;
    return `${e.name} ${e.kind}${e.kind === 'defaulted' && d !== undefined ? ` =${d}` : ''}`;
  });
}
