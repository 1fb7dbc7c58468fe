/**
 * The engine's intermediate form for environment reads (issue 9): what a language adapter
 * sees at one read, in language-neutral terms, and how that maps onto the contract model
 * (model.ts), so that the passes after extraction (fallbacks, requiredness, compare and rename
 * pairing) consume the same `ExtractResult` whatever produced it.
 */
import type { Confidence, ContractRead, ExtractResult, SourceFile } from '../model.js';
import { makeConditional } from '../extractors/util.js';
import { currentLimit } from '../budget.js';

/** What the program does when the variable is absent. */
export type WhenAbsent =
  /** The start fails (`${X:?}`, an explicit check that exits, `set -u`). */
  | 'fails'
  /** A value written in the code is used (`${X:-d}`, `[ -z "$X" ] && X=d`). */
  | 'defaults'
  /** Nothing: the empty or missing value flows on. */
  | 'empty';

/** A condition a read sits under (`if [ -n "$SMTP_ENABLED" ]; then …`). */
export interface Guard {
  /** The settings the condition tests. */
  names: string[];
  /** `set`: the block runs when they are set (a feature switch); `unset`: when they are not. */
  when: 'set' | 'unset';
  /** 1-based line of the condition. */
  line: number;
}

export interface EnvRead {
  /** The variable, when its name is written in the code. */
  name?: string;
  /** When it is not: the name as an expression, why it cannot be named, and a static part. */
  computed?: { expr: string; reason: string; hint?: string };
  /** 1-based line of the read itself. */
  line: number;
  /** The construct as written (evidence). */
  pattern: string;
  whenAbsent: WhenAbsent;
  /** The default as written, for `defaults`. */
  default?: string;
  /** Evidence of the behaviour when absent: the check that fails, the default's source. */
  because?: string;
  /** Names read in this name's place when it is unset (`${A:-$B}`), preferred first. */
  aliases?: string[];
  /** The start fails unless at least one of these names (this one among them) is set. */
  oneOf?: string[];
  /** The function (or method) the read is in, when any. */
  enclosingFunction?: string;
  /** Conditions enclosing the read, outermost first. */
  guards?: Guard[];
  /** Defaults to high. */
  confidence?: Confidence;
}

const RANK = { required: 3, optional: 2, defaulted: 1, 'build-time': 0 } as const;

/**
 * Adds the reads of one file to `out`: computed names become unresolved entries (never
 * dropped), aliases fallback chains, a failing read under a feature switch a conditional
 * requirement. Per name and line the strongest read is kept (one finding per cause).
 */
export function addReads(file: SourceFile, reads: EnvRead[], out: ExtractResult): void {
  const byKey = new Map<string, ContractRead>();
  for (const r of reads) {
    const evidence = { file: file.path, line: r.line, pattern: r.pattern };
    if (r.name === undefined) {
      out.unresolved.push({ evidence, reason: r.computed?.reason ?? 'computed name', hint: r.computed?.hint });
      continue;
    }
    const read: ContractRead = { name: r.name, kind: 'optional', evidence, confidence: r.confidence ?? 'high' };
    if (r.aliases?.length) {
      out.fallbacks.push({ names: [r.name, ...r.aliases], evidence });
      read.note = `fallback chain ${[r.name, ...r.aliases].join(' → ')}`;
    }
    if (r.whenAbsent === 'defaults') {
      read.kind = 'defaulted';
      read.default = r.default ?? '';
      if (r.because) read.note = r.because;
    } else if (r.whenAbsent === 'fails') {
      read.kind = 'required';
      if (r.because) read.note = r.because;
      const on = (r.guards ?? []).filter((g) => g.when === 'set');
      if (on.length) makeConditional(read, on.flatMap((g) => g.names), evidence);
    }
    if (r.oneOf && r.whenAbsent !== 'fails') {
      read.requiredOneOf = [...r.oneOf];
      read.note = `at least one of ${r.oneOf.join(', ')} is required${r.because ? ` (${r.because})` : ''}`;
    }
    const key = `${r.name}@${r.line}`;
    const prev = byKey.get(key);
    if (!prev || RANK[read.kind] > RANK[prev.kind]) {
      if (prev) out.reads.splice(out.reads.indexOf(prev), 1, read);
      else out.reads.push(read);
      byKey.set(key, read);
    }
  }
}

/**
 * Reads by file content: the engine form carries no path, so a text seen before (the same
 * entrypoint copied per image variant, the same file in the base and the head of a PR) is not
 * parsed again. In memory only, per process, bounded by the characters of the texts held.
 */
const MEMO_CHARS = 16 * 1024 * 1024;
const memo = new Map<string, EnvRead[]>();
let memoChars = 0;

export function readsOfText(adapter: string, text: string, compute: () => EnvRead[]): EnvRead[] {
  // What a file yields depends on its step budget too (a cut run is not the full one).
  const key = `${adapter}\0${currentLimit() ?? ''}\0${text}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const reads = compute();
  if (key.length <= MEMO_CHARS / 16) {
    if (memoChars + key.length > MEMO_CHARS) {
      memo.clear();
      memoChars = 0;
    }
    memo.set(key, reads);
    memoChars += key.length;
  }
  return reads;
}

/** Forgets every memoised text (benchmarks measure a fresh process with it). */
export function clearReadsMemo(): void {
  memo.clear();
  memoChars = 0;
}
