/**
 * Validation libraries that declare what a JS/TS app needs from its environment, read from
 * the same syntax tree as the plain `process.env` reads (called by the javascript extractor).
 *
 * - envalid: `cleanEnv(process.env, { A: str(), B: port({ default: 3000 }), C: str({ devDefault: 'x' }) })`
 *   → A required, B defaulted, C required (devDefault does not apply in production).
 * - env-var: `env.get('A').required().asString()` → required; `.default('x')` → defaulted;
 *   `.required(false)` or nothing → optional.
 * - zod: `z.object({ A: z.string(), B: z.string().optional(), C: z.coerce.number().default(3) })`
 *   parsed from `process.env` (`.parse`, `.safeParse`, `.parseAsync`) → required / optional /
 *   defaulted; `@t3-oss/env-*` `createEnv({ server, shared, client, runtimeEnv })`: `server` and
 *   `shared` the same way, `client` → build-time (inlined by the bundler).
 * - Joi: `Joi.object({ A: Joi.string().required(), B: Joi.number().default(3) }).validate(process.env)`
 *   (also `.keys({…})`, `Joi.attempt(process.env, schema)`) → required / defaulted / optional
 *   (Joi keys are optional unless `.required()`).
 * A schema whose keys cannot be listed (spread, computed key, schema built elsewhere) → unresolved.
 */
import ts from 'typescript';
import type { ContractRead, ExtractResult, ReadKind, UnresolvedRead } from '../model.js';
import { shorten } from './util.js';
import type { Trigger } from './js-prefilter.js';

/** envalid's validating calls: `cleanEnv(env, spec)`, `customCleanEnv(env, spec, reporter)`. */
const ENVALID_CALLS: ReadonlySet<string> = new Set(['cleanEnv', 'customCleanEnv']);
/** `@t3-oss/env-*`: `createEnv({ server, shared, client, runtimeEnv })`. */
const T3_CREATE = 'createEnv';
/** env-var: `env.get('X')` / `env.from(process.env)` on the module's import. */
const ENV_VAR_MODULE = 'env-var';

/**
 * What the schema readers key on without `process.env` in the file (js-prefilter.ts). zod and
 * Joi schemas count when parsed from `process.env` (javascript.ts's trigger) or applied by a
 * framework (nest-config.ts); exported ones are read lazily when applied (link.ts).
 */
export const SCHEMA_TRIGGERS: readonly Trigger[] = [
  { by: 'envalid cleanEnv', allOf: [[...ENVALID_CALLS]] },
  { by: 't3-env createEnv', allOf: [[T3_CREATE]] },
  { by: 'env-var', allOf: [{ modules: [ENV_VAR_MODULE] }] },
];

export interface SchemaContext {
  sf: ts.SourceFile;
  /** Every node of the file in document order. */
  nodes: ts.Node[];
  out: ExtractResult;
  isProcessEnv(n: ts.Node): boolean;
  ev(n: ts.Node, pattern: string): { file: string; line: number; pattern: string };
  /** process.env nodes consumed by a recognised schema: not reported as "passed to f()". */
  consumed: Set<ts.Node>;
}

export function strip(e: ts.Node): ts.Node {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  const n = p.name;
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isComputedPropertyName(n)) {
    const e = strip(n.expression);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  }
  return undefined;
}

export function literalText(e: ts.Node): string | undefined {
  const s = strip(e);
  if (ts.isStringLiteral(s) || ts.isNoSubstitutionTemplateLiteral(s)) return s.text;
  if (ts.isNumericLiteral(s)) return s.text;
  if (s.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (s.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  if (ts.isIdentifier(s) && s.text === 'undefined') return undefined;
  if (s.kind === ts.SyntaxKind.NullKeyword) return undefined;
  return shorten(s.getText());
}

/** Method calls along a chain `a.b().c(x).d()`, outermost last: [{name, args}]. */
function chainCalls(e: ts.Node): { name: string; args: ts.NodeArray<ts.Expression> }[] {
  const calls: { name: string; args: ts.NodeArray<ts.Expression> }[] = [];
  let cur = strip(e);
  for (;;) {
    if (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
      calls.unshift({ name: cur.expression.name.text, args: cur.arguments });
      cur = strip(cur.expression.expression);
      continue;
    }
    if (ts.isPropertyAccessExpression(cur)) {
      cur = strip(cur.expression);
      continue;
    }
    break;
  }
  return calls;
}

/** The root identifier of a chain `z.coerce.number().default(1)` → `z`. */
function chainRoot(e: ts.Node): string | undefined {
  let cur = strip(e);
  for (;;) {
    if (ts.isCallExpression(cur)) cur = strip(cur.expression);
    else if (ts.isPropertyAccessExpression(cur)) cur = strip(cur.expression);
    else break;
  }
  return ts.isIdentifier(cur) ? cur.text : undefined;
}

/** What the schema recognizers share for one file (also used by nest-config.ts). */
export type SchemaTools = ReturnType<typeof schemaTools>;

/**
 * Declarations, imports and schema readers of one file. Reads go to `ctx.out`: pass a context
 * with another `out` to collect the reads of a schema without reporting them (pending reads).
 */
export function schemaTools(ctx: SchemaContext) {
  const { sf, out } = ctx;
  const decls = new Map<string, ts.Expression>();
  const imports = new Map<string, string>(); // local name → module
  const visitDecl = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      if (!decls.has(n.name.text)) decls.set(n.name.text, n.initializer);
      const init = strip(n.initializer);
      if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0])) {
        imports.set(n.name.text, init.arguments[0].text);
      }
    }
    if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer) {
      const init = strip(n.initializer);
      if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0])) {
        for (const el of n.name.elements) if (ts.isIdentifier(el.name)) imports.set(el.name.text, init.arguments[0].text);
      }
    }
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const mod = n.moduleSpecifier.text;
      const c = n.importClause;
      if (c?.name) imports.set(c.name.text, mod);
      const nb = c?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) imports.set(nb.name.text, mod);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) imports.set(el.name.text, mod);
    }
  };
  for (const n of ctx.nodes) visitDecl(n);

  const resolve = (e: ts.Node): ts.Node => {
    let s = strip(e);
    for (let i = 0; i < 5 && ts.isIdentifier(s) && decls.has(s.text); i++) s = strip(decls.get(s.text)!);
    return s;
  };
  const isLib = (name: string | undefined, re: RegExp): boolean => !!name && re.test(imports.get(name) ?? '');
  const ZOD = /^zod(?:\/|$)/;
  const JOI = /^(?:joi|@hapi\/joi)$/;

  const push = (name: string, kind: ReadKind, node: ts.Node, pattern: string, extra: Partial<ContractRead> = {}): void => {
    out.reads.push({ name, kind, evidence: ctx.ev(node, pattern), confidence: 'high', ...extra });
  };
  const unresolved = (node: ts.Node, reason: string): void => {
    const u: UnresolvedRead = { evidence: ctx.ev(node, shorten(node.getText(sf))), reason };
    out.unresolved.push(u);
  };

  /** Reads from the properties of a schema object literal. */
  const fromObject = (
    obj: ts.Node,
    lib: string,
    classify: (value: ts.Node) => { kind: ReadKind; default?: string; note?: string } | undefined,
    forceKind?: ReadKind,
  ): void => {
    const o = resolve(obj);
    if (!ts.isObjectLiteralExpression(o)) {
      unresolved(obj, `${lib} schema built elsewhere: its keys are not known`);
      return;
    }
    for (const p of o.properties) {
      const name = propName(p);
      if (ts.isSpreadAssignment(p)) {
        unresolved(p, `${lib} schema spreads another object: its keys are not known`);
        continue;
      }
      if (!name) {
        unresolved(p, `${lib} schema with a computed key`);
        continue;
      }
      const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
      if (!value) continue;
      const c = classify(resolve(value));
      const pattern = shorten(`${name}: ${strip(value).getText(sf)}`);
      if (!c) {
        unresolved(p, `${lib} schema entry ${name} could not be classified`);
        continue;
      }
      const kind = forceKind ?? c.kind;
      const extra: Partial<ContractRead> = {};
      if (c.default !== undefined && kind === 'defaulted') extra.default = c.default;
      if (c.note) extra.note = c.note;
      if (forceKind === 'build-time') extra.note = `${lib} client variable: inlined at build time`;
      push(name, kind, p, pattern, extra);
    }
  };

  const zodKind = (v: ts.Node): { kind: ReadKind; default?: string } | undefined => {
    const calls = chainCalls(v);
    if (!calls.length) return undefined;
    let kind: ReadKind = 'required';
    let def: string | undefined;
    for (const c of calls) {
      // `z.preprocess(fn, schema)`: the need is the wrapped schema's (formbricks'
      // `const ZOptionalNonEmptyString = z.preprocess(emptyToUndefined, z.string().min(1).optional())`).
      if (c.name === 'preprocess' && c.args[1]) {
        const inner = zodKind(resolve(c.args[1]));
        if (inner) {
          kind = inner.kind;
          def = inner.default;
        }
        continue;
      }
      if (c.name === 'optional' || c.name === 'nullish') kind = kind === 'defaulted' ? kind : 'optional';
      if (c.name === 'default' || c.name === 'catch') {
        def = c.args[0] ? literalText(c.args[0]) : undefined;
        kind = def === undefined ? 'optional' : 'defaulted';
      }
    }
    return { kind, ...(def !== undefined ? { default: def } : {}) };
  };
  const joiKind = (v: ts.Node): { kind: ReadKind; default?: string } | undefined => {
    const calls = chainCalls(v);
    if (!calls.length) return undefined;
    let kind: ReadKind = 'optional';
    let def: string | undefined;
    for (const c of calls) {
      if (c.name === 'required' || c.name === 'exist') kind = 'required';
      if (c.name === 'optional' || c.name === 'allow' && c.args.some((a) => strip(a).kind === ts.SyntaxKind.NullKeyword)) kind = 'optional';
      if (c.name === 'default') {
        def = c.args[0] ? literalText(c.args[0]) : undefined;
        if (def !== undefined) kind = 'defaulted';
      }
    }
    return { kind, ...(def !== undefined ? { default: def } : {}) };
  };
  const envalidKind = (v: ts.Node): { kind: ReadKind; default?: string; note?: string } | undefined => {
    if (!ts.isCallExpression(v)) return undefined;
    const opts = v.arguments[0] ? resolve(v.arguments[0]) : undefined;
    if (!opts) return { kind: 'required' };
    if (!ts.isObjectLiteralExpression(opts)) return { kind: 'required', note: 'validator options built elsewhere' };
    let kind: ReadKind = 'required';
    let def: string | undefined;
    let note: string | undefined;
    for (const p of opts.properties) {
      const n = propName(p);
      if (!ts.isPropertyAssignment(p)) continue;
      if (n === 'default') {
        def = literalText(p.initializer);
        kind = def === undefined ? 'optional' : 'defaulted';
      }
      if (n === 'devDefault' && kind === 'required') note = 'devDefault applies only when NODE_ENV is not production';
    }
    return { kind, ...(def !== undefined ? { default: def } : {}), ...(note ? { note } : {}) };
  };

  /** A zod / Joi object schema: the object literal with its keys, and which library. */
  const objectSchema = (e: ts.Node): { lib: 'zod' | 'joi'; obj: ts.Node } | undefined => {
    let cur = resolve(e);
    for (let i = 0; i < 8; i++) {
      if (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
        const m = cur.expression.name.text;
        const root = strip(cur.expression.expression);
        const rootName = ts.isIdentifier(root) ? root.text : undefined;
        if (m === 'object' && rootName && cur.arguments[0]) {
          if (isLib(rootName, ZOD) || rootName === 'z') return { lib: 'zod', obj: cur.arguments[0] };
          if (isLib(rootName, JOI) || /^joi$/i.test(rootName)) return { lib: 'joi', obj: cur.arguments[0] };
        }
        if (m === 'keys' && cur.arguments[0]) {
          const r = chainRoot(cur.expression.expression);
          if (r && (isLib(r, JOI) || /^joi$/i.test(r))) return { lib: 'joi', obj: cur.arguments[0] };
        }
        cur = resolve(cur.expression.expression);
        continue;
      }
      break;
    }
    return undefined;
  };

  return { decls, imports, resolve, isLib, push, unresolved, fromObject, zodKind, joiKind, envalidKind, objectSchema, ZOD, JOI };
}

/** A zod / Joi object schema's reads, into `ctx.out`: true when `e` is one. */
export function readObjectSchema(tools: SchemaTools, e: ts.Node): boolean {
  const s = tools.objectSchema(e);
  if (!s) return false;
  tools.fromObject(s.obj, s.lib === 'zod' ? 'zod' : 'Joi', s.lib === 'zod' ? tools.zodKind : tools.joiKind);
  return true;
}

export function extractSchemas(ctx: SchemaContext, tools: SchemaTools = schemaTools(ctx)): void {
  const { sf, out } = ctx;
  const { imports, resolve, isLib, push, unresolved, fromObject, zodKind, joiKind, envalidKind, objectSchema } = tools;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = strip(n.expression);
      const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      // envalid: cleanEnv(process.env, spec)
      if (
        calleeName !== undefined &&
        ENVALID_CALLS.has(calleeName) &&
        n.arguments.length >= 2 &&
        (isLib(ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : undefined, /^envalid$/) ||
          ctx.isProcessEnv(n.arguments[0]!))
      ) {
        if (ctx.isProcessEnv(n.arguments[0]!)) ctx.consumed.add(strip(n.arguments[0]!));
        fromObject(n.arguments[1]!, 'envalid', envalidKind);
      }
      // zod / Joi: schema.parse(process.env), schema.validate(process.env), Joi.attempt(process.env, schema)
      if (ts.isPropertyAccessExpression(callee) && n.arguments[0] && ctx.isProcessEnv(n.arguments[0])) {
        const m = callee.name.text;
        if (['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateAsync'].includes(m)) {
          const s = objectSchema(callee.expression);
          if (s) {
            ctx.consumed.add(strip(n.arguments[0]));
            const safe = m.startsWith('safe') || (s.lib === 'joi' && m === 'validate');
            const before = out.reads.length;
            fromObject(s.obj, s.lib === 'zod' ? 'zod' : 'Joi', s.lib === 'zod' ? zodKind : joiKind);
            if (safe) {
              for (const r of out.reads.slice(before)) {
                if (r.kind === 'required') {
                  r.confidence = 'medium';
                  r.note = `${m}() returns the error instead of throwing; required if the app stops on it`;
                }
              }
            }
          }
        }
        if (m === 'attempt' && n.arguments[1]) {
          const s = objectSchema(n.arguments[1]);
          if (s) {
            ctx.consumed.add(strip(n.arguments[0]));
            fromObject(s.obj, 'Joi', joiKind);
          }
        }
      }
      // @t3-oss/env-core / env-nextjs: createEnv({ server, shared, client, runtimeEnv })
      if (calleeName === T3_CREATE && n.arguments[0]) {
        const arg = resolve(n.arguments[0]);
        if (ts.isObjectLiteralExpression(arg)) {
          for (const p of arg.properties) {
            if (!ts.isPropertyAssignment(p)) continue;
            const k = propName(p);
            if (k === 'server' || k === 'shared') fromObject(p.initializer, 't3-env', zodKind);
            else if (k === 'client') fromObject(p.initializer, 't3-env', zodKind, 'build-time');
            else if ((k === 'runtimeEnv' || k === 'experimental__runtimeEnv') && ctx.isProcessEnv(p.initializer)) ctx.consumed.add(strip(p.initializer));
          }
        }
      }
      // env-var: env.from(process.env, …)
      if (calleeName === 'from' && n.arguments[0] && ctx.isProcessEnv(n.arguments[0]) && isEnvVarFrom(n)) {
        ctx.consumed.add(strip(n.arguments[0]));
      }
      // env-var: env.get('X').required().default('d').asString()
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'get') {
        const root = chainRoot(callee.expression);
        const fromEnvVar = root !== undefined && (imports.get(root) === ENV_VAR_MODULE || isEnvVarFrom(resolve(callee.expression)));
        if (fromEnvVar) {
          const arg = n.arguments[0] ? strip(n.arguments[0]) : undefined;
          if (!arg) unresolved(n, 'env-var get() without a name reads the whole environment');
          else if (!ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg)) unresolved(n, 'computed key passed to env-var get()');
          else {
            // Walk the chain upwards from the get() call.
            let kind: ReadKind = 'optional';
            let def: string | undefined;
            let top: ts.Node = n;
            while (top.parent && ts.isPropertyAccessExpression(top.parent) && top.parent.parent && ts.isCallExpression(top.parent.parent)) {
              const m = top.parent.name.text;
              const call = top.parent.parent;
              if (m === 'required') {
                const a = call.arguments[0] ? strip(call.arguments[0]) : undefined;
                if (!a || a.kind === ts.SyntaxKind.TrueKeyword) kind = 'required';
                else if (a.kind === ts.SyntaxKind.FalseKeyword) kind = def === undefined ? 'optional' : kind;
                else kind = 'required';
              }
              if (m === 'default' && call.arguments[0]) {
                def = literalText(call.arguments[0]);
                if (def !== undefined && kind !== 'required') kind = 'defaulted';
              }
              top = call;
            }
            // env-var: a default makes required() never fail.
            if (def !== undefined) kind = 'defaulted';
            push(arg.text, kind, n, shorten(top.getText(sf)), def !== undefined ? { default: def } : {});
          }
        }
      }
    }
  };
  const isEnvVarFrom = (e: ts.Node): boolean => {
    // env.from(process.env, …) where env is env-var
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'from') {
      const r = chainRoot(e.expression.expression);
      return r !== undefined && imports.get(r) === ENV_VAR_MODULE;
    }
    // from(process.env, …) with `from` imported from env-var
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'from') {
      return imports.get('from') === ENV_VAR_MODULE;
    }
    return false;
  };
  for (const n of ctx.nodes) visit(n);
}
