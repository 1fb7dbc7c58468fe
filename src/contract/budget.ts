/**
 * A per-file step budget for the contract extractors. Extraction is synchronous, so the budget
 * of the file being analysed is module state: `guarded` (extractors/util.ts) opens one per file,
 * and loops whose work is not bounded by the file's size in one pass call `spend`. A file that
 * exhausts its budget becomes one unresolved entry ("too complex") instead of stalling the run,
 * whatever a crafted file does (issue 15.11). The budget grows with the file's size, so it only
 * ever cuts work that is super-linear.
 */

/** Steps allowed per character of the file, plus a base for small files. */
export const STEPS_PER_CHAR = 64;
export const BASE_STEPS = 2_000_000;

/** Thrown by `spend` when the file's budget is used up; `guarded` turns it into an unresolved entry. */
export class TooComplex extends Error {
  override readonly name = 'TooComplex';
  constructor() {
    super('too complex');
  }
}

interface Budget {
  used: number;
  limit: number;
}

let current: Budget | undefined;
let override: number | undefined;
let last = 0;

/** Count `n` steps against the current file's budget (no-op outside a budget). */
export function spend(n = 1): void {
  if (current && (current.used += n) > current.limit) throw new TooComplex();
}

/** The step limit of the current file (undefined outside a budget): a result depends on it. */
export function currentLimit(): number | undefined {
  return current?.limit;
}

/** Run `fn` with a budget for `text`; the previous budget (if any) is restored after. */
export function withBudget<T>(text: string, fn: () => T): T {
  const outer = current;
  const b: Budget = { used: 0, limit: override ?? BASE_STEPS + STEPS_PER_CHAR * text.length };
  current = b;
  try {
    return fn();
  } finally {
    current = outer;
    last = b.used;
  }
}

/** Steps the last budgeted run used (tests prove linear work by it). */
export function stepsOfLastRun(): number {
  return last;
}

/** Run `fn` with every budget opened inside it limited to `limit` steps (tests of the budget path). */
export function withStepLimit<T>(limit: number, fn: () => T): T {
  const outer = override;
  override = limit;
  try {
    return fn();
  } finally {
    override = outer;
  }
}
