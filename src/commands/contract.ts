/** `keydrift contract PATH[@REF]`: what one version of an app reads. */
import * as path from 'node:path';
import { openTree } from '../sources/tree.js';
import { buildContract } from '../contract/build.js';
import type { Contract } from '../contract/model.js';

export async function runContract(opts: { path: string; ref?: string }): Promise<Contract> {
  const tree = await openTree(opts.path, opts.ref);
  return buildContract(tree, {
    label: path.basename(tree.root),
    location: tree.root,
    ...(tree.ref ? { ref: tree.ref } : {}),
    ...(tree.commit ? { commit: tree.commit } : {}),
  });
}
