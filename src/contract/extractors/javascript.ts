/**
 * JavaScript / TypeScript reads, from the TypeScript compiler's syntax tree (no type checking).
 *
 * Recognised:
 * - `process.env.X`, `process.env['X']`, `process.env?.X`, `Bun.env.X`, `env.X` where `env` is
 *   imported from `process` / `node:process`, `Deno.env.get('X')`, `'X' in process.env`;
 * - defaults: `?? d`, `|| d`, `??=`/`||=`, destructuring `const { A = 'x' } = process.env`;
 * - explicit checks that make a read required: `if (!X) throw …` / `process.exit(…)`, also
 *   `X === undefined`, `X == null`, `X === ''`, `typeof X === 'undefined'`, `assert(X)`, directly on
 *   the read or through a `const x = process.env.X` binding in an enclosing scope;
 * - fallback chains `process.env.A ?? process.env.B` (also `||`);
 * - `import.meta.env.X` → build-time (Vite's own MODE/DEV/PROD/SSR/BASE_URL are skipped).
 * Degrades to unresolved: computed keys, `process.env` aliased, passed around, spread or
 * enumerated. Reads through an alias are kept with low confidence and are never required.
 */
import ts from 'typescript';
import { constantString } from './js-constants.js';
import type { ContractRead, EnvHelper, Extractor, ExtractResult, HelperCall, SourceFile } from '../model.js';
import { guarded, makeConditional, shorten, STARTUP_FN } from './util.js';
import { extractSchemas, schemaTools } from './js-schemas.js';
import { extractClassValidator } from './class-validator.js';
import { extractNestConfig, NEST_CONFIG_TRIGGERS } from './nest-config.js';
import { CLASS_VALIDATOR_TRIGGERS } from './class-validator.js';
import { SCHEMA_TRIGGERS } from './js-schemas.js';
import { prefilter, type Trigger } from './js-prefilter.js';

const JS_EXT = /\.(?:js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;

/** The property that is the environment: `process.env`, `Bun.env`, `Deno.env`, `import.meta.env`. */
const ENV = 'env';
/** Objects whose `.env` is the environment (also `globalThis.process.env`). */
const ENV_HOSTS: ReadonlySet<string> = new Set(['process', 'Bun']);
/** `Deno.env.get('X')`, `Deno.env.has('X')`, `Deno.env.toObject()`. */
const DENO = 'Deno';
/** `import.meta.env`: the meta property's name. */
const IMPORT_META = 'meta';
/** Modules whose `env` export is `process.env` (`import { env } from 'node:process'`). */
const PROCESS_MODULES: ReadonlySet<string> = new Set(['process', 'node:process']);
/** dotenv-safe: the start fails unless every name of the example file is set. */
const DOTENV_SAFE = 'dotenv-safe';

/**
 * What this extractor keys on (js-prefilter.ts): every read above needs `env` next to one of
 * the objects it hangs on — after it in one expression (`(process as NodeJS.Process)?.env`: no
 * `,` or `;` between them), or before it in one statement (`const { argv, env } = process`: no
 * `;`) —, or `env` imported from the process module; dotenv-safe by its module name.
 */
export const JS_TRIGGERS: readonly Trigger[] = [
  {
    by: 'process.env, Bun.env, Deno.env, import.meta.env, const { env } = process',
    allOf: [[ENV], [...ENV_HOSTS, DENO, IMPORT_META]],
    near: { chars: 80, notBetween: ';', notBetweenReversed: ',;' },
  },
  { by: "env from 'node:process'", allOf: [[ENV], { modules: [...PROCESS_MODULES] }] },
  { by: 'dotenv-safe', allOf: [{ modules: [DOTENV_SAFE, `${DOTENV_SAFE}/config`] }] },
];
const VITE_BUILTINS = new Set(['MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL']);

type Mode = 'runtime' | 'alias' | 'build';

interface EnvRead {
  mode: Mode;
  /** The variable name, when it is static. */
  name?: string;
  /** For a computed key: its static prefix, when there is one. */
  hint?: string;
  /** Alias variable name for reads through an alias. */
  alias?: string;
  /** The name came from a constant of the file (`process.env[KEY]`): medium confidence. */
  viaConst?: string;
}

interface Binding {
  decl: ts.Node;
  scope: ts.Node;
  reads: ContractRead[];
}

function scriptKind(path: string): ts.ScriptKind {
  if (/\.[cm]?tsx$|\.tsx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(path)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

function strip(e: ts.Node): ts.Node {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isSatisfiesExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** Climbs from an expression through wrappers that do not change its value. */
function climb(e: ts.Node): ts.Node {
  while (
    e.parent &&
    (ts.isParenthesizedExpression(e.parent) ||
      ts.isAsExpression(e.parent) ||
      ts.isNonNullExpression(e.parent) ||
      ts.isTypeAssertionExpression(e.parent) ||
      ts.isSatisfiesExpression(e.parent))
  ) {
    e = e.parent;
  }
  return e;
}

function isStringLike(e: ts.Node): e is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e);
}

/** The static prefix of a computed key expression, if any. */
function staticPrefix(e: ts.Node): string | undefined {
  e = strip(e);
  if (ts.isTemplateExpression(e)) return e.head.text || undefined;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = strip(e.left);
    if (isStringLike(left)) return left.text || undefined;
    return staticPrefix(left);
  }
  return undefined;
}

function isLogicalOr(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.BarBarToken;
}

function isFunctionLike(n: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isClassDeclaration(n) ||
    ts.isClassExpression(n)
  );
}

/** Does this statement (not counting nested functions) throw or exit the process? */
function fails(stmt: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionLike(n)) return;
    if (ts.isThrowStatement(n)) {
      found = true;
      return;
    }
    if (ts.isCallExpression(n)) {
      const callee = n.expression.getText();
      if (/^(?:process\.exit|process\.abort|Deno\.exit|exit)$/.test(callee)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(stmt);
  return found;
}

/** Expressions that a condition tests for absence (the condition is true when they are unset). */
function absenceTested(cond: ts.Node): { expr: ts.Node; falsy: boolean }[] {
  const c = strip(cond);
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = strip(c.operand);
    // `!x.length`, `!x.trim()` test x's content; unwrap simple ones.
    return [{ expr: inner, falsy: true }];
  }
  if (ts.isBinaryExpression(c)) {
    const op = c.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) return [...absenceTested(c.left), ...absenceTested(c.right)];
    if (
      op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
      op === ts.SyntaxKind.EqualsEqualsToken
    ) {
      const l = strip(c.left);
      const r = strip(c.right);
      const isNullish = (e: ts.Node): boolean =>
        e.kind === ts.SyntaxKind.NullKeyword ||
        (ts.isIdentifier(e) && e.text === 'undefined') ||
        (ts.isVoidExpression(e));
      const isEmpty = (e: ts.Node): boolean => isStringLike(e) && e.text === '';
      const isUndefStr = (e: ts.Node): boolean => isStringLike(e) && e.text === 'undefined';
      if (isNullish(r)) return [{ expr: l, falsy: false }];
      if (isNullish(l)) return [{ expr: r, falsy: false }];
      if (isEmpty(r)) return [{ expr: l, falsy: true }];
      if (isEmpty(l)) return [{ expr: r, falsy: true }];
      if (isUndefStr(r) && ts.isTypeOfExpression(l)) return [{ expr: strip(l.expression), falsy: false }];
      if (isUndefStr(l) && ts.isTypeOfExpression(r)) return [{ expr: strip(r.expression), falsy: false }];
    }
  }
  return [];
}

/** Unwraps value-preserving conversions for a check: Number(x), String(x), x?.trim(). */
function unwrapConversion(e: ts.Node): ts.Node {
  e = strip(e);
  for (let i = 0; i < 4; i++) {
    if (ts.isCallExpression(e)) {
      const callee = e.expression;
      if (
        ts.isIdentifier(callee) &&
        /^(?:Number|String|parseInt|parseFloat)$/.test(callee.text) &&
        e.arguments.length >= 1
      ) {
        e = strip(e.arguments[0]!);
        continue;
      }
      if (
        ts.isPropertyAccessExpression(callee) &&
        /^(?:trim|toLowerCase|toUpperCase)$/.test(callee.name.text) &&
        e.arguments.length === 0
      ) {
        e = strip(callee.expression);
        continue;
      }
    }
    break;
  }
  return e;
}

/** Name of the function a node is in (undefined at module level). */
function enclosingFunction(n: ts.Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p)) {
      return p.name && (ts.isIdentifier(p.name) || ts.isPrivateIdentifier(p.name)) ? p.name.text : '(anonymous)';
    }
    if (ts.isConstructorDeclaration(p)) return 'constructor';
    if (ts.isArrowFunction(p) || ts.isFunctionExpression(p)) {
      if (p.name) return p.name.text;
      const d = p.parent;
      if (d && ts.isVariableDeclaration(d) && ts.isIdentifier(d.name)) return d.name.text;
      if (d && ts.isPropertyAssignment(d) && ts.isIdentifier(d.name)) return d.name.text;
      return '(anonymous)';
    }
  }
  return undefined;
}

/**
 * A default that fails instead of giving a value: `?? fail('X')`, `|| missing('X')`,
 * `?? (() => { throw … })()`, `?? process.exit(1)`. Returns a short description, or undefined.
 */
function failingCall(e: ts.Node): string | undefined {
  const s = strip(e);
  if (!ts.isCallExpression(s)) return undefined;
  const callee = strip(s.expression);
  if ((ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) && ts.isBlock(callee.body) && callee.body.statements.some((st) => ts.isThrowStatement(st))) {
    return 'an inline function throws';
  }
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.getText() : '';
  if (/^(?:process\.exit|Deno\.exit)$/.test(name)) return `${name}()`;
  const last = name.split('.').pop() ?? '';
  if (/^(?:throw\w*|fail\w*|\w*[Mm]issing\w*|\w*[Rr]equired\w*|must\w*|panic\w*|abort\w*|die)$/.test(last)) return `${name}() is called`;
  return undefined;
}

function isWriteTarget(e: ts.Node): { write: boolean; compoundDefault?: ts.Expression } {
  const top = climb(e);
  const p = top.parent;
  if (!p) return { write: false };
  if (ts.isBinaryExpression(p) && p.left === top) {
    const k = p.operatorToken.kind;
    if (k === ts.SyntaxKind.QuestionQuestionEqualsToken || k === ts.SyntaxKind.BarBarEqualsToken) {
      return { write: false, compoundDefault: p.right };
    }
    if (k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) return { write: true };
  }
  if (ts.isDeleteExpression(p)) return { write: true };
  if (
    (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
    (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    return { write: true };
  }
  return { write: false };
}

function defaultText(e: ts.Node): string | undefined {
  const s = strip(e);
  if (isStringLike(s)) return s.text;
  if (ts.isNumericLiteral(s)) return s.text;
  if (s.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (s.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  if (s.kind === ts.SyntaxKind.NullKeyword) return undefined;
  if (ts.isIdentifier(s) && s.text === 'undefined') return undefined;
  return shorten(s.getText());
}

/**
 * How many files the extractor parsed since the process started (tests count the files the
 * prefilter lets through with it; it is not used for anything else).
 */
export const parsedFiles = { count: 0 };

function extractJs(file: SourceFile, out: ExtractResult): void {
  parsedFiles.count++;
  // No JSDoc (nothing here reads it) and no parent pass of the parser: the walk below sets
  // the parents while it lists the nodes.
  const sf = ts.createSourceFile(file.path, file.text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(file.path));
  // Every node once, in document order: the passes below iterate this instead of re-walking.
  const nodes: ts.Node[] = [];
  let parent: ts.Node = sf;
  const walkAll = (n: ts.Node): void => {
    (n as { parent: ts.Node }).parent = parent;
    nodes.push(n);
    const up = parent;
    parent = n;
    ts.forEachChild(n, walkAll);
    parent = up;
  };
  nodes.push(sf);
  ts.forEachChild(sf, walkAll);
  const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const ev = (n: ts.Node, pattern: string) => ({ file: file.path, line: lineOf(n), pattern: shorten(pattern) });

  /** Identifiers that are process.env itself (`import { env } from 'node:process'`). */
  const directEnv = new Set<string>();
  /** Identifiers that alias process.env (`const env = process.env`). */
  const aliases = new Set<string>();

  const isProcessEnv = (n: ts.Node): boolean => {
    n = strip(n);
    if (ts.isIdentifier(n)) return directEnv.has(n.text);
    if (!ts.isPropertyAccessExpression(n) || n.name.text !== ENV) return false;
    const o = strip(n.expression);
    if (ts.isIdentifier(o)) return ENV_HOSTS.has(o.text);
    if (ts.isPropertyAccessExpression(o)) {
      const oo = strip(o.expression);
      return ts.isIdentifier(oo) && oo.text === 'globalThis' && o.name.text === 'process';
    }
    return false;
  };
  const isImportMetaEnv = (n: ts.Node): boolean => {
    n = strip(n);
    return (
      ts.isPropertyAccessExpression(n) &&
      n.name.text === ENV &&
      ts.isMetaProperty(n.expression) &&
      n.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
      n.expression.name.text === IMPORT_META
    );
  };
  const envObjectMode = (n: ts.Node): Mode | undefined => {
    if (isProcessEnv(n)) return 'runtime';
    if (isImportMetaEnv(n)) return 'build';
    const s = strip(n);
    if (ts.isIdentifier(s) && aliases.has(s.text)) return 'alias';
    return undefined;
  };

  // Pass 1: imports of `env` from process, and aliases of process.env.
  const collect = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && isStringLike(n.moduleSpecifier)) {
      const mod = n.moduleSpecifier.text;
      const nb = n.importClause?.namedBindings;
      if (PROCESS_MODULES.has(mod) && nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if ((el.propertyName ?? el.name).text === ENV) directEnv.add(el.name.text);
        }
      }
    }
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const init = strip(n.initializer);
      // const { env } = require('node:process')
      if (
        ts.isObjectBindingPattern(n.name) &&
        ts.isCallExpression(init) &&
        ts.isIdentifier(init.expression) &&
        init.expression.text === 'require' &&
        init.arguments[0] &&
        isStringLike(init.arguments[0]) &&
        PROCESS_MODULES.has(init.arguments[0].text)
      ) {
        for (const el of n.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) && key.text === ENV && ts.isIdentifier(el.name)) directEnv.add(el.name.text);
        }
      }
    }
  };
  for (const n of nodes) collect(n);
  const collectAliases = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isIdentifier(n.name) && isProcessEnv(n.initializer)) {
      aliases.add(n.name.text);
    }
    // const { env } = process
    if (
      ts.isVariableDeclaration(n) &&
      n.initializer &&
      ts.isObjectBindingPattern(n.name) &&
      ts.isIdentifier(strip(n.initializer)) &&
      (strip(n.initializer) as ts.Identifier).text === 'process'
    ) {
      for (const el of n.name.elements) {
        const key = el.propertyName ?? el.name;
        if (ts.isIdentifier(key) && key.text === ENV && ts.isIdentifier(el.name)) {
          aliases.add(el.name.text);
          out.unresolved.push({
            evidence: ev(n, n.getText()),
            reason: `process.env aliased as \`${el.name.text}\``,
          });
        }
      }
    }
  };
  for (const n of nodes) collectAliases(n);

  // Validation libraries (envalid, env-var, zod, t3-env, Joi).
  const consumed = new Set<ts.Node>();
  const schemaCtx = { sf, nodes, out, isProcessEnv, ev, consumed };
  const tools = schemaTools(schemaCtx);
  extractSchemas(schemaCtx, tools);
  // Framework-applied schemas (recognizers: class-validator.ts, nest-config.ts).
  extractClassValidator(schemaCtx, tools);
  extractNestConfig(schemaCtx, tools);

  /** If `n` is a read of one variable, what it reads. */
  const asEnvRead = (n: ts.Node): EnvRead | undefined => {
    n = strip(n);
    if (ts.isPropertyAccessExpression(n)) {
      const mode = envObjectMode(n.expression);
      if (!mode) return undefined;
      // process.env.hasOwnProperty(...) and other method calls are not reads of a variable.
      if (n.parent && ts.isCallExpression(n.parent) && n.parent.expression === n) return undefined;
      if (ts.isPrivateIdentifier(n.name)) return undefined;
      return { mode, name: n.name.text, alias: aliasName(n.expression, mode) };
    }
    if (ts.isElementAccessExpression(n)) {
      const mode = envObjectMode(n.expression);
      if (!mode) return undefined;
      const arg = strip(n.argumentExpression);
      if (isStringLike(arg)) return { mode, name: arg.text, alias: aliasName(n.expression, mode) };
      const c = constantString(arg);
      if (c !== undefined) return { mode, name: c, alias: aliasName(n.expression, mode), viaConst: arg.getText(sf) };
      return { mode, hint: staticPrefix(arg), alias: aliasName(n.expression, mode) };
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      // Deno.env.get('X')
      const callee = n.expression;
      const obj = strip(callee.expression);
      if (
        (callee.name.text === 'get' || callee.name.text === 'has') &&
        ts.isPropertyAccessExpression(obj) &&
        obj.name.text === ENV &&
        ts.isIdentifier(strip(obj.expression)) &&
        (strip(obj.expression) as ts.Identifier).text === DENO
      ) {
        const arg = n.arguments[0] ? strip(n.arguments[0]) : undefined;
        if (arg && isStringLike(arg)) return { mode: 'runtime', name: arg.text };
        return { mode: 'runtime', hint: arg ? staticPrefix(arg) : undefined };
      }
    }
    return undefined;
  };
  function aliasName(obj: ts.Node, mode: Mode): string | undefined {
    if (mode !== 'alias') return undefined;
    const s = strip(obj);
    return ts.isIdentifier(s) ? s.text : undefined;
  }

  const readsByNode = new Map<ts.Node, ContractRead>();
  const bindings = new Map<string, Binding[]>();
  const chainsSeen = new Set<ts.Node>();

  const scopeOf = (n: ts.Node): ts.Node => {
    let p = n.parent;
    while (p && !ts.isBlock(p) && !ts.isSourceFile(p) && !ts.isModuleBlock(p) && !ts.isCaseClause(p) && !ts.isDefaultClause(p)) {
      p = p.parent;
    }
    return p ?? sf;
  };
  const addBinding = (name: string, decl: ts.Node, reads: ContractRead[]): void => {
    const list = bindings.get(name) ?? [];
    list.push({ decl, scope: scopeOf(decl), reads });
    bindings.set(name, list);
  };
  const findBinding = (id: ts.Identifier, at: ts.Node): Binding | undefined => {
    let best: Binding | undefined;
    for (const b of bindings.get(id.text) ?? []) {
      if (b.scope.pos <= at.pos && at.end <= b.scope.end && b.decl.end <= at.pos) {
        if (!best || b.decl.pos > best.decl.pos) best = b;
      }
    }
    return best;
  };

  const patternOf = (n: ts.Node, r: EnvRead): string => {
    const text = strip(n).getText(sf);
    return text.length <= 80 ? text : `${r.mode === 'build' ? 'import.meta.env' : 'process.env'}.${r.name}`;
  };

  const record = (read: ContractRead, node: ts.Node): ContractRead => {
    out.reads.push(read);
    readsByNode.set(strip(node), read);
    return read;
  };

  /**
   * Classifies a read of a static name at `node` (a member access or Deno.env.get call):
   * fallback chains and `??`/`||` defaults.
   */
  const classify = (node: ts.Node, r: EnvRead): void => {
    const name = r.name!;
    const base: ContractRead = {
      name,
      kind: 'optional',
      evidence: ev(node, patternOf(node, r)),
      confidence: r.mode === 'alias' ? 'low' : r.viaConst ? 'medium' : 'high',
    };
    if (r.mode === 'alias') base.note = `read through \`${r.alias}\`, an alias of process.env`;
    else if (r.viaConst) base.note = `name held in the constant ${r.viaConst}`;
    if (r.mode === 'build') {
      record({ ...base, kind: 'build-time', note: 'import.meta.env is replaced at build time' }, node);
      return;
    }
    const w = isWriteTarget(node);
    if (w.compoundDefault) {
      const d = defaultText(w.compoundDefault);
      record(d === undefined ? base : { ...base, kind: 'defaulted', default: d }, node);
      return;
    }
    // Fallback chains and defaults: climb to the top of an `a ?? b || c` chain.
    let top = climb(node);
    let inChain = false;
    while (top.parent && ts.isBinaryExpression(top.parent) && isLogicalOr(top.parent.operatorToken.kind)) {
      top = climb(top.parent);
      inChain = true;
    }
    if (inChain) {
      const chainParent = top.parent;
      const booleanContext =
        chainParent &&
        ((ts.isIfStatement(chainParent) && chainParent.expression === top) ||
          (ts.isPrefixUnaryExpression(chainParent) && chainParent.operator === ts.SyntaxKind.ExclamationToken) ||
          (ts.isConditionalExpression(chainParent) && chainParent.condition === top) ||
          ((ts.isWhileStatement(chainParent) || ts.isDoStatement(chainParent)) && chainParent.expression === top));
      if (!booleanContext) {
        const operands: ts.Node[] = [];
        const flatten = (e: ts.Node): void => {
          const s = strip(e);
          if (ts.isBinaryExpression(s) && isLogicalOr(s.operatorToken.kind)) {
            flatten(s.left);
            flatten(s.right);
          } else operands.push(s);
        };
        flatten(top);
        const me = operands.indexOf(strip(node));
        const names: string[] = [];
        for (const o of operands) {
          const rr = asEnvRead(o);
          if (rr?.name && rr.mode !== 'build') names.push(rr.name);
        }
        if (names.length >= 2 && !chainsSeen.has(top)) {
          chainsSeen.add(top);
          out.fallbacks.push({ names, evidence: ev(top, top.getText(sf)) });
        }
        let def: string | undefined;
        let failing: string | undefined;
        for (let i = me + 1; i < operands.length; i++) {
          if (asEnvRead(operands[i]!)) continue;
          failing = failingCall(operands[i]!);
          if (!failing) def = defaultText(operands[i]!);
          break;
        }
        const read: ContractRead = def === undefined ? { ...base } : { ...base, kind: 'defaulted', default: def };
        if (names.length >= 2) read.note = `fallback chain ${names.join(' → ')}`;
        if (failing) {
          if (names.length >= 2) {
            read.requiredOneOf = names;
            read.note = `at least one of ${names.join(', ')} is required (${failing})`;
          } else {
            read.kind = 'required';
            read.confidence = 'medium';
            read.note = `${failing} when unset`;
          }
        }
        record(read, node);
        return;
      }
    }
    record(base, node);
  };

  const handleEnvObjectUse = (obj: ts.Node, mode: Mode): void => {
    if (consumed.has(strip(obj))) return;
    const top = climb(obj);
    const p = top.parent;
    if (!p) return;
    // Reads (member/element access on it) are handled as reads.
    if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && strip(p.expression) === strip(obj)) {
      if (ts.isPropertyAccessExpression(p) && p.parent && ts.isCallExpression(p.parent) && p.parent.expression === p) {
        const method = p.name.text;
        const call = p.parent;
        const arg = call.arguments[0] ? strip(call.arguments[0]) : undefined;
        if (/^(?:hasOwnProperty|hasOwn)$/.test(method) && arg && isStringLike(arg)) {
          if (mode !== 'build') {
            out.reads.push({
              name: arg.text,
              kind: 'optional',
              evidence: ev(call, call.getText(sf)),
              confidence: mode === 'alias' ? 'low' : 'high',
            });
          }
          return;
        }
        out.unresolved.push({ evidence: ev(call, call.getText(sf)), reason: `process.env used through .${method}()` });
      }
      return;
    }
    const text = mode === 'build' ? 'import.meta.env' : strip(obj).getText(sf);
    // 'X' in process.env
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.InKeyword && p.right === top) {
      const l = strip(p.left);
      if (isStringLike(l)) {
        if (mode !== 'build') {
          out.reads.push({
            name: l.text,
            kind: 'optional',
            evidence: ev(p, p.getText(sf)),
            confidence: mode === 'alias' ? 'low' : 'high',
          });
        }
      } else {
        out.unresolved.push({ evidence: ev(p, p.getText(sf)), reason: 'computed key tested with `in`', hint: staticPrefix(l) });
      }
      return;
    }
    // Destructuring: const { A, B = 'x', ...rest } = process.env
    if (ts.isVariableDeclaration(p) && p.initializer === top) {
      if (ts.isObjectBindingPattern(p.name)) {
        for (const el of p.name.elements) {
          if (el.dotDotDotToken) {
            out.unresolved.push({ evidence: ev(el, el.getText(sf)), reason: `rest of ${text} collected into \`${el.name.getText(sf)}\`` });
            continue;
          }
          const key = el.propertyName ?? el.name;
          let name: string | undefined;
          if (ts.isIdentifier(key) || ts.isStringLiteral(key)) name = key.text;
          else if (ts.isComputedPropertyName(key)) {
            const k = strip(key.expression);
            if (isStringLike(k)) name = k.text;
            else {
              out.unresolved.push({ evidence: ev(el, el.getText(sf)), reason: 'computed key in destructuring', hint: staticPrefix(k) });
              continue;
            }
          }
          if (!name) continue;
          const pattern = `const { ${el.getText(sf)} } = ${text}`;
          const read: ContractRead = {
            name,
            kind: mode === 'build' ? 'build-time' : 'optional',
            evidence: ev(el, pattern),
            confidence: mode === 'alias' ? 'low' : 'high',
          };
          if (el.initializer && mode !== 'build') {
            const d = defaultText(el.initializer);
            if (d !== undefined) {
              read.kind = 'defaulted';
              read.default = d;
            }
          }
          if (mode === 'alias') read.note = `read through an alias of process.env`;
          if (mode === 'build' && VITE_BUILTINS.has(name)) continue;
          out.reads.push(read);
          if (ts.isIdentifier(el.name) && mode === 'runtime') addBinding(el.name.text, p, [read]);
        }
        return;
      }
      if (ts.isIdentifier(p.name)) {
        if (mode === 'runtime') {
          out.unresolved.push({ evidence: ev(p, p.getText(sf)), reason: `process.env aliased as \`${p.name.text}\`` });
        } else if (mode === 'alias') {
          aliases.add(p.name.text);
          out.unresolved.push({ evidence: ev(p, p.getText(sf)), reason: `process.env aliased as \`${p.name.text}\`` });
        }
        return;
      }
    }
    if (ts.isCallExpression(p) && p.arguments.some((a) => a === top)) {
      const callee = p.expression.getText(sf);
      if (/^Object\.(?:keys|values|entries|getOwnPropertyNames)$/.test(callee)) {
        out.unresolved.push({ evidence: ev(p, p.getText(sf)), reason: `${text} enumerated with ${callee}()` });
      } else {
        out.unresolved.push({ evidence: ev(p, shorten(p.getText(sf))), reason: `${text} passed to ${shorten(callee, 40)}()` });
      }
      return;
    }
    if (ts.isNewExpression(p)) {
      out.unresolved.push({ evidence: ev(p, shorten(p.getText(sf))), reason: `${text} passed to new ${shorten(p.expression.getText(sf), 40)}()` });
      return;
    }
    if (ts.isForInStatement(p) || ts.isForOfStatement(p)) {
      out.unresolved.push({ evidence: ev(p, `for (… of ${text})`), reason: `iteration over ${text}` });
      return;
    }
    if (ts.isSpreadAssignment(p) || ts.isSpreadElement(p)) {
      out.unresolved.push({ evidence: ev(p, p.getText(sf)), reason: `${text} spread into another object` });
      return;
    }
    if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
      out.unresolved.push({ evidence: ev(p, shorten(p.getText(sf))), reason: `${text} stored in a property` });
      return;
    }
    if (ts.isBinaryExpression(p) && p.right === top && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      out.unresolved.push({ evidence: ev(p, shorten(p.getText(sf))), reason: `${text} assigned to \`${shorten(p.left.getText(sf), 40)}\`` });
      return;
    }
    if (ts.isReturnStatement(p)) {
      out.unresolved.push({ evidence: ev(p, shorten(p.getText(sf))), reason: `${text} returned from a function` });
      return;
    }
    if (ts.isTypeOfExpression(p) || (ts.isBinaryExpression(p) && p.left === top)) return;
    out.unresolved.push({ evidence: ev(top, text), reason: `${text} used as a value` });
  };

  // Helpers: functions that read process.env[<first parameter>] (`getEnv('X', 'd')`).
  interface Helper {
    name: string;
    p1?: string;
    p1Default?: string;
    fails: boolean;
    defaultParam: boolean;
    exportNames: string[];
    read: ts.Node;
    calls: number;
  }
  const helpers = new Map<string, Helper>();
  const helperReads = new Set<ts.Node>();
  const isExported = (n: ts.Node): boolean =>
    !!(ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword));
  // Candidates: functions enclosing a read `process.env[<identifier>]` (one walk).
  const helperCandidates = new Set<ts.Node>();
  const findComputed = (n: ts.Node): void => {
    if (ts.isElementAccessExpression(n) && ts.isIdentifier(strip(n.argumentExpression)) && isProcessEnv(n.expression)) {
      for (let p = n.parent; p; p = p.parent) {
        if (ts.isFunctionDeclaration(p) || ts.isArrowFunction(p) || ts.isFunctionExpression(p)) {
          helperCandidates.add(ts.isFunctionDeclaration(p) ? p : p.parent);
          break;
        }
      }
    }
  };
  for (const n of nodes) findComputed(n);
  const findHelpers = (n: ts.Node): void => {
    let fn: ts.SignatureDeclaration & { body?: ts.Node } | undefined;
    let name: string | undefined;
    let exported = false;
    if (ts.isFunctionDeclaration(n) && n.name && n.body) {
      fn = n;
      name = n.name.text;
      exported = isExported(n);
    } else if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      (ts.isArrowFunction(strip(n.initializer)) || ts.isFunctionExpression(strip(n.initializer)))
    ) {
      fn = strip(n.initializer) as ts.ArrowFunction;
      name = n.name.text;
      const stmt = n.parent?.parent;
      exported = !!stmt && ts.isVariableStatement(stmt) && isExported(stmt);
    }
    if (fn && name && fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name) && fn.body) {
      const p0 = fn.parameters[0].name.text;
      const p1n = fn.parameters[1]?.name;
      const p1 = p1n && ts.isIdentifier(p1n) ? p1n.text : undefined;
      let read: ts.Node | undefined;
      const body = fn.body;
      const look = (m: ts.Node): void => {
        if (read) return;
        if (ts.isElementAccessExpression(m) && isProcessEnv(m.expression) && ts.isIdentifier(strip(m.argumentExpression)) && (strip(m.argumentExpression) as ts.Identifier).text === p0) {
          read = m;
          return;
        }
        ts.forEachChild(m, look);
      };
      look(body);
      if (read) {
        // Bindings of the read inside the helper, and checks on them.
        const bound = new Set<string>();
        const inChain = (e: ts.Node): boolean => {
          const x = strip(e);
          if (x === read) return true;
          return ts.isBinaryExpression(x) && isLogicalOr(x.operatorToken.kind) && (inChain(x.left) || inChain(x.right));
        };
        let usesP1 = false;
        let failing = false;
        const scan = (m: ts.Node): void => {
          if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.initializer && inChain(m.initializer)) bound.add(m.name.text);
          if (p1 && ts.isIdentifier(m) && m.text === p1 && !(m.parent && ts.isParameter(m.parent))) usesP1 = true;
          ts.forEachChild(m, scan);
        };
        scan(body);
        const checks = (m: ts.Node): void => {
          if (ts.isIfStatement(m) && fails(m.thenStatement)) {
            for (const t of absenceTested(m.expression)) {
              const x = strip(t.expr);
              if (x === read || (ts.isIdentifier(x) && bound.has(x.text))) failing = true;
            }
          }
          ts.forEachChild(m, checks);
        };
        checks(body);
        const p1Init = fn.parameters[1]?.initializer;
        const h: Helper = {
          name,
          fails: failing,
          defaultParam: !!p1 && usesP1,
          exportNames: exported ? [name] : [],
          read,
          calls: 0,
        };
        if (p1) h.p1 = p1;
        if (p1Init) {
          const d = defaultText(p1Init);
          if (d !== undefined) h.p1Default = d;
        }
        helpers.set(name, h);
        helperReads.add(read);
      }
    }
  };
  for (const c of helperCandidates) findHelpers(c);
  // `export { a as b }`, `module.exports = { a, b: a }`, `exports.b = a`, `export default a`
  if (helpers.size) {
    const addExport = (local: string, exported: string): void => {
      const h = helpers.get(local);
      if (h && !h.exportNames.includes(exported)) h.exportNames.push(exported);
    };
    const exp = (n: ts.Node): void => {
      if (ts.isExportDeclaration(n) && !n.moduleSpecifier && n.exportClause && ts.isNamedExports(n.exportClause)) {
        for (const el of n.exportClause.elements) addExport((el.propertyName ?? el.name).text, el.name.text);
      }
      if (ts.isExportAssignment(n) && ts.isIdentifier(n.expression)) addExport(n.expression.text, 'default');
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const l = n.left.getText(sf);
        const r = strip(n.right);
        if (l === 'module.exports' && ts.isObjectLiteralExpression(r)) {
          for (const p of r.properties) {
            if (ts.isShorthandPropertyAssignment(p)) addExport(p.name.text, p.name.text);
            else if (ts.isPropertyAssignment(p) && ts.isIdentifier(strip(p.initializer)) && ts.isIdentifier(p.name)) addExport((strip(p.initializer) as ts.Identifier).text, p.name.text);
          }
        }
        const m = /^(?:module\.)?exports\.(\w+)$/.exec(l);
        if (m && ts.isIdentifier(r)) addExport(r.text, m[1]!);
      }
    };
    for (const n of nodes) exp(n);
  }

  // Pass 2: reads and other uses.
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'toObject' && n.expression.expression.getText(sf) === `${DENO}.${ENV}`) {
      out.unresolved.push({ evidence: ev(n, 'Deno.env.toObject()'), reason: 'iteration over the whole environment (Deno.env.toObject())' });
    }
    const r =
      ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)
        ? asEnvRead(n)
        : undefined;
    if (r) {
      if (isWriteTarget(n).write) {
        // An assignment to process.env.X is not a read.
      } else if (r.name !== undefined) {
        if (!(r.mode === 'build' && VITE_BUILTINS.has(r.name))) classify(n, r);
      } else if (helperReads.has(n)) {
        // Resolved at the helper's call sites.
      } else {
        const what = r.mode === 'build' ? 'import.meta.env' : r.mode === 'alias' ? `\`${r.alias}\` (alias of process.env)` : 'process.env';
        out.unresolved.push({
          evidence: ev(n, n.getText(sf)),
          reason: `computed key on ${what}`,
          ...(r.hint ? { hint: r.hint } : {}),
        });
      }
    } else {
      const mode =
        ts.isPropertyAccessExpression(n) || ts.isIdentifier(n) ? envObjectMode(n) : undefined;
      // An identifier that is itself the `.env` name of `process.env` is not a use.
      if (mode && !(ts.isIdentifier(n) && n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
        // Skip the declaration names of aliases and imports.
        const isDeclName =
          ts.isIdentifier(n) &&
          n.parent &&
          ((ts.isVariableDeclaration(n.parent) && n.parent.name === n) ||
            ts.isBindingElement(n.parent) ||
            ts.isImportSpecifier(n.parent));
        if (!isDeclName) handleEnvObjectUse(n, mode);
      }
    }
  };
  for (const n of nodes) visit(n);

  // Bindings: const x = process.env.X (also through conversions and fallback chains).
  const bindVisit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isIdentifier(n.name)) {
      const init = unwrapConversion(n.initializer);
      const reads: ContractRead[] = [];
      const direct = readsByNode.get(init);
      if (direct) reads.push(direct);
      else if (ts.isBinaryExpression(init) && isLogicalOr(init.operatorToken.kind)) {
        const walk = (e: ts.Node): void => {
          const s = strip(e);
          if (ts.isBinaryExpression(s) && isLogicalOr(s.operatorToken.kind)) {
            walk(s.left);
            walk(s.right);
          } else {
            const rr = readsByNode.get(s);
            if (rr) reads.push(rr);
          }
        };
        walk(init);
      }
      if (reads.length) addBinding(n.name.text, n, reads);
    }
  };
  for (const n of nodes) bindVisit(n);

  // Pass 3: explicit checks make reads required.
  const markRequired = (reads: ContractRead[], how: ts.Node, falsy: boolean): void => {
    const runtime = reads.filter((r) => r.confidence !== 'low' && r.kind !== 'build-time');
    if (runtime.length === 0 || runtime.length !== reads.length) return;
    const line = lineOf(how);
    // A chain of names: any one is enough.
    const withDefault = runtime.filter((r) => r.kind === 'defaulted');
    // A non-empty default means the check never fires for the name.
    if (withDefault.some((r) => !(falsy && (r.default === '' || r.default === '0' || r.default === 'false')))) return;
    if (runtime.length === 1) {
      const r = runtime[0]!;
      r.kind = 'required';
      delete r.default;
      r.note = `explicit check fails when unset (line ${line})`;
      // A check inside a function fails when that function runs, which may not be at start.
      const fn = enclosingFunction(how);
      if (fn !== undefined && !STARTUP_FN.test(fn)) {
        r.confidence = 'medium';
        r.note += ` inside ${fn}(), which may not run at start`;
      }
      // A check inside a feature another setting turns on is a conditional requirement.
      const when = enclosingConditions(how);
      if (when.length) makeConditional(r, when, ev(how, how.getText(sf).split('\n')[0]!));
    } else {
      const names = runtime.map((r) => r.name);
      const fn = enclosingFunction(how);
      const late = fn !== undefined && !STARTUP_FN.test(fn);
      for (const r of runtime) {
        r.kind = 'optional';
        r.requiredOneOf = names;
        r.note = `at least one of ${names.join(', ')} is required (check at line ${line})`;
        // Same rule as for one name: a check inside a function fails only when it runs.
        if (late) {
          r.confidence = 'medium';
          r.note += ` inside ${fn}(), which may not run at start`;
        }
      }
    }
  };
  /** Names of the environment reads in an expression (directly or through a binding). */
  const envNamesIn = (e: ts.Node, at: ts.Node, depth = 0): string[] => {
    const names: string[] = [];
    const walk = (n: ts.Node): void => {
      if (isFunctionLike(n)) return;
      const r = readsByNode.get(n);
      if (r) {
        if (r.kind !== 'build-time') names.push(r.name);
        return;
      }
      if (ts.isIdentifier(n)) {
        const b = findBinding(n, at);
        if (b) for (const x of b.reads) names.push(x.name);
        // `const smtp = process.env.SMTP_ENABLED === 'true'`: a switch derived from a read.
        else if (depth < 2) for (const d of switchDecls().get(n.text) ?? []) if (d.pos < at.pos && d !== at) names.push(...envNamesIn(d.initializer!, d, depth + 1));
      }
      ts.forEachChild(n, walk);
    };
    walk(e);
    return names;
  };
  let switches: Map<string, ts.VariableDeclaration[]> | undefined;
  /** `const x = <expression>` declarations by name (computed once, when a condition needs it). */
  const switchDecls = (): Map<string, ts.VariableDeclaration[]> => {
    if (switches) return switches;
    const m = new Map<string, ts.VariableDeclaration[]>();
    const walk = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && !isFunctionLike(strip(n.initializer))) {
        const l = m.get(n.name.text) ?? [];
        l.push(n);
        m.set(n.name.text, l);
      }
      ts.forEachChild(n, walk);
    };
    walk(sf);
    switches = m;
    return m;
  };
  /** Does this statement only leave the function (`return;`, `{ return x; }`)? */
  const onlyReturns = (s: ts.Statement): boolean =>
    ts.isReturnStatement(s) || (ts.isBlock(s) && s.statements.length === 1 && ts.isReturnStatement(s.statements[0]!));
  /**
   * Settings whose test encloses a check, up to the enclosing function: `if (FEATURE) { <check> }`,
   * or an earlier `if (!FEATURE) return;` in an enclosing block (the feature is off → leave).
   */
  const enclosingConditions = (how: ts.Node): string[] => {
    const names: string[] = [];
    let child: ts.Node = how;
    for (let p = how.parent; p && !isFunctionLike(p); child = p, p = p.parent) {
      // A block entered when a value is unset (`if (!A) { … }`) is no feature switched on.
      if (ts.isIfStatement(p) && child === p.thenStatement && !absenceTested(p.expression).length) names.push(...envNamesIn(p.expression, p));
      if (ts.isBlock(p) && p.parent && isFunctionLike(p.parent)) {
        for (const st of p.statements) {
          if (st.pos >= child.pos) break;
          if (ts.isIfStatement(st) && !st.elseStatement && onlyReturns(st.thenStatement)) {
            for (const t of absenceTested(st.expression)) names.push(...readsOf(t.expr, st).map((x) => x.name));
          }
        }
      }
    }
    return names;
  };
  const readsOf = (e: ts.Node, at: ts.Node): ContractRead[] => {
    const u = unwrapConversion(e);
    const direct = readsByNode.get(u);
    if (direct) return [direct];
    if (ts.isIdentifier(u)) return findBinding(u, at)?.reads ?? [];
    return [];
  };
  const checkVisit = (n: ts.Node): void => {
    if (ts.isIfStatement(n)) {
      const tested = absenceTested(n.expression)
        .map((t) => ({ t, reads: readsOf(t.expr, n) }))
        .filter((x) => x.reads.length);
      if (tested.length && fails(n.thenStatement)) for (const x of tested) markRequired(x.reads, n, x.t.falsy);
    }
    if (ts.isCallExpression(n) && n.arguments.length >= 1 && (ts.isIdentifier(n.expression) || ts.isPropertyAccessExpression(n.expression))) {
      const callee = n.expression.getText(sf);
      if (/^(?:assert|assert\.ok|invariant|console\.assert__never)$/.test(callee)) {
        markRequired(readsOf(n.arguments[0]!, n), n, true);
      }
    }
  };
  for (const n of nodes) checkVisit(n);

  // dotenv-safe: `require('dotenv-safe').config({ example })`, `import 'dotenv-safe/config'`.
  for (const n of nodes) {
    let spec: string | undefined;
    let at: ts.Node | undefined;
    if (ts.isImportDeclaration(n) && isStringLike(n.moduleSpecifier)) {
      spec = n.moduleSpecifier.text;
      at = n;
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && isStringLike(n.arguments[0])) {
      spec = n.arguments[0].text;
      at = n;
    }
    if (!spec || !at || (spec !== DOTENV_SAFE && spec !== `${DOTENV_SAFE}/config`)) continue;
    let example: string | undefined;
    // .config({ example: './.env.sample' }) on the same statement
    const stmt = (() => {
      let p: ts.Node = at;
      while (p.parent && !ts.isSourceFile(p.parent) && !ts.isBlock(p.parent)) p = p.parent;
      return p;
    })();
    const look = (m: ts.Node): void => {
      if (ts.isPropertyAssignment(m) && ts.isIdentifier(m.name) && m.name.text === 'example' && isStringLike(strip(m.initializer))) {
        example = (strip(m.initializer) as ts.StringLiteral).text;
      }
      ts.forEachChild(m, look);
    };
    look(stmt);
    (out.enforcesDeclarations ??= []).push({ ...(example ? { example } : {}), evidence: ev(at, shorten(stmt.getText(sf))) });
  }

  // Helper call sites in this file, and calls of functions imported from relative modules.
  const imported = new Map<string, { name: string; from: string }>();
  const collectImports = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && isStringLike(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith('.')) {
      const from = n.moduleSpecifier.text;
      const c = n.importClause;
      if (c?.name) imported.set(c.name.text, { name: 'default', from });
      if (c?.namedBindings && ts.isNamedImports(c.namedBindings)) {
        for (const el of c.namedBindings.elements) imported.set(el.name.text, { name: (el.propertyName ?? el.name).text, from });
      }
    }
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isObjectBindingPattern(n.name)) {
      const init = strip(n.initializer);
      if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && isStringLike(init.arguments[0]) && init.arguments[0].text.startsWith('.')) {
        for (const el of n.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) && ts.isIdentifier(el.name)) imported.set(el.name.text, { name: key.text, from: init.arguments[0].text });
        }
      }
    }
  };
  for (const n of nodes) collectImports(n);
  const calls = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const callee = n.expression.text;
      const h = helpers.get(callee);
      const a0 = n.arguments[0] ? strip(n.arguments[0]) : undefined;
      const a1 = n.arguments[1];
      const pattern = shorten(n.getText(sf));
      if (h && !(n.pos >= h.read.pos && n.end <= h.read.end)) {
        h.calls++;
        if (!a0 || !isStringLike(a0)) {
          const hint = a0 ? staticPrefix(a0) : undefined;
          out.unresolved.push({ evidence: ev(n, pattern), reason: `computed key passed to ${callee}()`, ...(hint ? { hint } : {}) });
        } else {
          out.reads.push(helperRead(a0.text, h, a1 ? defaultText(a1) : undefined, a1 !== undefined, ev(n, pattern), callee));
        }
      } else if (!h && imported.has(callee)) {
        const imp = imported.get(callee)!;
        const call: HelperCall = { importedName: imp.name, from: imp.from, evidence: ev(n, pattern) };
        if (a0 && isStringLike(a0)) call.nameArg = a0.text;
        else if (a0) {
          const hint = staticPrefix(a0);
          if (hint) call.hint = hint;
        }
        if (a1) {
          const d = defaultText(a1);
          if (d !== undefined) call.defaultArg = d;
        }
        if (call.nameArg !== undefined || a0) (out.helperCalls ??= []).push(call);
      }
    }
  };
  if (helpers.size || imported.size) for (const n of nodes) calls(n);
  for (const h of helpers.values()) {
    const readEv = ev(h.read, h.read.getText(sf));
    if (h.exportNames.length) {
      for (const exportName of h.exportNames) {
        const eh: EnvHelper = { exportName, fails: h.fails, defaultParam: h.defaultParam, evidence: readEv };
        if (h.p1Default !== undefined) eh.paramDefault = h.p1Default;
        (out.envHelpers ??= []).push(eh);
      }
    } else if (h.calls === 0) {
      out.unresolved.push({ evidence: readEv, reason: `computed key on process.env in ${h.name}(), which is never called with a name in this file` });
    }
  }
}

/** The read a call of an env helper makes (shared with buildContract for calls across files). */
export function helperRead(
  name: string,
  h: { fails: boolean; defaultParam: boolean; p1Default?: string; paramDefault?: string },
  defaultArg: string | undefined,
  hasDefaultArg: boolean,
  evidence: { file: string; line: number; pattern: string },
  callee: string,
): ContractRead {
  const read: ContractRead = { name, kind: 'optional', evidence, confidence: 'medium', note: `through helper ${callee}()` };
  const paramDefault = h.p1Default ?? h.paramDefault;
  if (h.defaultParam && hasDefaultArg && defaultArg !== undefined) {
    read.kind = 'defaulted';
    read.default = defaultArg;
  } else if (h.defaultParam && !hasDefaultArg && paramDefault !== undefined) {
    read.kind = 'defaulted';
    read.default = paramDefault;
  } else if (h.fails) {
    read.kind = 'required';
    read.note = `through helper ${callee}(), which fails when unset`;
  }
  return read;
}

export const javascriptExtractor: Extractor = {
  id: 'javascript',
  // Built from what the recognizers match (js-prefilter.ts); files they apply across files
  // (schemas, env classes, helpers) are extracted lazily by build.ts through link.ts.
  quick: prefilter([...JS_TRIGGERS, ...SCHEMA_TRIGGERS, ...NEST_CONFIG_TRIGGERS, ...CLASS_VALIDATOR_TRIGGERS]),
  matches: (path) => JS_EXT.test(path) && !/\.d\.[cm]?ts$/.test(path),
  extract: (file) => guarded('javascript', file, (out) => extractJs(file, out)),
};
