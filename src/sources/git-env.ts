/**
 * The environment keydrift gives git. simple-git refuses to run with variables that make git
 * start other programs (EDITOR, PAGER, …) in an environment it is handed — and npm sets EDITOR
 * for every script it runs, so `npx keydrift` would fail. Those that only matter to interactive
 * git are dropped; those a user may need to reach a private repository (GIT_SSH_COMMAND,
 * askpass helpers, GIT_CONFIG_COUNT/KEY/VALUE) are kept and allowed: they come from the user's
 * own environment, never from the repository being checked.
 *
 * Defence in depth against a configuration file written behind keydrift's back (a pull request
 * that managed to write `~/.gitconfig` could set `url."ext::sh -c …".insteadOf` and run a
 * command at the next clone): git reads no global or system configuration
 * (`GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM=1`, and HOME=/dev/null for gits older
 * than 2.32), and configuration set last, which wins, forbids the `ext::` transport, hooks and
 * fsmonitor. `KEYDRIFT_GIT_USER_CONFIG=1` (from the workflow or the shell, never the repository)
 * lets git read the user's own configuration again — credential helpers, `insteadOf` — the
 * restrictions still apply. For URLs a pull request chose (Kustomize remote bases),
 * `untrustedUrls` also forbids local `file://` transports.
 */
import type { SimpleGitOptions } from 'simple-git';

const INTERACTIVE_ONLY = new Set(['editor', 'git_editor', 'git_sequence_editor', 'pager', 'git_pager', 'git_external_diff', 'git_template_dir', 'prefix']);

/** Configuration keydrift always sets, after the user's own GIT_CONFIG_* entries (so it wins). */
export const GIT_LOCKDOWN: [string, string][] = [
  ['protocol.ext.allow', 'never'],
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
];
/** And for URLs taken from a repository's content. */
export const GIT_UNTRUSTED_URLS: [string, string][] = [
  ['protocol.file.allow', 'never'],
  ['protocol.allow', 'never'],
  ['protocol.https.allow', 'always'],
  ['protocol.http.allow', 'always'],
  ['protocol.ssh.allow', 'always'],
  ['protocol.git.allow', 'always'],
];

export function gitEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env, opts: { untrustedUrls?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !INTERACTIVE_ONLY.has(k.toLowerCase())) out[k] = v;
  if (base.KEYDRIFT_GIT_USER_CONFIG !== '1') {
    out.GIT_CONFIG_GLOBAL = '/dev/null';
    out.GIT_CONFIG_NOSYSTEM = '1';
    // No file can exist below /dev/null, and git ignores ENOTDIR as it ignores ENOENT.
    out.HOME = '/dev/null';
    out.XDG_CONFIG_HOME = '/dev/null';
  }
  const pairs = [...GIT_LOCKDOWN, ...(opts.untrustedUrls ? GIT_UNTRUSTED_URLS : [])];
  const n0 = Number(out.GIT_CONFIG_COUNT);
  const start = Number.isInteger(n0) && n0 > 0 ? n0 : 0;
  pairs.forEach(([k, v], i) => {
    out[`GIT_CONFIG_KEY_${start + i}`] = k;
    out[`GIT_CONFIG_VALUE_${start + i}`] = v;
  });
  out.GIT_CONFIG_COUNT = String(start + pairs.length);
  if (opts.untrustedUrls) out.GIT_PROTOCOL_FROM_USER = '0';
  return { ...out, ...extra };
}

/**
 * simple-git options that let the user's own ssh/askpass/config variables through, and
 * keydrift's own lockdown settings (hooksPath, fsmonitor, protocol.*), which simple-git would
 * otherwise refuse to pass on.
 */
export const GIT_UNSAFE: SimpleGitOptions['unsafe'] = {
  allowUnsafeHooksPath: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafeSshCommand: true,
  allowUnsafeAskPass: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeGitProxy: true,
};
