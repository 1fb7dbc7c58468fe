/**
 * The environment keydrift gives git when it sets one. simple-git refuses to run with
 * variables that make git start other programs (EDITOR, PAGER, …) in an environment it is
 * handed — and npm sets EDITOR for every script it runs, so `npx keydrift` would fail. Those
 * that only matter to interactive git are dropped; those a user may need to reach a private
 * repository (GIT_SSH_COMMAND, askpass helpers, GIT_CONFIG_*) are kept and allowed: they come
 * from the user's own environment, never from the repository being checked.
 */
import type { SimpleGitOptions } from 'simple-git';

const INTERACTIVE_ONLY = new Set(['editor', 'git_editor', 'git_sequence_editor', 'pager', 'git_pager', 'git_external_diff', 'git_template_dir', 'prefix']);

export function gitEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !INTERACTIVE_ONLY.has(k.toLowerCase())) out[k] = v;
  return { ...out, ...extra };
}

/** simple-git options that let the user's own ssh/askpass/config variables through. */
export const GIT_UNSAFE: SimpleGitOptions['unsafe'] = {
  allowUnsafeSshCommand: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeGitProxy: true,
};
