/**
 * A contract: what one version of an app reads from its environment.
 */

export type ReadKind = 'required' | 'defaulted' | 'optional' | 'build-time';
export type Confidence = 'high' | 'medium' | 'low';

/** Where and how a read was seen. */
export interface Evidence {
  /** Repo-relative POSIX path inside the app's source. */
  file: string;
  /** 1-based line. */
  line: number;
  /** The recognised pattern, e.g. "process.env.X", "os.environ[\"X\"]", "ENV X=…". */
  pattern: string;
}

export interface ContractRead {
  name: string;
  kind: ReadKind;
  evidence: Evidence;
  confidence: Confidence;
  /** The default value written in code, when the read has one (never a secret: code). */
  default?: string;
  /** Free text, e.g. "explicit check throws when unset". */
  note?: string;
  /** When the source says this name is deprecated, and what replaces it if it says. */
  deprecated?: { replacement?: string };
  /**
   * True when this is a declaration the app ships (`.env.example` line), not a read in code.
   * Code reads decide the kind of a name; a declaration only decides it when no code reads it.
   */
  declaration?: boolean;
  /**
   * When the app requires at least one of several names (`process.env.A ?? process.env.B`
   * followed by a throw when unset): the names, preferred first. Each such read is then
   * `optional` on its own, since any one of them is enough.
   */
  requiredOneOf?: string[];
}

/** A read whose variable name could not be determined statically. */
export interface UnresolvedRead {
  evidence: Evidence;
  /** Why it could not be resolved ("computed key", "process.env aliased as `env`"). */
  reason: string;
  /** A known static part of the name, e.g. a prefix, when there is one. */
  hint?: string;
}

/**
 * A fallback chain: the app reads `names[0]`, and when it is unset, `names[1]`, …
 * (`process.env.REDIS_URL ?? process.env.REDIS_HOST`). The first name is the preferred one;
 * later names are usually deprecated — a strong rename signal.
 */
export interface FallbackChain {
  names: string[];
  evidence: Evidence;
}

/** What one extractor found in one file. */
export interface ExtractResult {
  reads: ContractRead[];
  unresolved: UnresolvedRead[];
  fallbacks: FallbackChain[];
  /** Defaults the built image carries (Dockerfile `ENV`): such a key is never missing. */
  imageDefaults: ImageDefault[];
}

export interface ImageDefault {
  name: string;
  /** Value as written in the Dockerfile (not a secret: it is in the source). */
  value: string;
  evidence: Evidence;
}

export interface SourceFile {
  /** Repo-relative POSIX path. */
  path: string;
  text: string;
}

/** One extractor per language/format, in `src/contract/extractors/<id>.ts`. */
export interface Extractor {
  id: string;
  /** Cheap test on the path alone. */
  matches(path: string): boolean;
  /** Must never throw on malformed input: degrade to fewer reads / unresolved entries. */
  extract(file: SourceFile): ExtractResult;
}

/** Aggregated per name over all reads in a version. */
export interface ContractEntry {
  name: string;
  /** The strongest need over all reads: required > optional > defaulted > build-time. */
  kind: ReadKind;
  confidence: Confidence;
  reads: ContractRead[];
  deprecated?: { replacement?: string };
  /** Set when the name is optional on its own but one of these names is required. */
  requiredOneOf?: string[];
  /** Why the kind differs from the strongest read, e.g. "always set in a container". */
  note?: string;
}

export interface Contract {
  /** What this contract was read from: a label, a path or URL, a ref and a commit. */
  source: { label: string; location: string; ref?: string; commit?: string };
  entries: Map<string, ContractEntry>;
  unresolved: UnresolvedRead[];
  fallbacks: FallbackChain[];
  imageDefaults: ImageDefault[];
  /** Files that were read, and files skipped with a reason. */
  filesScanned: number;
  skipped: { file: string; reason: string }[];
}

export function emptyResult(): ExtractResult {
  return { reads: [], unresolved: [], fallbacks: [], imageDefaults: [] };
}
