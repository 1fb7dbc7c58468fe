/**
 * Recognizer: NestJS `@nestjs/config` (issue 9, class 1), on the syntax tree of the javascript
 * extractor.
 *
 *     ConfigModule.forRoot({ validationSchema })          // Joi (or zod) object schema
 *     ConfigModule.forRoot({ validate })                  // (config) => schema.parse(config),
 *                                                         // or plainToInstance(Env, config) + validateSync
 *
 * NestJS validates `process.env` (and .env files) with it when the module starts, and throws
 * when validation fails: a Joi key with `.required()` and a zod key without
 * `.optional()`/`.default()` are required, a default is a default, a class-validator property
 * follows class-validator.ts. The schema, the validate function and the class may each live in
 * another file of the app (relative import or a path alias such as `src/…`): the importing side
 * records what it applies, the exporting side records pending reads, and link.ts joins them.
 * An exported Joi/zod object schema and an exported function validating its parameter with one
 * are pending until something applies them (a request-body schema is not the environment).
 */
import ts from 'typescript';
import type { ApplyReads, ExtractResult } from '../model.js';
import { classReads, envClasses, isExported, skipsMissing } from './class-validator.js';
import { readObjectSchema, schemaTools, strip, propName, type SchemaContext, type SchemaTools } from './js-schemas.js';
import { shorten } from './util.js';
import type { Trigger } from './js-prefilter.js';

export const NEST_CONFIG = {
  id: 'nest-config',
  summary: 'NestJS ConfigModule.forRoot validationSchema (Joi/zod) and validate (zod, class-validator), across files',
};

/** `ConfigModule.forRoot({ … })`: the object and method the recognizer matches. */
const CONFIG_MODULE = 'ConfigModule';
const FOR_ROOT = 'forRoot';

/**
 * What this recognizer keys on (js-prefilter.ts): the file calling `ConfigModule.forRoot`. The
 * schemas, validate functions and classes it applies from other files are extracted lazily
 * (link.ts), whatever their text.
 */
export const NEST_CONFIG_TRIGGERS: readonly Trigger[] = [{ by: 'NestJS ConfigModule.forRoot', allOf: [[CONFIG_MODULE], [FOR_ROOT]] }];

const BY_SCHEMA = 'NestJS ConfigModule.forRoot validationSchema';
const BY_VALIDATE = 'NestJS ConfigModule.forRoot validate';

type Fn = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

function emptyOut(): ExtractResult {
  return { reads: [], unresolved: [], fallbacks: [], imageDefaults: [] };
}

export function extractNestConfig(ctx: SchemaContext, tools: SchemaTools): void {
  const { sf } = ctx;
  const file = ctx.ev(sf, '').file;
  const functions = new Map<string, Fn>();
  for (const n of ctx.nodes) {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) functions.set(n.name.text, n);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const i = strip(n.initializer);
      if (ts.isArrowFunction(i) || ts.isFunctionExpression(i)) functions.set(n.name.text, i);
    }
  }
  const classes = envClasses(ctx, tools);
  const skip = skipsMissing(ctx);
  /** Tools that collect into another result (pending reads). */
  const into = (out: ExtractResult): SchemaTools => schemaTools({ ...ctx, out });
  const imported = (e: ts.Node): { from: string; importedName: string } | undefined => {
    const s = strip(e);
    if (!ts.isIdentifier(s) || tools.decls.has(s.text) || functions.has(s.text) || classes.has(s.text)) return undefined;
    const from = tools.imports.get(s.text);
    return from && !/^(?:joi|@hapi\/joi|zod|class-validator|class-transformer|@nestjs\/.*)$/.test(from) ? { from, importedName: s.text } : undefined;
  };

  /** What a validate(config) function reads of its parameter, into `out`; imports it applies. */
  const validateFn = (fn: Fn, out: ExtractResult, t: SchemaTools): ApplyReads[] => {
    const then: ApplyReads[] = [];
    const p0 = fn.parameters[0];
    const param = p0 && ts.isIdentifier(p0.name) ? p0.name.text : undefined;
    if (!param || !fn.body) return then;
    const isParam = (e: ts.Node | undefined): boolean => !!e && ts.isIdentifier(strip(e)) && (strip(e) as ts.Identifier).text === param;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const callee = strip(n.expression);
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        // schema.parse(config) / schema.validate(config) / Joi.attempt(config, schema)
        if (ts.isPropertyAccessExpression(callee) && isParam(n.arguments[0]) && /^(?:safeParse|parse|parseAsync|safeParseAsync|validate|validateAsync)$/.test(name)) {
          const imp = imported(callee.expression);
          if (imp) then.push({ module: imp, evidence: ctx.ev(n, shorten(n.getText(sf))), by: BY_VALIDATE });
          else readObjectSchema(t, callee.expression);
        }
        if (name === 'attempt' && isParam(n.arguments[0]) && n.arguments[1]) {
          const imp = imported(n.arguments[1]);
          if (imp) then.push({ module: imp, evidence: ctx.ev(n, shorten(n.getText(sf))), by: BY_VALIDATE });
          else readObjectSchema(t, n.arguments[1]);
        }
        // plainToInstance(Env, config) (class-validator)
        if ((name === 'plainToInstance' || name === 'plainToClass') && n.arguments[0] && isParam(n.arguments[1])) {
          const c = strip(n.arguments[0]);
          const local = ts.isIdentifier(c) ? classes.get(c.text) : undefined;
          const imp = imported(c);
          if (local) classReads(ctx, local, out, skip);
          else if (imp) then.push({ module: imp, evidence: ctx.ev(n, shorten(n.getText(sf))), by: BY_VALIDATE });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    return then;
  };

  const appliedHere = new Set<ts.Node>();
  for (const n of ctx.nodes) {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || n.expression.name.text !== FOR_ROOT) continue;
    const obj = strip(n.expression.expression);
    if (!ts.isIdentifier(obj) || obj.text !== CONFIG_MODULE) continue;
    const opts = n.arguments[0] ? tools.resolve(n.arguments[0]) : undefined;
    if (!opts || !ts.isObjectLiteralExpression(opts)) continue;
    for (const p of opts.properties) {
      const key = propName(p);
      if (key !== 'validationSchema' && key !== 'validate') continue;
      const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
      if (!value) continue;
      const by = key === 'validate' ? BY_VALIDATE : BY_SCHEMA;
      const evidence = ctx.ev(p, shorten(`ConfigModule.forRoot({ ${p.getText(sf)} })`));
      const imp = imported(value);
      if (imp) {
        (ctx.out.applies ??= []).push({ module: imp, evidence, by });
        continue;
      }
      const v = strip(value);
      if (key === 'validationSchema') {
        const before = ctx.out.reads.length;
        if (!readObjectSchema(tools, v)) {
          ctx.out.unresolved.push({ evidence, reason: `${by}: schema built elsewhere, its keys are not known` });
          continue;
        }
        for (const r of ctx.out.reads.slice(before)) r.note = r.note ? `${r.note}; ${by}` : by;
        continue;
      }
      const fn = ts.isIdentifier(v) ? functions.get(v.text) : ts.isArrowFunction(v) || ts.isFunctionExpression(v) ? v : undefined;
      if (!fn) {
        ctx.out.unresolved.push({ evidence, reason: `${by}: validate function not found, the names it checks are not known` });
        continue;
      }
      appliedHere.add(fn);
      const before = ctx.out.reads.length;
      const then = validateFn(fn, ctx.out, tools);
      for (const r of ctx.out.reads.slice(before)) r.note = r.note ? `${r.note}; ${by}` : by;
      for (const t of then) (ctx.out.applies ??= []).push(t);
    }
  }

  // Exports another file may apply: object schemas and validate functions.
  const pend = (name: string, build: (out: ExtractResult, t: SchemaTools) => ApplyReads[] | boolean): void => {
    const out = emptyOut();
    const r = build(out, into(out));
    const then = Array.isArray(r) ? r : [];
    if (out.reads.length || out.unresolved.length || then.length) {
      (ctx.out.pending ??= []).push({ key: `js:${file}#${name}`, reads: out.reads, unresolved: out.unresolved, ...(then.length ? { then } : {}) });
    }
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        const init = strip(d.initializer);
        const name = d.name.text;
        if ((ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && !appliedHere.has(init)) pend(name, (out, t) => validateFn(init, out, t));
        else if (tools.objectSchema(init)) pend(name, (_out, t) => readObjectSchema(t, init));
      }
    }
    if (ts.isFunctionDeclaration(st) && st.name && isExported(st) && !appliedHere.has(st)) {
      const fn = st;
      const isDefault = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      pend(isDefault ? 'default' : st.name.text, (out, t) => validateFn(fn, out, t));
    }
    if (ts.isExportAssignment(st) && !st.isExportEquals) {
      const e = strip(st.expression);
      if (tools.objectSchema(e)) pend('default', (_out, t) => readObjectSchema(t, e));
    }
  }
}
