/**
 * Which lines of a manifest file may show a Secret's value, so that a suggested patch never
 * shows them as context. Decided from the text, conservatively: a document whose kind is a
 * Secret (SealedSecret, ExternalSecret, … or a `List` holding one), a document that fails to
 * parse and may be a Secret, a `secretGenerator` entry of a kustomization, and a string (an
 * inline patch) that declares a Secret or `stringData`.
 */
import { Composer, LineCounter, Parser, isPair, isScalar, visit, type Document } from 'yaml';
import { badAlias, mayHoldSecret } from './yaml-safe.js';

/** Inclusive 1-based line ranges. */
export type LineRange = [number, number];

function holdsSecretKind(v: unknown, depth = 0): boolean {
  if (!v || typeof v !== 'object' || depth > 8) return false;
  if (Array.isArray(v)) return v.some((x) => holdsSecretKind(x, depth + 1));
  const o = v as Record<string, unknown>;
  if (typeof o.kind === 'string' && /secret/i.test(o.kind)) return true;
  return Array.isArray(o.items) && o.items.some((x) => holdsSecretKind(x, depth + 1));
}

// Patches for several keys of one file ask about the same text: parse it once.
const CACHE = new Map<string, LineRange[]>();

export function secretLineRanges(text: string): LineRange[] {
  const hit = CACHE.get(text);
  if (hit) return hit;
  const r = compute(text);
  if (CACHE.size >= 32) CACHE.delete(CACHE.keys().next().value!);
  CACHE.set(text, r);
  return r;
}

function compute(text: string): LineRange[] {
  const lc = new LineCounter();
  const parser = new Parser(lc.addNewLine);
  const composer = new Composer({ keepSourceTokens: false, logLevel: 'silent' });
  const lineOf = (off: number) => lc.linePos(Math.min(off, text.length)).line;
  const endLineOf = (end: number) => lineOf(end > 0 && text[end - 1] === '\n' ? end - 1 : end);
  const out: LineRange[] = [];
  let docs: Document.Parsed[];
  try {
    docs = [...composer.compose(parser.parse(text), true, text.length)];
  } catch {
    return mayHoldSecret(text) ? [[1, Number.MAX_SAFE_INTEGER]] : [];
  }
  for (const doc of docs) {
    const [start, , end] = doc.range;
    const docText = text.slice(start, end);
    const whole: LineRange = [lineOf(start), endLineOf(end)];
    if (doc.errors.length || badAlias(doc)) {
      if (mayHoldSecret(docText)) out.push(whole);
      continue;
    }
    let body: unknown;
    try {
      body = doc.toJS({ maxAliasCount: 100 });
    } catch {
      if (mayHoldSecret(docText)) out.push(whole);
      continue;
    }
    if (holdsSecretKind(body)) {
      out.push(whole);
      continue;
    }
    if (!/secret|stringdata/i.test(docText)) continue;
    visit(doc, {
      Pair(_k, pair) {
        if (isPair(pair) && isScalar(pair.key) && /^secretGenerator$/i.test(String(pair.key.value))) {
          const from = pair.key.range?.[0] ?? start;
          const to = (pair.value as { range?: [number, number, number] } | null)?.range?.[2] ?? end;
          out.push([lineOf(from), endLineOf(to)]);
          return visit.SKIP;
        }
        return undefined;
      },
      Scalar(_k, s) {
        if (typeof s.value === 'string' && /kind:\s*["']?\w*secret|stringdata/i.test(s.value) && s.range) out.push([lineOf(s.range[0]), endLineOf(s.range[2])]);
      },
    });
  }
  return out;
}

/** Whether the lines [from, to] (1-based, inclusive) meet any of `ranges`. */
export function touches(ranges: LineRange[], from: number, to: number): boolean {
  return ranges.some(([a, b]) => from <= b && a <= to);
}
