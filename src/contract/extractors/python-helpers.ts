/**
 * Python helper functions that wrap a read (issue 9, class 2), on the tokens of the python
 * extractor:
 *
 *     def envbool(s, default):            # healthchecks' settings.py shape
 *         v = os.getenv(s, default=default)
 *         ...
 *     DEBUG = envbool("DEBUG", "False")   # → DEBUG defaulted "False", at this line
 *
 * A module-level `def` whose body reads the environment under one of its parameters
 * (`os.environ[p]`, `os.environ.get(p, d)`, `os.getenv(p, d)`, also `p + "_FILE"` and
 * `f"{p}_FILE"`) is summarised once; every call of it in the file with a literal name is a read
 * at the call, with medium confidence:
 *
 * - `os.environ[p]` → required; `get/getenv(p, q)` with `q` a parameter → the call's argument
 *   for `q` (or `q`'s default in the signature; `None` → optional); with a literal → that
 *   default; without a default → optional, or required when the body raises / exits under an
 *   `if not …` / `is None` / `== ""` test.
 * - a call with a computed name → unresolved (`computed key passed to envbool()`).
 *
 * The helper's own computed-key read is then no longer unresolved. A helper is also offered to
 * the files that import it (`from .env import envbool`, `from settings.base import *`): their
 * calls are reads joined in link.ts (name, second argument or `default=` as the default;
 * required when the helper raises or reads `os.environ[p]`).
 */
import type { ContractRead, ExtractResult } from '../model.js';
import type { PyTok } from './python.js';
import { matchesOf } from './lexer.js';
import { shorten } from './util.js';

interface Line {
  start: number;
  end: number;
  indent: number;
}

export interface HelperCtx {
  file: string;
  toks: PyTok[];
  logical: Line[];
  lineOf(t: PyTok): number;
  out: ExtractResult;
}

interface Param {
  name: string;
  /** Literal default in the signature; null = `None`; undefined = none or not a literal. */
  def?: string | null;
}

interface HelperRead {
  /** Index of the parameter holding the name. */
  key: number;
  suffix: string;
  required: boolean;
  /** Fails the call when unset: an `if not v:` (v bound to this read) that raises or exits. */
  fails?: boolean;
  /** Default: a parameter index, or a literal. */
  defParam?: number;
  defLiteral?: string;
  line: number;
}

interface Helper {
  name: string;
  params: Param[];
  reads: HelperRead[];
  line: number;
  bodyStart: number;
  bodyEnd: number;
}

const ENV_GET = new Set(['get', 'getenv', 'pop']);

/**
 * Matching brackets of a token list, computed once (a stack), so that unterminated calls line
 * after line stay linear; an unmatched bracket closes at the last token.
 */
function close(toks: PyTok[], open: number, limit: number): number {
  const e = matchesOf(toks)[open] ?? -1;
  return Math.min(e < 0 ? toks.length - 1 : e, limit - 1);
}

/** Top-level comma-separated ranges between open and its closing bracket. */
function split(toks: PyTok[], open: number, limit: number): { parts: [number, number][]; end: number } {
  const end = close(toks, open, limit);
  const parts: [number, number][] = [];
  let depth = 0;
  let s = open + 1;
  for (let k = open + 1; k < end; k++) {
    const v = toks[k]!.type === 'op' ? toks[k]!.value : '';
    if (v === '(' || v === '[' || v === '{') depth++;
    else if (v === ')' || v === ']' || v === '}') depth--;
    else if (v === ',' && depth === 0) {
      if (k > s) parts.push([s, k]);
      s = k + 1;
    }
  }
  if (end > s) parts.push([s, end]);
  return { parts, end };
}

function lit(t: PyTok | undefined): string | null | undefined {
  if (!t) return undefined;
  if (t.type === 'string' && !t.fstring) return t.value;
  if (t.type === 'number') return t.value;
  if (t.value === 'None') return null;
  if (t.value === 'True' || t.value === 'False') return t.value;
  return undefined;
}

export function extractPythonHelpers(ctx: HelperCtx): void {
  const { toks, logical, out, lineOf } = ctx;
  const helpers = new Map<string, Helper>();
  /**
   * `if not X:` / `if X is None:` / `if X == "":` lines in [from, to) whose block (or inline
   * body) raises or exits: X as a name, or as the token index where a tested read starts.
   */
  const failing = (from: number, to: number): { subject: string | number; tok: number }[] => {
    const found: { subject: string | number; tok: number }[] = [];
    for (let m = from; m < to; m++) {
      const ln = logical[m]!;
      if (toks[ln.start]!.value !== 'if') continue;
      const colon = toks.slice(ln.start, ln.end).findIndex((x, j) => x.value === ':' && j > 1);
      if (colon < 0) continue;
      const head = toks.slice(ln.start + 1, ln.start + colon);
      const vals = head.map((x) => x.value);
      let subject: string | number | undefined;
      if (vals[0] === 'not' && head.length === 2 && head[1]!.type === 'name') subject = head[1]!.value;
      else if (vals[0] === 'not' && (vals[1] === 'os' || vals[1] === 'environ' || vals[1] === 'getenv')) subject = ln.start + 2;
      else if (head.length === 3 && head[0]!.type === 'name' && ((vals[1] === 'is' && vals[2] === 'None') || (vals[1] === '==' && head[2]!.type === 'string' && head[2]!.value === ''))) subject = head[0]!.value;
      if (subject === undefined) continue;
      const inline = ln.start + colon + 1 < ln.end ? toks.slice(ln.start + colon + 1, ln.end) : logical[m + 1] && logical[m + 1]!.indent > ln.indent ? toks.slice(logical[m + 1]!.start, logical[m + 1]!.end) : [];
      const body = inline.map((x) => x.value);
      if (body[0] === 'raise' || body.includes('exit')) found.push({ subject, tok: ln.start });
    }
    return found;
  };
  logical.forEach((l, li) => {
    if (l.indent !== 0) return;
    let d = l.start;
    if (toks[d]!.value === 'async') d++;
    if (toks[d]!.value !== 'def' || toks[d + 1]?.type !== 'name' || toks[d + 2]?.value !== '(') return;
    const { parts, end } = split(toks, d + 2, l.end);
    const params: Param[] = [];
    for (const [a, b] of parts) {
      const t = toks[a]!;
      if (t.type !== 'name') continue; // *, /, **kw
      const eq = toks.slice(a, b).findIndex((x) => x.value === '=');
      params.push({ name: t.value, ...(eq >= 0 && a + eq + 2 === b ? { def: lit(toks[a + eq + 1]) } : {}) });
    }
    if (!params.length || toks[end + 1] === undefined) return;
    let k = li + 1;
    while (k < logical.length && logical[k]!.indent > l.indent) k++;
    if (k === li + 1) return;
    const bodyStart = logical[li + 1]!.start;
    const bodyEnd = logical[k - 1]!.end;
    const h: Helper = { name: toks[d + 1]!.value, params, reads: [], line: lineOf(toks[l.start]!), bodyStart, bodyEnd };
    const paramIdx = (t: PyTok | undefined): number => (t?.type === 'name' ? params.findIndex((p) => p.name === t.value) : -1);
    /** The parameter a key range names, with a static suffix: p, p + "S", f"{p}S". */
    const keyOf = (a: number, b: number): { key: number; suffix: string } | undefined => {
      if (b - a === 1) {
        const t = toks[a]!;
        const i = paramIdx(t);
        if (i >= 0) return { key: i, suffix: '' };
        if (t.type === 'string' && t.fstring) {
          const m = /^\{([A-Za-z_]\w*)\}([A-Za-z0-9_]*)$/.exec(t.value);
          const j = m ? params.findIndex((p) => p.name === m[1]) : -1;
          if (j >= 0) return { key: j, suffix: m![2]! };
        }
        return undefined;
      }
      if (b - a === 3 && toks[a + 1]!.value === '+' && toks[a + 2]!.type === 'string' && !toks[a + 2]!.fstring && /^[A-Za-z0-9_]*$/.test(toks[a + 2]!.value)) {
        const i = paramIdx(toks[a]);
        if (i >= 0) return { key: i, suffix: toks[a + 2]!.value };
      }
      return undefined;
    };
    const failsLines = failing(li + 1, k);
    for (let i = bodyStart; i < bodyEnd; i++) {
      const t = toks[i]!;
      if (t.value !== 'environ' && t.value !== 'getenv') continue;
      if (toks[i - 1]?.value === '.' && toks[i - 2]?.value !== 'os') continue;
      let open = -1;
      let subscript = false;
      if (t.value === 'environ' && toks[i + 1]?.value === '[') {
        open = i + 1;
        subscript = true;
      } else if (t.value === 'environ' && toks[i + 1]?.value === '.' && ENV_GET.has(toks[i + 2]?.value ?? '') && toks[i + 3]?.value === '(') open = i + 3;
      else if (t.value === 'getenv' && toks[i + 1]?.value === '(') open = i + 1;
      if (open < 0) continue;
      const { parts, end } = split(toks, open, bodyEnd);
      const first = parts[0];
      const key = first ? keyOf(first[0], first[1]) : undefined;
      if (!key) continue;
      const at = toks[i - 1]?.value === '.' ? i - 2 : i;
      const r: HelperRead = { ...key, required: subscript, line: lineOf(toks[at]!) };
      // `v = os.getenv(p)` / `if v := os.getenv(p)`: the name later tests may check.
      const boundTo = (toks[at - 1]?.value === '=' || toks[at - 1]?.value === ':=') && toks[at - 2]?.type === 'name' ? toks[at - 2]!.value : undefined;
      if (failsLines.some((f) => (boundTo !== undefined && f.subject === boundTo && f.tok > at) || f.subject === at)) r.fails = true;
      if (!subscript && parts[1]) {
        let [a, b] = parts[1];
        if (toks[a]!.value === 'default' && toks[a + 1]?.value === '=') a += 2;
        const q = b - a === 1 ? paramIdx(toks[a]) : -1;
        if (q >= 0) r.defParam = q;
        else if (b - a === 1 && lit(toks[a]) !== undefined) {
          const v = lit(toks[a]);
          if (v !== null) r.defLiteral = v;
        } else r.defLiteral = shorten(toks.slice(a, b).map((x) => x.raw).join(''));
      }
      h.reads.push(r);
      i = end;
    }
    if (!h.reads.length) return;
    helpers.set(h.name, h);
  });
  crossFile(ctx, helpers);
  if (!helpers.size) return;

  const called = new Set<Helper>();
  for (let i = 0; i + 1 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '(') continue;
    const h = helpers.get(t.value);
    if (!h || toks[i - 1]?.value === '.' || toks[i - 1]?.value === 'def' || (i >= h.bodyStart && i < h.bodyEnd)) continue;
    const { parts, end } = split(toks, i + 1, toks.length);
    const pos: [number, number][] = [];
    const kw = new Map<string, [number, number]>();
    for (const [a, b] of parts) {
      if (toks[a]!.type === 'name' && toks[a + 1]?.value === '=' && b > a + 2) kw.set(toks[a]!.value, [a + 2, b]);
      else pos.push([a, b]);
    }
    const arg = (p: number): [number, number] | undefined => pos[p] ?? kw.get(h.params[p]!.name);
    const pattern = shorten(`${t.value}(${parts.map(([a, b]) => toks.slice(a, b).map((x) => x.raw).join('')).join(', ')})`);
    const evidence = { file: ctx.file, line: lineOf(t), pattern };
    called.add(h);
    for (const r of h.reads) {
      const ka = arg(r.key);
      const kt = ka && ka[1] - ka[0] === 1 ? toks[ka[0]]! : undefined;
      if (!kt || kt.type !== 'string' || kt.fstring) {
        const hint = kt?.type === 'string' && kt.fstring ? kt.value.split('{')[0] : ka && toks[ka[0]]!.type === 'string' && toks[ka[0] + 1]?.value === '+' ? toks[ka[0]]!.value : '';
        out.unresolved.push({ evidence, reason: `computed key passed to ${h.name}()`, ...(hint ? { hint } : {}) });
        continue;
      }
      const read: ContractRead = {
        name: kt.value + r.suffix,
        kind: 'optional',
        evidence: { ...evidence },
        confidence: 'medium',
        note: `through helper ${h.name}() (line ${h.line})`,
      };
      if (r.required) read.kind = 'required';
      else if (r.defParam !== undefined) {
        const da = arg(r.defParam);
        const v = da ? (da[1] - da[0] === 1 ? lit(toks[da[0]]) : shorten(toks.slice(da[0], da[1]).map((x) => x.raw).join(''))) : h.params[r.defParam]!.def;
        if (v !== undefined && v !== null) {
          read.kind = 'defaulted';
          read.default = v;
        } else if (r.fails) read.kind = 'required';
      } else if (r.defLiteral !== undefined) {
        read.kind = 'defaulted';
        read.default = r.defLiteral;
      } else if (r.fails) read.kind = 'required';
      if (read.kind === 'required' && !r.required) read.note = `through helper ${h.name}() (line ${h.line}), which fails when unset`;
      out.reads.push(read);
    }
    i = end;
  }
  // The helpers' own reads are now resolved at their calls.
  const resolved = new Set<number>();
  for (const h of called) for (const r of h.reads) resolved.add(r.line);
  if (resolved.size) out.unresolved = out.unresolved.filter((u) => !(u.evidence.file === ctx.file && u.reason === 'computed key' && resolved.has(u.evidence.line)));
}

/** `a/b/c` of `a/b/c.py`, and its shorter tails (`b/c`) so that `from b.c import x` in a `src/`-less layout matches. */
function moduleScopes(path: string): string[] {
  const segs = path.replace(/\.pyw?$/, '').replace(/\/__init__$/, '').split('/');
  const out: string[] = [];
  for (let k = 0; k < segs.length; k++) if (segs.length - k >= 2 || k === 0) out.push(`py:${segs.slice(k).join('/')}`);
  return out;
}

/** The module path an import names, from the importing file (`.base` → its sibling). */
function importedModule(file: string, mod: string): string | undefined {
  const m = /^(\.*)([\w.]*)$/.exec(mod);
  if (!m) return undefined;
  const rest = m[2] ? m[2].split('.').filter(Boolean) : [];
  if (!m[1]) return rest.length ? rest.join('/') : undefined;
  const dir = file.split('/').slice(0, -1);
  const up = m[1].length - 1;
  if (up > dir.length) return undefined;
  const base = dir.slice(0, dir.length - up);
  const all = [...base, ...rest];
  return all.length ? all.join('/') : undefined;
}

/**
 * Helpers for other files (`ScopedHelper`, scope `py:<module>`), and calls of helpers this file
 * imports (`from .env import envbool`, `from config.base import *`), joined in link.ts: the
 * name, the second positional argument (or `default=`) as the default.
 */
function crossFile(ctx: HelperCtx, helpers: Map<string, Helper>): void {
  const { toks, logical, out, lineOf } = ctx;
  for (const h of helpers.values()) {
    const main = h.reads.find((r) => r.key === 0 && r.suffix === '');
    if (!main) continue;
    for (const scope of moduleScopes(ctx.file)) {
      (out.scopedHelpers ??= []).push({
        scope,
        name: h.name,
        fails: main.required || !!main.fails,
        defaultParam: main.defParam === 1,
        evidence: { file: ctx.file, line: main.line, pattern: `def ${h.name}(${h.params.map((p) => p.name).join(', ')})` },
      });
    }
  }
  // from M import a, b as c / from M import *
  const imported = new Map<string, { scope: string; name: string }>();
  const starScopes: string[] = [];
  for (const l of logical) {
    if (toks[l.start]!.value !== 'from') continue;
    let k = l.start + 1;
    let mod = '';
    while (k < l.end && toks[k]!.value !== 'import') mod += toks[k++]!.value;
    const path = importedModule(ctx.file, mod);
    if (!path) continue;
    const scope = `py:${path}`;
    for (k = k + 1; k < l.end; k++) {
      const t = toks[k]!;
      if (t.value === '*') starScopes.push(scope);
      if (t.type !== 'name') continue;
      if (toks[k + 1]?.value === 'as' && toks[k + 2]?.type === 'name') {
        imported.set(toks[k + 2]!.value, { scope, name: t.value });
        k += 2;
      } else imported.set(t.value, { scope, name: t.value });
    }
  }
  if (!imported.size && !starScopes.length) return;
  for (let i = 0; i + 2 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i + 1]!.value !== '(' || helpers.has(t.value) || toks[i - 1]?.value === '.' || toks[i - 1]?.value === 'def') continue;
    const imp = imported.get(t.value);
    const a0 = toks[i + 2]!;
    const literal = a0.type === 'string' && !a0.fstring && (toks[i + 3]?.value === ',' || toks[i + 3]?.value === ')') ? a0.value : undefined;
    // Star imports: any call may be of a helper; link.ts keeps only those that are.
    if (!imp && !starScopes.length) continue;
    if (literal === undefined && a0.type !== 'string' && a0.type !== 'name') continue;
    const { parts, end } = split(toks, i + 1, toks.length);
    let def: [number, number] | undefined = parts[1] && !(toks[parts[1][0]]!.type === 'name' && toks[parts[1][0] + 1]?.value === '=') ? parts[1] : undefined;
    for (const p of parts) if (toks[p[0]]!.value === 'default' && toks[p[0] + 1]?.value === '=') def = [p[0] + 2, p[1]];
    const pattern = shorten(`${t.value}(${parts.map(([a, b]) => toks.slice(a, b).map((x) => x.raw).join('')).join(', ')})`);
    const d = def ? (def[1] - def[0] === 1 ? lit(toks[def[0]]) : shorten(toks.slice(def[0], def[1]).map((x) => x.raw).join(''))) : undefined;
    for (const scope of imp ? [imp.scope] : starScopes) {
      (out.scopedHelperCalls ??= []).push({
        scope,
        name: imp?.name ?? t.value,
        ...(literal !== undefined ? { nameArg: literal } : {}),
        ...(d !== undefined && d !== null ? { defaultArg: d } : {}),
        evidence: { file: ctx.file, line: lineOf(t), pattern },
      });
    }
    i = end;
  }
}
