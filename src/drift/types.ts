/**
 * What drift checks read: the per-key deltas between git and the live cluster (with
 * attribution and fate). The check type itself is `DriftCheck` in src/checks/types.ts.
 */
import type { DriftItem } from './compare.js';

export type { DriftCheck } from '../checks/types.js';

export interface DriftContext {
  items: DriftItem[];
  /** The git ref compared, for messages. */
  ref?: string;
  /** "cluster https://…" or "dump PATH". */
  liveSource: string;
}
