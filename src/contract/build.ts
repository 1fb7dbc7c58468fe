/**
 * Builds the contract of one app version from its source tree: which files are the shipped
 * app, which extractor reads each, and how reads of one name add up to one entry.
 *
 * Not the shipped app (skipped without reading):
 * - directories: `node_modules`, `vendor`, `bower_components`, `.git` and every other
 *   dot-directory (`.github`, `.devcontainer`, …), `__pycache__`, `venv`, `.venv`,
 *   `site-packages`, `coverage`, `test`, `tests`, `__tests__`, `spec`, `specs`, `e2e`,
 *   `cypress`, `playwright`, `testdata`, `fixtures`, `__fixtures__`, `__mocks__`, `mocks`,
 *   `examples`, `example`, `samples`, `docs`, `doc`; CI/deployment/dev tooling `ci`, `deploy`,
 *   `deployment(s)`, `k8s`, `kubernetes`, `helm`, `charts`, `infra(structure)`, `terraform`,
 *   `hack`, `bench(mark(s))`; build output `dist`, `build`, `out`,
 *   `target`, `.next`, `.nuxt` (Dockerfiles in them are still read);
 * - files: `*.test.*`, `*.spec.*`, `*.stories.*`, `*.min.js`, `*_test.go`, `test_*.py`,
 *   `*_test.py`, `conftest.py`, `*.d.ts`;
 * - files larger than 1 MiB, and binary files (recorded in `skipped`).
 * Image defaults from Dockerfiles named for development or tests (`Dockerfile.dev`,
 * `test.Dockerfile`, …) are dropped (recorded in `skipped`): they are not the shipped image.
 */
import type { FileTree } from '../sources/tree.js';
import type { Confidence, Contract, ContractEntry, ContractRead, EnvHelper, Extractor, ExtractResult, ReadKind, SourceFile } from './model.js';
import { EXTRACTORS } from './extractors/index.js';
import { prepareGrammars } from './engine/grammars.js';
import { isDockerfile } from './extractors/dockerfile.js';
import { helperRead } from './extractors/javascript.js';
import { unrecognisedAccess } from './unrecognised.js';
import { constantTargets, linkConstants, linkPending, linkScopedHelpers, linkTargets, resolveAlias, scopedHelperTargets } from './link.js';
import { makeConditional } from './extractors/util.js';
import { inferFallbacks } from './fallbacks.js';
import { entryPointsOf, isEntryPointFile, notRuntimeReason, packageToolScripts } from './runtime-code.js';

export const MAX_FILE_BYTES = 1024 * 1024;

const SKIP_DIRS = new Set([
  'node_modules', 'vendor', 'bower_components', '__pycache__', 'venv', 'site-packages', 'coverage',
  'test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'cypress', 'playwright', 'testdata',
  'fixtures', '__fixtures__', '__mocks__', 'mocks', 'examples', 'example', 'samples', 'docs', 'doc',
]);
/**
 * CI, deployment and developer tooling that does not ship in the image — when it sits beside
 * the app. Inside a source tree (`server/src/infra/cli.rs`, `internal/deploy/…`) such a name is
 * just a package of the app.
 */
const TOOLING_DIRS = new Set([
  'ci', 'deploy', 'deployment', 'deployments', 'k8s', 'kubernetes', 'helm', 'charts', 'infra',
  'infrastructure', 'terraform', 'hack', 'bench', 'benchmark', 'benchmarks',
]);
const SOURCE_ROOTS = new Set(['src', 'lib', 'internal', 'pkg', 'app', 'cmd', 'server', 'main']);
const OUTPUT_DIRS = new Set(['dist', 'build', 'out', 'target', '.next', '.nuxt']);
const SKIP_FILE = [
  /\.(?:test|spec|stories)\.[^/]+$/,
  /\.min\.js$/,
  /_test\.go$/,
  /(?:^|\/)test_[^/]*\.py$/,
  /_test\.py$/,
  /(?:^|\/)conftest\.py$/,
];
const DEV_DOCKERFILE = /(?:^|[.\-_])(?:dev|develop|development|test|tests|testing|ci|local|debug|devcontainer)(?:[.\-_]|$)/i;

/**
 * Why a path is not part of the shipped app, or undefined when it is. `buildRoots` are the
 * directories holding a Cargo.toml / pom.xml / build.gradle(.kts): only beside one of those is
 * `target/` build output — elsewhere (docker-mailserver's `target/scripts/…`, which its
 * Dockerfile copies into the image) it is the app.
 */
export function skipReason(path: string, buildRoots?: ReadonlySet<string>): string | undefined {
  const parts = path.split('/');
  const dirs = parts.slice(0, -1);
  const docker = isDockerfile(path);
  let inSource = false;
  for (let i = 0; i < dirs.length; i++) {
    const d = dirs[i]!;
    const low = d.toLowerCase();
    if (d.startsWith('.') && !OUTPUT_DIRS.has(d)) return `in ${d}/ (tooling, not the app)`;
    if (SKIP_DIRS.has(low)) return `in ${d}/ (not the shipped app)`;
    if (TOOLING_DIRS.has(low) && !inSource) return `in ${d}/ (not the shipped app)`;
    if (OUTPUT_DIRS.has(d) && !docker) {
      const parent = dirs.slice(0, i).join('/');
      if (d !== 'target' || !buildRoots || buildRoots.has(parent)) return `in ${d}/ (build output)`;
    }
    if (SOURCE_ROOTS.has(low)) inSource = true;
  }
  for (const re of SKIP_FILE) if (re.test(path)) return 'test file';
  return undefined;
}

const BUILD_MANIFEST = /(?:^|\/)(?:Cargo\.toml|pom\.xml|build\.gradle(?:\.kts)?|build\.sbt)$/;

/**
 * Names a container always has: PATH and HOME (set by the image / runtime), HOSTNAME (set by
 * the runtime and Kubernetes) and the KUBERNETES_SERVICE_* / KUBERNETES_PORT* service links.
 */
export function isRuntimeProvided(name: string): boolean {
  return name === 'PATH' || name === 'HOME' || name === 'HOSTNAME' || /^KUBERNETES_(?:SERVICE_|PORT)/.test(name);
}

/**
 * Kubernetes service links: for every Service in the namespace a pod gets
 * `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT[_<PORT>]` and `<SVC>_PORT[_<n>_<PROTO>[_ADDR|_PORT|_PROTO]]`
 * (unless `enableServiceLinks: false`), so such a name is not missing from the pod's env.
 */
export function isServiceLink(name: string): boolean {
  return /^[A-Z0-9_]+_SERVICE_(?:HOST|PORT)(?:_[A-Z0-9_]+)?$/.test(name) || /^[A-Z0-9_]+_PORT_\d+_(?:TCP|UDP|SCTP)(?:_ADDR|_PORT|_PROTO)?$/.test(name);
}

/**
 * Build and tooling files: their reads happen when building or developing, not in the running
 * container, so they are build-time reads (bundler/test/lint configs, Gradle Kotlin scripts,
 * Rust build.rs, setup.py, Rakefile, magefile).
 */
const TOOLING_FILE =
  /(?:^|\/)(?:(?:vite|vitest|webpack|rollup|babel|jest|tailwind|postcss|playwright|cypress|karma|tsup|rspack|rsbuild|esbuild|svelte|astro|metro|craco|commitlint|lint-staged|prettier|stylelint|eslint)\.config\.[cm]?[jt]s|\.eslintrc\.[cm]?js|\.prettierrc\.[cm]?js|(?:gulpfile|Gruntfile)\.[cm]?[jt]s|[\w.-]*\.gradle\.kts|build\.rs|setup\.py|noxfile\.py|Rakefile|magefile\.go)$/;

export function isToolingFile(path: string): boolean {
  return TOOLING_FILE.test(path);
}

const RANK: Record<ReadKind, number> = { required: 3, optional: 2, defaulted: 1, 'build-time': 0 };
const CONF: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

function cmpEvidence(a: { file: string; line: number; pattern?: string }, b: { file: string; line: number; pattern?: string }): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  const pa = a.pattern ?? '';
  const pb = b.pattern ?? '';
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

const DEPRECATION = /deprecat\w*\b[^\n]{0,120}?\b(?:use|in favou?r of|replaced (?:by|with)|superseded by|renamed to|moved to)\s+[`'"]?([A-Z][A-Z0-9_]{2,})\b/i;

/**
 * Marks reads that the source says are deprecated ("REDIS_HOST is deprecated, use REDIS_URL")
 * on the read's line, the two lines above it, or two lines below when that line names it.
 */
export function markDeprecations(reads: ContractRead[], texts: Map<string, string>): void {
  const split = new Map<string, string[]>();
  for (const r of reads) {
    if (r.declaration || r.kind === 'build-time') continue;
    const text = texts.get(r.evidence.file);
    if (text === undefined) continue;
    let lines = split.get(r.evidence.file);
    if (!lines) {
      lines = text.split('\n');
      split.set(r.evidence.file, lines);
    }
    const nameRe = new RegExp(`\\b${r.name.replace(/[^A-Za-z0-9_]/g, '')}\\b`);
    for (const off of [0, -1, -2, 1, 2]) {
      const l = lines[r.evidence.line - 1 + off];
      if (l === undefined) continue;
      const m = DEPRECATION.exec(l);
      if (!m) continue;
      const repl = m[1]!;
      if (repl === r.name) continue;
      if (off === 0 || off === -1 || nameRe.test(l)) {
        r.deprecated = { replacement: repl };
        break;
      }
    }
  }
}

/**
 * Runs every matching extractor on already-read files (exported for benchmarks and tests).
 * Files that fail an extractor's `quick` test are skipped, except that a file mentioning the
 * exported name of an env helper (`getEnv`) found elsewhere is extracted too, so that calls of
 * helpers across files are seen.
 */
export function extractFiles(files: SourceFile[]): { results: ExtractResult[]; errors: { file: string; reason: string }[] } {
  const results: ExtractResult[] = [];
  const errors: { file: string; reason: string }[] = [];
  const deferred: { f: SourceFile; ex: Extractor }[] = [];
  /** Deferred files that were extracted after all. */
  const ran = new Set<SourceFile>();
  const run = (f: SourceFile, ex: Extractor): void => {
    try {
      const r = ex.extract(f);
      if (ex.id === 'dotenv') for (const read of r.reads) read.declaration = true;
      results.push(r);
    } catch (e) {
      errors.push({ file: f.path, reason: `${ex.id} extractor failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  for (const f of files) {
    for (const ex of EXTRACTORS) {
      if (!ex.matches(f.path)) continue;
      if (ex.quick && !ex.quick.test(f.text)) {
        deferred.push({ f, ex });
        continue;
      }
      run(f, ex);
    }
  }
  const paths = new Set(files.map((f) => f.path));
  const helperNames = new Set<string>();
  /** Files exporting a helper as `default`: only a file importing one of them can call it. */
  const defaultHelperFiles = new Set<string>();
  for (const r of results) {
    for (const h of r.envHelpers ?? []) {
      if (h.exportName !== 'default') helperNames.add(h.exportName);
      else defaultHelperFiles.add(h.evidence.file);
    }
  }
  if (helperNames.size || defaultHelperFiles.size) {
    const re = helperNames.size ? new RegExp(`\\b(?:${[...helperNames].map((n) => n.replace(/[$]/g, '\\$&')).join('|')})\\b`) : undefined;
    const importsDefaultHelper = (f: SourceFile): boolean => {
      // Every quoted relative specifier (import, require, re-export): a superset of the imports.
      for (const m of f.text.matchAll(/['"`](\.{1,2}(?:\/[^'"`\n]*)?)['"`]/g)) {
        const target = resolveModule(f.path, m[1]!, paths);
        if (target && defaultHelperFiles.has(target)) return true;
      }
      return false;
    };
    for (const { f, ex } of deferred) {
      if (ex.id !== 'javascript') continue;
      if ((re && re.test(f.text)) || (defaultHelperFiles.size && importsDefaultHelper(f))) {
        ran.add(f);
        run(f, ex);
      }
    }
  }
  // Go/JVM/Python files that may call a helper of another file (config.go's getenv,
  // EnvUtil.require, envbool imported from settings/base.py).
  const scopedLangs = new Set(['go', 'jvm', 'python']);
  const helperTargets = scopedHelperTargets(results, deferred.filter(({ ex }) => scopedLangs.has(ex.id)).map(({ f }) => f));
  for (const { f, ex } of deferred) {
    if (scopedLangs.has(ex.id) && helperTargets.has(f.path) && !ran.has(f)) {
      ran.add(f);
      run(f, ex);
    }
  }
  // Java/Kotlin files declaring a class whose constants other files read as keys (link.ts).
  const constTargets = constantTargets(results, deferred.filter(({ ex }) => ex.id === 'jvm').map(({ f }) => f));
  for (const { f, ex } of deferred) {
    if (ex.id === 'jvm' && constTargets.has(f.path) && !ran.has(f)) {
      ran.add(f);
      run(f, ex);
    }
  }
  // Files whose exports another file applies (a schema handed to NestJS ConfigModule): read
  // them too, following applied exports from file to file (link.ts).
  for (let round = 0; round < 8; round++) {
    const targets = linkTargets(results, (from, spec) => resolveModule(from, spec, paths) ?? resolveAlias(spec, paths));
    const next = deferred.filter(({ f, ex }) => ex.id === 'javascript' && targets.has(f.path) && !ran.has(f));
    if (!next.length) break;
    for (const { f, ex } of next) {
      ran.add(f);
      run(f, ex);
    }
  }
  return { results, errors };
}

/** Aggregates the reads of one name into an entry (see Contract docs for the rules). */
export function aggregate(name: string, reads: ContractRead[]): ContractEntry {
  const sorted = [...reads].sort((a, b) => cmpEvidence(a.evidence, b.evidence));
  // Code reads decide; a declaration only decides for names no code reads.
  const code = sorted.filter((r) => !r.declaration || r.enforcedBy);
  const deciding = code.length ? code : sorted;
  // Runtime reads decide over build-time ones.
  const runtime = deciding.filter((r) => r.kind !== 'build-time');
  const pool = runtime.length ? runtime : deciding;
  let kind: ReadKind = pool[0]!.kind;
  for (const r of pool) if (RANK[r.kind] > RANK[kind]) kind = r.kind;
  let confidence: Confidence = 'low';
  for (const r of pool) if (r.kind === kind && CONF[r.confidence] > CONF[confidence]) confidence = r.confidence;
  const entry: ContractEntry = { name, kind, confidence, reads: sorted };
  if (!code.length) {
    const files = [...new Set(sorted.map((r) => r.evidence.file))].join(', ');
    entry.note = `declared in ${files}; no read of it was found in the code (it may be read dynamically, by a dependency, or only by tooling such as docker compose)`;
  }
  if (kind === 'required' && isRuntimeProvided(name)) {
    entry.kind = 'optional';
    entry.note = `${name} is always set in a container (by the image or the runtime), so it is never missing`;
  } else if (kind === 'required' && isServiceLink(name)) {
    entry.kind = 'optional';
    entry.note = `${name} looks like a Kubernetes service link, set for a Service of that name in the namespace unless enableServiceLinks is false`;
  }
  // Loose matching only when every read of the name is loose in the same way.
  const matches = new Set(sorted.map((r) => r.match ?? 'exact'));
  if (matches.size === 1 && !matches.has('exact')) entry.match = [...matches][0]!;
  const dep = sorted.find((r) => r.deprecated);
  if (dep) entry.deprecated = { ...dep.deprecated };
  if (kind === 'optional') {
    const oneOf = pool.find((r) => r.requiredOneOf)?.requiredOneOf;
    if (oneOf) entry.requiredOneOf = [...oneOf];
    // Required while another setting is on: every such condition, once.
    const when = new Map<string, NonNullable<ContractRead['requiredWhen']>>();
    for (const r of pool) if (r.requiredWhen && r.kind === 'optional') when.set(`${r.requiredWhen.names.join(',')}@${r.requiredWhen.evidence.file}:${r.requiredWhen.evidence.line}`, r.requiredWhen);
    if (when.size && !entry.requiredOneOf) entry.requiredWhen = [...when.values()];
  }
  return entry;
}

/**
 * dotenv-safe fails the start when a name of its example file is unset: those declarations
 * become required, and count like code reads. The example file is the one the code names
 * (resolved from the root or the code's folder), else every `.env.example` in a folder that
 * holds the code or one of its parents.
 */
function enforceDeclarations(results: ExtractResult[], reads: ContractRead[]): void {
  for (const r of results) {
    for (const e of r.enforcesDeclarations ?? []) {
      const dir = e.evidence.file.split('/').slice(0, -1);
      const candidates = new Set<string>();
      if (e.example) {
        const rel = e.example.replace(/^\.\//, '');
        candidates.add(rel);
        for (let k = dir.length; k >= 0; k--) candidates.add([...dir.slice(0, k), rel].join('/'));
      } else {
        for (let k = dir.length; k >= 0; k--) candidates.add([...dir.slice(0, k), '.env.example'].join('/'));
      }
      for (const read of reads) {
        if (!read.declaration || !candidates.has(read.evidence.file)) continue;
        read.kind = 'required';
        read.confidence = 'high';
        read.enforcedBy = e.evidence;
        read.note = `dotenv-safe fails the start when it is unset (${e.evidence.file}:${e.evidence.line})`;
      }
    }
  }
}

/** Resolves a relative module specifier from `fromFile` to a scanned file. */
export function resolveModule(fromFile: string, spec: string, files: Set<string>): string | undefined {
  const parts = fromFile.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const base = parts.join('/');
  const noExt = base.replace(/\.(?:[cm]?js|jsx)$/, '');
  const cands = [base, `${noExt}.ts`, `${noExt}.tsx`, `${noExt}.mts`, `${noExt}.cts`, `${noExt}.js`, `${noExt}.mjs`, `${noExt}.cjs`, `${noExt}.jsx`];
  for (const ix of ['index.ts', 'index.tsx', 'index.js', 'index.mjs']) cands.push(`${base}/${ix}`);
  return cands.find((c) => files.has(c));
}

/**
 * Calls in one file of an env helper exported by another (`import { getEnv } from './env.js'`;
 * `getEnv('PORT', '3000')`) become reads; a helper that nobody calls with a literal name is
 * reported unresolved.
 */
function resolveHelperCalls(results: ExtractResult[], contract: Contract, files: Set<string>): ContractRead[] {
  const helpers = new Map<string, { h: EnvHelper; used: boolean }>();
  for (const r of results) for (const h of r.envHelpers ?? []) helpers.set(`${h.evidence.file}#${h.exportName}`, { h, used: false });
  const reads: ContractRead[] = [];
  for (const r of results) {
    for (const c of r.helperCalls ?? []) {
      const target = resolveModule(c.evidence.file, c.from, files);
      if (!target) continue;
      const entry = helpers.get(`${target}#${c.importedName}`);
      if (!entry) continue;
      entry.used = true;
      if (c.nameArg === undefined) {
        contract.unresolved.push({ evidence: c.evidence, reason: `computed key passed to ${c.importedName}()`, ...(c.hint ? { hint: c.hint } : {}) });
        continue;
      }
      const read = helperRead(c.nameArg, entry.h, c.defaultArg, c.defaultArg !== undefined, c.evidence, c.importedName);
      read.note = `${read.note} (defined at ${entry.h.evidence.file}:${entry.h.evidence.line})`;
      reads.push(read);
    }
  }
  const reported = new Set<string>();
  for (const { h, used } of helpers.values()) {
    const key = `${h.evidence.file}:${h.evidence.line}`;
    if (used || reported.has(key)) continue;
    // Called only inside its own file (already resolved there) or never: say so once.
    const localCalls = results.some((r) => r.reads.some((x) => x.evidence.file === h.evidence.file && x.note?.startsWith(`through helper ${h.exportName}()`)));
    if (localCalls) continue;
    reported.add(key);
    contract.unresolved.push({ evidence: h.evidence, reason: `computed key on process.env in exported helper ${h.exportName}(): no call with a literal name found` });
  }
  return reads;
}

/**
 * Checks of a CLI flag (`if c.String("host") == "" { log.Fatal(…) }`) become requirements of
 * the variables the flag is read from (its definition is often in another file: the same
 * directory first, else the only definition of that flag name). A flag with a default never
 * fails the check; a flag read from several variables needs one of them; a check inside
 * `if c.Bool("smtp") { … }` is required only while that flag's variable is set.
 */
function resolveFlagChecks(results: ExtractResult[]): ContractRead[] {
  const flags = results.flatMap((r) => r.cliFlags ?? []);
  if (!flags.length) return [];
  const dirOf = (f: string): string => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  const find = (flag: string, file: string) => {
    const all = flags.filter((f) => f.flag === flag);
    const same = all.filter((f) => dirOf(f.evidence.file) === dirOf(file));
    if (same.length) return same[0];
    return new Set(all.map((a) => a.names.join(','))).size === 1 ? all[0] : undefined;
  };
  const out: ContractRead[] = [];
  for (const r of results) {
    for (const c of r.flagChecks ?? []) {
      const def = find(c.flag, c.evidence.file);
      if (!def || def.defaulted) continue;
      const when = [...(c.whenNames ?? []), ...(c.whenFlags ?? []).flatMap((f) => find(f, c.evidence.file)?.names.slice(0, 1) ?? [])];
      for (const n of def.names) {
        const read: ContractRead = {
          name: n,
          kind: 'required',
          evidence: c.evidence,
          confidence: c.confidence,
          note: `${c.note}; --${c.flag} is read from ${def.names.join(', ')} (${def.evidence.file}:${def.evidence.line})`,
        };
        if (def.names.length > 1) {
          read.kind = 'optional';
          read.requiredOneOf = [...def.names];
        }
        if (when.length && makeConditional(read, when, c.evidence)) delete read.requiredOneOf;
        out.push(read);
      }
    }
  }
  return out;
}

export interface BuildOptions {
  /**
   * Only read files under this repo-relative folder (one app of a monorepo). Evidence paths
   * stay repo-relative; skip rules apply to the path below this folder.
   */
  root?: string;
}

export async function buildContract(tree: FileTree, source: Contract['source'], options: BuildOptions = {}): Promise<Contract> {
  const all = await tree.list();
  const skipped: { file: string; reason: string }[] = [];
  const wanted: string[] = [];
  const root = options.root?.replace(/^\.?\/+|\/+$/g, '') ?? '';
  const buildRoots = new Set<string>();
  for (const p of all) {
    if (!BUILD_MANIFEST.test(p)) continue;
    const rel = root ? (p.startsWith(root + '/') ? p.slice(root.length + 1) : undefined) : p;
    if (rel !== undefined) buildRoots.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
  }
  for (const p of all) {
    if (root && !p.startsWith(root + '/')) continue;
    if (!EXTRACTORS.some((ex) => ex.matches(p))) continue;
    const why = skipReason(root ? p.slice(root.length + 1) : p, buildRoots);
    if (why) continue; // not the app: silently out of scope (documented above)
    wanted.push(p);
  }
  const texts = await tree.readMany(wanted);
  // Which code the image runs: entry points (Dockerfile CMD, Procfile, package.json, pyproject).
  const inRoot = (p: string) => !root || p.startsWith(root + '/');
  const epPaths = all.filter((p) => inRoot(p) && isEntryPointFile(p) && !skipReason(root ? p.slice(root.length + 1) : p, buildRoots));
  const epTexts = new Map<string, string>();
  const missing = epPaths.filter((p) => !texts.has(p));
  const more = missing.length ? await tree.readMany(missing) : new Map<string, string>();
  for (const p of epPaths) {
    const t = texts.get(p) ?? more.get(p);
    if (t !== undefined && Buffer.byteLength(t, 'utf8') <= MAX_FILE_BYTES) epTexts.set(p, t);
  }
  const entryPoints = entryPointsOf(epTexts);
  const toolScripts = packageToolScripts(epTexts, all);
  const files: SourceFile[] = [];
  for (const p of wanted) {
    const text = texts.get(p);
    if (text === undefined) {
      skipped.push({ file: p, reason: 'could not be read' });
      continue;
    }
    const notRuntime = notRuntimeReason(root ? p.slice(root.length + 1) : p, text, entryPoints, toolScripts, p);
    if (notRuntime) {
      skipped.push({ file: p, reason: notRuntime });
      continue;
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
      skipped.push({ file: p, reason: `larger than 1 MiB` });
      continue;
    }
    if (text.slice(0, 8000).includes('\0')) {
      skipped.push({ file: p, reason: 'binary file' });
      continue;
    }
    files.push({ path: p, text });
  }
  await prepareGrammars(EXTRACTORS.filter((ex) => ex.grammars && files.some((f) => ex.matches(f.path))).flatMap((ex) => ex.grammars!));
  const { results, errors } = extractFiles(files);
  skipped.push(...errors);

  const contract: Contract = {
    source,
    entries: new Map(),
    unresolved: [],
    fallbacks: [],
    imageDefaults: [],
    filesScanned: files.length,
    skipped,
  };
  const reads: ContractRead[] = [];
  for (const r of results) {
    reads.push(...r.reads);
    contract.unresolved.push(...r.unresolved);
    contract.fallbacks.push(...r.fallbacks);
    for (const d of r.imageDefaults) {
      const b = d.evidence.file.split('/').pop()!;
      if (DEV_DOCKERFILE.test(b.replace(/^(?:Dockerfile|Containerfile)/i, '').replace(/(?:Dockerfile|Containerfile)$/i, ''))) {
        if (!skipped.some((s) => s.file === d.evidence.file)) {
          skipped.push({ file: d.evidence.file, reason: 'ENV defaults ignored: looks like a development/test Dockerfile, not the shipped image' });
        }
        continue;
      }
      contract.imageDefaults.push(d);
    }
  }
  for (const r of reads) {
    if (r.kind !== 'build-time' && !r.declaration && isToolingFile(r.evidence.file)) {
      r.kind = 'build-time';
      delete r.requiredOneOf;
      r.note = `read by build/tooling configuration, not by the running app${r.note ? `; ${r.note}` : ''}`;
    }
  }
  const paths = new Set(files.map((f) => f.path));
  reads.push(...resolveHelperCalls(results, contract, paths));
  // Framework-applied schemas and helpers of a Go package, across files (link.ts).
  const applied = linkPending(results, (from, spec) => resolveModule(from, spec, paths) ?? resolveAlias(spec, paths));
  reads.push(...applied.reads);
  contract.unresolved.push(...applied.unresolved);
  contract.fallbacks.push(...applied.fallbacks);
  const constantKeyed = linkConstants(results);
  reads.push(...constantKeyed.reads);
  contract.unresolved.push(...constantKeyed.unresolved);
  const scoped = linkScopedHelpers(results);
  reads.push(...scoped.reads);
  contract.unresolved = contract.unresolved.filter((u) => !scoped.resolvedAt.has(`${u.evidence.file}:${u.evidence.line}`));
  contract.unresolved.push(...scoped.unresolved);
  reads.push(...resolveFlagChecks(results));
  // A file that touches the environment but gave no extractor anything: say so (class 7).
  contract.unresolved.push(...unrecognisedAccess(files, results, reads, contract.unresolved, isToolingFile));
  contract.fallbacks.push(...inferFallbacks(files, reads, contract.fallbacks).chains);
  enforceDeclarations(results, reads);
  markDeprecations(reads, new Map(files.map((f) => [f.path, f.text])));

  const byName = new Map<string, ContractRead[]>();
  for (const r of reads) {
    const list = byName.get(r.name) ?? [];
    list.push(r);
    byName.set(r.name, list);
  }
  for (const name of [...byName.keys()].sort()) contract.entries.set(name, aggregate(name, byName.get(name)!));

  contract.unresolved.sort((a, b) => cmpEvidence(a.evidence, b.evidence) || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  const seenChains = new Set<string>();
  contract.fallbacks = contract.fallbacks
    .sort((a, b) => cmpEvidence(a.evidence, b.evidence))
    .filter((f) => {
      const k = `${f.names.join(',')}@${f.evidence.file}:${f.evidence.line}`;
      if (seenChains.has(k)) return false;
      seenChains.add(k);
      return true;
    });
  contract.imageDefaults.sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : cmpEvidence(a.evidence, b.evidence)));
  contract.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return contract;
}

/** The contract of a tree, labelled from the tree itself (for benchmarks and the CLI). */
export function scanTree(tree: FileTree, options: BuildOptions = {}): Promise<Contract> {
  return buildContract(
    tree,
    {
      label: tree.label,
      location: tree.root,
      ...(tree.ref ? { ref: tree.ref } : {}),
      ...(tree.commit ? { commit: tree.commit } : {}),
    },
    options,
  );
}
