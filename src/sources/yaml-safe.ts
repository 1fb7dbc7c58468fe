/**
 * YAML errors that never quote a secret. The yaml library's messages quote the source
 * ("Could not resolve tag: !a!<value>", "Unresolved alias …: <value>"), and a Secret value that
 * is itself not valid YAML would land in every report. Wherever a document is or may be a
 * Secret, an error is reported by position (line, column) and a fixed description of its
 * kind only. Also: aliases that point into their own anchor (a circular object) or at no
 * anchor are found here, in one pass, before anything converts the document.
 */
import { isAlias, isNode, visit, type Document, type LineCounter, type Node } from 'yaml';

/**
 * Whether a document's text is or may be a Secret, decided conservatively: any mention of a
 * Secret (`kind: Secret`, SealedSecret, ExternalSecret, a `secretGenerator`, `stringData`), or
 * no top-level `kind:` to classify it by (a kustomization, a fragment, a broken header).
 */
export function mayHoldSecret(text: string): boolean {
  if (/secret|stringdata/i.test(text)) return true;
  return !/^(?:kind|"kind"|'kind')[ \t]*:[ \t]*["']?[A-Za-z][\w.-]*["']?[ \t]*(?:#.*)?$/m.test(text) && !/^\s*\{?\s*"kind"\s*:\s*"[A-Za-z][\w.-]*"/m.test(text);
}

/** What each yaml error code means, in words that carry no source text. */
const DESCRIPTIONS = new Map<string, string>([
  ['ALIAS_PROPS', 'an alias cannot carry an anchor or a tag'],
  ['BAD_ALIAS', 'a malformed alias'],
  ['BAD_COLLECTION_TYPE', 'a tag that does not fit its collection'],
  ['BAD_DIRECTIVE', 'a malformed directive'],
  ['BAD_DQ_ESCAPE', 'an invalid escape sequence in a double-quoted string'],
  ['BAD_INDENT', 'bad indentation'],
  ['BAD_PROP_ORDER', 'an anchor and a tag in the wrong order'],
  ['BAD_SCALAR_START', 'a plain value that starts with a reserved character'],
  ['BLOCK_AS_IMPLICIT_KEY', 'a block value used as a key'],
  ['BLOCK_IN_FLOW', 'block syntax inside a flow collection'],
  ['DUPLICATE_KEY', 'a key that appears twice in one mapping'],
  ['IMPOSSIBLE', 'a structure that cannot be read'],
  ['KEY_OVER_1024_CHARS', 'an implicit key longer than 1024 characters'],
  ['MISSING_CHAR', 'a missing closing character'],
  ['MULTILINE_IMPLICIT_KEY', 'an implicit key that spans lines'],
  ['MULTIPLE_ANCHORS', 'a node with two anchors'],
  ['MULTIPLE_DOCS', 'more than one document where one is expected'],
  ['MULTIPLE_TAGS', 'a node with two tags'],
  ['NON_STRING_KEY', 'a key that is not a string'],
  ['RESOURCE_EXHAUSTION', 'too many aliases'],
  ['TAB_AS_INDENT', 'a tab used for indentation'],
  ['TAG_RESOLVE_FAILED', 'a tag that cannot be resolved'],
  ['UNEXPECTED_TOKEN', 'an unexpected token'],
]);

export interface SafeYamlError {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column?: number;
  message: string;
}

/** Position-only words for an error of the yaml library (a YAMLError, or an Error from toJS). */
export function genericDescription(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && DESCRIPTIONS.has(code)) return DESCRIPTIONS.get(code)!;
  const msg = e instanceof Error ? e.message : '';
  if (/^Unresolved alias/.test(msg)) return 'an alias that refers to no anchor defined before it';
  if (/alias count/i.test(msg)) return 'too many aliases';
  return 'invalid YAML';
}

/**
 * The message for a YAML error in a document with text `docText`: the library's first line
 * when the document certainly holds no Secret, else the position-only description.
 */
export function safeYamlMessage(e: unknown, docText: string): string {
  const first = e instanceof Error ? e.message.split('\n')[0]!.trim() : String(e).split('\n')[0]!;
  if (!mayHoldSecret(docText)) return first;
  return `${genericDescription(e)} (the text is not quoted: the document may hold a Secret)`;
}

/**
 * The first alias that points at no anchor defined before it, or into its own anchor's node
 * (which makes a circular object), with its offset. One pass over the document.
 */
export function badAlias(doc: Document): { offset: number; problem: 'unresolved' | 'circular' } | undefined {
  const anchors = new Map<string, Node>();
  let found: { offset: number; problem: 'unresolved' | 'circular' } | undefined;
  visit(doc, (_key, node) => {
    if (!isNode(node)) return undefined;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const at = node.range?.[0] ?? 0;
      if (!target) found = { offset: at, problem: 'unresolved' };
      else if (target.range && node.range && target.range[0] <= node.range[0] && node.range[1] <= target.range[1]) found = { offset: at, problem: 'circular' };
      return found ? visit.BREAK : undefined;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    return undefined;
  });
  return found;
}

/** The words for a bad alias: never its name (it may be a Secret value written as `*value`). */
export function badAliasMessage(problem: 'unresolved' | 'circular'): string {
  return problem === 'circular' ? 'an alias inside the node its anchor names (a circular reference)' : 'an alias that refers to no anchor defined before it';
}

/** Line and column (1-based) of an offset. */
export function positionOf(lc: LineCounter, offset: number): { line: number; column: number } {
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}
