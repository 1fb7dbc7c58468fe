/**
 * `.keydrift.yaml` is checked against a JSON Schema before it is used: an unknown key or a
 * wrong type is exit 2 with file:line, what was expected, and "did you mean" for near misses
 * (`apps:` → `sources:`) — never silently ignored. The schema below is published as
 * schema/keydrift-config.v1.json (a test keeps the two equal) for editors through
 * yaml-language-server. Validated with ajv, the well-kept JSON Schema validator, so the file
 * editors use and the rules keydrift applies are one and the same.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { KeydriftError } from '../errors.js';

export const CONFIG_SCHEMA_ID = 'https://keydrift.dev/schema/keydrift-config.v1.json';

const source = {
  oneOf: [
    { type: 'string', description: 'A local path (relative to the GitOps repo root) or a git URL.' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', description: 'Local path of the source, relative to the GitOps repo root.' },
        git: { type: 'string', description: 'Git URL of the source.' },
        ref: {
          description: 'How an image tag maps to a git ref; {tag} is replaced (default: v{tag}, then {tag}).',
          oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
        },
        dir: { type: 'string', description: 'Sub-directory of a monorepo.' },
      },
      anyOf: [{ required: ['path'] }, { required: ['git'] }],
    },
  ],
};

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CONFIG_SCHEMA_ID,
  title: 'keydrift configuration (.keydrift.yaml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      description: 'Where the source of each image repository lives.',
      type: 'object',
      additionalProperties: source,
    },
  },
} as const;

/** Common misnamings of a key, besides spelling slips. */
const ALIASES: Record<string, string> = { apps: 'sources', images: 'sources', repos: 'sources', repositories: 'sources', mappings: 'sources', source: 'sources', url: 'git', repo: 'git', tag: 'ref', directory: 'dir', subdir: 'dir' };

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

export function didYouMean(key: string, allowed: string[]): string | undefined {
  const k = key.toLowerCase();
  const alias = ALIASES[k];
  if (alias && allowed.includes(alias)) return alias;
  const best = allowed.map((a) => [a, distance(k, a.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(1, Math.floor(best[0].length / 3)) ? best[0] : undefined;
}

let validator: ReturnType<Ajv['compile']> | undefined;

/** The YAML node at a JSON pointer path, and the key node when the last step is a key. */
function nodeAt(doc: Document, segs: string[], key?: string): Node | undefined {
  let n: unknown = doc.contents;
  for (const s of segs) {
    if (!isMap(n)) return undefined;
    n = n.items.find((p) => isScalar(p.key) && String(p.key.value) === s)?.value;
  }
  if (key !== undefined && isMap(n)) {
    const pair = n.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    return (pair?.key as Node | undefined) ?? undefined;
  }
  return (n as Node | undefined) ?? undefined;
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);

/** Throws a one-line KeydriftError (exit 2) when `body` does not follow the schema. */
export function validateConfig(text: string, file: string): void {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const body = doc.toJS() ?? {};
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(CONFIG_SCHEMA);
  if (validator(body)) return;
  // A source written as a mapping is not also wrong for not being a string (oneOf's first branch).
  const errors = ((validator.errors ?? []) as ErrorObject[]).filter(
    (x) => !(x.schemaPath.endsWith('/oneOf/0/type') && typeof valueAt(body, pointer(x.instancePath)) === 'object'),
  );
  // The most useful error first: an unknown key, then a wrong type, then the rest; deepest first.
  const rank = (e: ErrorObject) => (e.keyword === 'additionalProperties' ? 0 : e.keyword === 'type' ? 1 : e.keyword === 'required' ? 2 : 3);
  const e = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length)[0]!;
  const segs = pointer(e.instancePath);
  const where = segs.length ? segs.join('.') : 'the top level';
  let msg: string;
  let node: Node | undefined;
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const allowed = Object.keys(schemaAt(segs)?.properties ?? {});
    const hint = didYouMean(key, allowed);
    node = nodeAt(doc, segs, key);
    msg = `unknown key '${key}' in ${where} (expected ${allowed.map((a) => `'${a}'`).join(', ') || 'none'})${hint ? `; did you mean '${hint}'?` : ''}`;
  } else if (e.keyword === 'type') {
    node = nodeAt(doc, segs);
    msg = `${where} must be ${(e.params as { type: string }).type === 'object' ? 'a mapping' : `a ${(e.params as { type: string }).type}`} (got ${typeOf(valueAt(body, segs))})`;
  } else if (e.keyword === 'required' || e.keyword === 'anyOf') {
    node = nodeAt(doc, segs);
    msg = `${where} needs 'path' or 'git'`;
  } else {
    node = nodeAt(doc, segs);
    msg = `${where}: ${e.message ?? 'does not follow the schema'}`;
  }
  const line = node?.range ? lc.linePos(node.range[0]).line : 1;
  throw new KeydriftError(`${file}:${line}: ${msg} (schema: schema/keydrift-config.v1.json)`);
}

const pointer = (p: string): string[] => p.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function valueAt(body: unknown, segs: string[]): unknown {
  let v: any = body;
  for (const s of segs) v = v?.[s];
  return v;
}

/** The object schema that applies at a path, for the list of keys it allows. */
function schemaAt(segs: string[]): { properties?: Record<string, unknown> } | undefined {
  if (segs.length === 0) return CONFIG_SCHEMA;
  if (segs[0] === 'sources' && segs.length === 1) return { properties: {} };
  if (segs[0] === 'sources' && segs.length === 2) return source.oneOf[1] as { properties: Record<string, unknown> };
  return undefined;
}
