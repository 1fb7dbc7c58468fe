/**
 * Python configuration libraries, on the tokens of the python extractor.
 *
 * - pydantic-settings (and pydantic v1 `BaseSettings`): every annotated field of a class
 *   derived from `BaseSettings` (or from such a class in the same file) is a read named
 *   `env_prefix + field` in upper case (matching is case-insensitive unless
 *   `case_sensitive=True`); no default → required; a default → defaulted (`None` → optional);
 *   `Optional[...]` / `X | None` without default → optional (pydantic v1 semantics; the safe
 *   side). `Field(...)` → required, `Field(default=…)`/`Field(x)`/`default_factory` → defaulted.
 *   `alias=` / `validation_alias=` / v1 `env=` name the variable exactly (no prefix);
 *   `AliasChoices('A', 'B')` → a fallback chain. `env_prefix` and `env_nested_delimiter` come
 *   from `model_config = SettingsConfigDict(…)` or `class Config:` (a literal, or a module
 *   constant `PREFIX = "APP_"` → medium confidence; anything else → unresolved, and the fields
 *   are low-confidence reads that are never required); a field typed with a model
 *   class of the same file is expanded to `PREFIX_FIELD<delimiter>SUB` (optional: the whole
 *   field can also come as JSON in `PREFIX_FIELD`).
 * - python-decouple: `config('X')` → required; `config('X', default=…)` → defaulted.
 * - django-environ (and environs, same call shapes): `env = environ.Env(DEBUG=(bool, False))`
 *   / `env = Env()`; `env('X')`, `env.str('X')`, … →
 *   required; `default=` → defaulted; scheme defaults from `Env(...)`; `env.db()`,
 *   `env.cache()`, `env.email_url()`, `env.search_url()` read DATABASE_URL, CACHE_URL,
 *   EMAIL_URL, SEARCH_URL.
 */
import type { ContractRead, ExtractResult, ReadKind } from '../model.js';
import type { PyTok } from './python.js';
import { shorten } from './util.js';
import { own } from '../../own.js';

interface Line {
  start: number;
  end: number;
  indent: number;
}

interface Ctx {
  file: string;
  toks: PyTok[];
  logical: Line[];
  lineOf(t: PyTok): number;
  out: ExtractResult;
  imports: Map<string, string>; // local name → 'module.name'
}

const DJANGO_DEFAULT_VARS: Record<string, string> = {
  db: 'DATABASE_URL',
  db_url: 'DATABASE_URL',
  cache: 'CACHE_URL',
  cache_url: 'CACHE_URL',
  email: 'EMAIL_URL',
  email_url: 'EMAIL_URL',
  search_url: 'SEARCH_URL',
};

function matchClose(toks: PyTok[], open: number): number {
  let depth = 0;
  for (let k = open; k < toks.length; k++) {
    const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
    if (v === '(' || v === '[' || v === '{') depth++;
    else if (v === ')' || v === ']' || v === '}') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return toks.length - 1;
}

/** Top-level arguments of a call: positional token ranges and keyword ranges. */
function callArgs(toks: PyTok[], open: number): { pos: [number, number][]; kw: Map<string, [number, number]>; close: number } {
  const close = matchClose(toks, open);
  const pos: [number, number][] = [];
  const kw = new Map<string, [number, number]>();
  let depth = 0;
  let s = open + 1;
  const flush = (e: number): void => {
    if (e <= s) return;
    if (toks[s]!.type === 'name' && toks[s + 1]?.value === '=' && e > s + 2) kw.set(toks[s]!.value, [s + 2, e]);
    else pos.push([s, e]);
  };
  for (let k = open + 1; k < close; k++) {
    const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
    if (v === '(' || v === '[' || v === '{') depth++;
    else if (v === ')' || v === ']' || v === '}') depth--;
    else if (v === ',' && depth === 0) {
      flush(k);
      s = k + 1;
    }
  }
  flush(close);
  return { pos, kw, close };
}

function text(toks: PyTok[], r: [number, number]): string {
  return toks.slice(r[0], r[1]).map((t) => t.raw).join(' ').replace(/ ?([.,()[\]]) ?/g, '$1').replace(/,/g, ', ');
}

function literal(toks: PyTok[], r: [number, number]): string | undefined {
  if (r[1] - r[0] === 1) {
    const t = toks[r[0]]!;
    if (t.type === 'string') return t.value;
    if (t.type === 'number') return t.value;
    if (t.value === 'None') return undefined;
  }
  return shorten(text(toks, r));
}

function str(toks: PyTok[], r: [number, number] | undefined): string | undefined {
  if (!r || r[1] - r[0] !== 1) return undefined;
  const t = toks[r[0]]!;
  return t.type === 'string' && !t.fstring ? t.value : undefined;
}

export function extractPythonLibs(ctx: Ctx): void {
  pydanticSettings(ctx);
  decoupleAndDjango(ctx);
}

function pydanticSettings(ctx: Ctx): void {
  const { toks, logical, out } = ctx;
  const classes = new Map<string, { line: number; bases: string[]; bodyStart: number; bodyEnd: number; indent: number }>();
  logical.forEach((l, li) => {
    if (toks[l.start]!.value !== 'class' || toks[l.start + 1]?.type !== 'name') return;
    const name = toks[l.start + 1]!.value;
    const bases: string[] = [];
    if (toks[l.start + 2]?.value === '(') {
      const { pos } = callArgs(toks, l.start + 2);
      for (const p of pos) bases.push(toks[p[1] - 1]!.value);
    }
    let k = li + 1;
    while (k < logical.length && logical[k]!.indent > l.indent) k++;
    classes.set(name, { line: li, bases, bodyStart: li + 1, bodyEnd: k, indent: l.indent });
  });
  const isSettings = (name: string, seen = new Set<string>()): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    const c = classes.get(name);
    if (!c) return false;
    return c.bases.some((b) => b === 'BaseSettings' || isSettings(b, seen));
  };
  const isModel = (name: string): boolean => {
    const c = classes.get(name);
    return !!c && c.bases.some((b) => b === 'BaseModel' || b === 'BaseSettings' || isModel(b));
  };

  interface Cfg {
    prefix: string;
    delimiter?: string;
    caseSensitive: boolean;
    /** env_prefix held in a module constant (its name): medium confidence. */
    prefixVia?: string;
    /** env_prefix that is neither a literal nor a module constant: where, and its text. */
    prefixUnknown?: { line: number; text: string };
  }
  // Module-level string constants (`PREFIX = "SVC_"`), for an env_prefix declared once.
  const moduleConsts = new Map<string, string | null>();
  for (const l of logical) {
    if (l.indent !== 0 || l.end - l.start !== 3 || toks[l.start]!.type !== 'name' || toks[l.start + 1]!.value !== '=') continue;
    const v = str(toks, [l.start + 2, l.end]);
    const k = toks[l.start]!.value;
    moduleConsts.set(k, v !== undefined && !moduleConsts.has(k) ? v : null);
  }
  const setPrefix = (cfg: Cfg, r: [number, number] | undefined): void => {
    if (!r) return;
    delete cfg.prefixVia;
    delete cfg.prefixUnknown;
    const p = str(toks, r);
    if (p !== undefined) {
      cfg.prefix = p;
      return;
    }
    const c = r[1] - r[0] === 1 && toks[r[0]]!.type === 'name' ? moduleConsts.get(toks[r[0]]!.value) : undefined;
    if (typeof c === 'string') {
      cfg.prefix = c;
      cfg.prefixVia = toks[r[0]]!.value;
      return;
    }
    cfg.prefix = '';
    cfg.prefixUnknown = { line: ctx.lineOf(toks[r[0]]!), text: text(toks, r) };
  };
  const configOf = (name: string, seen = new Set<string>()): Cfg => {
    const c = classes.get(name)!;
    let cfg: Cfg = { prefix: '', caseSensitive: false };
    // inherited first
    for (const b of c.bases) if (classes.has(b) && !seen.has(b)) cfg = { ...configOf(b, new Set([...seen, name])) };
    const bodyIndent = c.bodyStart < c.bodyEnd ? logical[c.bodyStart]!.indent : 0;
    for (let li = c.bodyStart; li < c.bodyEnd; li++) {
      const l = logical[li]!;
      const first = toks[l.start]!;
      // model_config = SettingsConfigDict(env_prefix='APP_', ...)
      if (l.indent === bodyIndent && first.value === 'model_config' && toks[l.start + 1]?.value === '=') {
        const open = toks.slice(l.start, l.end).findIndex((t) => t.value === '(');
        if (open >= 0) {
          const { kw } = callArgs(toks, l.start + open);
          setPrefix(cfg, kw.get('env_prefix'));
          const d = str(toks, kw.get('env_nested_delimiter'));
          if (d !== undefined) cfg.delimiter = d;
          const cs = kw.get('case_sensitive');
          if (cs) cfg.caseSensitive = toks[cs[0]]!.value === 'True';
        }
      }
      // class Config: env_prefix = 'APP_'
      if (l.indent > bodyIndent && ['env_prefix', 'env_nested_delimiter', 'case_sensitive'].includes(first.value) && toks[l.start + 1]?.value === '=') {
        const r: [number, number] = [l.start + 2, l.end];
        if (first.value === 'env_prefix') setPrefix(cfg, r);
        if (first.value === 'env_nested_delimiter') cfg.delimiter = str(toks, r) ?? cfg.delimiter;
        if (first.value === 'case_sensitive') cfg.caseSensitive = toks[r[0]]!.value === 'True';
      }
    }
    return cfg;
  };

  // Fields the code supplies when it constructs a settings class (`AppSettings(SECRET=…)`,
  // `AppSettings(**secret_settings)` with `secret_settings = {"SECRET": …}`): the environment
  // may set them, but the start does not need it.
  const supplied = new Map<string, number>();
  for (let i = 0; i + 1 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '(' || !isSettings(t.value) || toks[i - 1]?.value === 'class') continue;
    const { pos, kw } = callArgs(toks, i + 1);
    for (const k of kw.keys()) if (!k.startsWith('_')) supplied.set(k, ctx.lineOf(t));
    for (const p of pos) {
      if (toks[p[0]]!.value !== '**' || p[1] - p[0] !== 2) continue;
      const dictName = toks[p[0] + 1]!.value;
      for (let k = 0; k + 2 < i; k++) {
        if (toks[k]!.value !== dictName || toks[k + 1]!.value !== '=' || toks[k + 2]!.value !== '{') continue;
        const close = matchClose(toks, k + 2);
        let depth = 0;
        for (let m = k + 3; m < close; m++) {
          const v = toks[m]!.value;
          if (v === '(' || v === '[' || v === '{') depth++;
          else if (v === ')' || v === ']' || v === '}') depth--;
          else if (depth === 0 && toks[m]!.type === 'string' && toks[m + 1]?.value === ':' && (toks[m - 1]!.value === '{' || toks[m - 1]!.value === ',')) supplied.set(toks[m]!.value, ctx.lineOf(t));
        }
      }
    }
  }
  const prefixReported = new Set<number>();
  for (const [cname, c] of classes) {
    if (!isSettings(cname)) continue;
    const cfg = configOf(cname);
    const bodyIndent = c.bodyStart < c.bodyEnd ? logical[c.bodyStart]!.indent : 0;
    const envName = (field: string): string => (cfg.caseSensitive ? cfg.prefix + field : (cfg.prefix + field).toUpperCase());
    if (cfg.prefixUnknown && !prefixReported.has(cfg.prefixUnknown.line)) {
      prefixReported.add(cfg.prefixUnknown.line);
      out.unresolved.push({
        evidence: { file: ctx.file, line: cfg.prefixUnknown.line, pattern: shorten(`${cname} env_prefix=${cfg.prefixUnknown.text}`) },
        reason: 'pydantic-settings env_prefix is neither a literal nor a constant of the file',
      });
    }
    for (let li = c.bodyStart; li < c.bodyEnd; li++) {
      const l = logical[li]!;
      if (l.indent !== bodyIndent) continue;
      const nameTok = toks[l.start]!;
      if (nameTok.type !== 'name' || toks[l.start + 1]?.value !== ':' || nameTok.value.startsWith('_') || nameTok.value === 'model_config') continue;
      // annotation up to top-level '='
      let eq = -1;
      let depth = 0;
      for (let k = l.start + 2; k < l.end; k++) {
        const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
        if (v === '(' || v === '[' || v === '{') depth++;
        else if (v === ')' || v === ']' || v === '}') depth--;
        else if (v === '=' && depth === 0) {
          eq = k;
          break;
        }
      }
      const ann = toks.slice(l.start + 2, eq < 0 ? l.end : eq).map((t) => t.value);
      if (ann[0] === 'ClassVar') continue;
      const optionalType = ann.includes('Optional') || (ann.includes('None') && ann.includes('|'));
      let kind: ReadKind = optionalType ? 'optional' : 'required';
      let def: string | undefined;
      let names: string[] = [envName(nameTok.value)];
      let exact = false;
      let note: string | undefined;
      if (eq >= 0) {
        const valueStart = eq + 1;
        const isField = toks[valueStart]?.value === 'Field' && toks[valueStart + 1]?.value === '(';
        if (isField) {
          const { pos, kw } = callArgs(toks, valueStart + 1);
          const first = pos[0];
          if (first && !(first[1] - first[0] === 1 && toks[first[0]]!.value === '...')) {
            def = literal(toks, first);
            kind = def === undefined ? 'optional' : 'defaulted';
          }
          const d = kw.get('default');
          if (d) {
            if (toks[d[0]]!.value === '...' && d[1] - d[0] === 1) kind = 'required';
            else {
              def = literal(toks, d);
              kind = def === undefined ? 'optional' : 'defaulted';
            }
          }
          const df = kw.get('default_factory');
          if (df) {
            kind = 'defaulted';
            def = `${text(toks, df)}()`;
          }
          const alias = kw.get('validation_alias') ?? kw.get('alias') ?? kw.get('env');
          if (alias) {
            const s = str(toks, alias);
            if (s !== undefined) {
              names = [s];
              exact = true;
            } else if (toks[alias[0]]!.value === 'AliasChoices' && toks[alias[0] + 1]?.value === '(') {
              const ac = callArgs(toks, alias[0] + 1);
              const ns = ac.pos.map((p) => str(toks, p)).filter((x): x is string => x !== undefined);
              if (ns.length) {
                names = ns;
                exact = true;
              }
            } else if (toks[alias[0]]!.value === '[' || toks[alias[0]]!.value === '(') {
              // v1: env=['A', 'B']
              const ns: string[] = [];
              for (let k = alias[0]; k < alias[1]; k++) if (toks[k]!.type === 'string') ns.push(toks[k]!.value);
              if (ns.length) {
                names = ns;
                exact = true;
              }
            }
          }
        } else {
          def = literal(toks, [valueStart, l.end]);
          kind = def === undefined ? 'optional' : 'defaulted';
        }
      }
      if (kind === 'required' && supplied.has(nameTok.value)) {
        kind = 'defaulted';
        note = `the code supplies ${nameTok.value} when it constructs the settings (line ${supplied.get(nameTok.value)})`;
      }
      if (!exact && !cfg.caseSensitive) note = note ? `${note}; pydantic-settings matches this name case-insensitively` : 'pydantic-settings matches this name case-insensitively';
      const pattern = shorten(`${cname}.${toks.slice(l.start, l.end).map((t) => t.raw).join(' ').replace(/ ([:,)\]])/g, '$1').replace(/([([]) /g, '$1')}`);
      const ev = { file: ctx.file, line: ctx.lineOf(nameTok), pattern };
      if (names.length > 1) out.fallbacks.push({ names, evidence: ev });
      if (!exact && cfg.prefixVia) note = note ? `${note}; env_prefix from ${cfg.prefixVia}` : `env_prefix from ${cfg.prefixVia}`;
      if (!exact && cfg.prefixUnknown) {
        // The real name carries a prefix keydrift cannot see: never a requirement.
        if (kind === 'required') kind = 'optional';
        note = `env_prefix ${cfg.prefixUnknown.text} is not known: the name may carry a prefix`;
      }
      for (const n of names) {
        const read: ContractRead = { name: n, kind, evidence: ev, confidence: !exact && cfg.prefixUnknown ? 'low' : !exact && cfg.prefixVia ? 'medium' : 'high' };
        if (def !== undefined && kind === 'defaulted') read.default = def;
        if (note) read.note = note;
        if (!cfg.caseSensitive) read.match = 'case-insensitive';
        if (names.length > 1) {
          read.note = `one of ${names.join(', ')} (AliasChoices)`;
          if (kind === 'required') {
            read.kind = 'optional';
            read.requiredOneOf = names;
          }
        }
        out.reads.push(read);
      }
      // Nested model with a delimiter: PREFIX_FIELD__SUB
      const typeName = ann.find((a) => classes.has(a));
      if (typeName && isModel(typeName) && cfg.delimiter && !exact) {
        const sub = classes.get(typeName)!;
        const subIndent = sub.bodyStart < sub.bodyEnd ? logical[sub.bodyStart]!.indent : 0;
        for (let sl = sub.bodyStart; sl < sub.bodyEnd; sl++) {
          const s = logical[sl]!;
          const t = toks[s.start]!;
          if (s.indent !== subIndent || t.type !== 'name' || toks[s.start + 1]?.value !== ':' || t.value.startsWith('_')) continue;
          const n = envName(`${nameTok.value}${cfg.delimiter}${t.value}`);
          out.reads.push({
            name: n,
            kind: 'optional',
            evidence: { file: ctx.file, line: ctx.lineOf(t), pattern: shorten(`${typeName}.${t.value} via ${cname}.${nameTok.value}`) },
            confidence: 'medium',
            note: `nested field; ${names[0]} may carry the whole ${typeName} as JSON instead`,
            ...(cfg.caseSensitive ? {} : { match: 'case-insensitive' as const }),
          });
        }
      }
    }
  }
}

function decoupleAndDjango(ctx: Ctx): void {
  const { toks, out, imports } = ctx;
  // decouple: config imported from decouple (or AutoConfig instance)
  const decoupleFns = new Set<string>();
  for (const [local, full] of imports) if (full === 'decouple.config') decoupleFns.add(local);
  for (let i = 0; i + 2 < toks.length; i++) {
    if (toks[i]!.type === 'name' && toks[i + 1]!.value === '=' && toks[i + 2]!.value === 'AutoConfig' && (imports.get('AutoConfig') ?? '').startsWith('decouple')) {
      decoupleFns.add(toks[i]!.value);
    }
  }
  // django-environ: NAME = environ.Env(...) / Env(...)
  const djangoEnvs = new Map<string, Map<string, string | undefined>>(); // instance → scheme defaults
  for (let i = 0; i + 4 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '=') continue;
    let k = i + 2;
    if (toks[k]!.value === 'environ' && toks[k + 1]?.value === '.' && toks[k + 2]?.value === 'Env' && toks[k + 3]?.value === '(') k += 3;
    else if (toks[k]!.value === 'Env' && /^environs?\.Env$/.test(imports.get('Env') ?? '') && toks[k + 1]?.value === '(') k += 1;
    else if (toks[k]!.value === 'environs' && toks[k + 1]?.value === '.' && toks[k + 2]?.value === 'Env' && toks[k + 3]?.value === '(') k += 3;
    else continue;
    const { kw } = callArgs(toks, k);
    const scheme = new Map<string, string | undefined>();
    for (const [name, r] of kw) {
      // DEBUG=(bool, False)
      if (toks[r[0]]!.value === '(') {
        const inner = callArgs(toks, r[0]);
        scheme.set(name, inner.pos[1] ? literal(toks, inner.pos[1]) : undefined);
      }
    }
    djangoEnvs.set(t.value, scheme);
  }
  if (!decoupleFns.size && !djangoEnvs.size) return;

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || (i > 0 && toks[i - 1]!.value === '.')) continue;
    let open = -1;
    let lib = '';
    let method = '';
    if (decoupleFns.has(t.value) && toks[i + 1]?.value === '(') {
      open = i + 1;
      lib = 'decouple';
    } else if (djangoEnvs.has(t.value)) {
      if (toks[i + 1]?.value === '(') {
        open = i + 1;
        lib = 'django-environ';
      } else if (toks[i + 1]?.value === '.' && toks[i + 2]?.type === 'name' && toks[i + 3]?.value === '(') {
        method = toks[i + 2]!.value;
        if (['read_env', 'smart_cast', 'parse_value', 'get_value', 'ENVIRON', 'escape_proxy', 'prefix', 'prefixed', 'seal', 'dump', 'add_parser', 'parser_for'].includes(method)) continue;
        open = i + 3;
        lib = 'django-environ';
      } else if (toks[i + 1]?.value === '[' && toks[i + 2]?.type === 'string' && toks[i + 3]?.value === ']') {
        out.reads.push({ name: toks[i + 2]!.value, kind: 'required', evidence: { file: ctx.file, line: ctx.lineOf(t), pattern: `${t.value}[${toks[i + 2]!.raw}]` }, confidence: 'high' });
        continue;
      }
    }
    if (open < 0) continue;
    const { pos, kw, close } = callArgs(toks, open);
    const pattern = shorten(toks.slice(i, close + 1).map((x) => x.raw).join('').replace(/,/g, ', '));
    let name = str(toks, pos[0]) ?? str(toks, kw.get('var'));
    if (!name && lib === 'django-environ' && !pos[0] && own(DJANGO_DEFAULT_VARS, method)) name = own(DJANGO_DEFAULT_VARS, method);
    if (!name) {
      out.unresolved.push({ evidence: { file: ctx.file, line: ctx.lineOf(t), pattern }, reason: `computed key passed to ${lib}` });
      continue;
    }
    let kind: ReadKind = 'required';
    let def: string | undefined;
    const d = kw.get('default') ?? (lib === 'django-environ' && method && pos[1] && !['db', 'db_url', 'cache', 'cache_url', 'email', 'email_url', 'search_url'].includes(method) ? pos[1] : undefined);
    if (d) {
      def = literal(toks, d);
      kind = def === undefined ? 'optional' : 'defaulted';
    } else if (lib === 'django-environ') {
      const scheme = djangoEnvs.get(t.value)!;
      if (scheme.has(name)) {
        def = scheme.get(name);
        kind = def === undefined ? 'optional' : 'defaulted';
      }
    }
    const read: ContractRead = { name, kind, evidence: { file: ctx.file, line: ctx.lineOf(t), pattern }, confidence: 'high' };
    if (def !== undefined) read.default = def;
    if (lib === 'decouple') read.note = kind === 'required' ? 'decouple raises UndefinedValueError when unset (unless a .env/settings.ini next to the app sets it)' : undefined;
    if (!read.note) delete read.note;
    out.reads.push(read);
  }
}
