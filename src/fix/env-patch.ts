/**
 * Suggested fixes as unified diffs against the manifest a person edits. A patch is only
 * written where its text cannot carry a secret: never against a file that declares a
 * Secret (its context lines could show a value).
 */
import { createTwoFilesPatch } from 'diff';
import type { Snapshot } from '../sources/snapshot.js';
import type { ContainerRef } from '../resolve/workloads.js';
import { secretLineRanges } from '../sources/secret-lines.js';
import { own } from '../own.js';
import { chooseScheme } from './url-scheme.js';
import type { Driver } from './drivers.js';

export interface NewEnv {
  name: string;
  value: string;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

export function fileHasSecret(snap: Snapshot, file: string): boolean {
  if (snap.objects.some((o) => o.file === file && /secret/i.test(o.kind))) return true;
  // Also what the objects do not show: a Secret inside a List, a Secret document that does not parse.
  const text = snap.texts.get(file);
  return text !== undefined && secretLineRanges(text).length > 0;
}

export function unifiedDiff(file: string, before: string, after: string): string {
  const p = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
  return p.replace(/^=+\n/, '');
}

/**
 * A patch that appends env entries to a container (creating `env:` when it has none).
 * Returns undefined when the manifest's layout does not allow a safe textual edit.
 */
export function envPatch(snap: Snapshot, c: ContainerRef, entries: NewEnv[]): string | undefined {
  const w = c.workload;
  const text = snap.texts.get(w.file);
  if (text === undefined || entries.length === 0 || fileHasSecret(snap, w.file)) return undefined;
  const q = (s: string) => JSON.stringify(s);
  let insertAt: number;
  let block: string;
  const env = c.spec.env;
  if (Array.isArray(env) && env.length > 0) {
    const first = w.rangeOf([...c.path, 'env', 0]);
    const last = w.rangeOf([...c.path, 'env', env.length - 1]);
    if (!first || !last) return undefined;
    const firstLine = text.slice(lineStart(text, first[0]), lineEnd(text, first[0]));
    const m = /^(\s*)-(\s+)/.exec(firstLine);
    if (!m) return undefined; // flow style: no safe textual edit
    const dash = m[1]!;
    const pad = ' '.repeat(1 + m[2]!.length);
    insertAt = lineEnd(text, Math.max(last[1] - 1, last[0]));
    block = entries.map((e) => `${dash}-${m[2]}name: ${e.name}\n${dash}${pad}value: ${q(e.value)}\n`).join('');
  } else if (env === undefined) {
    const node = w.rangeOf(c.path);
    const nameRange = w.rangeOf([...c.path, 'name']);
    if (!node || !nameRange) return undefined;
    const nameKeyCol = w.columnOf([...c.path, 'name']);
    if (!nameKeyCol) return undefined;
    // A block-style container map: keys sit at the column of `name`.
    const ind = ' '.repeat(nameKeyCol - 1);
    const nameLine = text.slice(lineStart(text, nameRange[0]), lineEnd(text, nameRange[0]));
    if (!/^\s*-?\s*name\s*:/.test(nameLine)) return undefined;
    insertAt = lineEnd(text, Math.max(node[1] - 1, node[0]));
    block = `${ind}env:\n` + entries.map((e) => `${ind}  - name: ${e.name}\n${ind}    value: ${q(e.value)}\n`).join('');
  } else return undefined;
  // A file without a final newline: keep lines whole.
  let before = text;
  if (insertAt === text.length && !text.endsWith('\n')) {
    before = text;
    block = '\n' + block.replace(/\n$/, '');
  }
  const after = before.slice(0, insertAt) + block + before.slice(insertAt);
  return unifiedDiff(w.file, text, after);
}

export interface ValueHints {
  /**
   * What the container already gets, by name: `value` only for clear values (literal or
   * ConfigMap); Secret-derived names are referenced by `$(NAME)`, their values never read.
   */
  provided?: Map<string, { value?: string; secret: boolean }>;
  /** The default the new version's code writes for the new name (code, not a secret). */
  newDefault?: string;
  /** Driver schemes the app's dependency files declare (see drivers.ts). */
  drivers?: Driver[];
}

export interface BuiltValue {
  value: string;
  /** Where the scheme came from, in words; absent when `placeholder` is set. */
  schemeFrom?: string;
  /** Set when nothing told the scheme: `value` holds this placeholder, to be replaced. */
  placeholder?: string;
}

/** What a value must not be guessed as: a user replaces it before applying. */
export const SCHEME_PLACEHOLDER = 'REPLACE-WITH-SCHEME';

/**
 * A value for a new name built from the old ones with `$(NAME)` expansion, so the new key
 * carries the same configuration: HOST+PORT → URL, or a plain 1:1 rename. The URL scheme
 * comes from what is known (url-scheme.ts), else a placeholder the caller must call out.
 * Credentials are `$(NAME)` references to names the container already gets — among the old
 * names, or `<STEM>_USER`/`<STEM>_PASSWORD` it gets from a Secret — never inlined.
 */
export function valueFromOldNames(newName: string, oldNames: string[], hints: ValueHints = {}): BuiltValue | undefined {
  const stem = newName.replace(/_(URL|URI|DSN|ADDR|ADDRESS|ENDPOINT)$/, '');
  const find = (...suffixes: string[]) => oldNames.find((n) => suffixes.some((s) => n === `${stem}_${s}`));
  const host = stem === newName ? undefined : find('HOST', 'HOSTNAME', 'SERVER', 'ADDR');
  // A plain 1:1 rename carries the value over; a host alone becomes a URL's host.
  if (oldNames.length === 1 && !host) return { value: `$(${oldNames[0]})` };
  if (!host) return undefined;
  const port = find('PORT');
  // Credentials: among the old names, else ones the container gets from a Secret.
  const credential = (...suffixes: string[]) =>
    find(...suffixes) ??
    suffixes.map((s) => `${stem}_${s}`).find((n) => hints.provided?.get(n)?.secret === true);
  const user = credential('USER', 'USERNAME');
  const pass = credential('PASSWORD', 'PASS');
  const db = find('DB', 'DATABASE', 'NAME', 'DBNAME');
  const portValue = port ? hints.provided?.get(port) : undefined;
  const choice = chooseScheme({
    stem,
    ...(hints.newDefault !== undefined ? { newDefault: hints.newDefault } : {}),
    ...(port && portValue && !portValue.secret && portValue.value !== undefined ? { port: { name: port, value: portValue.value } } : {}),
    ...(hints.drivers ? { drivers: hints.drivers } : {}),
  });
  const scheme = choice?.scheme ?? SCHEME_PLACEHOLDER;
  const auth = user ? `$(${user})${pass ? `:$(${pass})` : ''}@` : pass ? `:$(${pass})@` : '';
  const hostPort = `$(${host})${port ? `:$(${port})` : ''}`;
  const pathPart = db ? `/$(${db})` : scheme === 'redis' ? '/0' : '';
  const value = `${scheme}://${auth}${hostPort}${pathPart}`;
  return choice ? { value, schemeFrom: choice.from } : { value, placeholder: SCHEME_PLACEHOLDER };
}
