/**
 * Java and Kotlin.
 *
 * - `System.getenv("X")` → optional; Kotlin `?: "d"` → defaulted, `?: throw …` / `?: error(…)`
 *   / `!!` → required; `requireNotNull(…)` / `checkNotNull(…)` / `Objects.requireNonNull(…)`
 *   around it → required; `Optional.ofNullable(…).orElse(d)` → defaulted, `.orElseThrow(…)` →
 *   required; `System.getenv().get("X")` / `.getOrDefault("X", d)`; a binding checked with
 *   `if (x == null …) throw` → required; string constants as keys are resolved.
 * - `@Value("${X}")` / `@Value("${X:d}")` → Spring placeholders (see spring.ts).
 * - `System.getenv()` as a whole, computed keys → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { argRanges, keyHint, lex, matchBracket, rangeText, staticString, type Tok } from './lexer.js';
import { placeholderReads } from './spring.js';
import { guarded, LineIndex, shorten } from './util.js';
import { configNameFromCode } from './spring-config-name.js';
import { jvmHelpers } from './jvm-helpers.js';

function extractJvm(file: SourceFile, out: ExtractResult): void {
  const toks = lex(file.text, { lineComments: ['//'], blockComments: [['/*', '*/']], quotes: ['"'], triple: true, charQuote: "'" });
  const li = new LineIndex(file.text);
  const line = (t: Tok): number => li.line(t.start);
  // String constants: static final String K = "X"; const val K = "X"
  const consts = new Map<string, string>();
  const constLine = new Map<string, number>();
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.type === 'name' && toks[i + 1]!.value === '=' && toks[i + 2]!.type === 'string' && !toks[i + 2]!.interpolated) {
      const prev = toks[i - 1]?.value;
      if (prev === 'String' || prev === 'val' || prev === 'var') {
        consts.set(toks[i]!.value, toks[i + 2]!.value);
        constLine.set(toks[i]!.value, line(toks[i]!));
      }
      // Kotlin: val K: String = "X"
      if (toks[i]!.value === 'String' && prev === ':' && toks[i - 2]?.type === 'name') {
        consts.set(toks[i - 2]!.value, toks[i + 2]!.value);
        constLine.set(toks[i - 2]!.value, line(toks[i - 2]!));
      }
    }
  }
  // `import static com.acme.Keys.DB_URL;` (Java) / `import com.acme.Keys.DB_URL` (Kotlin): the
  // class that declares a bare constant name; `Keys.*` covers every name not declared here.
  const staticImports = new Map<string, string>();
  for (const m of file.text.matchAll(/^\s*import\s+(?:static\s+)?(?:[\w$]+\.)*([A-Z][\w$]*)\.([\w$]+|\*)\s*;?\s*$/gm)) staticImports.set(m[2]!, m[1]!);
  const isNullCheckThrow = (name: string, from: number): number | undefined => {
    // if (name == null [|| name.isEmpty()/isBlank()]) throw … / { throw … } / System.exit
    for (let k = from; k < Math.min(toks.length, from + 80); k++) {
      if (toks[k]!.value !== 'if' || toks[k + 1]?.value !== '(') continue;
      const close = matchBracket(toks, k + 1);
      const cond = toks.slice(k + 2, close).map((t) => t.value);
      const tests = (cond.includes(name) && (cond.includes('null') || cond.includes('isEmpty') || cond.includes('isBlank') || cond.includes('isNullOrBlank') || cond.includes('isNullOrEmpty')));
      if (!tests || cond.includes('!=') || cond.includes('&&')) continue;
      let b = close + 1;
      const bodyEnd = toks[b]?.value === '{' ? matchBracket(toks, b) : Math.min(toks.length, b + 30);
      for (; b < bodyEnd; b++) {
        const v = toks[b]!.value;
        if (v === 'throw' || v === 'error' || (v === 'exit' && toks[b - 2]?.value === 'System')) return line(toks[k]!);
        if (v === ';' && toks[close + 1]?.value !== '{') break;
      }
    }
    return undefined;
  };

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // @Value("${…}")
    if (t.value === '@Value' && toks[i + 1]?.value === '(') {
      const { args } = argRanges(toks, i + 1);
      for (const a of args) {
        const s = toks.slice(a[0], a[1]).find((x) => x.type === 'string');
        if (s) placeholderReads(s.value, file.path, line(s), out, { patternPrefix: '@Value ' });
      }
      continue;
    }
    if (t.value !== 'getenv' || toks[i - 1]?.value !== '.' || toks[i - 2]?.value !== 'System' || toks[i + 1]?.value !== '(') continue;
    const start = toks[i - 2]!;
    const { args, close } = argRanges(toks, i + 1);
    let name: string | undefined;
    let confidence: 'high' | 'medium' = 'high';
    let constRef: { owner: string; name: string } | undefined;
    let after = close + 1;
    let pattern = rangeText(toks, [i - 2, close + 1]);
    let mapDefault: string | undefined;
    if (args.length === 0) {
      // System.getenv().get("X") / .getOrDefault("X", d) / ["X"] (Kotlin)
      const m = toks[close + 2]?.value;
      if (toks[close + 1]?.value === '.' && (m === 'get' || m === 'getOrDefault') && toks[close + 3]?.value === '(') {
        const g = argRanges(toks, close + 3);
        name = staticString(toks, g.args[0]);
        if (m === 'getOrDefault' && g.args[1]) mapDefault = staticString(toks, g.args[1]) ?? rangeText(toks, g.args[1]);
        after = g.close + 1;
        pattern = rangeText(toks, [i - 2, g.close + 1]);
      } else if (toks[close + 1]?.value === '[') {
        const g = argRanges(toks, close + 1);
        name = staticString(toks, g.args[0]);
        after = g.close + 1;
        pattern = rangeText(toks, [i - 2, g.close + 1]);
      }
      if (!name) {
        out.unresolved.push({ evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, reason: 'System.getenv() map used as a whole' });
        continue;
      }
    } else {
      name = staticString(toks, args[0]);
      if (!name && args[0] && args[0][1] - args[0][0] === 1 && consts.has(toks[args[0][0]]!.value)) {
        name = consts.get(toks[args[0][0]]!.value);
        confidence = 'medium';
      }
      // A constant of this file named through its class or `this` (`Config.DB_URL`).
      if (!name && args[0] && args[0][1] - args[0][0] === 3 && toks[args[0][0] + 1]!.value === '.' && consts.has(toks[args[0][0] + 2]!.value)) {
        const owner = toks[args[0][0]]!.value;
        if (owner === 'this' || new RegExp(`\\b(?:class|object|interface)\\s+${owner.replace(/\$/g, '\\$')}(?![\\w$])`).test(file.text)) {
          name = consts.get(toks[args[0][0] + 2]!.value);
          confidence = 'medium';
        }
      }
      // A constant of another class (`Keys.DB_URL`, or `DB_URL` imported statically): resolved
      // across the app's files by link.ts, or listed unresolved there.
      if (!name) {
        constRef = otherClassConstant(toks, args[0], staticImports);
        if (constRef) {
          name = `${constRef.owner}.${constRef.name}`;
          confidence = 'medium';
        }
      }
      if (!name) {
        const h = keyHint(toks, args[0]);
        out.unresolved.push({ evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, reason: 'computed key', ...(h ? { hint: h } : {}) });
        continue;
      }
    }
    const read: ContractRead = { name, kind: 'optional', evidence: { file: file.path, line: line(start), pattern: shorten(pattern) }, confidence };
    if (mapDefault !== undefined) {
      read.kind = 'defaulted';
      read.default = mapDefault;
    }
    const next = toks[after];
    const wrapper = [toks[i - 4]?.value, toks[i - 3]?.value];
    const opener = toks[i - 3]?.value === '(' ? toks[i - 4] : undefined;
    if (next?.value === '?:') {
      const n2 = toks[after + 1];
      if (n2?.value === 'throw' || n2?.value === 'error' || n2?.value === 'TODO') {
        read.kind = 'required';
        read.note = `?: ${n2.value} when unset`;
      } else if (n2?.type === 'string' || n2?.type === 'number') {
        read.kind = 'defaulted';
        read.default = n2.value;
      } else if (n2?.value === 'System' && toks[after + 3]?.value === 'getenv') {
        const inner = staticString(toks, argRanges(toks, after + 4).args[0]);
        if (inner && !constRef) out.fallbacks.push({ names: [name, inner], evidence: read.evidence });
      } else if (n2) {
        read.kind = 'defaulted';
        read.default = shorten(n2.raw);
      }
    } else if (next?.value === '!!') {
      read.kind = 'required';
      read.note = '!! throws when unset';
    } else if (opener && ['requireNotNull', 'checkNotNull', 'requireNonNull'].includes(opener.value) && wrapper[1] === '(') {
      read.kind = 'required';
      read.note = `${opener.value}() throws when unset`;
    } else if (opener?.value === 'ofNullable') {
      // Optional.ofNullable(System.getenv("X")).orElse(d)
      const end = matchBracket(toks, i - 3);
      if (toks[end + 1]?.value === '.' && toks[end + 3]?.value === '(') {
        const m = toks[end + 2]!.value;
        const g = argRanges(toks, end + 3);
        if (m === 'orElse' || m === 'orElseGet') {
          const d = g.args[0] ? staticString(toks, g.args[0]) ?? rangeText(toks, g.args[0]) : undefined;
          if (d !== undefined && d !== 'null') {
            read.kind = 'defaulted';
            read.default = d;
          }
        } else if (m === 'orElseThrow' || m === 'get') {
          read.kind = 'required';
          read.note = `Optional.${m}() throws when unset`;
        }
      }
    } else {
      // binding: String x = System.getenv("X"); if (x == null) throw …
      const eq = toks[i - 3];
      const bound = eq?.value === '=' ? toks[i - 4] : undefined;
      if (bound?.type === 'name') {
        const at = isNullCheckThrow(bound.value, after);
        if (at !== undefined) {
          read.kind = 'required';
          read.note = `explicit check fails when unset (line ${at})`;
        }
      }
    }
    if (constRef) (out.constantReads ??= []).push({ scope: `java:${constRef.owner}`, name: constRef.name, read });
    else out.reads.push(read);
  }
  // This file's string constants, for reads in other files that name them through the class.
  for (const owner of declaredClasses(file.text)) for (const [k, v] of consts) (out.constants ??= []).push({ scope: `java:${owner}`, name: k, value: v, evidence: { file: file.path, line: constLine.get(k) ?? 1, pattern: `${owner}.${k} = "${v}"` } });
  configurationProperties(file, toks, line, out);
  // Methods wrapping System.getenv and their calls (resolved in link.ts).
  jvmHelpers(file.path, toks, out, line);
}

/**
 * The key of a read when it is a constant of another class: `Keys.DB_URL` (an upper-case class
 * name, not one declared in this file — those are resolved above), or a bare `DB_URL` that a
 * static import brings from a class. Only a plain reference; anything computed is not one.
 */
function otherClassConstant(toks: Tok[], arg: [number, number] | undefined, staticImports: Map<string, string>): { owner: string; name: string } | undefined {
  if (!arg) return undefined;
  const n = arg[1] - arg[0];
  const t = toks.slice(arg[0], arg[1]);
  if (n === 3 && t[1]!.value === '.' && t[0]!.type === 'name' && t[2]!.type === 'name' && /^[A-Z]/.test(t[0]!.value) && t[0]!.value !== 'System') return { owner: t[0]!.value, name: t[2]!.value };
  if (n === 1 && t[0]!.type === 'name') {
    const owner = staticImports.get(t[0]!.value) ?? staticImports.get('*');
    if (owner) return { owner, name: t[0]!.value };
  }
  return undefined;
}

/** Classes, interfaces and objects a Java/Kotlin file declares (nested ones included). */
function declaredClasses(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(?:class|interface|object|enum)\s+([A-Z][\w$]*)/g)].map((m) => m[1]!))];
}

/** `camelCase` / `kebab-case` property segment → the env form Spring's binder reads. */
function bindEnv(prefix: string, field: string): string {
  const seg = field.replace(/-/g, '').toUpperCase();
  return (prefix ? prefix.replace(/-/g, '').replace(/\./g, '_').toUpperCase() + '_' : '') + seg;
}

/**
 * `@ConfigurationProperties(prefix = "app.mail")` classes: each field / constructor parameter is
 * bound from PREFIX_FIELD (relaxed binding). Java fields: optional, defaulted with an
 * initializer, required with @NotNull/@NotBlank/@NotEmpty when the class is @Validated. Kotlin
 * constructor parameters: a non-nullable type without default → required, `?` → optional,
 * a default → defaulted.
 */
function configurationProperties(file: SourceFile, toks: Tok[], line: (t: Tok) => number, out: ExtractResult): void {
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.value !== '@ConfigurationProperties') continue;
    let prefix = '';
    let k = i + 1;
    if (toks[k]?.value === '(') {
      const { args, close } = argRanges(toks, k);
      for (const a of args) {
        const str = toks.slice(a[0], a[1]).find((t) => t.type === 'string');
        const key = toks[a[0]]!.value;
        if (str && (a[1] - a[0] === 1 || key === 'prefix' || key === 'value')) prefix = str.value;
      }
      k = close + 1;
    }
    // annotations before the class keyword (e.g. @Validated)
    let validated = false;
    for (let b = Math.max(0, i - 12); b < toks.length && b < k + 30; b++) if (toks[b]!.value === '@Validated') validated = true;
    while (k < toks.length && toks[k]!.value !== 'class' && toks[k]!.value !== 'record' && toks[k]!.value !== 'fun' && toks[k]!.value !== '@Bean') k++;
    if (toks[k]?.value !== 'class' && toks[k]?.value !== 'record') continue; // @Bean methods: keys not known here
    const kotlin = file.path.endsWith('.kt') || file.path.endsWith('.kts');
    const nameTok = toks[k + 1];
    let p = k + 2;
    const push = (field: Tok, kind: ContractRead['kind'], def?: string, note?: string): void => {
      const read: ContractRead = {
        name: bindEnv(prefix, field.value),
        kind,
        evidence: { file: file.path, line: line(field), pattern: shorten(`@ConfigurationProperties(${prefix ? `"${prefix}"` : ''}) ${nameTok?.value ?? ''}.${field.value}`) },
        confidence: 'medium',
        note: `Spring binds ${prefix ? prefix + '.' : ''}${field.value} from it (relaxed binding)${note ? '; ' + note : ''}`,
        match: 'spring-relaxed',
      };
      if (def !== undefined) read.default = def;
      out.reads.push(read);
    };
    // Kotlin primary constructor / Java record components
    if (toks[p]?.value === '(') {
      const { args, close } = argRanges(toks, p);
      for (const a of args) {
        const at = toks.slice(a[0], a[1]);
        const colon = at.findIndex((t) => t.value === ':');
        if (kotlin && colon > 0) {
          const field = at[colon - 1]!;
          const eq = at.findIndex((t) => t.value === '=');
          const typeToks = at.slice(colon + 1, eq < 0 ? undefined : eq);
          const nullable = typeToks.some((t) => t.value === '?');
          if (eq >= 0) {
            const d = at.slice(eq + 1);
            push(field, 'defaulted', d.length === 1 && (d[0]!.type === 'string' || d[0]!.type === 'number') ? d[0]!.value : shorten(d.map((t) => t.raw).join(' ')));
          } else push(field, nullable ? 'optional' : 'required', undefined, nullable ? undefined : 'non-nullable constructor parameter without default: binding fails without it');
        } else if (!kotlin && at.length >= 2) {
          push(at[at.length - 1]!, 'optional');
        }
      }
      p = close + 1;
    }
    if (kotlin) continue;
    // Java class body fields: [annotations] private TYPE name [= value];
    while (p < toks.length && toks[p]!.value !== '{') p++;
    const end = matchBracket(toks, p);
    let depth = 0;
    let annos: string[] = [];
    for (let q = p + 1; q < end; q++) {
      const t = toks[q]!;
      if (t.value === '{') depth++;
      if (t.value === '}') depth--;
      if (depth > 0) continue;
      if (t.value.startsWith('@')) {
        annos.push(t.value);
        if (toks[q + 1]?.value === '(') q = matchBracket(toks, q + 1);
        continue;
      }
      if (t.value === 'static' || t.value === 'final' && toks[q - 1]?.value === 'static') {
        // constants are not bound
        while (q < end && toks[q]!.value !== ';') q++;
        annos = [];
        continue;
      }
      if ((t.value === ';' || t.value === '=') && toks[q - 1]?.type === 'name' && toks[q - 2]?.type === 'name' || (t.value === ';' && toks[q - 1]?.type === 'name' && toks[q - 2]?.value === '>')) {
        const field = toks[q - 1]!;
        let def: string | undefined;
        if (t.value === '=') {
          const v = toks[q + 1];
          if (v && (v.type === 'string' || v.type === 'number' || v.value === 'true' || v.value === 'false') && toks[q + 2]?.value === ';') def = v.value;
          while (q < end && toks[q]!.value !== ';') q++;
        }
        const required = validated && annos.some((a) => /^@(?:NotNull|NotBlank|NotEmpty)$/.test(a));
        push(field, def !== undefined ? 'defaulted' : required ? 'required' : 'optional', def, required ? 'validated @NotNull/@NotBlank/@NotEmpty' : undefined);
        annos = [];
        continue;
      }
      if (t.value === '(' ) {
        // a method: skip its parameter list and body
        q = matchBracket(toks, q);
        if (toks[q + 1]?.value === '{') q = matchBracket(toks, q + 1);
        annos = [];
      }
    }
  }
}

export const jvmExtractor: Extractor = {
  id: 'jvm',
  quick: /getenv|@Value|@ConfigurationProperties|spring\.config\.name/,
  matches: (path) => /\.(?:java|kt|kts)$/.test(path),
  extract: (file) =>
    guarded('jvm', file, (out) => {
      extractJvm(file, out);
      configNameFromCode(file, out);
    }),
};
