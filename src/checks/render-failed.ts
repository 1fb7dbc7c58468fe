import type { SnapshotCheck } from './types.js';

/**
 * A kustomize build that fails: ArgoCD shows a ComparisonError and Flux a failed
 * Kustomization, nothing of the app is applied, and keydrift cannot check it. Reported with
 * kustomize's cause and the kustomization's file:line — not as invalid YAML.
 */
export const renderFailed: SnapshotCheck = {
  meta: {
    id: 'render-failed',
    description: 'A kustomization does not build: the GitOps engine applies nothing of it, and keydrift cannot check its workloads.',
    defaultSeverity: 'error',
    needs: 'manifests',
  },
  scope: 'snapshot',
  run(ctx) {
    return ctx.snapshot.problems
      .filter((p) => p.render && (!ctx.changedFiles || ctx.changedFiles.has(p.file)))
      .map((p) => ({
        check: 'render-failed',
        severity: 'error' as const,
        message: `${p.file}:${p.line}: kustomize build of ${p.render!.dir} fails: ${p.render!.cause}. ArgoCD/Flux will apply nothing of it; its workloads were not checked.`,
        locations: [{ file: p.file, line: p.line, repo: 'gitops' }],
        fix: `Fix what kustomize reports (run \`kubectl kustomize ${p.render!.dir}\` to see it).`,
      }));
  },
};
