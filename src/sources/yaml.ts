/**
 * Multi-document YAML → Kubernetes objects, keeping the file and line of every object
 * and every key. Positions are computed lazily from the parsed document, so loading costs
 * little more than a bare parse.
 */
import { LineCounter, isMap, isSeq, isPair, isScalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { GO_YAML_OPTIONS, goBlockScalars } from './yaml-compat.js';
import { composeAll } from './yaml-keys.js';
import type { Location } from '../model.js';
import { badAlias, badAliasMessage, safeYamlMessage } from './yaml-safe.js';

export type PathSeg = string | number;

/** A Kubernetes object read from a file, with lazy access to source positions. */
export interface KObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in the manifest; undefined when the manifest does not say. */
  namespace?: string;
  /** The object as plain data. */
  body: Record<string, any>;
  /** Repo-relative POSIX path. */
  file: string;
  /** 0-based index of the document in its file. */
  docIndex: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 1-based line of the key (for map entries) or item (for sequence entries) at `path`, in `file`. */
  lineOf(path: PathSeg[]): number | undefined;
  /**
   * Where a person edits the value at `path`: for objects read from a file, `file` and the
   * line of `path` (or of the object); for rendered objects (Kustomize generators, patches)
   * the file and line the value came from, which may be another file.
   */
  locate(path: PathSeg[]): { file: string; line: number };
  /**
   * Set on objects a Kustomize generator made: which generator, where it is declared, and
   * whether its name carries a content hash (a change to any key makes a new object).
   */
  generated?: { generator: 'configMapGenerator' | 'secretGenerator'; file: string; line: number; hashed: boolean };
  /** The app (ArgoCD Application, Flux Kustomization/HelmRelease, kustomization dir) that renders it. */
  app?: string;
  /** Character offsets [start, end) of the node at `path` in the file's text. */
  rangeOf(path: PathSeg[]): [number, number] | undefined;
  /** 1-based column of the key/item at `path`. */
  columnOf(path: PathSeg[]): number | undefined;
}

export interface YamlProblem {
  file: string;
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** Never quotes the text of a document that is or may be a Secret (see yaml-safe.ts). */
  message: string;
  /** Set when a render (kustomize build) failed rather than a YAML parse: the directory built and kustomize's cause. */
  render?: { dir: string; cause: string };
  /** 'cycle': a kustomization includes itself (nothing of its app can be built). */
  code?: 'cycle';
}

export interface ParsedFile {
  objects: KObject[];
  problems: YamlProblem[];
  /** Documents that parsed but are not Kubernetes objects (kustomization, values, …). */
  others: { docIndex: number; line: number; body: unknown }[];
}

/**
 * Per map, its pairs by key (the first wins, as a linear search would), so looking up every key
 * of a 40,000-key ConfigMap is linear, not quadratic. Parsed documents are never modified.
 */
const PAIRS = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  if (map.items.length < 16) return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
  let idx = PAIRS.get(map);
  if (!idx) {
    idx = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !idx.has(String(p.key.value))) idx.set(String(p.key.value), p as Pair);
    PAIRS.set(map, idx);
  }
  return idx.get(key);
}

/** Find the node at `path` and the node that "names" it (the key for map entries). */
export function locateInDoc(doc: Document, path: PathSeg[]): { node?: Node; key?: Node } | undefined {
  let cur: unknown = doc.contents;
  let key: Node | undefined;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = pairOf(cur as YAMLMap, String(seg));
      if (!pair) return undefined;
      key = pair.key as Node;
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg];
      if (item === undefined) return undefined;
      key = item as Node;
      cur = item;
    } else return undefined;
  }
  return { node: (cur ?? undefined) as Node | undefined, key };
}

export function isK8sObject(v: unknown): v is Record<string, any> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, any>;
  return (
    typeof o.apiVersion === 'string' &&
    typeof o.kind === 'string' &&
    !!o.metadata &&
    typeof o.metadata === 'object' &&
    (typeof o.metadata.name === 'string' || typeof o.metadata.generateName === 'string')
  );
}

/**
 * Parse one file. Broken documents become problems with a line, never exceptions; other
 * documents of the same file are still returned.
 */
export function parseManifests(file: string, text: string): ParsedFile {
  const lc = new LineCounter();
  let docs: Document.Parsed[] = [];
  try {
    // Duplicate keys are checked in linear time there (the library's own check is quadratic).
    docs = composeAll(text, lc, { keepSourceTokens: false, logLevel: 'error', ...GO_YAML_OPTIONS });
  } catch (e) {
    return { objects: [], others: [], problems: [{ file, line: 1, message: `YAML could not be parsed: ${safeYamlMessage(e, text)}` }] };
  }
  const objects: KObject[] = [];
  const problems: YamlProblem[] = [];
  const others: ParsedFile['others'] = [];
  const lineAt = (offset: number) => lc.linePos(offset).line;
  docs.forEach((doc, docIndex) => {
    const docText = () => text.slice(doc.range[0], doc.range[2]);
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = err.linePos?.[0] ?? lc.linePos(err.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, message: safeYamlMessage(err, docText()) });
      return;
    }
    // An alias to no anchor, or into its own anchor (a circular object): by position only.
    const alias = text.includes('*') ? badAlias(doc) : undefined;
    if (alias) {
      const pos = lc.linePos(alias.offset);
      problems.push({ file, line: pos.line, column: pos.col, message: badAliasMessage(alias.problem) });
      return;
    }
    let body: unknown;
    try {
      goBlockScalars(doc, text);
      body = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({ file, line: lineAt(doc.range[0]), message: safeYamlMessage(e, docText()) });
      return;
    }
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    if (body === null || body === undefined) return;
    if (!isK8sObject(body)) {
      others.push({ docIndex, line: lineAt(start), body });
      return;
    }
    const meta = body.metadata as Record<string, any>;
    objects.push({
      apiVersion: body.apiVersion,
      kind: body.kind,
      name: meta.name ?? meta.generateName,
      namespace: typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined,
      body,
      file,
      docIndex,
      line: lineAt(start),
      locate(path) {
        return { file, line: (path.length ? this.lineOf(path) : undefined) ?? lineAt(start) };
      },
      lineOf(path) {
        const hit = locateInDoc(doc, path);
        const n = hit?.key ?? hit?.node;
        return n?.range ? lineAt(n.range[0]) : undefined;
      },
      columnOf(path) {
        const hit = locateInDoc(doc, path);
        const n = hit?.key ?? hit?.node;
        return n?.range ? lc.linePos(n.range[0]).col : undefined;
      },
      rangeOf(path) {
        const n = locateInDoc(doc, path)?.node;
        return n?.range ? [n.range[0], n.range[1]] : undefined;
      },
    });
  });
  const out = { objects, problems, others };
  DOC_STARTS.set(out, docs.map((d) => d.range[0]));
  return out;
}

/** Where each document of a parse starts in its text (its `---`, else its first line), in order. */
const DOC_STARTS = new WeakMap<ParsedFile, number[]>();

/** The start offsets of the documents of a `parseManifests` result (for yaml-reuse.ts), undefined for other results. */
export function docStartsOf(p: ParsedFile): readonly number[] | undefined {
  return DOC_STARTS.get(p);
}

export function objLocation(o: KObject, path: PathSeg[] = [], note?: string): Location {
  const { file, line } = o.locate(path);
  return { file, line, repo: 'gitops', ...(note ? { note } : {}) };
}

export function objId(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}/${o.namespace ?? '-'}/${o.name}`;
}
