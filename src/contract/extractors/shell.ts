/**
 * POSIX shell / bash reads, from the tree-sitter bash grammar (the engine's first adapter,
 * issue 9): the parse knows quoting, comments, command substitutions, arithmetic, heredocs
 * (a quoted delimiter makes the body literal) and nesting; this file only says what the
 * constructs mean, as engine reads (engine/reads.ts).
 *
 * Files: `*.sh`, `*.bash`, `docker-entrypoint*`, `entrypoint*`, and any file without an
 * extension whose first line is a sh/bash/dash/ash/ksh/zsh shebang.
 *
 * - `${X:?msg}` / `${X?}` → required; after `set -u` (`set -eu`, `set -o nounset`, a `-u`
 *   shebang) a plain `$X` / `${X#…}` / `${#X}` is required too; `[ -z "$X" ] && exit 1`,
 *   `if [ -z "$X" ]; then … exit …; fi` (also `test -z`, `[[ -z`, `[ -n "$X" ] || exit`) →
 *   required. Inside `if [ -n "$FEATURE" ]` / `if [ "$FEATURE" = yes ]` such a requirement is
 *   conditional on FEATURE.
 * - `${X:-d}`, `${X-d}`, `${X:=d}`, `${X=d}`, `X="${X:-d}"`, `[ -z "$X" ] && X=d` → defaulted;
 *   `${A:-$B}` is a fallback chain.
 * - `$X`, `${X}`, `${#X}`, `${X#…}` …, `printenv X` → optional.
 * - Ignored: names the script assigns itself (`X=…`, `export X=…`, `read X`, `for X in`,
 *   `local X`, `declare X`, `getopts … X`, `mapfile X`, `printf -v X`), positional and special
 *   parameters, bare names in arithmetic, and well-known shell variables (HOME, PATH, …).
 * - Unresolved, with the reason: `${!X}` (indirect expansion), `${!P@}` (names by prefix),
 *   `eval` of a string that expands variables, `printenv "$n"`, and `printenv` / `env` listing
 *   the whole environment.
 */
import type { Extractor, SourceFile } from '../model.js';
import { basename, guarded, LineIndex, shorten } from './util.js';
import { spend } from '../budget.js';
import { withTree, type Node } from '../engine/grammars.js';
import { addReads, readsOfText, type EnvRead, type Guard } from '../engine/reads.js';
import { isShellPath, scanShell, SHEBANG, SHELL_VARS, unquoteWord } from './shell-lexer.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Op = 'plain' | 'required' | 'defaulted' | 'alt' | 'length' | 'modify';

interface Expansion {
  name: string;
  op: Op;
  line: number;
  text: string;
  word?: string;
  /** For `${A:-$B}`: B. */
  wordRef?: string;
  fn?: string;
  guards: Guard[];
}

interface Ctx {
  fn?: string;
  guards: Guard[];
}

/** A test of one variable: `[ -z "$X" ]`, `[[ -n $X ]]`, `test -z "${X:-}"`, `[ "$X" = on ]`. */
interface VarTest {
  name: string;
  /** -z / = "" (true when unset), -n / bare / = value (true when set). */
  when: 'set' | 'unset';
  flag?: '-z' | '-n';
}

const DEFAULT_OPS = new Set([':-', '-', ':=', '=']);
const REQUIRED_OPS = new Set([':?', '?']);
const ALT_OPS = new Set([':+', '+']);
const COMMANDS = new Set(['test', 'read', 'mapfile', 'readarray', 'getopts', 'printf', 'set', 'eval', 'printenv', 'env']);
const INTERESTING = new Set(['heredoc_redirect', 'heredoc_body', 'heredoc_content', 'regex', 'comment', 'simple_expansion', 'expansion', 'function_definition', 'if_statement', 'variable_assignment', 'declaration_command', 'for_statement', 'test_command', 'command']);

/** Whether `value` expands `name` (`$name`, `${name…`), without compiling a pattern per name. */
function refersTo(value: string, name: string): boolean {
  for (let at = value.indexOf(name); at >= 0; at = value.indexOf(name, at + 1)) {
    const before = value[at - 1] === '$' || (value[at - 1] === '{' && value[at - 2] === '$');
    const after = value[at + name.length];
    if (before && (after === undefined || !/[A-Za-z0-9_]/.test(after))) return true;
  }
  return false;
}

class Walker {
  readonly expansions: Expansion[] = [];
  readonly unresolved: EnvRead[] = [];
  readonly extra: EnvRead[] = [];
  /** Every assignment: name, line, whether the value refers to the name itself. */
  readonly assignments: { name: string; line: number; selfRef: boolean; start: number }[] = [];
  /** Names assigned by other means (read, for, local, getopts, …). */
  readonly assignedOther = new Set<string>();
  /** Assignments (by start offset) that give a default in a `-z` test's block. */
  readonly defaulting = new Set<number>();
  /** `${name}@${line}` of a test → what the test does. */
  readonly checks = new Map<string, { kind: 'required' | 'defaulted'; default?: string }>();
  readonly nounset: { line: number; on: boolean }[] = [];
  /** `${name}@${line}` of a test → the names of which one must be set. */
  readonly oneOf = new Map<string, string[]>();

  private quotedHeredoc = false;
  private fnNow: string | undefined;
  /** Per function: variables holding its first argument (`local var="$1"`). */
  readonly firstParam = new Map<string, Set<string>>();
  /** Per function: variables it expands indirectly (`${!var}`). */
  readonly indirectIn = new Map<string, Set<string>>();
  /** Commands that may call a helper, resolved after the walk (helpers are defined anywhere). */
  readonly calls: { name: string; node: Node; ctx: Ctx }[] = [];
  private lines: LineIndex | undefined;

  constructor(private readonly src: string) {}

  /** Expansions in a piece of text the grammar does not break down. */
  private scanText(n: Node, ctx: Ctx): void {
    const text = this.text(n);
    if (!text.includes('$')) return;
    this.lines ??= new LineIndex(this.src);
    const li = this.lines;
    const lineOf = (pos: number): number => li.line(pos);
    scanShell(text, n.startIndex, (e) => {
      const line = lineOf(e.pos);
      if (e.op === 'indirect') {
        if (!SHELL_VARS.has(e.name)) this.unresolved.push({ line, pattern: shorten(e.text), whenAbsent: 'empty', computed: { expr: e.text, reason: 'indirect expansion ${!…}' } });
        return;
      }
      this.expansions.push({ name: e.name, op: e.op, line, text: e.text, word: e.word, wordRef: e.wordRef, fn: ctx.fn, guards: ctx.guards });
    }, 'hd');
  }

  text(n: Node): string {
    return this.src.slice(n.startIndex, n.endIndex);
  }

  /**
   * Walks the tree with a cursor (cheap: no node objects) and materialises only the nodes whose
   * kind means something here. `scopes` holds the contexts of function bodies and guarded
   * `if` branches by offset range.
   */
  walk(root: Node): void {
    const cursor = root.walk();
    const scopes: { start: number; end: number; ctx: Ctx }[] = [];
    const base: Ctx = { guards: [] };
    const ctxAt = (at: number): Ctx => {
      while (scopes.length && scopes[scopes.length - 1]!.end <= at) scopes.pop();
      for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k]!.start <= at && at < scopes[k]!.end) return scopes[k]!.ctx;
      return base;
    };
    try {
      for (;;) {
        spend();
        const type = cursor.nodeType;
        let descend = true;
        if (INTERESTING.has(type)) {
          const n = cursor.currentNode;
          const ctx = ctxAt(n.startIndex);
          descend = this.node(n, type, ctx, (start, end, inner) => scopes.push({ start, end, ctx: inner }));
        }
        if (descend && cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) return;
        }
      }
    } finally {
      cursor.delete();
    }
  }

  /** One node of an interesting kind; false when its children need no walk. */
  private node(n: Node, type: string, ctx: Ctx, scope: (start: number, end: number, ctx: Ctx) => void): boolean {
    switch (type) {
      case 'heredoc_redirect': {
        const start = n.childForFieldName('start') ?? n.namedChildren.find((c) => c?.type === 'heredoc_start');
        this.quotedHeredoc = !!start && /['"\\]/.test(this.text(start));
        return true;
      }
      case 'heredoc_body':
        // The grammar leaves some expansions of an unquoted body as text (`  ${X}` opening a
        // line): the text parts are scanned (a quoted body is literal and has no parts).
        if (!this.quotedHeredoc && n.namedChildCount === 0) this.scanText(n, ctx);
        return true;
      case 'heredoc_content':
        if (!this.quotedHeredoc) this.scanText(n, ctx);
        return false;
      case 'regex':
        // `[[ $A =~ ${B:-x} ]]`, `${W#$P}`: the grammar keeps the pattern as text.
        this.scanText(n, ctx);
        return false;
      case 'comment':
        if (n.startIndex === 0 && /^#!\S+(?:\s+\S+)*\s+-[a-zA-Z]*u/.test(this.text(n))) this.nounset.push({ line: 1, on: true });
        return false;
      case 'simple_expansion': {
        const v = n.firstNamedChild;
        if (v?.type === 'variable_name' && NAME.test(this.text(v))) {
          this.expansions.push({ name: this.text(v), op: 'plain', line: n.startPosition.row + 1, text: this.text(n), fn: ctx.fn, guards: ctx.guards });
        }
        return false;
      }
      case 'expansion':
        this.expansion(n, ctx);
        return true;
      case 'function_definition': {
        const name = n.childForFieldName('name');
        scope(n.startIndex, n.endIndex, { ...ctx, fn: name ? this.text(name) : ctx.fn });
        return true;
      }
      case 'if_statement':
        this.ifStatement(n, ctx, scope);
        return true;
      case 'variable_assignment':
        this.fnNow = ctx.fn;
        this.assignment(n);
        return true;
      case 'declaration_command': {
        const kw = n.children[0]?.type;
        if (kw && kw !== 'export') for (const c of n.namedChildren) if (c?.type === 'variable_name') this.assignedOther.add(this.text(c));
        return true;
      }
      case 'for_statement': {
        const v = n.childForFieldName('variable');
        if (v?.type === 'variable_name') this.assignedOther.add(this.text(v));
        return true;
      }
      case 'test_command':
        this.testCommand(n, n);
        return true;
      case 'command':
        this.command(n, ctx);
        return true;
    }
    return true;
  }

  private expansion(n: Node, ctx: Ctx): void {
    const kids = n.children.filter((c): c is Node => !!c);
    let i = 1; // after `${`
    let prefix: string | undefined;
    if (kids[i] && (kids[i]!.type === '#' || kids[i]!.type === '!')) prefix = kids[i++]!.type;
    let v: Node | null | undefined = kids[i];
    if (v?.type === 'subscript') v = v.namedChildren.find((c) => c?.type === 'variable_name');
    if (!v || v.type !== 'variable_name') return;
    const name = this.text(v);
    if (!NAME.test(name)) return;
    const line = n.startPosition.row + 1;
    const text = this.text(n);
    const opNode = kids[i + 1] && kids[i + 1]!.type !== '}' ? kids[i + 1]! : undefined;
    const op = opNode?.type ?? '';
    if (prefix === '!') {
      if (SHELL_VARS.has(name)) return;
      if (op === '@' || op === '*') {
        this.unresolved.push({ line, pattern: shorten(text), whenAbsent: 'empty', computed: { expr: text, reason: 'names enumerated by prefix ${!…@}', hint: name } });
      } else {
        this.unresolved.push({ line, pattern: shorten(text), whenAbsent: 'empty', enclosingFunction: ctx.fn, computed: { expr: name, reason: 'indirect expansion ${!…}' } });
        if (ctx.fn) {
          const set = this.indirectIn.get(ctx.fn) ?? new Set<string>();
          set.add(name);
          this.indirectIn.set(ctx.fn, set);
        }
      }
      return;
    }
    const e: Expansion = { name, op: 'plain', line, text, fn: ctx.fn, guards: ctx.guards };
    if (prefix === '#') e.op = 'length';
    else if (opNode) {
      const close = kids[kids.length - 1]!;
      const rawWord = this.src.slice(opNode.endIndex, close.type === '}' ? close.startIndex : n.endIndex);
      if (DEFAULT_OPS.has(op) || REQUIRED_OPS.has(op) || ALT_OPS.has(op)) {
        e.op = REQUIRED_OPS.has(op) ? 'required' : ALT_OPS.has(op) ? 'alt' : 'defaulted';
        e.word = unquoteWord(rawWord);
        const ref = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?$/.exec(rawWord.trim());
        if (ref && e.op === 'defaulted') e.wordRef = ref[1]!;
      } else e.op = 'modify';
    }
    this.expansions.push(e);
  }

  private assignment(n: Node): void {
    let v = n.firstNamedChild;
    if (v?.type === 'subscript') v = v.namedChildren.find((c) => c?.type === 'variable_name') ?? null;
    if (!v || v.type !== 'variable_name') return;
    const name = this.text(v);
    const value = this.src.slice(v.endIndex, n.endIndex);
    this.assignments.push({ name, line: n.startPosition.row + 1, selfRef: refersTo(value, name), start: n.startIndex });
    if (this.fnNow && /^="?\$\{?1\}?"?$/.test(value)) {
      const m = this.firstParam.get(this.fnNow) ?? new Set<string>();
      m.add(name);
      this.firstParam.set(this.fnNow, m);
    }
  }

  /** The variable a test looks at, and when it is true. */
  private varTest(n: Node): VarTest | undefined {
    const exprOf = (c: Node | null | undefined): string | undefined => {
      if (!c) return undefined;
      if (c.type === 'string') {
        const inner = c.namedChildren.filter((x) => !!x);
        return inner.length === 1 ? exprOf(inner[0]) : undefined;
      }
      if (c.type === 'simple_expansion' || c.type === 'expansion') {
        const v = c.namedChildren.find((x) => x?.type === 'variable_name' || x?.type === 'subscript');
        const name = v ? this.text(v.type === 'subscript' ? (v.namedChildren[0] ?? v) : v) : '';
        if (c.type === 'expansion' && /^\$\{[#!]/.test(this.text(c))) return undefined;
        return NAME.test(name) ? name : undefined;
      }
      return undefined;
    };
    const literal = (c: Node | null | undefined): string | undefined => {
      if (!c) return undefined;
      const t = this.text(c);
      if (c.type === 'string' && c.namedChildren.every((x) => x?.type === 'string_content')) return t.slice(1, -1);
      if (c.type === 'raw_string') return t.slice(1, -1);
      if (c.type === 'word' || c.type === 'number' || c.type === 'extglob_pattern') return t;
      return undefined;
    };
    let parts: Node[];
    if (n.type === 'test_command') {
      const inner = n.namedChildren.filter((c): c is Node => !!c);
      if (inner.length !== 1) return undefined;
      const e = inner[0]!;
      if (e.type === 'unary_expression') parts = e.children.filter((c): c is Node => !!c);
      else if (e.type === 'binary_expression') parts = e.children.filter((c): c is Node => !!c);
      else parts = [e];
    } else if (n.type === 'command' && this.commandName(n) === 'test') {
      parts = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'command_name');
    } else return undefined;
    if (parts.length === 1) {
      const name = exprOf(parts[0]);
      return name ? { name, when: 'set' } : undefined;
    }
    if (parts.length === 2) {
      const flag = this.text(parts[0]!);
      const name = exprOf(parts[1]);
      if (!name) return undefined;
      if (flag === '-z') return { name, when: 'unset', flag: '-z' };
      if (flag === '-n') return { name, when: 'set', flag: '-n' };
      return undefined;
    }
    if (parts.length === 3) {
      const op = this.text(parts[1]!);
      if (op !== '=' && op !== '==') return undefined;
      const a = parts[0]!;
      const b = parts[2]!;
      const name = exprOf(a) ?? exprOf(b);
      const lit = exprOf(a) ? literal(b) : literal(a);
      if (!name || lit === undefined) return undefined;
      return { name, when: lit === '' ? 'unset' : 'set' };
    }
    return undefined;
  }

  commandName(n: Node): string | undefined {
    const c = n.childForFieldName('name');
    return c ? this.src.slice(c.startIndex, c.endIndex) : undefined;
  }

  /** Does the block exit with a failure (`exit`, `exit 1`; not `exit 0`)? */
  private exits(block: Node[]): boolean {
    const stack = [...block];
    while (stack.length) {
      spend();
      const b = stack.pop()!;
      if (b.type === 'command' && this.commandName(b) === 'exit') {
        const arg = b.namedChildren.find((x) => x && x.type !== 'command_name');
        if (!arg || this.text(arg) !== '0') return true;
      }
      if (b.type === 'function_definition') continue;
      for (const c of b.namedChildren) if (c) stack.push(c);
    }
    return false;
  }

  /** A `-z NAME = value` assignment in the block: its default. */
  private defaultIn(block: Node[], name: string): { value: string; start: number } | undefined {
    const stack = [...block].reverse();
    while (stack.length) {
      spend();
      const b = stack.pop()!;
      if (b.type === 'variable_assignment') {
        const v = b.namedChildren[0];
        if (v && this.text(v) === name) {
          const eq = b.children.find((x) => x?.type === '=' || x?.type === '+=');
          return { value: unquoteWord(eq ? this.src.slice(eq.endIndex, b.endIndex) : ''), start: b.startIndex };
        }
      }
      const kids = b.namedChildren.filter((c): c is Node => !!c);
      for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
    }
    return undefined;
  }

  /** `[ -z "$X" ] && …` / `[ -n "$X" ] || …`: what the rest of the list does. */
  private testCommand(t: Node, testNode: Node): void {
    const test = this.varTest(testNode);
    if (!test?.flag) return;
    const wantOp = test.flag === '-z' ? '&&' : '||';
    const block: Node[] = [];
    let cur = t;
    for (let p = cur.parent; p && p.type === 'list'; cur = p, p = p.parent) {
      if (p.children[0]?.startIndex !== cur.startIndex || p.children[0]?.endIndex !== cur.endIndex) break;
      if (p.children[1]?.type !== wantOp) break;
      const rhs = p.children[2];
      if (rhs) block.push(rhs);
    }
    if (block.length) this.recordCheck(test, testNode, block);
  }

  private recordCheck(test: VarTest, testNode: Node, block: Node[]): void {
    const key = `${test.name}@${testNode.startPosition.row + 1}`;
    if (this.exits(block)) {
      this.checks.set(key, { kind: 'required' });
    } else if (test.flag === '-z') {
      const d = this.defaultIn(block, test.name);
      if (d) {
        this.checks.set(key, { kind: 'defaulted', default: d.value });
        this.defaulting.add(d.start);
      }
    }
  }

  private ifStatement(n: Node, ctx: Ctx, scope: (start: number, end: number, ctx: Ctx) => void): void {
    const kids = n.children.filter((c): c is Node => !!c);
    const thenAt = kids.findIndex((c) => c.type === 'then');
    if (thenAt < 0) return;
    const cond = kids.slice(1, thenAt).filter((c) => c.type !== ';' && c.type !== '&');
    let endAt = kids.findIndex((c, k) => k > thenAt && (c.type === 'elif_clause' || c.type === 'else_clause' || c.type === 'fi'));
    if (endAt < 0) endAt = kids.length;
    const body = kids.slice(thenAt + 1, endAt);
    if (cond.length !== 1) return;
    if (cond[0]!.type === 'list') {
      this.oneOfCheck(cond[0]!, body);
      return;
    }
    const test = this.varTest(cond[0]!);
    if (!test) return;
    if (test.flag === '-z') this.recordCheck(test, cond[0]!, body);
    if (body.length) {
      const guard: Guard = { names: [test.name], when: test.when, line: cond[0]!.startPosition.row + 1 };
      scope(body[0]!.startIndex, body[body.length - 1]!.endIndex, { ...ctx, guards: [...ctx.guards, guard] });
    }
  }

  /** `if [ -z "$A" ] && [ -z "$B" ]; then … exit`: the start needs one of A, B. */
  private oneOfCheck(list: Node, body: Node[]): void {
    const tests: Node[] = [];
    const flatten = (n: Node): boolean => {
      if (n.type !== 'list') {
        tests.push(n);
        return true;
      }
      const [a, op, b] = n.children;
      return !!a && !!b && op?.type === '&&' && flatten(a) && flatten(b);
    };
    if (!flatten(list) || tests.length < 2 || tests.length > 16) return;
    const vts = tests.map((t) => this.varTest(t));
    if (vts.some((v) => v?.flag !== '-z')) return;
    const names = [...new Set(vts.map((v) => v!.name))];
    if (names.length < 2 || !this.exits(body)) return;
    tests.forEach((t, k) => this.oneOf.set(`${vts[k]!.name}@${t.startPosition.row + 1}`, names));
  }

  private command(n: Node, ctx: Ctx): void {
    const cmd = this.commandName(n);
    if (!cmd) return;
    if (!COMMANDS.has(cmd)) {
      if (NAME.test(cmd) && n.namedChildCount > 1) this.calls.push({ name: cmd, node: n, ctx });
      return;
    }
    const args = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'command_name' && c.type !== 'variable_assignment');
    const words = args.map((a) => (a.type === 'word' ? this.text(a) : undefined));
    const line = n.startPosition.row + 1;
    switch (cmd) {
      case 'test':
        this.testCommand(n, n);
        return;
      case 'read':
      case 'mapfile':
      case 'readarray':
        for (let w = 0; w < words.length; w++) {
          const word = words[w];
          if (word === undefined) break;
          if (word.startsWith('-')) {
            if (/^-[A-Za-z]*[adinNptuC]$/.test(word)) {
              if (word.endsWith('a') && words[w + 1] && NAME.test(words[w + 1]!)) this.assignedOther.add(words[w + 1]!);
              w++;
            }
            continue;
          }
          if (NAME.test(word)) this.assignedOther.add(word);
          else break;
        }
        return;
      case 'getopts':
        if (words[1] && NAME.test(words[1])) this.assignedOther.add(words[1]);
        return;
      case 'printf': {
        const v = words.indexOf('-v');
        if (v >= 0 && words[v + 1] && NAME.test(words[v + 1]!)) this.assignedOther.add(words[v + 1]!);
        return;
      }
      case 'set':
        for (let w = 0; w < words.length; w++) {
          const opt = words[w];
          if (!opt) continue;
          if (/^-[a-zA-Z]*u/.test(opt) || (opt === '-o' && words[w + 1] === 'nounset')) this.nounset.push({ line, on: true });
          if (/^\+[a-zA-Z]*u/.test(opt) || (opt === '+o' && words[w + 1] === 'nounset')) this.nounset.push({ line, on: false });
        }
        return;
      case 'eval': {
        const dynamic = args.some((a) => this.expandsVariables(a));
        if (dynamic) {
          this.unresolved.push({ line, pattern: shorten(this.text(n)), whenAbsent: 'empty', computed: { expr: this.text(n), reason: 'eval of a computed string: the variables it expands are not known' } });
        }
        return;
      }
      case 'printenv':
      case 'env': {
        const operands = args.filter((a) => !(a.type === 'word' && this.text(a).startsWith('-')));
        if (!operands.length) {
          this.unresolved.push({ line, pattern: shorten(this.text(n)), whenAbsent: 'empty', computed: { expr: this.text(n), reason: `${cmd} lists the whole environment` } });
        } else if (cmd === 'printenv') {
          for (const a of operands) {
            const lit = a.type === 'word' ? this.text(a) : a.type === 'raw_string' || (a.type === 'string' && a.namedChildren.every((x) => x?.type === 'string_content')) ? this.text(a).slice(1, -1) : undefined;
            if (lit !== undefined && NAME.test(lit)) this.extra.push({ name: lit, line, pattern: shorten(this.text(n)), whenAbsent: 'empty', enclosingFunction: ctx.fn, guards: ctx.guards });
            else this.unresolved.push({ line, pattern: shorten(this.text(n)), whenAbsent: 'empty', computed: { expr: this.text(a), reason: 'printenv of a computed name' } });
          }
        }
        return;
      }
    }
  }

  /**
   * Functions that read the variable their first argument names (`file_env 'DB_PASSWORD' d`:
   * `local var="$1"` … `${!var}`, the docker-library idiom): each call with a literal name is a
   * read of it, with the second argument as its default; a call with a computed name is
   * unresolved. Returns the helpers, whose own indirect expansions the calls explain.
   */
  resolveHelpers(out: EnvRead[]): Set<string> {
    const helpers = new Set<string>();
    for (const [fn, vars] of this.indirectIn) if ([...vars].some((v) => v === '1' || this.firstParam.get(fn)?.has(v))) helpers.add(fn);
    if (!helpers.size) return helpers;
    const literal = (a: Node | undefined): string | undefined => {
      if (!a) return undefined;
      if (a.type === 'word' || a.type === 'number') return this.text(a);
      if (a.type === 'raw_string') return this.text(a).slice(1, -1);
      if (a.type === 'string' && a.namedChildren.every((x) => x?.type === 'string_content')) return this.text(a).slice(1, -1);
      return undefined;
    };
    for (const c of this.calls) {
      spend();
      if (!helpers.has(c.name)) continue;
      const args = c.node.namedChildren.filter((x): x is Node => !!x && x.type !== 'command_name' && x.type !== 'variable_assignment');
      const line = c.node.startPosition.row + 1;
      const pattern = shorten(this.text(c.node));
      const name = literal(args[0]);
      if (name === undefined || !NAME.test(name)) {
        out.push({ line, pattern, whenAbsent: 'empty', enclosingFunction: c.ctx.fn, computed: { expr: args[0] ? this.text(args[0]) : '', reason: `${c.name} reads the variable its first argument names, here computed` } });
        continue;
      }
      const r: EnvRead = { name, line, pattern, whenAbsent: 'empty', enclosingFunction: c.ctx.fn, guards: c.ctx.guards, because: `read by ${c.name}` };
      if (args[1]) {
        const d = literal(args[1]);
        r.whenAbsent = 'defaults';
        r.default = d ?? this.text(args[1]);
      }
      out.push(r);
    }
    return helpers;
  }

  /** Whether a word expands a variable, or carries an escaped `\$` that eval will expand. */
  private expandsVariables(a: Node): boolean {
    const stack = [a];
    while (stack.length) {
      spend();
      const b = stack.pop()!;
      if (b.type === 'simple_expansion' || b.type === 'expansion') return true;
      if ((b.type === 'string_content' || b.type === 'word' || b.type === 'raw_string') && /\\\$|\$[A-Za-z_{]/.test(this.text(b))) return true;
      for (const c of b.namedChildren) if (c) stack.push(c);
    }
    return false;
  }
}

function extractShell(file: SourceFile): EnvRead[] {
  const text = file.text;
  if (!isShellPath(file.path) && !SHEBANG.test(text.slice(0, 200))) return [];
  return readsOfText('shell', text, () => withTree('bash', text, (root) => {
    const w = new Walker(text);
    w.walk(root);

    const assigned = new Set(w.assignedOther);
    const assignedAt = new Map<string, number[]>();
    for (const a of w.assignments) {
      if (!a.selfRef && !w.defaulting.has(a.start)) assigned.add(a.name);
      const at = assignedAt.get(a.name);
      if (at) at.push(a.line);
      else assignedAt.set(a.name, [a.line]);
    }
    const nounsetAt = (line: number): boolean => {
      let on = false;
      for (const t of w.nounset) if (t.line < line || (t.line === 1 && line === 1)) on = t.on;
      return on;
    };
    const isEnv = (name: string) => !SHELL_VARS.has(name) && !assigned.has(name);
    const guardsOf = (gs: Guard[]) => gs.map((g) => ({ ...g, names: g.names.filter(isEnv) })).filter((g) => g.names.length);

    const reads: EnvRead[] = [];
    for (const e of w.expansions) {
      if (!isEnv(e.name)) continue;
      const r: EnvRead = { name: e.name, line: e.line, pattern: shorten(e.text), whenAbsent: 'empty', enclosingFunction: e.fn, guards: guardsOf(e.guards) };
      if (e.op === 'required') {
        r.whenAbsent = 'fails';
        r.because = '${…:?} fails when unset';
      } else if (e.op === 'defaulted') {
        if (e.wordRef) r.aliases = [e.wordRef];
        else {
          r.whenAbsent = 'defaults';
          r.default = e.word ?? '';
        }
      }
      if ((e.op === 'plain' || e.op === 'modify' || e.op === 'length') && nounsetAt(e.line)) {
        r.whenAbsent = 'fails';
        r.because = 'set -u: expanding it unset aborts the script';
      }
      let check = w.checks.get(`${e.name}@${e.line}`);
      if (check?.kind === 'required' && (assignedAt.get(e.name) ?? []).some((l) => l < e.line)) check = undefined;
      if (check && r.whenAbsent !== 'fails') {
        if (check.kind === 'defaulted') {
          r.whenAbsent = 'defaults';
          r.default = check.default;
          r.because = 'assigned a default when unset';
        } else {
          r.whenAbsent = 'fails';
          delete r.default;
          r.because = 'explicit test exits when unset';
        }
      }
      const oneOf = w.oneOf.get(`${e.name}@${e.line}`);
      if (oneOf && r.whenAbsent !== 'fails') {
        r.oneOf = oneOf.filter(isEnv);
        r.because = 'explicit test exits when all are unset';
        if (r.oneOf.length < 2 || !r.oneOf.includes(e.name)) delete r.oneOf;
      }
      reads.push(r);
    }
    for (const r of w.extra) if (isEnv(r.name!)) reads.push({ ...r, guards: guardsOf(r.guards ?? []) });
    const helperReads: EnvRead[] = [];
    const helpers = w.resolveHelpers(helperReads);
    for (const r of helperReads) if (r.name === undefined || isEnv(r.name)) reads.push(r.name === undefined ? r : { ...r, guards: guardsOf(r.guards ?? []) });
    // Inside `if [ -n "$X" ]` X is set: expanding it there cannot fail.
    for (const r of reads) {
      if (r.whenAbsent === 'fails' && r.guards?.some((g) => g.when === 'set' && g.names.includes(r.name!))) {
        r.whenAbsent = 'empty';
        delete r.because;
      }
    }
    // A helper's own `${!var}` is explained by its calls.
    const explained = (u: EnvRead) => !!u.enclosingFunction && helpers.has(u.enclosingFunction) && (u.computed?.expr === '1' || !!w.firstParam.get(u.enclosingFunction)?.has(u.computed?.expr ?? ''));
    return [...reads, ...w.unresolved.filter((u) => !explained(u))];
  }));
}

export const shellExtractor: Extractor = {
  id: 'shell',
  grammars: ['bash'],
  // Every read or unresolved entry above needs an expansion or one of these commands: a file
  // without any is not parsed.
  quick: /\$[A-Za-z_{]|\b(?:printenv|env|eval)\b/,
  matches: (path) => {
    if (isShellPath(path)) return true;
    const b = basename(path);
    // Files without an extension may carry a shell shebang (checked in extract).
    return !b.includes('.') && !/^(?:Dockerfile|Containerfile|Makefile|LICENSE|README|CODEOWNERS|Procfile|Gemfile|Rakefile|Jenkinsfile|Vagrantfile|Brewfile|OWNERS|AUTHORS|NOTICE|VERSION|CHANGELOG)$/i.test(b);
  },
  extract: (file) => guarded('shell', file, (out) => addReads(file, extractShell(file), out)),
};
