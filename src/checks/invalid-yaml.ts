import type { SnapshotCheck } from './types.js';

export const invalidYaml: SnapshotCheck = {
  meta: {
    id: 'invalid-yaml',
    description: 'A manifest file is not valid YAML: the GitOps engine cannot apply it and keydrift cannot check it.',
    defaultSeverity: 'error',
    needs: 'manifests',
  },
  scope: 'snapshot',
  run(ctx) {
    return ctx.snapshot.problems
      .filter((p) => !p.render && (!ctx.changedFiles || ctx.changedFiles.has(p.file)))
      .map((p) => ({
        check: 'invalid-yaml',
        severity: 'error' as const,
        message: `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}: ${p.message}; objects in this document were not checked.`,
        locations: [{ file: p.file, line: p.line, repo: 'gitops' }],
        fix: 'Fix the YAML syntax.',
      }));
  },
};
