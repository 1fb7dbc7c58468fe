/**
 * Plain data shared by every stage: sources → snapshots → resolution → contracts →
 * checks → report. Nothing here touches the process, the network or the terminal.
 */

/** A place in git (repo-relative POSIX path, 1-based line) or an object in a cluster. */
export interface Location {
  /** Repo-relative POSIX path of a file in the GitOps repo or in an app's source. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** Which repository the file belongs to: 'gitops' or an app source label. */
  repo?: string;
  /** Git ref/commit the file was read at, when known. */
  ref?: string;
  /** A cluster object, when the place is live. */
  object?: ObjectRef;
  /** Short human description of what is at this place ("ConfigMap user-auth-config data"). */
  note?: string;
  /**
   * Whether the file is in the repository keydrift ran on, at the ref it checked (where
   * annotations and SARIF results go). Unset: the repo label decides ('gitops' or none is
   * local). App-repo mode sets it: the app's lines at head are local, the GitOps files not.
   */
  local?: boolean;
}

export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export interface Finding {
  /** Stable check id, e.g. 'missing-key'. */
  check: string;
  severity: Severity;
  /** One or two sentences: what is wrong and what will happen. */
  message: string;
  /** Workload as Kind/namespace/name, when the finding concerns one. */
  workload?: string;
  container?: string;
  key?: string;
  locations: Location[];
  /** What to change, in words. */
  fix?: string;
  /** A unified diff that makes the change, when one can be written. */
  patch?: string;
  /** Extra structured data specific to the check (old/new names, confidence...). */
  details?: Record<string, unknown>;
}

/** Something keydrift could not look at, and why: never a silent pass. */
export interface Skip {
  what: string;
  reason: string;
  location?: Location;
}

export interface Report {
  command: string;
  findings: Finding[];
  skipped: Skip[];
  /** Workloads (Kind/ns/name) that were examined. */
  checked: string[];
}
