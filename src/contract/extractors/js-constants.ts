/**
 * String constants of one JS/TS file, for names held in constants (issue 9, class 2):
 *
 *     const KEY = 'API_KEY';                       process.env[KEY]
 *     enum Env { Port = 'PORT' }                   process.env[Env.Port]
 *     const ENV = { token: 'API_TOKEN' } as const; process.env[ENV.token]
 *
 * A name is looked up lexically from the read: the nearest enclosing block, module or function
 * that declares it decides. Only a `const` with a literal string (or an enum / `const` object
 * literal member with one) resolves; a parameter, a `let`/`var`, an import or anything else of
 * that name resolves to nothing (the read stays unresolved).
 */
import ts from 'typescript';

function unwrap(e: ts.Expression): ts.Expression {
  let s = e;
  while (ts.isAsExpression(s) || ts.isParenthesizedExpression(s) || ts.isSatisfiesExpression(s)) s = s.expression;
  return s;
}

function literal(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const s = unwrap(e);
  return ts.isStringLiteral(s) || ts.isNoSubstitutionTemplateLiteral(s) ? s.text : undefined;
}

function memberName(n: ts.PropertyName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
}

type Decl = ts.VariableDeclaration | ts.EnumDeclaration | 'other';

function bindsName(b: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(b)) return b.text === name;
  return b.elements.some((el) => !ts.isOmittedExpression(el) && bindsName(el.name, name));
}

/** The declaration of `name` that a use inside `scope`'s statements would see, if any. */
function declaredIn(statements: readonly ts.Statement[], name: string): Decl | undefined {
  for (const st of statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name) return st.declarationList.flags & ts.NodeFlags.Const ? d : 'other';
        if (!ts.isIdentifier(d.name) && bindsName(d.name, name)) return 'other';
      }
    } else if (ts.isEnumDeclaration(st) && st.name.text === name) return st;
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name) return 'other';
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name?.text === name) return 'other';
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb) && nb.name.text === name) return 'other';
      if (nb && ts.isNamedImports(nb) && nb.elements.some((el) => el.name.text === name)) return 'other';
    }
  }
  return undefined;
}

function lookup(at: ts.Node, name: string): Decl | undefined {
  for (let n: ts.Node | undefined = at.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n) && n.parameters.some((p) => bindsName(p.name, name))) return 'other';
    if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer)) {
      if (n.initializer.declarations.some((d) => bindsName(d.name, name))) return 'other';
    }
    if (ts.isCatchClause(n) && n.variableDeclaration && bindsName(n.variableDeclaration.name, name)) return 'other';
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      const d = declaredIn(n.statements, name);
      if (d) return d;
    }
  }
  return undefined;
}

/** The string a constant key expression (`KEY`, `Env.Port`, `ENV.token`) holds, if it is one. */
export function constantString(e: ts.Node): string | undefined {
  if (ts.isIdentifier(e)) {
    const d = lookup(e, e.text);
    return d && d !== 'other' && ts.isVariableDeclaration(d) ? literal(d.initializer) : undefined;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && ts.isIdentifier(e.name)) {
    const d = lookup(e, e.expression.text);
    const member = e.name.text;
    if (!d || d === 'other') return undefined;
    if (ts.isEnumDeclaration(d)) {
      const m = d.members.find((x) => memberName(x.name as ts.PropertyName) === member);
      return literal(m?.initializer);
    }
    const init = d.initializer ? unwrap(d.initializer) : undefined;
    if (init && ts.isObjectLiteralExpression(init)) {
      const props = init.properties.filter((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && memberName(p.name) === member);
      // `as const` objects are not changed; a plain object literal could be, but a const
      // holder of env names is read-only in practice.
      return props.length === 1 ? literal(props[0]!.initializer) : undefined;
    }
  }
  return undefined;
}
