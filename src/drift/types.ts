/**
 * Drift checks: each reads the per-key deltas between git and the live cluster (with
 * attribution and fate) and turns the ones it is about into findings.
 */
import type { Finding, Severity } from '../model.js';
import type { DriftItem } from './compare.js';

export interface DriftCheckMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
  needs: 'cluster';
}

export interface DriftContext {
  items: DriftItem[];
  /** The git ref compared, for messages. */
  ref?: string;
  /** "cluster https://…" or "dump PATH". */
  liveSource: string;
}

export interface DriftCheck {
  meta: DriftCheckMeta;
  scope: 'drift';
  run(ctx: DriftContext): Finding[];
}
