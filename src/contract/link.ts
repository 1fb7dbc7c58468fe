/**
 * Cross-file facts of one app version (issue 9, classes 1 and 2), joined after every file was
 * extracted:
 *
 * - pending reads and what applies them: a Joi/zod schema or a class-validator class exported
 *   by one file becomes reads when another file hands it to NestJS `ConfigModule.forRoot` (or
 *   validates `process.env` with it); the files of a custom Spring `spring.config.name` become
 *   reads when the main class sets that name. Applying is transitive (`then`): app.module
 *   applies `validate` of env.validation.ts, which applies the class of env.dto.ts. Pending
 *   reads nothing applies yield nothing (a request-body schema is not the environment).
 * - helpers scoped to a Go package: `getenv("PORT", "8080")` in main.go through
 *   `func getenv(k, def string) string` of config.go is a read at the call, with its default;
 *   C# extension methods over IConfiguration (`conf.GetOrDefault<int>("port", 80)`) likewise,
 *   in any file of the app.
 */
import type { ApplyReads, ContractRead, ExtractResult, FallbackChain, UnresolvedRead } from './model.js';

/**
 * A path-alias import (`src/dtos/env.dto`, `@/config/env`, `~/env`) as a file of the app: the
 * one file whose path ends with it (ambiguous → none).
 */
export function resolveAlias(spec: string, paths: Iterable<string>): string | undefined {
  if (spec.startsWith('.') || !spec.includes('/')) return undefined;
  const rest = spec.replace(/^(?:@|~|#)\//, '');
  const exts = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx', '/index.ts', '/index.js'];
  const found: string[] = [];
  for (const p of paths) {
    for (const e of exts) {
      const tail = rest.replace(/\.(?:[cm]?js|jsx)$/, '') + e;
      if (p === tail || p.endsWith('/' + tail)) {
        found.push(p);
        break;
      }
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

export type ResolveModule = (fromFile: string, spec: string) => string | undefined;

function applyKey(a: ApplyReads, resolve: ResolveModule): string | undefined {
  if (a.key) return a.key;
  if (!a.module) return undefined;
  const target = resolve(a.evidence.file, a.module.from);
  return target ? `js:${target}#${a.module.importedName}` : undefined;
}

/** Files that an import-applying fact points at (to be extracted even when their quick test fails). */
export function linkTargets(results: ExtractResult[], resolve: ResolveModule): Set<string> {
  const out = new Set<string>();
  const visit = (a: ApplyReads): void => {
    if (!a.module) return;
    const t = resolve(a.evidence.file, a.module.from);
    if (t) out.add(t);
  };
  for (const r of results) {
    for (const a of r.applies ?? []) visit(a);
    for (const p of r.pending ?? []) for (const a of p.then ?? []) visit(a);
  }
  return out;
}

/** Reads of every applied pending entry (each applied once, whatever applies it). */
export function linkPending(results: ExtractResult[], resolve: ResolveModule): { reads: ContractRead[]; unresolved: UnresolvedRead[]; fallbacks: FallbackChain[] } {
  const pending = new Map<string, NonNullable<ExtractResult['pending']>>();
  for (const r of results) {
    for (const p of r.pending ?? []) {
      const list = pending.get(p.key) ?? [];
      list.push(p);
      pending.set(p.key, list);
    }
  }
  const reads: ContractRead[] = [];
  const unresolved: UnresolvedRead[] = [];
  const fallbacks: FallbackChain[] = [];
  if (!pending.size) return { reads, unresolved, fallbacks };
  const done = new Set<string>();
  const queue: ApplyReads[] = [];
  for (const r of results) queue.push(...(r.applies ?? []));
  while (queue.length) {
    const a = queue.shift()!;
    const key = applyKey(a, resolve);
    if (!key || done.has(key)) continue;
    done.add(key);
    for (const p of pending.get(key) ?? []) {
      for (const read of p.reads) {
        const copy: ContractRead = { ...read };
        const how = `applied by ${a.by} at ${a.evidence.file}:${a.evidence.line}`;
        copy.note = copy.note ? `${copy.note}; ${how}` : how;
        reads.push(copy);
      }
      unresolved.push(...(p.unresolved ?? []));
      fallbacks.push(...(p.fallbacks ?? []));
      // Applying this entry applies what it applies, saying who started it.
      for (const t of p.then ?? []) queue.push({ ...t, by: a.by, evidence: t.evidence });
    }
  }
  return { reads, unresolved, fallbacks };
}

/**
 * Files the quick test skipped that may call a helper: one of their Go package (`go:<dir>`) by
 * name, an exported one of another Go package as `pkg.Name(`, a Java/Kotlin one as
 * `Class.name(`: they are extracted after all.
 */
export function scopedHelperTargets(results: ExtractResult[], candidates: { path: string; text: string }[]): Set<string> {
  const byScope = new Map<string, string[]>();
  const qualified: { ext: RegExp; call: string }[] = [];
  for (const r of results) {
    for (const h of r.scopedHelpers ?? []) {
      if (h.scope.startsWith('go:')) byScope.set(h.scope, [...(byScope.get(h.scope) ?? []), h.name]);
      else if (h.scope.startsWith('go-pkg:')) qualified.push({ ext: /\.go$/, call: `${h.scope.slice('go-pkg:'.length)}.${h.name}(` });
      else if (h.scope.startsWith('java:')) qualified.push({ ext: /\.(?:java|kt|kts)$/, call: `${h.scope.slice('java:'.length)}.${h.name}(` });
      else if (h.scope.startsWith('py:')) qualified.push({ ext: /\.pyw?$/, call: h.name }); // imported, maybe renamed
    }
  }
  const out = new Set<string>();
  if (!byScope.size && !qualified.length) return out;
  for (const f of candidates) {
    if (qualified.some((q) => q.ext.test(f.path) && f.text.includes(q.call))) out.add(f.path);
    if (!f.path.endsWith('.go')) continue;
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
    const names = byScope.get(`go:${dir}`);
    if (names?.some((n) => f.text.includes(`${n}(`))) out.add(f.path);
  }
  return out;
}

/** Calls of helpers defined in another file of the same scope (a Go package). */
export function linkScopedHelpers(results: ExtractResult[]): { reads: ContractRead[]; unresolved: UnresolvedRead[]; resolvedAt: Set<string> } {
  const defs = new Map<string, NonNullable<ExtractResult['scopedHelpers']>[number]>();
  for (const r of results) for (const h of r.scopedHelpers ?? []) defs.set(`${h.scope}#${h.name}`, h);
  const reads: ContractRead[] = [];
  const unresolved: UnresolvedRead[] = [];
  /** `file:line` of helper reads now resolved at their calls (no longer unresolved). */
  const resolvedAt = new Set<string>();
  if (!defs.size) return { reads, unresolved, resolvedAt };
  for (const r of results) {
    for (const c of r.scopedHelperCalls ?? []) {
      const k = `${c.scope}#${c.name}`;
      const h = defs.get(k);
      if (!h || (h.evidence.file === c.evidence.file && !h.sameFile)) continue;
      resolvedAt.add(`${h.evidence.file}:${h.evidence.line}`);
      if (c.nameArg === undefined) {
        unresolved.push({ evidence: c.evidence, reason: `computed key passed to ${c.name}()`, ...(c.hint ? { hint: c.hint } : {}) });
        continue;
      }
      const read: ContractRead = {
        name: h.keyStyle === 'dotnet-config' ? (c.prefix ?? '') + c.nameArg.replace(/:/g, '__') : c.nameArg,
        kind: 'optional',
        evidence: c.evidence,
        confidence: 'medium',
        note: `through helper ${c.name}() (defined at ${h.evidence.file}:${h.evidence.line})`,
      };
      if (h.keyStyle === 'dotnet-config') {
        read.match = 'case-insensitive';
        read.note += `, configuration key ${c.nameArg}: may also come from appsettings.json`;
      }
      // A passed default wins (the helper fails only when unset and no default); a helper's second
      // parameter that is not a default (`mustGetenvFor(key, purpose)`) is not `defaultParam`.
      if (h.defaultParam && c.defaultArg !== undefined && c.defaultArg !== 'null' && c.defaultArg !== 'default') {
        read.kind = 'defaulted';
        read.default = c.defaultArg;
      } else if (h.fails && !h.keyStyle) {
        read.kind = 'required';
        read.note = `through helper ${c.name}(), which fails when unset (defined at ${h.evidence.file}:${h.evidence.line})`;
      }
      reads.push(read);
    }
  }
  return { reads, unresolved, resolvedAt };
}

/**
 * Files the quick test skipped that declare a class whose constant another file reads as a key
 * (`System.getenv(Keys.DB_URL)` → the file declaring `class Keys`): extracted after all, for
 * their constants.
 */
export function constantTargets(results: ExtractResult[], candidates: { path: string; text: string }[]): Set<string> {
  const owners = new Set<string>();
  for (const r of results) for (const c of r.constantReads ?? []) if (c.scope.startsWith('java:')) owners.add(c.scope.slice('java:'.length));
  const out = new Set<string>();
  if (!owners.size) return out;
  const re = new RegExp(`\\b(?:class|interface|object|enum)\\s+(?:${[...owners].map((o) => o.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`);
  for (const f of candidates) if (/\.(?:java|kt|kts)$/.test(f.path) && re.test(f.text)) out.add(f.path);
  return out;
}

/**
 * Reads keyed by a constant of another file, named from the app's declarations: one value for
 * that scope and name → a read of it (noting where the constant is declared); none, or several
 * different values (two classes of one name) → unresolved, saying which.
 */
export function linkConstants(results: ExtractResult[]): { reads: ContractRead[]; unresolved: UnresolvedRead[] } {
  const decls = new Map<string, { value: string; evidence: { file: string; line: number } }[]>();
  for (const r of results) for (const c of r.constants ?? []) decls.set(`${c.scope}#${c.name}`, [...(decls.get(`${c.scope}#${c.name}`) ?? []), c]);
  const reads: ContractRead[] = [];
  const unresolved: UnresolvedRead[] = [];
  for (const r of results) {
    for (const c of r.constantReads ?? []) {
      const found = decls.get(`${c.scope}#${c.name}`) ?? [];
      const values = [...new Set(found.map((d) => d.value))];
      const owner = c.scope.replace(/^[a-z]+:/, '');
      if (values.length === 1) {
        const at = found[0]!.evidence;
        reads.push({ ...c.read, name: values[0]!, note: `key ${owner}.${c.name} = "${values[0]}" (declared at ${at.file}:${at.line})${c.read.note ? `; ${c.read.note}` : ''}` });
      } else {
        unresolved.push({
          evidence: c.read.evidence,
          reason: values.length ? `key ${owner}.${c.name} is declared with ${values.length} different values (${found.map((d) => `${d.evidence.file}:${d.evidence.line}`).join(', ')})` : `key ${owner}.${c.name} is a constant that no file of the app declares`,
        });
      }
    }
  }
  return { reads, unresolved };
}
