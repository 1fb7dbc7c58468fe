/**
 * Provenance for rendered objects: every object/array node of a rendered body remembers
 * which source document (and which path in it) it came from, and a map may record that
 * one of its scalar entries was set elsewhere (a patch, a generator literal, a transformer).
 * Node identity survives list reordering by patches, so a rendered path maps back to the
 * path in the file a person edits.
 */
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, type Document, type Node } from 'yaml';
import { badAlias, badAliasMessage, safeYamlMessage } from '../sources/yaml-safe.js';
import { setOwn } from '../own.js';
import { GO_YAML_OPTIONS, goBlockScalars } from '../sources/yaml-compat.js';
import { composeAll } from '../sources/yaml-keys.js';
import { locateInDoc, type KObject, type PathSeg } from '../sources/yaml.js';

/** A source document: a file and a way to find the line of a path in it. */
export interface SrcDoc {
  file: string;
  /** Line of the document start. */
  line: number;
  lineOf(path: PathSeg[]): number | undefined;
  columnOf?(path: PathSeg[]): number | undefined;
  rangeOf?(path: PathSeg[]): [number, number] | undefined;
  /** The parsed value of the whole document, to check a rendered value still matches the text. */
  body?: unknown;
}

export interface Loc {
  file: string;
  line: number;
}

interface NodeProv {
  src: SrcDoc;
  path: PathSeg[];
  /** Scalar (or replaced) entries of this node set from elsewhere. */
  keys?: Map<string, Loc>;
}

const PROV = new WeakMap<object, NodeProv>();

const isObj = (v: unknown): v is Record<string, any> | any[] => v !== null && typeof v === 'object';

/** Tag `value` and every node under it as coming from `src` at `path`. */
export function tag<T>(value: T, src: SrcDoc, path: PathSeg[] = []): T {
  if (!isObj(value)) return value;
  PROV.set(value, { src, path });
  if (Array.isArray(value)) value.forEach((v, i) => tag(v, src, [...path, i]));
  else for (const k of Object.keys(value)) tag(value[k], src, [...path, k]);
  return value;
}

/** Record that `node[key]` was set at `loc` (a patch line, a literal line, a transformer field). */
export function setKeyLoc(node: object, key: string | number, loc: Loc | undefined): void {
  if (!loc) return;
  const p = PROV.get(node);
  if (!p) return;
  if (!p.keys) p.keys = new Map();
  p.keys.set(String(key), loc);
}

/** Give `to` (a new array/map replacing `from`) the provenance of `from`. */
export function sameProv<T extends object>(to: T, from: object): T {
  const p = PROV.get(from);
  if (p && !PROV.has(to)) PROV.set(to, { src: p.src, path: p.path, ...(p.keys ? { keys: new Map(p.keys) } : {}) });
  return to;
}

export function provOf(node: object): NodeProv | undefined {
  return PROV.get(node);
}

/** Deep clone, keeping provenance. */
export function cloneTagged<T>(value: T): T {
  if (!isObj(value)) return value;
  const out: any = Array.isArray(value) ? value.map((v) => cloneTagged(v)) : {};
  if (!Array.isArray(value)) for (const k of Object.keys(value)) setOwn(out, k, cloneTagged((value as any)[k]));
  const p = PROV.get(value);
  if (p) PROV.set(out, { src: p.src, path: p.path, ...(p.keys ? { keys: new Map(p.keys) } : {}) });
  return out;
}

/** Deep clone without provenance (for output). */
export function plain<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

interface Resolved {
  /** Where a person edits the value. */
  loc?: Loc;
  /** The source node path when the whole rendered path maps into one source document. */
  src?: SrcDoc;
  srcPath?: PathSeg[];
  exact: boolean;
}

function resolve(body: Record<string, any>, path: PathSeg[]): Resolved {
  let node: any = body;
  let np = PROV.get(body);
  let last: { src: SrcDoc; path: PathSeg[] } | undefined = np ? { src: np.src, path: np.path } : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const override = np?.keys?.get(String(seg));
    const child = isObj(node) ? (node as any)[seg] : undefined;
    if (isObj(child) && PROV.has(child)) {
      const cp = PROV.get(child)!;
      if (override && cp.src.file !== override.file && i === path.length - 1) {
        // A replaced subtree tagged from elsewhere than where it was set: prefer the setter.
        return { loc: override, ...(np ? { src: np.src, srcPath: [...np.path, seg] } : {}), exact: false };
      }
      node = child;
      np = cp;
      last = { src: cp.src, path: cp.path };
      continue;
    }
    // Set elsewhere (a patch, a transformer): edited there; the key's line in this node's
    // own file is still known, but its text no longer matches (not exact).
    if (override) return { loc: override, ...(np && i === path.length - 1 ? { src: np.src, srcPath: [...np.path, seg] } : {}), exact: false };
    if (i === path.length - 1 && np && child !== undefined) {
      return { src: np.src, srcPath: [...np.path, seg], exact: true };
    }
    return last ? { src: last.src, srcPath: last.path, exact: false } : { exact: false };
  }
  return last ? { src: last.src, srcPath: last.path, exact: true } : { exact: false };
}

function getAt(v: any, path: PathSeg[]): unknown {
  for (const s of path) {
    if (!isObj(v)) return undefined;
    v = (v as any)[s];
  }
  return v;
}

export interface RenderedInit {
  body: Record<string, any>;
  /** The document the object comes from (resource file, or the kustomization for generated ones). */
  src: SrcDoc;
  docIndex: number;
  generated?: KObject['generated'];
  app?: string;
}

/** A rendered object implementing KObject with provenance-aware positions. */
export function renderedObject(init: RenderedInit): KObject {
  const { body, src } = init;
  const meta = (body.metadata ?? {}) as Record<string, any>;
  const file = src.file;
  const obj: KObject = {
    apiVersion: String(body.apiVersion),
    kind: String(body.kind),
    name: String(meta.name ?? meta.generateName ?? ''),
    ...(typeof meta.namespace === 'string' && meta.namespace ? { namespace: meta.namespace } : {}),
    body,
    file,
    docIndex: init.docIndex,
    line: src.line,
    ...(init.generated ? { generated: init.generated } : {}),
    ...(init.app ? { app: init.app } : {}),
    locate(path) {
      const r = resolve(body, path);
      if (r.loc) return r.loc;
      if (r.src && r.srcPath) return { file: r.src.file, line: r.src.lineOf(r.srcPath) ?? r.src.line };
      return { file, line: src.line };
    },
    lineOf(path) {
      const r = resolve(body, path);
      if (!r.src || r.src.file !== file || !r.srcPath) return undefined;
      return r.src.lineOf(r.srcPath);
    },
    columnOf(path) {
      const r = resolve(body, path);
      if (!r.src || r.src.file !== file || !r.srcPath || !r.src.columnOf) return undefined;
      return r.src.columnOf(r.srcPath);
    },
    rangeOf(path) {
      const r = resolve(body, path);
      if (!r.exact || !r.src || r.src !== src || !r.srcPath || !r.src.rangeOf || r.src.body === undefined) return undefined;
      if (!isDeepStrictEqual(plainish(getAt(body, path)), plainish(getAt(r.src.body, r.srcPath)))) return undefined;
      return r.src.rangeOf(r.srcPath);
    },
  };
  return obj;
}

function plainish(v: unknown): unknown {
  return isObj(v) ? JSON.parse(JSON.stringify(v)) : v;
}

/** A SrcDoc for a KObject parsed from a file. */
export function srcOfObject(o: KObject): SrcDoc {
  return {
    file: o.file,
    line: o.line,
    lineOf: (p) => o.lineOf(p),
    columnOf: (p) => o.columnOf(p),
    rangeOf: (p) => o.rangeOf(p),
    body: o.body,
  };
}

/** Parsed YAML documents with line lookup, for kustomizations, patches and app manifests. */
export interface YamlDoc extends SrcDoc {
  body: unknown;
  docIndex: number;
}

function locateNode(doc: Document, path: PathSeg[]): Node | undefined {
  const hit = locateInDoc(doc, path);
  return hit ? (hit.key ?? hit.node) : undefined;
}

/** Parse every document of a YAML text; throws a plain Error with a line on broken YAML. */
export function parseYamlDocs(file: string, text: string): YamlDoc[] {
  const lc = new LineCounter();
  const out: YamlDoc[] = [];
  let i = 0;
  for (const doc of composeAll(text, lc, { keepSourceTokens: false, ...GO_YAML_OPTIONS })) {
    const docIndex = i++;
    const docText = () => text.slice(doc.range[0], doc.range[2]);
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      throw new YamlError(file, e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line, safeYamlMessage(e, docText()));
    }
    // A kustomization's secretGenerator literal may be written `*value`: never quoted.
    const alias = text.includes('*') ? badAlias(doc) : undefined;
    if (alias) throw new YamlError(file, lc.linePos(alias.offset).line, `column ${lc.linePos(alias.offset).col}: ${badAliasMessage(alias.problem)}`);
    goBlockScalars(doc, text);
    let body: unknown;
    try {
      body = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new YamlError(file, lc.linePos(doc.range[0]).line, safeYamlMessage(e, docText()));
    }
    if (body === null || body === undefined) continue;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lc.linePos(start).line;
    out.push({
      file,
      line,
      docIndex,
      body,
      lineOf(path) {
        const n = locateNode(doc, path);
        return n?.range ? lc.linePos(n.range[0]).line : undefined;
      },
    });
  }
  return out;
}

export class YamlError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}
