/**
 * The Action's inputs, read and checked in one place. `get` is `core.getInput` in the Action
 * and a plain lookup in tests. A bad value is a KeydriftError: one line, the run fails.
 */
import { KeydriftError } from '../errors.js';

export type Mode = 'check' | 'audit' | 'drift';
export type FailOn = 'error' | 'warning' | 'info' | 'never';

export interface ActionInputs {
  mode: Mode;
  repoPath: string;
  baseRef?: string;
  headRef?: string;
  failOn: FailOn;
  /** The kubeconfig text itself (from a secret), not a path. */
  kubeconfig?: string;
  comment: boolean;
  /** `fetch-charts: true` (default false): fetch pinned remote Helm charts into the runner's cache and render them. */
  fetchCharts: boolean;
  sarifFile?: string;
  /** Write the self-contained HTML report here (relative to GITHUB_WORKSPACE), to attach as an artifact. */
  htmlReport?: string;
  token?: string;
  /**
   * Where the full JSON, SARIF and Markdown reports are written, for actions/upload-artifact
   * (relative to GITHUB_WORKSPACE); default `$RUNNER_TEMP/keydrift`, outside the checkout.
   */
  artifactDir?: string;
  /** `IMAGE_REPO=PATH_OR_URL` source mappings, one per line (as the CLI's --source). */
  sources: string[];
  /** App-repo mode: `NAME=PATH` where each GitOps repository is checked out (trusted: from the workflow). */
  deployments?: string[];
  /** Directories (relative to GITHUB_WORKSPACE) a `.keydrift.yaml` `path:` may point into, besides the workspace. */
  sourceRoots?: string[];
  /** mode audit: the image version to roll out (REPOSITORY:TAG). */
  image?: string;
  /** mode audit: only this workload (Kind/namespace/name, Kind/name or name). */
  workload?: string;
}

/** Every input the code reads, with the action.yml default; test/action keeps action.yml in step. */
export const INPUT_NAMES = ['mode', 'repo-path', 'base-ref', 'head-ref', 'fail-on', 'kubeconfig', 'comment', 'sarif-file', 'token', 'sources', 'source-roots', 'deployments', 'image', 'workload', 'html-report', 'artifact-dir', 'fetch-charts'] as const;
export const OUTPUT_NAMES = ['findings', 'errors', 'report-json', 'sarif-file', 'html-report', 'artifact-dir', 'report-sarif', 'report-markdown', 'comments'] as const;

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[], dflt: T): T {
  if (v === '') return dflt;
  if (!allowed.includes(v as T)) throw new KeydriftError(`input '${name}' must be one of ${allowed.join(', ')} (got '${v}')`);
  return v as T;
}

function bool(name: string, v: string, dflt: boolean): boolean {
  if (v === '') return dflt;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new KeydriftError(`input '${name}' must be true or false (got '${v}')`);
}

/** A multi-line input, one entry per line (blank lines and `#` comments left out); absent when empty. */
function lines(name: 'source-roots', get: (name: string) => string): { sourceRoots?: string[] } {
  const l = get(name)
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter((x) => x && !x.startsWith('#'));
  return l.length ? { sourceRoots: l } : {};
}

export function readInputs(get: (name: string) => string): ActionInputs {
  const s = (n: string) => get(n).trim();
  const opt = (n: string) => s(n) || undefined;
  const kubeconfig = get('kubeconfig');
  const mode = oneOf<Mode>('mode', s('mode'), ['check', 'audit', 'drift'], 'check');
  return {
    mode,
    repoPath: s('repo-path') || '.',
    ...(opt('base-ref') ? { baseRef: opt('base-ref')! } : {}),
    ...(opt('head-ref') ? { headRef: opt('head-ref')! } : {}),
    // As the CLI: a drift report fails on warnings (a key that exists only live), the others on errors.
    failOn: oneOf<FailOn>('fail-on', s('fail-on'), ['error', 'warning', 'info', 'never'], mode === 'drift' ? 'warning' : 'error'),
    ...(kubeconfig.trim() ? { kubeconfig } : {}),
    comment: bool('comment', s('comment'), true),
    fetchCharts: bool('fetch-charts', s('fetch-charts'), false),
    ...(opt('sarif-file') ? { sarifFile: opt('sarif-file')! } : {}),
    ...(opt('html-report') ? { htmlReport: opt('html-report')! } : {}),
    ...(opt('token') ? { token: opt('token')! } : {}),
    ...(opt('artifact-dir') ? { artifactDir: opt('artifact-dir')! } : {}),
    sources: get('sources')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
    ...((d) => (d.length ? { deployments: d } : {}))(
      get('deployments')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    ),
    ...lines('source-roots', get),
    ...(opt('image') ? { image: opt('image')! } : {}),
    ...(opt('workload') ? { workload: opt('workload')! } : {}),
  };
}
