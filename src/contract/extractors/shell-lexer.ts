/**
 * The hand-written shell scanner that the tree-sitter `shell` adapter (shell.ts) replaced for
 * shell files. Kept for two users until they move to the engine: the Dockerfile extractor
 * (`scanShell` over a shell-form CMD/ENTRYPOINT) and `npm run bench` (lexer vs tree-sitter on
 * real trees). Not registered as an extractor.
 *
 * POSIX shell / bash reads, from a small scanner that knows comments, single quotes,
 * double quotes, `$'…'`, backslash escapes, command substitutions, backticks and heredocs
 * (a quoted heredoc delimiter makes the body literal).
 *
 * Files: `*.sh`, `*.bash`, `docker-entrypoint*`, `entrypoint*`, and any file without an
 * extension whose first line is a sh/bash/dash/ash/ksh/zsh shebang.
 *
 * - `${X:?msg}` / `${X?}` → required; after `set -u` (`set -eu`, `set -o nounset`, a `-u`
 *   shebang) a plain `$X` / `${X#…}` / `${#X}` is required too; `[ -z "$X" ] && exit 1`, `if [ -z "$X" ]; then … exit …; fi`
 *   (also `test -z`, `[[ -z`, `[ -n "$X" ] || exit`) → required.
 * - `${X:-d}`, `${X-d}`, `${X:=d}`, `${X=d}`, `X="${X:-d}"`, `[ -z "$X" ] && X=d` → defaulted.
 * - `$X`, `${X}`, `${#X}`, `${X#…}` … → optional.
 * - Ignored: names the script assigns itself (`X=…`, `export X=…`, `read X`, `for X in`,
 *   `local X`, `declare X`, `getopts … X`, `mapfile X`, `printf -v X`), positional and special
 *   parameters, and well-known shell variables (HOME, PATH, …).
 * - `${!X}` (indirect expansion) → unresolved.
 */
import type { ContractRead, Extractor, ExtractResult, SourceFile } from '../model.js';
import { basename, guarded, LineIndex, shorten } from './util.js';
import { spend } from '../budget.js';

export const SHELL_VARS = new Set([
  'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'LOGNAME', 'HOSTNAME', 'SHELL', 'IFS', 'RANDOM', 'LINENO',
  'SECONDS', 'BASH', 'BASH_SOURCE', 'BASH_VERSION', 'BASH_VERSINFO', 'BASH_REMATCH', 'BASHPID', 'BASH_ARGV',
  'BASH_ARGC', 'BASH_LINENO', 'BASH_COMMAND', 'BASH_SUBSHELL', 'FUNCNAME', 'PPID', 'UID', 'EUID', 'GROUPS',
  'OPTARG', 'OPTIND', 'OPTERR', 'PS1', 'PS2', 'PS3', 'PS4', 'TERM', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE',
  'LC_MESSAGES', 'TMPDIR', 'PIPESTATUS', 'REPLY', 'SHLVL', 'HISTFILE', 'HISTSIZE', 'COLUMNS', 'LINES',
  'MACHTYPE', 'OSTYPE', 'HOSTTYPE', 'EPOCHSECONDS', 'EPOCHREALTIME', 'DIRSTACK', 'SHELLOPTS', 'BASHOPTS',
  'MAIL', 'MAILPATH', 'CDPATH', 'ENV', 'BASH_ENV', 'PROMPT_COMMAND', 'TIMEFORMAT', 'COMP_WORDS', 'COMP_CWORD',
  'COMP_LINE', 'COMPREPLY', 'EDITOR', 'VISUAL', 'PAGER', 'DISPLAY', '_',
]);

type Op = 'plain' | 'required' | 'defaulted' | 'alt' | 'length' | 'modify' | 'indirect';

interface Expansion {
  name: string;
  op: Op;
  pos: number;
  text: string;
  word?: string;
  /** For `${A:-$B}`: B. */
  wordRef?: string;
}

type Ctx = 'top' | 'dq' | 'cmd' | 'bt' | 'hd';

export function unquoteWord(w: string): string {
  const t = w.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

/** Index of the `}` closing a `${` whose content starts at `from`. */
function closeBrace(src: string, from: number): number {
  let depth = 1;
  let i = from;
  let sawNewline = false; // a newline since `from` (was a slice per newline: quadratic)
  while (i < src.length) {
    spend();
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === '\n') sawNewline = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const e = src.indexOf("'", i + 1);
      if (e < 0) return src.length;
      spend(e - i);
      if (src.slice(i, e).includes('\n')) sawNewline = true;
      i = e + 1;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      depth++;
      i += 2;
      continue;
    }
    if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
    if (c === '\n' && depth === 1 && sawNewline) {
      // Unlikely to be one expansion across many lines: give up at the second newline.
      return -1;
    }
    if (c === '\n') sawNewline = true;
    i++;
  }
  return -1;
}

/** Scans shell text and reports every parameter expansion. Never throws. */
export function scanShell(src: string, base: number, emit: (e: Expansion) => void, initial: Ctx = 'top'): void {
  const stack: Ctx[] = [initial];
  const pending: { word: string; quoted: boolean; strip: boolean }[] = [];
  let i = 0;
  const n = src.length;
  const dollar = (): void => {
    const next = src[i + 1];
    if (next === '{') {
      const close = closeBrace(src, i + 2);
      if (close < 0) {
        i += 2;
        return;
      }
      const content = src.slice(i + 2, close);
      const text = src.slice(i, close + 1);
      const pos = base + i;
      let m: RegExpMatchArray | null;
      if ((m = /^#([A-Za-z_][A-Za-z0-9_]*)$/.exec(content))) {
        emit({ name: m[1]!, op: 'length', pos, text });
      } else if ((m = /^!([A-Za-z_][A-Za-z0-9_]*)/.exec(content))) {
        emit({ name: m[1]!, op: 'indirect', pos, text });
      } else if ((m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?/.exec(content))) {
        const name = m[1]!;
        const rest = content.slice(m[0].length);
        const opm = /^(:?[-=?+])/.exec(rest);
        if (opm) {
          const o = opm[1]!;
          const word = rest.slice(o.length);
          const op: Op = o.endsWith('?') ? 'required' : o.endsWith('+') ? 'alt' : 'defaulted';
          const ref = /^"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?$/.exec(word.trim());
          const e: Expansion = { name, op, pos, text, word: unquoteWord(word) };
          if (ref && op === 'defaulted') e.wordRef = ref[1]!;
          emit(e);
          // Expansions inside the word are reads too.
          scanShell(word, base + i + 2 + m[0].length + o.length, emit, 'hd');
        } else {
          emit({ name, op: rest ? 'modify' : 'plain', pos, text });
          if (rest) scanShell(rest, base + i + 2 + m[0].length, emit, 'hd');
        }
      }
      i = close + 1;
      return;
    }
    if (next === '(') {
      stack.push('cmd');
      i += src[i + 2] === '(' ? 3 : 2;
      if (src[i - 1] === '(' && src[i - 2] === '(') stack.push('cmd');
      return;
    }
    if (next === "'") {
      let k = i + 2;
      while (k < n && src[k] !== "'") k += src[k] === '\\' ? 2 : 1;
      i = k + 1;
      return;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1, i + 200));
    if (m) {
      emit({ name: m[0], op: 'plain', pos: base + i, text: '$' + m[0] });
      i += 1 + m[0].length;
      return;
    }
    i += next !== undefined && /[0-9@*#?$!-]/.test(next) ? 2 : 1;
  };
  while (i < n) {
    const ctx = stack[stack.length - 1]!;
    const c = src[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '$') {
      dollar();
      continue;
    }
    if (ctx === 'top' || ctx === 'cmd' || ctx === 'bt') {
      if (c === '#' && (i === 0 || /[\s;&|()]/.test(src[i - 1]!))) {
        while (i < n && src[i] !== '\n') i++;
        continue;
      }
      if (c === "'") {
        const e = src.indexOf("'", i + 1);
        i = e < 0 ? n : e + 1;
        continue;
      }
      if (c === '"') {
        stack.push('dq');
        i++;
        continue;
      }
      if (c === '`') {
        if (ctx === 'bt') stack.pop();
        else stack.push('bt');
        i++;
        continue;
      }
      if (c === '(' && ctx === 'cmd') {
        stack.push('cmd');
        i++;
        continue;
      }
      if (c === ')' && ctx === 'cmd') {
        stack.pop();
        i++;
        continue;
      }
      if (c === '<' && src[i + 1] === '<' && src[i + 2] !== '<') {
        const m = /^<<(-?)[ \t]*(?:(['"])([^'"\n]+)\2|\\?([A-Za-z0-9_.-]+))/.exec(src.slice(i, i + 200));
        if (m) {
          pending.push({ word: (m[3] ?? m[4])!, quoted: !!m[2] || src[i + 2 + m[1]!.length] === '\\', strip: m[1] === '-' });
          i += m[0].length;
          continue;
        }
      }
      if (c === '\n' && pending.length) {
        let k = i + 1;
        for (const h of pending) {
          let bodyStart = k;
          let found = false;
          while (k <= n) {
            const e = src.indexOf('\n', k);
            const lineEnd = e < 0 ? n : e;
            const line = src.slice(k, lineEnd);
            if ((h.strip ? line.replace(/^\t+/, '') : line) === h.word) {
              if (!h.quoted) scanShell(src.slice(bodyStart, k), base + bodyStart, emit, 'hd');
              k = lineEnd + 1;
              found = true;
              break;
            }
            if (e < 0) break;
            k = e + 1;
          }
          if (!found) {
            if (!h.quoted) scanShell(src.slice(bodyStart), base + bodyStart, emit, 'hd');
            k = n;
          }
          bodyStart = k;
        }
        pending.length = 0;
        i = k;
        continue;
      }
      i++;
      continue;
    }
    if (ctx === 'dq') {
      if (c === '"') stack.pop();
      else if (c === '`') stack.push('bt');
      i++;
      continue;
    }
    // hd: quotes are literal
    if (c === '`') stack.push('bt');
    i++;
  }
}

export const SHEBANG = /^#!\s*(?:\/usr)?\/bin\/(?:env\s+(?:-\S+\s+)*)?(?:ba|da|a|k|z)?sh\b/;

export function isShellPath(path: string): boolean {
  const b = basename(path);
  return /\.(?:sh|bash)$/.test(b) || /^(?:docker-)?entrypoint/.test(b);
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

function extractShell(file: SourceFile, out: ExtractResult): void {
  const text = file.text;
  if (!isShellPath(file.path) && !SHEBANG.test(text.slice(0, 200))) return;
  const lines = text.split('\n');
  const li = new LineIndex(text);

  // Tests for absence: [ -z "$X" ], test -z, [[ -z $X ]], and [ -n "$X" ] || …
  const checkOf = new Map<string, { kind: 'required' | 'defaulted'; line: number; default?: string }>(); // key: `${name}@${line}`
  const defaultingLines = new Map<number, Set<string>>();
  const zre = new RegExp(String.raw`(?:\[\[?|\btest)\s+(-[zn])\s+"?\$\{?(${NAME})(?::?-[^}]*)?\}?"?\s*\]?\]?`, 'g');
  lines.forEach((raw, idx) => {
    const line = raw.replace(/(^|\s)#.*$/, '$1');
    for (const m of line.matchAll(zre)) {
      const flag = m[1]!;
      const name = m[2]!;
      const after = line.slice(m.index! + m[0].length);
      let block = '';
      let blockLines: number[] = [];
      if (flag === '-z' && /^\s*&&/.test(after)) {
        block = after;
        blockLines = [idx];
      } else if (flag === '-n' && /^\s*\|\|/.test(after)) {
        block = after;
        blockLines = [idx];
      } else if (flag === '-z' && /^\s*if\b/.test(line)) {
        const thenSame = /;\s*then\b(.*)$/.exec(after);
        if (thenSame) {
          block = thenSame[1]!;
          blockLines = [idx];
        }
        for (let k = idx + 1; k < lines.length && k < idx + 30; k++) {
          if (/^\s*(?:fi|else|elif)\b/.test(lines[k]!)) break;
          if (/^\s*then\s*$/.test(lines[k]!)) continue;
          block += '\n' + lines[k]!;
          blockLines.push(k);
          if (/(^|[;\s])fi\b/.test(lines[k]!)) break;
        }
      } else continue;
      if (/(^|[\s;&|{(])exit(\s+[1-9]\d*|\s*$|\s*[;})])/.test(block) || /(^|[\s;&|{(])exit\s*$/m.test(block)) {
        checkOf.set(`${name}@${idx + 1}`, { kind: 'required', line: idx + 1 });
      } else if (flag === '-z') {
        const am = new RegExp(String.raw`(?:^|[\s;&|{(])(?:export\s+)?${name}=("[^"]*"|'[^']*'|\$\([^)]*\)|[^\s;&|)}]*)`, 'm').exec(block);
        if (am) {
          checkOf.set(`${name}@${idx + 1}`, { kind: 'defaulted', line: idx + 1, default: unquoteWord(am[1]!) });
          for (const k of blockLines) {
            const s = defaultingLines.get(k) ?? new Set<string>();
            s.add(name);
            defaultingLines.set(k, s);
          }
        }
      }
    }
  });

  // Names the script assigns itself; and every line where a name is assigned, defaulting
  // assignments included (a later `[ -z "$X" ] && exit` then tests the script's own value).
  const assigned = new Set<string>();
  const assignedAt = new Map<string, number[]>();
  const asg = new RegExp(
    String.raw`(?:^|[\s;&|(){}])(?:(?:export|local|readonly|declare|typeset)\s+(?:-[A-Za-z]+\s+)*)?(${NAME})(?:\[[^\]]*\])?\+?=(.*)$`,
  );
  lines.forEach((raw, idx) => {
    const line = raw.replace(/(^|\s)#.*$/, '$1');
    // Several assignments can be on one line: `A=1 B=2 cmd`.
    let rest = line;
    for (let guard = 0; guard < 20; guard++) {
      const m = asg.exec(rest);
      if (!m) break;
      const name = m[1]!;
      const value = m[2]!;
      const selfRef = new RegExp(String.raw`\$\{?${name}\b`).test(value.split(/\s(?=[A-Za-z_][A-Za-z0-9_]*=)/)[0]!);
      if (!selfRef && !defaultingLines.get(idx)?.has(name)) assigned.add(name);
      // Appended in place: copying the list per assignment was quadratic (50,000 `A=1 \` lines: 33 s).
      const at = assignedAt.get(name);
      if (at) at.push(idx + 1);
      else assignedAt.set(name, [idx + 1]);
      rest = value;
    }
    for (const m of line.matchAll(new RegExp(String.raw`\b(?:for|select)\s+(${NAME})\b`, 'g'))) assigned.add(m[1]!);
    for (const m of line.matchAll(/\b(?:local|declare|typeset|readonly)\s+((?:-[A-Za-z]+\s+)*)([A-Za-z_][A-Za-z0-9_\s]*)/g)) {
      for (const w of m[2]!.split(/\s+/)) if (/^[A-Za-z_]\w*$/.test(w)) assigned.add(w);
    }
    // read [-options [arg]] NAME… / mapfile NAME / readarray NAME (word by word: no backtracking)
    for (const m of line.matchAll(/\b(?:read|mapfile|readarray)\b([^;&|]*)/g)) {
      const words = m[1]!.trim().split(/\s+/).filter(Boolean);
      for (let w = 0; w < words.length; w++) {
        const word = words[w]!;
        if (word.startsWith('-')) {
          // options that take an argument; -a NAME assigns an array
          if (/^-[A-Za-z]*[adinNptuC]$/.test(word)) {
            if (word.endsWith('a') && words[w + 1] && /^[A-Za-z_]\w*$/.test(words[w + 1]!)) assigned.add(words[w + 1]!);
            w++;
          }
          continue;
        }
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) assigned.add(word);
        else break;
      }
    }
    for (const m of line.matchAll(new RegExp(String.raw`\bgetopts\s+(?:"[^"]*"|'[^']*'|\S+)\s+(${NAME})`, 'g'))) assigned.add(m[1]!);
    for (const m of line.matchAll(new RegExp(String.raw`\bprintf\s+-v\s+(${NAME})`, 'g'))) assigned.add(m[1]!);
  });

  // `set -u` / `set -o nounset` (or a shebang with -u): expanding an unset variable aborts the
  // script, so a plain `$X` after it is required. `set +u` turns it off again.
  const nounset: { line: number; on: boolean }[] = [];
  if (/^#!\S+(?:\s+\S+)*\s+-[a-zA-Z]*u/.test(lines[0] ?? '')) nounset.push({ line: 1, on: true });
  lines.forEach((raw, idx) => {
    const line = raw.replace(/(^|\s)#.*$/, '$1');
    for (const m of line.matchAll(/(?:^|[\s;&|])set\s+((?:[-+]o\s+\w+\s*|[-+][a-zA-Z]+\s*)+)/g)) {
      for (const opt of m[1]!.trim().split(/\s+(?=[-+])/)) {
        if (/^-[a-zA-Z]*u/.test(opt) || /^-o\s+nounset/.test(opt)) nounset.push({ line: idx + 1, on: true });
        if (/^\+[a-zA-Z]*u/.test(opt) || /^\+o\s+nounset/.test(opt)) nounset.push({ line: idx + 1, on: false });
      }
    }
  });
  const nounsetAt = (line: number): boolean => {
    let on = false;
    for (const t of nounset) if (t.line < line || (t.line === 1 && line === 1)) on = t.on;
    return on;
  };

  const byKey = new Map<string, ContractRead>();
  const rank = { required: 3, optional: 2, defaulted: 1, 'build-time': 0 } as const;
  scanShell(text, 0, (e) => {
    if (SHELL_VARS.has(e.name)) return;
    const line = li.line(e.pos);
    if (e.op === 'indirect') {
      out.unresolved.push({ evidence: { file: file.path, line, pattern: shorten(e.text) }, reason: 'indirect expansion ${!…}', hint: undefined });
      return;
    }
    if (assigned.has(e.name)) return;
    const read: ContractRead = { name: e.name, kind: 'optional', evidence: { file: file.path, line, pattern: shorten(e.text) }, confidence: 'high' };
    if (e.op === 'required') {
      read.kind = 'required';
      read.note = '${…:?} fails when unset';
    } else if (e.op === 'defaulted') {
      if (e.wordRef) {
        out.fallbacks.push({ names: [e.name, e.wordRef], evidence: read.evidence });
        read.note = `fallback chain ${e.name} → ${e.wordRef}`;
      } else {
        read.kind = 'defaulted';
        read.default = e.word ?? '';
      }
    }
    if ((e.op === 'plain' || e.op === 'modify' || e.op === 'length') && nounsetAt(line)) {
      read.kind = 'required';
      read.note = 'set -u: expanding it unset aborts the script';
    }
    let check = checkOf.get(`${e.name}@${line}`);
    if (check?.kind === 'required' && (assignedAt.get(e.name) ?? []).some((l) => l < line)) check = undefined;
    if (check && read.kind !== 'required') {
      read.kind = check.kind;
      if (check.kind === 'defaulted') read.default = check.default;
      else delete read.default;
      read.note = check.kind === 'required' ? 'explicit test exits when unset' : 'assigned a default when unset';
    }
    const key = `${e.name}@${line}`;
    const prev = byKey.get(key);
    if (!prev || rank[read.kind] > rank[prev.kind]) {
      if (prev) out.reads.splice(out.reads.indexOf(prev), 1, read);
      else out.reads.push(read);
      byKey.set(key, read);
    }
  });
}

/** The former `shell` extractor (for the bench's comparison only). */
export const shellLexerExtractor: Extractor = {
  id: 'shell-lexer',
  matches: (path) => {
    if (isShellPath(path)) return true;
    const b = basename(path);
    // Files without an extension may carry a shell shebang (checked in extract).
    return !b.includes('.') && !/^(?:Dockerfile|Containerfile|Makefile|LICENSE|README|CODEOWNERS|Procfile|Gemfile|Rakefile|Jenkinsfile|Vagrantfile|Brewfile|OWNERS|AUTHORS|NOTICE|VERSION|CHANGELOG)$/i.test(b);
  },
  extract: (file) => guarded('shell', file, (out) => extractShell(file, out)),
};
