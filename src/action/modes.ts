/**
 * What each mode runs. All of them read git and files only: nothing from the pull request is
 * executed (manifests are parsed, sources are read from git objects).
 */
import * as path from 'node:path';
import type { Report } from '../model.js';
import { KeydriftError, isKeydriftError } from '../errors.js';
import { runCheck } from '../commands/check.js';
import { runAudit } from '../commands/audit.js';
import { runDrift } from '../commands/drift.js';
import { gitTopLevel } from '../sources/tree.js';
import type { ActionInputs } from './inputs.js';

export interface PullRequestRefs {
  number: number;
  baseSha?: string;
  headSha?: string;
}

export interface ModeContext {
  /** GITHUB_WORKSPACE: where repo-path is resolved. */
  workspace: string;
  pr?: PullRequestRefs;
  /** The kubeconfig input written to a private temporary file. */
  kubeconfigPath?: string;
}

export interface ModeResult {
  report: Report;
  /** The directory the report's repo-relative paths are relative to. */
  root: string;
  /** The commit the paths were read at, when a git ref was used. */
  headRef?: string;
  /** Lines for the summary: what was compared, what was left out and why. */
  notes: string[];
}

function withFetchHint(e: unknown): never {
  if (isKeydriftError(e) && /git ref '.*' not found/.test(e.message)) {
    throw new KeydriftError(`${e.message} (check out with actions/checkout 'fetch-depth: 0' so the base and head commits are present)`);
  }
  throw e;
}

async function rootFor(repoDir: string, usesGit: boolean): Promise<string> {
  return usesGit ? ((await gitTopLevel(repoDir)) ?? repoDir) : repoDir;
}

export async function runMode(inputs: ActionInputs, ctx: ModeContext): Promise<ModeResult> {
  const repoDir = path.resolve(ctx.workspace, inputs.repoPath);
  const notes: string[] = [];
  if (inputs.mode !== 'audit' && (inputs.image || inputs.workload)) notes.push('The `image` and `workload` inputs are read only in `mode: audit`.');
  if (inputs.kubeconfig && inputs.mode === 'audit') notes.push('The `kubeconfig` input is not read in `mode: audit`, which compares git and image sources only.');
  switch (inputs.mode) {
    case 'check': {
      const base = inputs.baseRef ?? ctx.pr?.baseSha;
      const head = inputs.headRef ?? ctx.pr?.headSha ?? (base ? 'HEAD' : undefined);
      if (!base) notes.push('No base ref (not a pull_request event and no `base-ref` input): every workload was checked at head.');
      const report = await runCheck({
        repo: repoDir,
        ...(base ? { base } : {}),
        ...(head ? { head } : {}),
        sources: inputs.sources,
        sourceRoots: [ctx.workspace, ...(inputs.sourceRoots ?? [])],
        cwd: ctx.workspace,
        // App-repo mode: the workflow says where the GitOps repositories are checked out; paths a
        // pull request's .keydrift.yaml names must stay inside the workspace.
        deployments: inputs.deployments ?? [],
        confineTo: ctx.workspace,
        // With a cluster: does this change drop a key that exists only live?
        ...(ctx.kubeconfigPath ? { cluster: { kubeconfig: ctx.kubeconfigPath } } : {}),
        // Remote charts are fetched only when the workflow says so (input fetch-charts: true).
        ...(inputs.fetchCharts ? { fetchCharts: true } : {}),
      }).catch(withFetchHint);
      if (!ctx.kubeconfigPath) {
        report.skipped.push({ what: 'cluster comparison', reason: 'no kubeconfig input: keys that exist only in the live cluster were not compared with this change' });
      }
      const root = await rootFor(repoDir, !!(base || head));
      return { report, root, ...(head ? { headRef: head } : {}), notes };
    }
    case 'audit': {
      // The pre-rollout audit: every container of the repo (at head-ref, or the working tree)
      // that runs the image's repository, checked as if it ran the new version.
      if (!inputs.image) throw new KeydriftError("mode 'audit' needs the 'image' input: the version to roll out, REPOSITORY:TAG");
      if (inputs.baseRef) notes.push('`base-ref` is ignored in `mode: audit`: it checks the environment as it is in git at `head-ref`.');
      const ref = inputs.headRef;
      const report = await runAudit({
        repo: repoDir,
        image: inputs.image,
        ...(ref ? { ref } : {}),
        ...(inputs.workload ? { workload: inputs.workload } : {}),
        sources: inputs.sources,
        sourceRoots: [ctx.workspace, ...(inputs.sourceRoots ?? [])],
        cwd: ctx.workspace,
        ...(inputs.fetchCharts ? { fetchCharts: true } : {}),
      }).catch(withFetchHint);
      const root = await rootFor(repoDir, !!ref);
      return { report, root, ...(ref ? { headRef: ref } : {}), notes };
    }
    case 'drift': {
      // Git at head-ref (default HEAD in a git repository, else the directory) vs the live cluster.
      const ref = inputs.headRef ?? ((await gitTopLevel(repoDir)) ? 'HEAD' : undefined);
      const root = await rootFor(repoDir, !!ref);
      if (!ctx.kubeconfigPath) {
        // No cluster to compare with: the live part is skipped, not failed.
        const report: Report = {
          command: 'drift',
          findings: [],
          skipped: [{ what: 'live cluster', reason: 'no kubeconfig input: git was not compared with a cluster' }],
          checked: [],
        };
        return { report, root, ...(ref ? { headRef: ref } : {}), notes };
      }
      // Only the report: runDrift's `sources` names the cluster's server, which comes from the
      // kubeconfig secret and is not repeated in a summary anyone with read access can see.
      const { command, findings, skipped, checked } = await runDrift({ repo: repoDir, ...(ref ? { ref } : {}), kubeconfig: ctx.kubeconfigPath, cwd: ctx.workspace }).catch(withFetchHint);
      return { report: { command, findings, skipped, checked }, root, ...(ref ? { headRef: ref } : {}), notes };
    }
  }
}
