/** The registry of checks. test/checks/registry.test.ts keeps it, the files and the README in step. */
import type { Check } from './types.js';
import { danglingRef } from './dangling-ref.js';
import { invalidYaml } from './invalid-yaml.js';
import { renderFailed } from './render-failed.js';
import { missingKey } from './missing-key.js';
import { optionalRefMissing } from './optional-ref-missing.js';
import { renamedKey } from './renamed-key.js';
import { staleKey } from './stale-key.js';
import { unresolvedRead } from './unresolved-read.js';
import { liveOnlyKey } from './live-only-key.js';
import { liveValueChanged } from './live-value-changed.js';
import { pendingInGit } from './pending-in-git.js';
import { fixWillBeLost } from './fix-will-be-lost.js';
import { willBeReverted } from './will-be-reverted.js';
import { probeThrottleKill } from './probe-throttle-kill.js';
import { liveOnlyObject } from './live-only-object.js';

export const CHECKS: Check[] = [missingKey, renamedKey, danglingRef, optionalRefMissing, staleKey, unresolvedRead, invalidYaml, renderFailed, fixWillBeLost, willBeReverted, liveOnlyKey, liveValueChanged, liveOnlyObject, pendingInGit, probeThrottleKill];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
