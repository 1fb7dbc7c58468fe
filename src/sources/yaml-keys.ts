/**
 * Duplicate-key checking in linear time. The `yaml` library's own check (`uniqueKeys: true`)
 * compares each new key with every earlier key of its map: a ConfigMap with 40,000 keys took
 * 30 s, and a 21 MB line of 1.2 million keys never finished. Every YAML parse in keydrift
 * composes with `uniqueKeys: false` and calls this instead: one Set per map, the same error
 * (code DUPLICATE_KEY, "Map keys must be unique", at the repeated key) in the same place of
 * `doc.errors` (ordered by position).
 */
import { Composer, LineCounter, Parser, YAMLParseError, isAlias, isCollection, isMap, isPair, isScalar, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/**
 * Add a DUPLICATE_KEY error to `doc.errors` for every scalar key repeated in its map (as the
 * library's check does: keys equal when their parsed values are). With `lc`, errors get
 * `linePos` and the library's " at line L, column C" suffix, as `parseDocument` gives them.
 * Returns the number of duplicates found; `steps`, when given, counts the key look-ups (one
 * per key: the tests prove the check linear by it).
 */
export function checkUniqueKeys(doc: Document, lc?: LineCounter, steps?: { n: number }): number {
  const found: YAMLParseError[] = [];
  // Iterative walk: a deeply nested document must not overflow the stack here.
  const todo: unknown[] = [doc.contents];
  while (todo.length) {
    const node = todo.pop();
    if (!node || isAlias(node) || !isCollection(node)) continue;
    const seen = isMap(node) ? new Set<unknown>() : undefined;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const key = item.key;
        if (seen && isScalar(key)) {
          if (steps) steps.n++;
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            const err = new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', DUPLICATE_KEY_MESSAGE);
            if (lc) {
              err.linePos = [lc.linePos(at), lc.linePos(at + 1)];
              err.message += ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`;
            }
            found.push(err);
          } else seen.add(key.value);
        } else todo.push(key);
        todo.push(item.value);
      } else todo.push(item);
    }
  }
  if (found.length) {
    const all = [...doc.errors, ...found];
    // Stable sort by position: the first error is the one a reader meets first, as before.
    all.sort((a, b) => a.pos[0] - b.pos[0]);
    doc.errors.splice(0, doc.errors.length, ...all);
  }
  return found.length;
}

type ComposeOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** Every document of `text`, composed without the library's quadratic key check, then checked linearly. */
export function composeAll(text: string, lc: LineCounter, options: ComposeOptions = {}): Document.Parsed[] {
  const parser = new Parser(lc.addNewLine);
  const composer = new Composer({ ...options, uniqueKeys: false });
  const docs: Document.Parsed[] = [];
  for (const d of composer.compose(parser.parse(text), true, text.length)) {
    checkUniqueKeys(d);
    docs.push(d);
  }
  return docs;
}
