/**
 * What drift checks read: the per-key deltas between git and the live cluster (with
 * attribution and fate). The check type itself is `DriftCheck` in src/checks/types.ts.
 */
import type { DriftItem, LiveOnlyObject } from './compare.js';

export type { DriftCheck } from '../checks/types.js';

export interface DriftContext {
  items: DriftItem[];
  /** ConfigMaps/Secrets a GitOps app tracks in the cluster that git does not declare at all. */
  liveOnlyObjects?: LiveOnlyObject[];
  /** The git ref compared, for messages. */
  ref?: string;
  /** "cluster https://…" or "dump PATH". */
  liveSource: string;
}
