import type { Finding, Severity } from '../model.js';
import type { Contract, Evidence } from '../contract/model.js';
import type { ContainerProvision } from '../resolve/provision.js';
import type { Snapshot } from '../sources/snapshot.js';
import type { ImageRef } from '../images/ref.js';
import type { DriftContext } from '../drift/types.js';
import type { Driver } from '../fix/drivers.js';

export interface CheckMeta {
  /** Stable id; SARIF rule id is `keydrift/<id>`. */
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** What the check needs: a contract of the image, only manifests, or the live cluster (drift). */
  needs: 'manifests' | 'contract' | 'cluster';
}

/** A rename between two versions of an app (see contract/compare.ts). */
export interface RenameInfo {
  from: string[];
  to: string;
  confidence: 'high' | 'medium' | 'low';
  reasons: string[];
  /** The old version's reads first, then the new version's. */
  evidence: Evidence[];
  /** How many of `evidence` are the old version's reads (labelled with the old ref). */
  oldEvidence: number;
  /** The new version still reads every old name as a fallback (see contract/compare.ts). */
  honoured?: boolean;
}

export interface VersionInfo {
  image: ImageRef;
  contract: Contract;
  /** Database/cache/broker drivers the version's dependency files declare (for URL schemes). */
  drivers?: Driver[];
}

export interface ContainerContext {
  snapshot: Snapshot;
  provision: ContainerProvision;
  /** The version being rolled out (head), when its source is known. */
  current?: VersionInfo;
  /** The version it replaces (base), when it differs and its source is known. */
  previous?: VersionInfo;
  renames: RenameInfo[];
}

export interface SnapshotContext {
  snapshot: Snapshot;
  /** In PR mode, the files changed between base and head: only they are reported. */
  changedFiles?: Set<string>;
}

export interface ContainerCheck {
  meta: CheckMeta;
  scope: 'container';
  run(ctx: ContainerContext): Finding[];
}

export interface SnapshotCheck {
  meta: CheckMeta;
  scope: 'snapshot';
  run(ctx: SnapshotContext): Finding[];
}

/** A drift check: reads per-key git-vs-live deltas (with attribution and fate). */
export interface DriftCheck {
  meta: CheckMeta;
  scope: 'drift';
  run(ctx: DriftContext): Finding[];
}

export type Check = ContainerCheck | SnapshotCheck | DriftCheck;
