/**
 * Spring placeholders and relaxed binding.
 *
 * `${X}` in `application*.yml|yaml|properties` / `bootstrap*` (and in `@Value("…")`, see jvm.ts)
 * fails the start when nothing resolves it ("Could not resolve placeholder") → required;
 * `${X:default}` → defaulted; `${A:${B}}` → fallback chain A → B. The environment variable for
 * a property key is its relaxed-binding canonical form: `spring.datasource.url` →
 * `SPRING_DATASOURCE_URL` (`.` and `-` → `_`, upper case, `[0]` → `_0`).
 * A key that the same file defines is an internal reference, not a read. A lower-case
 * (property-style) key the file does not define may be set by another property source: it is
 * optional with low confidence. Profile files (`application-prod.yml`) apply only with that
 * profile: medium confidence; `-dev`, `-local`, `-test` profiles are skipped.
 *
 * Spring configuration metadata (`META-INF/(additional-)spring-configuration-metadata.json`):
 * a property with `deprecation.replacement` becomes a low-confidence optional read of the old
 * name marked deprecated in favour of the new one — a rename signal.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { basename, guarded, shorten } from './util.js';
import { configNameFromBootstrap, isNamedConfigCandidate, namedConfigPending } from './spring-config-name.js';

/** Relaxed-binding environment variable name for a Spring property key. */
export function springEnvName(key: string): string {
  if (/^[A-Z][A-Z0-9_]*$/.test(key)) return key;
  return key
    .replace(/\[(\d+)\]/g, '_$1')
    .replace(/[.-]/g, '_')
    .toUpperCase();
}

export interface Placeholder {
  key: string;
  default?: string;
  /** Further keys tried when `key` is unset: `${A:${B}}` → [B]. */
  chain: string[];
  /** Offset in the scanned string. */
  offset: number;
  text: string;
}

/** Top-level `${…}` placeholders of a string. */
export function placeholders(s: string): Placeholder[] {
  const out: Placeholder[] = [];
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('${', i);
    if (at < 0) break;
    let depth = 0;
    let k = at;
    for (; k < s.length; k++) {
      if (s.startsWith('${', k)) {
        depth++;
        k++;
        continue;
      }
      if (s[k] === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (k >= s.length) break;
    const body = s.slice(at + 2, k);
    out.push({ ...parseBody(body), offset: at, text: s.slice(at, k + 1) });
    i = k + 1;
  }
  return out;
}

function parseBody(body: string): { key: string; default?: string; chain: string[] } {
  // key up to the first ':' not inside a nested placeholder
  let depth = 0;
  let colon = -1;
  for (let k = 0; k < body.length; k++) {
    if (body.startsWith('${', k)) {
      depth++;
      k++;
      continue;
    }
    if (body[k] === '}') depth--;
    if (body[k] === ':' && depth === 0) {
      colon = k;
      break;
    }
  }
  const key = (colon < 0 ? body : body.slice(0, colon)).trim();
  if (colon < 0) return { key, chain: [] };
  const def = body.slice(colon + 1);
  const m = /^\$\{(.*)\}$/s.exec(def.trim());
  if (m && placeholders(def.trim()).length === 1 && placeholders(def.trim())[0]!.text === def.trim()) {
    const inner = parseBody(m[1]!);
    return { key, chain: [inner.key, ...inner.chain], ...(inner.default !== undefined ? { default: inner.default } : {}) };
  }
  return { key, default: def, chain: [] };
}

/** Reads for the placeholders of one string at one line. */
export function placeholderReads(
  s: string,
  file: string,
  line: number,
  out: ExtractResult,
  opts: { defined?: Set<string>; confidence?: 'high' | 'medium'; note?: string; patternPrefix?: string } = {},
): void {
  for (const p of placeholders(s)) {
    if (!p.key || /[\s()#]/.test(p.key)) continue; // SpEL or not a key
    const keys = [p.key, ...p.chain];
    const names = keys.map(springEnvName);
    const evidence = { file, line, pattern: shorten(`${opts.patternPrefix ?? ''}${p.text}`) };
    if (names.length > 1) out.fallbacks.push({ names, evidence });
    keys.forEach((key, idx) => {
      if (opts.defined?.has(key)) return;
      const last = idx === keys.length - 1;
      const read: ContractRead = {
        name: names[idx]!,
        kind: 'optional',
        evidence,
        confidence: opts.confidence ?? 'high',
        match: 'spring-relaxed',
      };
      if (last && p.default !== undefined) {
        read.kind = 'defaulted';
        read.default = p.default;
      } else if (last && keys.length === 1) {
        read.kind = 'required';
        read.note = 'Spring fails to start: "Could not resolve placeholder"';
      } else if (names.length > 1) {
        read.note = `fallback chain ${names.join(' → ')}`;
        if (p.default === undefined) read.requiredOneOf = names;
      }
      if (!/^[A-Z][A-Z0-9_]*$/.test(key)) {
        read.note = `property ${key} (relaxed binding)${read.note ? '; ' + read.note : ''}`;
        if (read.kind === 'required') {
          // May be set by another property source (another file, -D, a profile).
          read.kind = 'optional';
          read.confidence = 'low';
        }
      }
      if (opts.note) read.note = read.note ? `${read.note}; ${opts.note}` : opts.note;
      if (read.kind === 'required' && opts.confidence === 'medium') read.confidence = 'medium';
      out.reads.push(read);
    });
  }
}

const SKIP_PROFILES = /^(?:dev|develop|development|local|test|tests|testing|it|ci)$/i;

function configFile(path: string): { profile?: string } | undefined {
  const m = /^(?:application|bootstrap)(?:-([\w.-]+))?\.(?:ya?ml|properties)$/.exec(basename(path));
  if (!m) return undefined;
  return m[1] ? { profile: m[1] } : {};
}

/** `${…}` reads of one Spring configuration file (profile: the file's profile, when it has one). */
export function springConfigReads(file: SourceFile, out: ExtractResult, cfg: { profile?: string }): Set<string> {
  const defined = new Set<string>();
  if (cfg.profile && SKIP_PROFILES.test(cfg.profile)) return defined;
  const lines = file.text.split(/\r?\n/);
  const values: { value: string; line: number }[] = [];
  if (/\.properties$/.test(file.path)) {
    lines.forEach((l, idx) => {
      const t = l.trim();
      if (!t || t.startsWith('#') || t.startsWith('!')) return;
      const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(t);
      if (!m) return;
      defined.add(m[1]!);
      values.push({ value: m[2]!, line: idx + 1 });
    });
  } else {
    const stack: { indent: number; key: string }[] = [];
    lines.forEach((l, idx) => {
      if (/^\s*#/.test(l) || !l.trim()) return;
      if (/^---/.test(l)) {
        stack.length = 0;
        return;
      }
      const m = /^(\s*)(?:-\s+)?([\w.\-[\]"']+)\s*:(?:\s+(.*))?$/.exec(l);
      if (m) {
        const indent = m[1]!.length;
        while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
        const key = m[2]!.replace(/^["']|["']$/g, '');
        stack.push({ indent, key });
        defined.add(stack.map((s) => s.key).join('.'));
        if (m[3] !== undefined) values.push({ value: m[3].replace(/\s+#.*$/, ''), line: idx + 1 });
      } else {
        values.push({ value: l.replace(/\s+#.*$/, ''), line: idx + 1 });
      }
    });
  }
  for (const v of values) {
    if (!v.value.includes('${')) continue;
    placeholderReads(v.value, file.path, v.line, out, {
      defined,
      ...(cfg.profile ? { confidence: 'medium' as const, note: `only with the Spring profile ${cfg.profile}` } : {}),
    });
  }
  return defined;
}

function extractSpringConfig(file: SourceFile, out: ExtractResult): void {
  const cfg = configFile(file.path)!;
  springConfigReads(file, out, cfg);
  // bootstrap.yml may name the configuration files (Spring Cloud): `spring.config.name: app`.
  if (/^bootstrap/.test(basename(file.path))) configNameFromBootstrap(file, out);
}

function extractSpringMetadata(file: SourceFile, out: ExtractResult): void {
  let doc: unknown;
  try {
    doc = JSON.parse(file.text);
  } catch {
    out.unresolved.push({ evidence: { file: file.path, line: 1, pattern: 'spring-configuration-metadata' }, reason: 'Spring metadata is not valid JSON' });
    return;
  }
  const props = (doc as { properties?: unknown }).properties;
  if (!Array.isArray(props)) return;
  const lines = file.text.split('\n');
  for (const p of props as { name?: unknown; deprecation?: { replacement?: unknown } }[]) {
    if (typeof p?.name !== 'string') continue;
    const repl = p.deprecation?.replacement;
    if (!p.deprecation) continue;
    const idx = lines.findIndex((l) => l.includes(`"${p.name}"`));
    const read: ContractRead = {
      name: springEnvName(p.name),
      kind: 'optional',
      evidence: { file: file.path, line: idx + 1 || 1, pattern: shorten(`deprecated property ${p.name}`) },
      confidence: 'low',
      note: `Spring metadata: ${p.name} is deprecated`,
      deprecated: typeof repl === 'string' ? { replacement: springEnvName(repl) } : {},
      match: 'spring-relaxed',
    };
    out.reads.push(read);
  }
}

const METADATA = /(?:^|\/)META-INF\/(?:additional-)?spring-configuration-metadata\.json$/;

export const springExtractor: Extractor = {
  id: 'spring',
  matches: (path) => !!configFile(path) || METADATA.test(path) || isNamedConfigCandidate(path),
  extract: (file) =>
    guarded('spring', file, (out) =>
      METADATA.test(file.path) ? extractSpringMetadata(file, out) : configFile(file.path) ? extractSpringConfig(file, out) : namedConfigPending(file, out, springConfigReads),
    ),
};
