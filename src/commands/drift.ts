/**
 * `keydrift drift`: the post-incident report. Git at a ref (rendered) vs the live cluster —
 * through a kubeconfig, the in-cluster service account, or a dump — per key, with who made
 * each live change, what the GitOps engine will do with it, and the git change that keeps it.
 * A plain function of its options: the CLI calls it, tests call it.
 */
import * as path from 'node:path';
import type { Report, Skip } from '../model.js';
import { openTree, gitTopLevel } from '../sources/tree.js';
import { loadSnapshot } from '../sources/snapshot.js';
import { readLive, type LiveSource } from '../cluster/source.js';
import { SecretHasher } from '../cluster/secret-digest.js';
import { computeDrift } from '../drift/compare.js';
import { runDriftChecks } from '../drift/run.js';

export interface DriftOptions extends LiveSource {
  /** The GitOps repository. */
  repo: string;
  /** Git ref to compare with (default HEAD in a git repo, else the directory as it is). */
  ref?: string;
  cwd?: string;
}

export interface DriftResult extends Report {
  /** API requests made, when a cluster was read. */
  requests?: number;
  /** What was compared, for the text header: "git <repo>@<ref> (<sha>)" and "cluster <server> (context x)" / "dump <path>". */
  sources?: { git: string; live: string };
}

export async function runDrift(opts: DriftOptions): Promise<DriftResult> {
  const cwd = opts.cwd ?? process.cwd();
  const repoDir = path.resolve(cwd, opts.repo);
  const ref = opts.ref ?? ((await gitTopLevel(repoDir)) ? 'HEAD' : undefined);
  const tree = await openTree(repoDir, ref);
  const hasher = new SecretHasher();
  const [snap, live] = await Promise.all([loadSnapshot(tree), readLive(opts, hasher, cwd)]);
  // Neither ConfigMaps nor Secrets readable where asked: nothing to compare is exit 2, not "no drift".
  if (!opts.clusterDump) {
    const { requireReadable } = await import('../cluster/live.js');
    requireReadable(live, ['ConfigMap', 'Secret'], opts.namespaces, 'drift');
  }
  const { items, skipped, compared, liveOnlyObjects } = computeDrift(snap, live, { ...(opts.namespaces ? { namespaces: opts.namespaces } : {}), ...(ref ? { ref } : {}) });
  const findings = runDriftChecks({ items, liveOnlyObjects, ...(ref ? { ref } : {}), liveSource: live.source });
  const allSkipped: Skip[] = [
    ...snap.skipped.map((s) => ({ what: s.file, reason: s.reason, location: { file: s.file, repo: 'gitops' } })),
    ...live.skipped,
    ...skipped,
  ];
  return {
    command: 'drift',
    findings,
    skipped: allSkipped,
    checked: [...new Set(compared)].sort(),
    ...(live.requests !== undefined ? { requests: live.requests } : {}),
    sources: { git: `git ${tree.label}${tree.commit ? ` (${tree.commit.slice(0, 7)})` : ''}`, live: live.source },
  };
}
