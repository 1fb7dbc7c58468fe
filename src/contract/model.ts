/**
 * A contract: what one version of an app reads from its environment.
 */
import type { GrammarId } from './engine/grammars.js';

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
  /** For a declaration: code that makes every declared name required at start (dotenv-safe). */
  enforcedBy?: Evidence;
  /**
   * When the app requires at least one of several names (`process.env.A ?? process.env.B`
   * followed by a throw when unset): the names, preferred first. Each such read is then
   * `optional` on its own, since any one of them is enough.
   */
  requiredOneOf?: string[];
  /**
   * How the app matches the name against its environment, when not exactly: pydantic-settings
   * and .NET configuration ignore case; Spring relaxed binding also accepts `app.db-url` for
   * `APP_DBURL`/`APP_DB_URL`. See `namesMatch` in names.ts.
   */
  match?: NameMatch;
  /**
   * A conditional requirement: the code fails when this name is unset, but only inside a
   * feature that runs when another setting is on (`if (SMTP_ENABLED) { if (!SMTP_PASSWORD)
   * throw … }`). The read is then `optional` on its own; it is needed when one of `names` is
   * set (to a value that is not off: not empty, `false`, `0`, `no`, `off`).
   */
  requiredWhen?: RequiredWhen;
}

export interface RequiredWhen {
  /** The setting(s) whose test encloses the check; the feature is on when one of them is. */
  names: string[];
  /** The check that fails (file:line of the `if`/`raise`/`log.Fatal`). */
  evidence: Evidence;
}

export type NameMatch = 'exact' | 'case-insensitive' | 'spring-relaxed';

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
  /**
   * Exported functions that read the variable their caller names (`getEnv('X')`), for
   * buildContract to resolve at call sites in other files. Optional: most extractors have none.
   */
  envHelpers?: EnvHelper[];
  /** Calls of imported functions with a literal first argument: candidate helper call sites. */
  helperCalls?: HelperCall[];
  /**
   * Code that fails the start unless every name of a declaration file is set (dotenv-safe):
   * the declaration file (repo-relative when the code names one, else undefined = `.env.example`
   * next to the package) and where that happens.
   */
  enforcesDeclarations?: { example?: string; evidence: Evidence }[];
  /**
   * Reads that hold only when code elsewhere applies them (issue 9, framework-applied schemas):
   * a Joi/zod schema or a class-validator class exported from one file and handed to NestJS
   * `ConfigModule.forRoot` in another, Spring files of a custom `spring.config.name`. Resolved
   * by `link.ts`; a pending entry nothing applies yields nothing.
   */
  pending?: PendingReads[];
  /** Code that applies pending reads: by key, or by an import of another file's export. */
  applies?: ApplyReads[];
  /**
   * Helper functions that read the variable their caller names, for call sites in other files
   * of the same scope (a Go package: `go:<dir>`), resolved by `link.ts`.
   */
  scopedHelpers?: ScopedHelper[];
  scopedHelperCalls?: ScopedHelperCall[];
  /**
   * CLI flags bound to environment variables (urfave/cli `Name: "host", EnvVars: […]`), so that
   * checks of the flag elsewhere (`c.String("host") == ""`) can be tied to its variables.
   */
  cliFlags?: { flag: string; names: string[]; evidence: Evidence; defaulted?: boolean }[];
  /** Checks of a CLI flag's value that fail when it is empty (resolved through `cliFlags`). */
  flagChecks?: FlagCheck[];
  /**
   * String constants this file declares that other files can name, by scope (`java:<Class>`
   * for a Java/Kotlin class's `static final String K = "X"` / `const val K = "X"`).
   */
  constants?: { scope: string; name: string; value: string; evidence: Evidence }[];
  /**
   * Reads whose key is a constant of another file (`System.getenv(Keys.DB_URL)`): `read` is
   * complete but for its name; link.ts names it when the app declares that constant exactly
   * once (or with one value), and lists it unresolved otherwise.
   */
  constantReads?: { scope: string; name: string; read: ContractRead }[];
}

/** See ExtractResult.pending. `key` is `js:<file>#<export>` or a recognizer's own key. */
export interface PendingReads {
  key: string;
  reads: ContractRead[];
  unresolved?: UnresolvedRead[];
  fallbacks?: FallbackChain[];
  /** Further pending reads that applying this one applies (a validate() using a class of another file). */
  then?: ApplyReads[];
}

export interface ApplyReads {
  /** A recognizer key (`spring-config:NAME`), or … */
  key?: string;
  /** … an import: `importedName` from the relative module `from` (resolved from `evidence.file`). */
  module?: { from: string; importedName: string };
  evidence: Evidence;
  /** What applies it, for the notes of the reads ("NestJS ConfigModule.forRoot validationSchema"). */
  by: string;
}

export interface ScopedHelper {
  scope: string;
  name: string;
  fails: boolean;
  defaultParam: boolean;
  evidence: Evidence;
  /**
   * The helper reads a .NET configuration key (`configuration[key]`): the variable is the key
   * with `:` → `__` (after the call file's `AddEnvironmentVariables` prefix), matched
   * case-insensitively, and never required (appsettings.json may hold it).
   */
  keyStyle?: 'dotnet-config';
  /** Calls in the helper's own file are resolved here too (C#), not by the extractor (Go). */
  sameFile?: boolean;
}

export interface ScopedHelperCall {
  scope: string;
  name: string;
  /** Prefix of the call's file for `keyStyle` helpers (`AddEnvironmentVariables("P_")`). */
  prefix?: string;
  nameArg?: string;
  defaultArg?: string;
  hint?: string;
  evidence: Evidence;
}

export interface FlagCheck {
  flag: string;
  /** The check that fails. */
  evidence: Evidence;
  confidence: Confidence;
  note: string;
  /** Flags or variables whose test encloses the check (a conditional requirement). */
  whenFlags?: string[];
  whenNames?: string[];
}

/** A function that reads `process.env[<its first parameter>]`. */
export interface EnvHelper {
  /** The name it is exported under. */
  exportName: string;
  /** What a call means: fails when unset → required; uses its 2nd parameter as a default. */
  fails: boolean;
  defaultParam: boolean;
  /** Default value of the 2nd parameter in the signature, when written. */
  paramDefault?: string;
  /** Where the helper reads the environment. */
  evidence: Evidence;
}

export interface HelperCall {
  /** The imported name that is called, and the module specifier it comes from ("./env.js"). */
  importedName: string;
  from: string;
  /** The first argument when it is a string literal; undefined when computed. */
  nameArg?: string;
  hint?: string;
  /** The second argument as written, when there is one. */
  defaultArg?: string;
  evidence: Evidence;
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
  /**
   * Optional cheap test on the text: when it does not match, the file cannot hold a read this
   * extractor recognises, and `extract` is skipped (most source files read nothing).
   */
  quick?: { test(text: string): boolean };
  /**
   * Tree-sitter grammars the extractor parses with (engine/grammars.ts): `buildContract` loads
   * them, once per process, before extracting when a file of the build matches.
   */
  grammars?: GrammarId[];
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
  /** Set when every read matches the name loosely (see ContractRead.match). */
  match?: NameMatch;
  /**
   * Set when the name is optional on its own but required while another setting is on:
   * the conditions of its conditional requirements (see ContractRead.requiredWhen).
   */
  requiredWhen?: RequiredWhen[];
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
