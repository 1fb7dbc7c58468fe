/**
 * Go configuration libraries, on the tokens of the go extractor.
 *
 * - kelseyhightower/envconfig: the struct passed to `envconfig.Process("app", &cfg)` (or
 *   `MustProcess`); key = PREFIX_ + (`envconfig:"X"` tag, or the field name — split into
 *   words with `split_words:"true"`), upper case; a tag name also falls back to the bare tag
 *   (envconfig's "alt" lookup) → fallback chain [APP_X, X]; `required:"true"` → required,
 *   `default:"v"` → defaulted, `ignored:"true"` skipped; nested structs of the same file get
 *   the field's key as prefix. A struct with envconfig tags that cannot be tied to a literal
 *   Process prefix → unresolved, and its reads are low confidence and never required; a prefix
 *   held in a string constant of the file (`envconfig.Process(appName, &s)`) is resolved
 *   (medium confidence), as is a caarlos0 `Options{Prefix: prefixConst}`.
 * - caarlos0/env: fields with `env:"X,required,notEmpty"` / `envDefault:"v"`, nested structs
 *   with `envPrefix:"P_"`, `env.Parse(&cfg)` / `env.ParseWithOptions(&cfg, env.Options{Prefix:
 *   "APP_", RequiredIfNoDef: true})`.
 * - urfave/cli flags: `EnvVars: []string{"A", "B"}` (v2), `Sources: cli.EnvVars("A", "B")` (v3),
 *   `EnvVar: "A,B"` (v1) → optional (or defaulted with `Value:`), a chain when several; a
 *   `Required: true` flag is still optional here (it may be passed on the command line).
 * - spf13/viper: `BindEnv("key", "ENV_A", "ENV_B")` → reads; `BindEnv("key")` → PREFIX_KEY
 *   with a literal `SetEnvPrefix`; `AutomaticEnv()` → unresolved.
 */
import type { ContractRead, ExtractResult, ReadKind } from '../model.js';
import type { tokenizeGo } from './go.js';
import { shorten } from './util.js';

type GoTok = ReturnType<typeof tokenizeGo>[number];

interface Field {
  names: string[];
  type: string; // last identifier of the type
  tag: Map<string, string>;
  tok: GoTok;
  embedded: boolean;
}

interface Ctx {
  file: string;
  all: GoTok[]; // with newlines
  out: ExtractResult;
  line(t: GoTok): number;
  /** Package-level string constants of the file (`const appName = "myapp"`), for prefixes. */
  consts?: ReadonlyMap<string, string | null>;
}

function parseTag(raw: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of raw.matchAll(/([A-Za-z_][\w-]*):"((?:[^"\\]|\\.)*)"/g)) m.set(x[1]!, x[2]!);
  return m;
}

/** envconfig's split_words: "MaxRetries" → "Max_Retries", "APIKey" → "API_Key". */
export function splitWords(name: string): string {
  const words: string[] = [];
  for (const w of name.match(/([^A-Z]+|[A-Z]+[^A-Z]+|[A-Z]+)/g) ?? []) {
    const a = /^([A-Z]+)([A-Z][^A-Z]+)$/.exec(w);
    if (a) words.push(a[1]!, a[2]!);
    else words.push(w);
  }
  return words.join('_');
}

function structs(all: GoTok[]): Map<string, Field[]> {
  const out = new Map<string, Field[]>();
  for (let i = 0; i + 3 < all.length; i++) {
    if (all[i]!.value !== 'type' || all[i + 1]!.type !== 'name' || all[i + 2]!.value !== 'struct' || all[i + 3]!.value !== '{') continue;
    const fields: Field[] = [];
    let depth = 0;
    let line: GoTok[] = [];
    const flush = (): void => {
      const toks = line.filter((t) => t.type !== 'nl');
      line = [];
      if (!toks.length) return;
      const tagTok = toks[toks.length - 1]!.type === 'string' ? toks[toks.length - 1]! : undefined;
      const body = tagTok ? toks.slice(0, -1) : toks;
      if (!body.length || (body[0]!.type !== 'name' && body[0]!.value !== '*')) return;
      const names: string[] = [];
      let k = 0;
      while (k < body.length && body[k]!.type === 'name') {
        names.push(body[k]!.value);
        if (body[k + 1]?.value === ',') k += 2;
        else {
          k++;
          break;
        }
      }
      const typeToks = body.slice(k);
      const embedded = typeToks.length === 0 || (body[0]!.value === '*');
      const typeNames = (embedded ? body : typeToks).filter((t) => t.type === 'name');
      fields.push({
        names: embedded ? [typeNames[typeNames.length - 1]?.value ?? ''] : names,
        type: typeNames[typeNames.length - 1]?.value ?? '',
        tag: tagTok ? parseTag(tagTok.value) : new Map(),
        tok: body[0]!,
        embedded,
      });
    };
    let k = i + 3;
    for (; k < all.length; k++) {
      const t = all[k]!;
      if (t.type === 'op' && t.value === '{') {
        depth++;
        if (depth === 1) continue;
      }
      if (t.type === 'op' && t.value === '}') {
        depth--;
        if (depth === 0) break;
      }
      if (depth === 1 && (t.type === 'nl' || t.value === ';')) flush();
      else line.push(t);
    }
    flush();
    out.set(all[i + 1]!.value, fields);
    i = k;
  }
  return out;
}

/** The type of the variable `name` (`var c Config`, `c := Config{}`, `c := &Config{}`, `new(Config)`). */
function typeOfVar(toks: GoTok[], name: string): string | undefined {
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.value === 'var' && toks[i + 1]!.value === name && toks[i + 2]!.type === 'name') {
      return toks[i + 2]!.value === 'struct' ? undefined : lastTypeName(toks, i + 2);
    }
    if (toks[i]!.value === name && (toks[i + 1]!.value === ':=' || toks[i + 1]!.value === '=')) {
      let k = i + 2;
      if (toks[k]?.value === '&') k++;
      if (toks[k]?.value === 'new' && toks[k + 1]?.value === '(') return lastTypeName(toks, k + 2);
      if (toks[k]?.type === 'name') return lastTypeName(toks, k);
    }
  }
  return undefined;
}
function lastTypeName(toks: GoTok[], k: number): string {
  let name = toks[k]!.value;
  while (toks[k + 1]?.value === '.' && toks[k + 2]?.type === 'name') {
    name = toks[k + 2]!.value;
    k += 2;
  }
  return name;
}

export function extractGoLibs(ctx: Ctx): void {
  const { all, out } = ctx;
  const toks = all.filter((t) => t.type !== 'nl');
  const hasEnvconfig = toks.some((t) => t.value === 'envconfig');
  const types = structs(all);
  const push = (read: ContractRead): void => {
    out.reads.push(read);
  };
  environSwitch(ctx, toks);

  // ---- envconfig
  if (hasEnvconfig) {
    const linked = new Set<string>();
    for (let i = 0; i + 4 < toks.length; i++) {
      if (toks[i]!.value !== 'envconfig' || toks[i + 1]!.value !== '.' || !/^(?:Must)?Process$/.test(toks[i + 2]!.value) || toks[i + 3]!.value !== '(') continue;
      const pfx = toks[i + 4]!;
      let k = i + 5;
      if (toks[k]?.value !== ',') continue;
      k++;
      if (toks[k]?.value === '&') k++;
      let typeName: string | undefined;
      if (toks[k]?.type === 'name' && toks[k + 1]?.value === '{') typeName = toks[k]!.value;
      else if (toks[k]?.type === 'name') typeName = typeOfVar(toks, toks[k]!.value);
      const ev = { file: ctx.file, line: ctx.line(toks[i]!), pattern: shorten(`envconfig.${toks[i + 2]!.value}(${pfx.raw}, …)`) };
      if (!typeName || !types.has(typeName)) {
        out.unresolved.push({ evidence: ev, reason: 'envconfig struct defined elsewhere: its keys are not known' });
        continue;
      }
      // A prefix held in a constant of the file: a prefix declared once (medium confidence).
      const constPfx = pfx.type === 'name' ? ctx.consts?.get(pfx.value) : undefined;
      if (typeof constPfx === 'string') {
        envconfigStruct(typeName, constPfx ? constPfx.toUpperCase() + '_' : '', 'medium');
        linked.add(typeName);
        continue;
      }
      if (pfx.type !== 'string') {
        out.unresolved.push({ evidence: ev, reason: 'envconfig prefix is not a literal', hint: undefined });
        envconfigStruct(typeName, '', 'low');
        linked.add(typeName);
        continue;
      }
      const prefix = pfx.value ? pfx.value.toUpperCase() + '_' : '';
      envconfigStruct(typeName, prefix, 'high');
      linked.add(typeName);
    }
    // Structs with envconfig tags never tied to a Process call in this file.
    for (const [name, fields] of types) {
      if (linked.has(name)) continue;
      if (!fields.some((f) => f.tag.has('envconfig') || f.tag.has('split_words'))) continue;
      if ([...types.values()].some((fs) => fs.some((f) => f.type === name))) continue; // nested in another
      out.unresolved.push({
        evidence: { file: ctx.file, line: ctx.line(fields[0]!.tok), pattern: `type ${name} struct (envconfig tags)` },
        reason: 'envconfig struct processed elsewhere: prefix unknown',
      });
      envconfigStruct(name, '', 'low');
    }
  }
  function envconfigStruct(typeName: string, prefix: string, confidence: 'high' | 'medium' | 'low', depth = 0): void {
    if (depth > 5) return;
    for (const f of types.get(typeName) ?? []) {
      if (f.tag.get('ignored') === 'true') continue;
      for (const fname of f.names) {
        if (!/^[A-Z]/.test(fname)) continue; // unexported fields are skipped by envconfig
        const tagName = f.tag.get('envconfig');
        const split = f.tag.get('split_words') === 'true';
        const base = tagName ?? (split ? splitWords(fname) : fname);
        const key = (prefix + base).toUpperCase();
        if (types.has(f.type) && !f.tag.has('default')) {
          // nested struct: its fields get this key as prefix (embedded: no extra prefix)
          envconfigStruct(f.type, f.embedded ? prefix : key + '_', confidence, depth + 1);
          continue;
        }
        let kind: ReadKind = 'optional';
        let def: string | undefined;
        if (f.tag.has('default')) {
          kind = 'defaulted';
          def = f.tag.get('default')!;
        }
        if (f.tag.get('required') === 'true' && kind !== 'defaulted') kind = 'required';
        if (confidence === 'low' && kind === 'required') kind = 'optional';
        const tagText = [...f.tag].map(([k, v]) => `${k}:"${v}"`).join(' ');
        const ev = { file: ctx.file, line: ctx.line(f.tok), pattern: shorten(`${fname} ${tagText}`.trim()) };
        const names = tagName && prefix ? [key, tagName.toUpperCase()] : [key];
        if (names.length > 1 && names[0] !== names[1]) out.fallbacks.push({ names, evidence: ev });
        for (const n of names.length > 1 && names[0] !== names[1] ? names : [key]) {
          const read: ContractRead = { name: n, kind, evidence: ev, confidence };
          if (def !== undefined) read.default = def;
          if (names.length > 1 && names[0] !== names[1]) {
            read.note = `envconfig reads ${names[0]}, then ${names[1]}`;
            if (kind === 'required') {
              read.kind = 'optional';
              read.requiredOneOf = names;
            }
          }
          if (confidence === 'low') read.note = 'envconfig prefix unknown: the name may carry a prefix';
          else if (confidence === 'medium') read.note = `${read.note ? `${read.note}; ` : ''}envconfig prefix from a constant`;
          push(read);
        }
      }
    }
  }

  // ---- caarlos0/env
  const hasCaarlos = [...types.values()].some((fs) => fs.some((f) => f.tag.has('env') || f.tag.has('envPrefix')));
  if (hasCaarlos) {
    let prefix = '';
    let requiredIfNoDef = false;
    const roots = new Set<string>();
    for (let i = 0; i + 3 < toks.length; i++) {
      if (toks[i]!.value !== 'env' || toks[i + 1]!.value !== '.' || !/^(?:Parse|ParseWithOptions|ParseAs|ParseAsWithOptions|Must)$/.test(toks[i + 2]!.value)) continue;
      let k = i + 4;
      if (toks[k]?.value === '&') k++;
      if (toks[k]?.type === 'name') {
        const t = toks[k + 1]?.value === '{' ? toks[k]!.value : typeOfVar(toks, toks[k]!.value);
        if (t) roots.add(t);
      }
      // Options{Prefix: "APP_", RequiredIfNoDef: true}
      for (let m = k; m < Math.min(toks.length, k + 60) && toks[m]!.value !== ')'; m++) {
        if (toks[m]!.value === 'Prefix' && toks[m + 1]?.value === ':' && toks[m + 2]?.type === 'string') prefix = toks[m + 2]!.value;
        else if (toks[m]!.value === 'Prefix' && toks[m + 1]?.value === ':' && toks[m + 2]?.type === 'name' && typeof ctx.consts?.get(toks[m + 2]!.value) === 'string') {
          prefix = ctx.consts.get(toks[m + 2]!.value)!;
        }
        if (toks[m]!.value === 'RequiredIfNoDef' && toks[m + 1]?.value === ':' && toks[m + 2]?.value === 'true') requiredIfNoDef = true;
      }
    }
    const nested = new Set<string>();
    for (const fs of types.values()) for (const f of fs) if (types.has(f.type)) nested.add(f.type);
    const starts = roots.size ? [...roots] : [...types.keys()].filter((t) => !nested.has(t) && types.get(t)!.some((f) => f.tag.has('env') || f.tag.has('envPrefix')));
    const walk = (typeName: string, pfx: string, depth: number): void => {
      if (depth > 5) return;
      for (const f of types.get(typeName) ?? []) {
        if (types.has(f.type)) {
          walk(f.type, pfx + (f.tag.get('envPrefix') ?? ''), depth + 1);
          continue;
        }
        const spec = f.tag.get('env');
        if (spec === undefined || spec === '-') continue;
        const [name, ...opts] = spec.split(',');
        if (!name) continue;
        const key = pfx + name;
        let kind: ReadKind = 'optional';
        let def: string | undefined;
        if (f.tag.has('envDefault')) {
          kind = 'defaulted';
          def = f.tag.get('envDefault')!;
        } else if (opts.includes('required') || opts.includes('notEmpty') || requiredIfNoDef) kind = 'required';
        const tagText = [...f.tag].map(([k, v]) => `${k}:"${v}"`).join(' ');
        const read: ContractRead = { name: key, kind, evidence: { file: ctx.file, line: ctx.line(f.tok), pattern: shorten(`${f.names[0]} ${tagText}`) }, confidence: roots.size ? 'high' : 'medium' };
        if (def !== undefined) read.default = def;
        if (!roots.has(typeName) && !roots.size) read.note = 'env.Parse call not seen in this file: prefix options unknown';
        push(read);
      }
    };
    for (const s of starts) walk(s, prefix, 0);
  }

  // ---- urfave/cli and viper
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    // EnvVars: []string{"A", "B"}
    let names: string[] | undefined;
    let at = t;
    if (t.value === 'EnvVars' && toks[i + 1]?.value === ':' && toks[i + 2]?.value === '[' && toks[i + 3]?.value === ']' && toks[i + 4]?.value === 'string' && toks[i + 5]?.value === '{') {
      names = [];
      for (let k = i + 6; k < toks.length && toks[k]!.value !== '}'; k++) if (toks[k]!.type === 'string') names.push(toks[k]!.value);
    } else if (t.value === 'EnvVars' && toks[i - 1]?.value === '.' && toks[i + 1]?.value === '(') {
      // v3: cli.EnvVars("A", "B")
      names = [];
      for (let k = i + 2; k < toks.length && toks[k]!.value !== ')'; k++) if (toks[k]!.type === 'string') names.push(toks[k]!.value);
    } else if (t.value === 'EnvVar' && toks[i + 1]?.value === ':' && toks[i + 2]?.type === 'string') {
      names = toks[i + 2]!.value.split(',').map((s) => s.trim()).filter(Boolean);
    }
    if (names && names.length) {
      // the enclosing flag literal: look back to `{` and forward to its `}` for Value / Required
      let open = i;
      let depth = 0;
      for (; open > 0; open--) {
        const v = toks[open]!.value;
        if (v === '}') depth++;
        if (v === '{') {
          if (depth === 0) break;
          depth--;
        }
      }
      let close = i;
      depth = 0;
      for (; close < toks.length; close++) {
        const v = toks[close]!.value;
        if (v === '{') depth++;
        if (v === '}') {
          if (depth === 0) break;
          depth--;
        }
      }
      let def: string | undefined;
      let required = false;
      let flagName: string | undefined;
      for (let k = open + 1; k < close; k++) {
        if (toks[k]!.value === 'Value' && toks[k + 1]?.value === ':' && (toks[k + 2]?.type === 'string' || toks[k + 2]?.type === 'number' || toks[k + 2]?.value === 'true' || toks[k + 2]?.value === 'false')) def = toks[k + 2]!.value;
        if (toks[k]!.value === 'Required' && toks[k + 1]?.value === ':' && toks[k + 2]?.value === 'true') required = true;
        if (toks[k]!.value === 'Name' && toks[k + 1]?.value === ':' && toks[k + 2]?.type === 'string') flagName = toks[k + 2]!.value;
      }
      const ev = { file: ctx.file, line: ctx.line(at), pattern: shorten(`${flagName ? `--${flagName} ` : ''}EnvVars ${names.join(', ')}`) };
      if (names.length > 1) out.fallbacks.push({ names, evidence: ev });
      if (flagName) (out.cliFlags ??= []).push({ flag: flagName, names, evidence: ev, ...(def !== undefined ? { defaulted: true } : {}) });
      for (const n of names) {
        const read: ContractRead = { name: n, kind: def !== undefined ? 'defaulted' : 'optional', evidence: ev, confidence: 'high' };
        if (def !== undefined) read.default = def;
        if (required && def === undefined) {
          read.note = `flag${flagName ? ` --${flagName}` : ''} is required: this variable is needed unless the flag is passed`;
          read.confidence = 'medium';
        }
        push(read);
      }
      continue;
    }
    // viper
    if (t.value === 'BindEnv' && toks[i - 1]?.value === '.' && toks[i + 1]?.value === '(') {
      const args: GoTok[] = [];
      let k = i + 2;
      for (; k < toks.length && toks[k]!.value !== ')'; k++) if (toks[k]!.value !== ',') args.push(toks[k]!);
      const ev = { file: ctx.file, line: ctx.line(toks[i - 2] ?? t), pattern: shorten(`BindEnv(${args.map((a) => a.raw).join(', ')})`) };
      if (args.some((a) => a.type !== 'string')) {
        out.unresolved.push({ evidence: ev, reason: 'computed key passed to viper BindEnv' });
        continue;
      }
      if (args.length >= 2) {
        const ns = args.slice(1).map((a) => a.value);
        if (ns.length > 1) out.fallbacks.push({ names: ns, evidence: ev });
        for (const n of ns) push({ name: n, kind: 'optional', evidence: ev, confidence: 'high' });
      } else if (args.length === 1) {
        // SetEnvPrefix("svc") / SetEnvPrefix(envPrefix) with a constant of the file; any other
        // argument leaves the prefix unknown: the name is a guess (low confidence).
        const pfxIdx = toks.findIndex((x, j) => x.value === 'SetEnvPrefix' && toks[j + 1]?.value === '(');
        const pArg = pfxIdx >= 0 && toks[pfxIdx + 3]?.value === ')' ? toks[pfxIdx + 2] : undefined;
        const pVal = pArg?.type === 'string' ? pArg.value : pArg?.type === 'name' ? ctx.consts?.get(pArg.value) ?? undefined : undefined;
        const unknown = pfxIdx >= 0 && typeof pVal !== 'string';
        const pfx = typeof pVal === 'string' && pVal ? pVal.toUpperCase() + '_' : '';
        push({
          name: (pfx + args[0]!.value).toUpperCase().replace(/[.-]/g, '_'),
          kind: 'optional',
          evidence: ev,
          confidence: unknown ? 'low' : 'medium',
          note: unknown ? 'viper SetEnvPrefix is not a literal or a constant: the name may carry a prefix' : 'name derived from the viper key (SetEnvPrefix + key, upper case)',
        });
      }
      continue;
    }
    if (t.value === 'AutomaticEnv' && toks[i - 1]?.value === '.' && toks[i + 1]?.value === '(') {
      out.unresolved.push({ evidence: { file: ctx.file, line: ctx.line(t), pattern: 'viper.AutomaticEnv()' }, reason: 'viper AutomaticEnv: any configuration key may be read from the environment' });
    }
  }
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const DEPRECATED_USE = /\b([A-Z][A-Z0-9_]{1,})\b[^"]*?\bdeprecated\b[^"]*?\b(?:use|in favou?r of)\s+`?([A-Z][A-Z0-9_]{1,})\b/i;

/**
 * The whole environment parsed by a switch (miniflux's `parseLines(os.Environ())`):
 *
 *   for _, line := range lines { key := …; value := …
 *     switch key {
 *     case "PROXY_OPTION": slog.Warn("… PROXY_OPTION … deprecated, use MEDIA_PROXY_MODE instead"); p.opts.mediaProxyMode = parseString(value, defaultMediaProxyMode)
 *     case "MEDIA_PROXY_MODE": p.opts.mediaProxyMode = parseString(value, defaultMediaProxyMode)
 *
 * Each case literal is a read (defaulted when its value goes through a parse call with a
 * default, else optional); a case whose body says "X is deprecated, use Y" marks X deprecated in
 * favour of Y; cases that assign the same target are one setting with several names (a fallback
 * chain, the name that is not deprecated first). Only in a file that reads `os.Environ()`.
 */
function environSwitch(ctx: Ctx, toks: GoTok[]): void {
  const { out } = ctx;
  let environ = false;
  for (let i = 2; i < toks.length; i++) if (toks[i]!.value === 'Environ' && toks[i - 1]!.value === '.' && toks[i - 2]!.value === 'os') environ = true;
  if (!environ) return;
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.value !== 'switch' || toks[i + 1]!.type !== 'name' || toks[i + 2]!.value !== '{') continue;
    // the switch body
    let depth = 0;
    let end = i + 2;
    for (let k = i + 2; k < toks.length; k++) {
      if (toks[k]!.value === '{') depth++;
      else if (toks[k]!.value === '}' && --depth === 0) {
        end = k;
        break;
      }
    }
    // case positions at depth 1
    const cases: { names: GoTok[]; body: [number, number] }[] = [];
    depth = 0;
    for (let k = i + 2; k < end; k++) {
      const v = toks[k]!.value;
      if (v === '{') depth++;
      else if (v === '}') depth--;
      else if (depth === 1 && (v === 'case' || v === 'default')) {
        if (cases.length) cases[cases.length - 1]!.body[1] = k;
        const names: GoTok[] = [];
        let m = k + 1;
        for (; m < end && toks[m]!.value !== ':'; m++) if (toks[m]!.type === 'string') names.push(toks[m]!);
        cases.push({ names: v === 'case' ? names : [], body: [m + 1, end] });
        k = m;
      }
    }
    const envCases = cases.filter((c) => c.names.length && c.names.every((n) => ENV_NAME.test(n.value)));
    if (envCases.length < 3 || envCases.length < cases.filter((c) => c.names.length).length / 2) continue; // not a switch over env names
    const byTarget = new Map<string, { name: string; deprecated: boolean; tok: GoTok }[]>();
    for (const c of envCases) {
      const body = toks.slice(c.body[0], c.body[1]);
      let defaulted = false;
      let repl: string | undefined;
      let target: string | undefined;
      for (let k = 0; k < body.length; k++) {
        const t = body[k]!;
        if (t.type === 'string') {
          const m = DEPRECATED_USE.exec(t.value);
          if (m && c.names.some((n) => n.value === m[1])) repl = m[2];
        }
        // parseX(value, defaultX…) → a default
        if (t.type === 'name' && /^parse/i.test(t.value) && body[k + 1]?.value === '(') {
          let d = 0;
          for (let m = k + 1; m < body.length; m++) {
            if (body[m]!.value === '(') d++;
            else if (body[m]!.value === ')' && --d === 0) break;
            else if (d === 1 && body[m]!.value === ',') defaulted = true;
          }
        }
        // first assignment target: a.b.c = …
        if (!target && t.value === '=' && k > 0) {
          let s0 = k - 1;
          while (s0 >= 2 && body[s0 - 1]!.value === '.' && body[s0 - 2]!.type === 'name') s0 -= 2;
          if (body[k - 1]!.type === 'name') target = body.slice(s0, k).map((x) => x.value).join('');
        }
      }
      for (const n of c.names) {
        const read: ContractRead = {
          name: n.value,
          kind: defaulted ? 'defaulted' : 'optional',
          evidence: { file: ctx.file, line: ctx.line(n), pattern: shorten(`case "${n.value}": (switch over os.Environ())`) },
          confidence: 'high',
          note: 'matched by a switch over the whole environment',
        };
        if (repl && repl !== n.value) read.deprecated = { replacement: repl };
        out.reads.push(read);
        if (target) {
          const l = byTarget.get(target) ?? [];
          l.push({ name: n.value, deprecated: !!read.deprecated, tok: n });
          byTarget.set(target, l);
        }
      }
    }
    for (const group of byTarget.values()) {
      const names = [...new Set(group.map((g) => g.name))];
      if (names.length < 2) continue;
      const preferred = group.filter((g) => !g.deprecated);
      if (preferred.length !== 1) continue;
      const p = preferred[0]!;
      out.fallbacks.push({
        names: [p.name, ...names.filter((n) => n !== p.name)],
        evidence: { file: ctx.file, line: ctx.line(p.tok), pattern: shorten(`case "${p.name}" (also ${names.filter((n) => n !== p.name).join(', ')})`) },
      });
    }
    i = end;
  }
}
