/**
 * The contract document: a stable, versioned JSON form of a Contract
 * (schema/contract.v1.json). `keydrift contract --format json` prints it; `--format label`
 * prints it compact for the `dev.keydrift.contract` image label or annotation; `--push`
 * attaches it to an image as an OCI artifact. `check`/`audit --registry` read a carried
 * document back as the app's own declaration, before falling back to the source.
 *
 * Stable: fields are only ever added within version 1. Reading is strict about the shape
 * (a document from a registry is untrusted input) and lenient about fields it does not know.
 */
import { KeydriftError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Confidence, Contract, ContractEntry, ContractRead, Evidence, NameMatch, ReadKind, RequiredWhen } from './model.js';

export const CONTRACT_DOC_SCHEMA = 'keydrift.dev/contract/v1';
/** Image label / manifest annotation that carries a compact document. */
export const CONTRACT_LABEL = 'dev.keydrift.contract';
/** OCI artifact type (and layer media type) of a pushed document. */
export const CONTRACT_ARTIFACT_TYPE = 'application/vnd.keydrift.contract.v1+json';

const KINDS: readonly ReadKind[] = ['required', 'defaulted', 'optional', 'build-time'];
const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];
const MATCHES: readonly NameMatch[] = ['exact', 'case-insensitive', 'spring-relaxed'];

/** Other names of the same setting: every name sharing a fallback chain / alias set with it. */
export function aliasesOf(c: Contract, name: string): string[] {
  const out = new Set<string>();
  for (const f of c.fallbacks) if (f.names.includes(name)) for (const n of f.names) if (n !== name) out.add(n);
  return [...out].sort();
}

/** The read that decides the entry's kind, and why (the check that fails, the default, …). */
export function decidingRead(e: ContractEntry): ContractRead | undefined {
  return e.reads.find((r) => r.kind === e.kind && !r.declaration) ?? e.reads.find((r) => r.kind === e.kind) ?? e.reads[0];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function readDoc(r: ContractRead) {
  return {
    kind: r.kind,
    file: r.evidence.file,
    line: r.evidence.line,
    pattern: r.evidence.pattern,
    confidence: r.confidence,
    ...(r.default !== undefined ? { default: r.default } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.deprecated ? { deprecated: r.deprecated } : {}),
    ...(r.declaration ? { declaration: true } : {}),
    ...(r.enforcedBy ? { enforcedBy: r.enforcedBy } : {}),
    ...(r.requiredOneOf ? { requiredOneOf: r.requiredOneOf } : {}),
    ...(r.requiredWhen ? { requiredWhen: whenDoc(r.requiredWhen) } : {}),
    ...(r.match && r.match !== 'exact' ? { match: r.match } : {}),
  };
}

function whenDoc(w: RequiredWhen) {
  return { names: w.names, file: w.evidence.file, line: w.evidence.line, pattern: w.evidence.pattern };
}

/**
 * The document of a contract. `compact` leaves out what a reader of a carried contract does
 * not need (files skipped, the tool that made it) to keep an image label small.
 */
export function toContractDocument(c: Contract, opts: { compact?: boolean } = {}): Record<string, unknown> {
  const entries = [...c.entries.values()].sort(byName).map((e: ContractEntry) => ({
    name: e.name,
    kind: e.kind,
    confidence: e.confidence,
    ...(e.deprecated ? { deprecated: e.deprecated } : {}),
    ...(e.requiredOneOf ? { requiredOneOf: e.requiredOneOf } : {}),
    ...(e.requiredWhen ? { requiredWhen: e.requiredWhen.map(whenDoc) } : {}),
    ...(e.note ? { note: e.note } : {}),
    ...(e.match && e.match !== 'exact' ? { match: e.match } : {}),
    // Derived, for readers: the other names of the same setting, and the read that decides the kind.
    ...(aliasesOf(c, e.name).length ? { aliases: aliasesOf(c, e.name) } : {}),
    ...((d) => (d ? { because: { file: d.evidence.file, line: d.evidence.line, pattern: d.evidence.pattern, ...(d.note ? { note: d.note } : {}) } } : {}))(decidingRead(e)),
    reads: e.reads.map(readDoc),
  }));
  return {
    schema: CONTRACT_DOC_SCHEMA,
    ...(opts.compact ? {} : { tool: { name: 'keydrift', version: VERSION } }),
    source: c.source,
    entries,
    unresolved: c.unresolved.map((u) => ({ file: u.evidence.file, line: u.evidence.line, pattern: u.evidence.pattern, reason: u.reason, ...(u.hint ? { hint: u.hint } : {}) })),
    fallbacks: c.fallbacks.map((f) => ({ names: f.names, file: f.evidence.file, line: f.evidence.line, pattern: f.evidence.pattern })),
    imageDefaults: c.imageDefaults.map((d) => ({ name: d.name, file: d.evidence.file, line: d.evidence.line })),
    filesScanned: c.filesScanned,
    ...(opts.compact ? {} : { skipped: c.skipped }),
  };
}

// ---- reading a document back (untrusted: from an image label or a registry) ----

class Bad extends Error {}

function obj(v: unknown, at: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Bad(`${at}: expected an object`);
  return v as Record<string, unknown>;
}
function arr(v: unknown, at: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Bad(`${at}: expected an array`);
  return v;
}
function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new Bad(`${at}: expected a string`);
  return v;
}
function optStr(v: unknown, at: string): string | undefined {
  return v === undefined ? undefined : str(v, at);
}
function line(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Bad(`${at}: expected a line number`);
  return v;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], at: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Bad(`${at}: expected one of ${allowed.join(', ')}`);
  return v as T;
}
function names(v: unknown, at: string): string[] {
  return arr(v, at).map((x, i) => str(x, `${at}[${i}]`));
}
function deprecation(v: unknown, at: string): { replacement?: string } | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, at);
  const r = optStr(o.replacement, `${at}.replacement`);
  return r ? { replacement: r } : {};
}
function evidence(o: Record<string, unknown>, at: string): Evidence {
  return { file: str(o.file, `${at}.file`), line: line(o.line, `${at}.line`), pattern: optStr(o.pattern, `${at}.pattern`) ?? '' };
}
function requiredWhen(v: unknown, at: string): RequiredWhen {
  const o = obj(v, at);
  return { names: names(o.names, `${at}.names`), evidence: evidence(o, at) };
}

/**
 * A Contract from a document; `where` names it in the one-line error ("image X label
 * dev.keydrift.contract"). Unknown fields are ignored; a wrong shape is a KeydriftError.
 */
export function fromContractDocument(input: unknown, where: string): Contract {
  try {
    const d = obj(input, 'document');
    if (d.schema !== CONTRACT_DOC_SCHEMA) throw new Bad(`not a ${CONTRACT_DOC_SCHEMA} document (schema: ${JSON.stringify(d.schema ?? null).slice(0, 60)})`);
    const s = obj(d.source, 'source');
    const source: Contract['source'] = {
      label: str(s.label, 'source.label'),
      location: str(s.location, 'source.location'),
      ...(s.ref !== undefined ? { ref: str(s.ref, 'source.ref') } : {}),
      ...(s.commit !== undefined ? { commit: str(s.commit, 'source.commit') } : {}),
    };
    const entries = new Map<string, ContractEntry>();
    arr(d.entries, 'entries').forEach((raw, i) => {
      const at = `entries[${i}]`;
      const e = obj(raw, at);
      const name = str(e.name, `${at}.name`);
      const reads: ContractRead[] = arr(e.reads, `${at}.reads`).map((rr, j) => {
        const rat = `${at}.reads[${j}]`;
        const r = obj(rr, rat);
        const dep = deprecation(r.deprecated, `${rat}.deprecated`);
        const enforced = r.enforcedBy === undefined ? undefined : evidence(obj(r.enforcedBy, `${rat}.enforcedBy`), `${rat}.enforcedBy`);
        return {
          name,
          kind: oneOf(r.kind, KINDS, `${rat}.kind`),
          evidence: evidence(r, rat),
          confidence: r.confidence === undefined ? 'high' : oneOf(r.confidence, CONFIDENCES, `${rat}.confidence`),
          ...(r.default !== undefined ? { default: str(r.default, `${rat}.default`) } : {}),
          ...(r.note !== undefined ? { note: str(r.note, `${rat}.note`) } : {}),
          ...(dep ? { deprecated: dep } : {}),
          ...(r.declaration === true ? { declaration: true } : {}),
          ...(enforced ? { enforcedBy: enforced } : {}),
          ...(r.requiredOneOf !== undefined ? { requiredOneOf: names(r.requiredOneOf, `${rat}.requiredOneOf`) } : {}),
          ...(r.requiredWhen !== undefined ? { requiredWhen: requiredWhen(r.requiredWhen, `${rat}.requiredWhen`) } : {}),
          ...(r.match !== undefined ? { match: oneOf(r.match, MATCHES, `${rat}.match`) } : {}),
        };
      });
      const dep = deprecation(e.deprecated, `${at}.deprecated`);
      entries.set(name, {
        name,
        kind: oneOf(e.kind, KINDS, `${at}.kind`),
        confidence: oneOf(e.confidence, CONFIDENCES, `${at}.confidence`),
        reads,
        ...(dep ? { deprecated: dep } : {}),
        ...(e.requiredOneOf !== undefined ? { requiredOneOf: names(e.requiredOneOf, `${at}.requiredOneOf`) } : {}),
        ...(e.requiredWhen !== undefined ? { requiredWhen: arr(e.requiredWhen, `${at}.requiredWhen`).map((w, k) => requiredWhen(w, `${at}.requiredWhen[${k}]`)) } : {}),
        ...(e.note !== undefined ? { note: str(e.note, `${at}.note`) } : {}),
        ...(e.match !== undefined ? { match: oneOf(e.match, MATCHES, `${at}.match`) } : {}),
      });
    });
    return {
      source,
      entries,
      unresolved: arr(d.unresolved, 'unresolved').map((raw, i) => {
        const u = obj(raw, `unresolved[${i}]`);
        const hint = optStr(u.hint, `unresolved[${i}].hint`);
        return { evidence: evidence(u, `unresolved[${i}]`), reason: str(u.reason, `unresolved[${i}].reason`), ...(hint ? { hint } : {}) };
      }),
      fallbacks: arr(d.fallbacks, 'fallbacks').map((raw, i) => {
        const f = obj(raw, `fallbacks[${i}]`);
        return { names: names(f.names, `fallbacks[${i}].names`), evidence: evidence(f, `fallbacks[${i}]`) };
      }),
      // Names only: the values a built image carries are in its config `Env`, which replaces these.
      imageDefaults: arr(d.imageDefaults, 'imageDefaults').map((raw, i) => {
        const x = obj(raw, `imageDefaults[${i}]`);
        return { name: str(x.name, `imageDefaults[${i}].name`), value: '', evidence: { ...evidence(x, `imageDefaults[${i}]`), pattern: 'ENV' } };
      }),
      filesScanned: d.filesScanned === undefined ? 0 : line(d.filesScanned, 'filesScanned'),
      skipped: [],
    };
  } catch (e) {
    if (e instanceof Bad) throw new KeydriftError(`${where}: not a usable keydrift contract: ${e.message}`);
    throw e;
  }
}

/** Parse the text of a carried document (JSON); see fromContractDocument. */
export function parseContractDocument(text: string, where: string): Contract {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new KeydriftError(`${where}: not a usable keydrift contract: not JSON`);
  }
  return fromContractDocument(j, where);
}
