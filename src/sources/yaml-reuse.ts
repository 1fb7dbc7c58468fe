/**
 * Parse a new version of a manifest file by re-parsing only the documents that changed (PR
 * mode: the base version of a file the head already parsed). A one-key change to a 600 KB
 * file of 300 documents parses one document, not 300.
 *
 * The two texts share a prefix and a suffix. The file is cut at document markers (`---` at the
 * start of a line) that lie inside them: every document before the first cut and after the
 * last one is the same text, and a `---` line ends the document before it whatever follows,
 * so those documents parse the same in both versions. They are taken from the earlier parse
 * (after the last cut: with their lines, offsets and document indexes shifted); the part
 * between the cuts is parsed alone and shifted into place. The result equals
 * `parseManifests(file, text)`: objects, bodies, document indexes, lines, columns, ranges,
 * other documents. Whenever that cannot be told for sure — YAML directives, a lone CR line
 * break, a problem in either version, a cut that is not where the earlier parse started a
 * document, an empty document the part alone would add — the whole text is parsed.
 */
import { docStartsOf, parseManifests, type KObject, type ParsedFile } from './yaml.js';

/** A `---` marker line starting at `i`: `---` then a space, tab or line break. */
function markerAt(t: string, i: number): boolean {
  if (i > 0 && t.charCodeAt(i - 1) !== 10) return false;
  if (!t.startsWith('---', i)) return false;
  const c = t.charCodeAt(i + 3);
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function newlines(t: string, from = 0, to = t.length): number {
  let n = 0;
  for (let i = t.indexOf('\n', from); i >= 0 && i < to; i = t.indexOf('\n', i + 1)) n++;
  return n;
}

/** How many of the sorted `starts` are below `x`. */
function below(starts: readonly number[], x: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `o` moved by `dLine` lines, `dOff` characters and `dDoc` documents (columns stay: cuts are at line starts). */
function shifted(o: KObject, dLine: number, dOff: number, dDoc: number): KObject {
  if (!dLine && !dOff && !dDoc) return o;
  return {
    ...o,
    docIndex: o.docIndex + dDoc,
    line: o.line + dLine,
    lineOf: (p) => {
      const l = o.lineOf(p);
      return l === undefined ? undefined : l + dLine;
    },
    locate: (p) => {
      const r = o.locate(p);
      return { file: r.file, line: r.line + dLine };
    },
    columnOf: (p) => o.columnOf(p),
    rangeOf: (p) => {
      const r = o.rangeOf(p);
      return r ? [r[0] + dOff, r[1] + dOff] : undefined;
    },
  };
}

/** A YAML directive (`%YAML`, `%TAG`) starts a line: its documents are not cut. */
const hasDirective = (t: string) => t.startsWith('%') || t.includes('\n%');
/** A CR that is not part of CRLF: a line break for YAML, not for the line counts here. */
const hasLoneCr = (t: string) => t.includes('\r') && /\r(?!\n)/.test(t);

/**
 * `parseManifests(file, text)`, reusing `prev` (the parse of `prev.text`, another version of the
 * same file) for the documents before and after the change.
 */
export function reparseManifests(file: string, text: string, prev: { text: string; parsed: ParsedFile }): ParsedFile {
  const fresh = () => parseManifests(file, text);
  const H = prev.text;
  const B = text;
  const starts = docStartsOf(prev.parsed);
  if (!starts || prev.parsed.problems.length || H === B) return fresh();
  if (hasDirective(H) || hasDirective(B) || hasLoneCr(H) || hasLoneCr(B)) return fresh();
  const n = Math.min(H.length, B.length);
  // Common prefix and suffix: whole blocks compared natively, then characters.
  const BLOCK = 4096;
  let p = 0;
  while (p + BLOCK <= n && H.slice(p, p + BLOCK) === B.slice(p, p + BLOCK)) p += BLOCK;
  while (p < n && H.charCodeAt(p) === B.charCodeAt(p)) p++;
  let s = 0;
  while (s + BLOCK <= n - p && H.slice(H.length - s - BLOCK, H.length - s) === B.slice(B.length - s - BLOCK, B.length - s)) s += BLOCK;
  while (s < n - p && H.charCodeAt(H.length - 1 - s) === B.charCodeAt(B.length - 1 - s)) s++;
  const delta = B.length - H.length;

  // First cut: the last marker whose `---` and the character after it are common to both.
  let c1 = 0;
  for (let i = H.lastIndexOf('---', p - 4); i >= 0; i = i > 0 ? H.lastIndexOf('---', i - 1) : -1) {
    if (markerAt(H, i) && i + 4 <= p) {
      c1 = i;
      break;
    }
  }
  // Last cut: the first marker in the common suffix whose line break before it is common too.
  let c2 = H.length;
  for (let i = H.indexOf('---', H.length - s + 1); i >= 0; i = H.indexOf('---', i + 1)) {
    if (markerAt(H, i)) {
      c2 = i;
      break;
    }
  }
  if (c1 === 0 && c2 === H.length) return fresh();
  // The earlier parse must have started documents exactly there.
  const iBefore = below(starts, c1);
  const iAfter = below(starts, c2);
  if ((c1 > 0 && starts[iBefore] !== c1) || (c2 < H.length && starts[iAfter] !== c2)) return fresh();

  const midText = B.slice(c1, c2 + delta);
  // Before the last cut the part ends at a `---`, as in the file (where a document ends, and so
  // its ranges, depend on that): parsed with one, the empty document it starts left out.
  const closed = c2 < H.length;
  const parseText = closed ? `${midText}---\n` : midText;
  const mid = parseText ? parseManifests(file, parseText) : { objects: [], problems: [], others: [] };
  const allStarts = parseText ? docStartsOf(mid) : [];
  if (!allStarts || mid.problems.length) return fresh();
  const filled = new Set([...mid.objects.map((o) => o.docIndex), ...mid.others.map((o) => o.docIndex)]);
  if (closed && (allStarts[allStarts.length - 1] !== midText.length || filled.has(allStarts.length - 1))) return fresh();
  const midStarts = closed ? allStarts.slice(0, -1) : allStarts;
  // A part that holds no document marker of its own where a document starts, and no content
  // there (only comments after `...`, say), is an empty document alone but not in the file.
  for (let i = 0; i < midStarts.length; i++) if (!filled.has(i) && !markerAt(midText, midStarts[i]!)) return fresh();

  const l1 = newlines(B, 0, c1);
  const dLine = newlines(midText) - newlines(H, c1, c2);
  const dDoc = midStarts.length - (iAfter - iBefore);
  const objects: KObject[] = [];
  const others: ParsedFile['others'] = [];
  for (const o of prev.parsed.objects) if (o.docIndex < iBefore) objects.push(o);
  for (const o of prev.parsed.others) if (o.docIndex < iBefore) others.push(o);
  for (const o of mid.objects) objects.push(shifted(o, l1, c1, iBefore));
  for (const o of mid.others) others.push({ ...o, docIndex: o.docIndex + iBefore, line: o.line + l1 });
  for (const o of prev.parsed.objects) if (o.docIndex >= iAfter) objects.push(shifted(o, dLine, delta, dDoc));
  for (const o of prev.parsed.others) if (o.docIndex >= iAfter) others.push({ ...o, docIndex: o.docIndex + dDoc, line: o.line + dLine });
  return { objects, problems: [], others };
}
