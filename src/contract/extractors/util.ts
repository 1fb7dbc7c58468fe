/**
 * Small helpers shared by the extractors.
 */
import type { ContractRead, Evidence, ExtractResult, SourceFile } from '../model.js';
import { emptyResult } from '../model.js';
import { TooComplex, withBudget } from '../budget.js';

/** Maps a character offset to a 1-based line number (binary search over line starts). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

export function evidence(file: SourceFile, line: number, pattern: string): Evidence {
  return { file: file.path, line, pattern };
}

/**
 * Runs an extractor body and never lets it throw: a crash degrades to an unresolved entry
 * that says the file could not be analysed.
 */
export function guarded(
  id: string,
  file: SourceFile,
  body: (out: ExtractResult) => void,
): ExtractResult {
  const out = emptyResult();
  try {
    withBudget(file.text, () => body(out));
    return out;
  } catch (e) {
    if (e instanceof TooComplex) {
      // Keep what was found; say the rest was not analysed (no size or count: a .env file's is not shown).
      out.unresolved.push({
        evidence: { file: file.path, line: 1, pattern: id },
        reason: `too complex: the ${id} extractor stopped at its step budget for this file; reads in it may be missing`,
      });
      return out;
    }
    const msg = e instanceof Error ? e.message : String(e);
    // Keep what was found before the failure, and say the rest was not analysed.
    out.unresolved.push({
      evidence: { file: file.path, line: 1, pattern: id },
      reason: `${id} extractor could not analyse this file (${msg.slice(0, 120)}); reads in it may be missing`,
    });
    return out;
  }
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** A plausible environment variable name. */
export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Shortens a default expression for display. */
export function shorten(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/**
 * Function names that usually run at start (main, init, config loaders, connect): a check
 * that fails inside them fails the start. A check in any other function fails only when that
 * function runs, so such a required read gets medium confidence.
 */
export const STARTUP_FN =
  /^(?:main|_?_?init_?_?|bootstrap|start|run|initialize|setup|connect\w*|listen\w*|(?:load|get|read|parse|validate|check|create|build|make|new|must|init|setup)?_?(?:App|Application)?_?(?:Config|Configuration|Conf|Cfg|Env|Environment|Settings|Options|Opts)\w*)$/i;

/**
 * Makes a read that an explicit check requires into a conditional requirement: the check runs
 * only inside a feature that another setting turns on (`names`), so the read is optional on
 * its own and needed while one of `names` is set. Names equal to the read's own are ignored;
 * returns false (nothing changed) when no other name is left.
 */
export function makeConditional(read: ContractRead, names: string[], check: Evidence): boolean {
  const others = [...new Set(names.filter((n) => n !== read.name))];
  if (!others.length) return false;
  read.kind = 'optional';
  delete read.default;
  read.requiredWhen = { names: others, evidence: check };
  read.note = `required when ${others.join(' or ')} is set: ${read.note ?? `explicit check fails when unset (line ${check.line})`}`;
  return true;
}
