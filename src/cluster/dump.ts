/**
 * A cluster snapshot from a dump: `kubectl get configmaps,secrets,applications -A -o yaml`
 * output (a `List`, or any `*List`), single objects, multi-document YAML or JSON — one file
 * or a directory of them. Secret values are digested on reading, like live ones.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { checkUniqueKeys } from '../sources/yaml-keys.js';
import { KeydriftError } from '../errors.js';
import type { Skip } from '../model.js';
import { SecretHasher } from './secret-digest.js';
import { badAlias, badAliasMessage, genericDescription } from '../sources/yaml-safe.js';
import { toLiveObject, type LiveObject, type LiveSnapshot } from './live.js';

const DUMP_RE = /\.(ya?ml|json)$/i;

async function filesOf(p: string): Promise<string[]> {
  let st;
  try {
    st = await fs.stat(p);
  } catch {
    throw new KeydriftError(`--cluster-dump ${p}: no such file or directory`);
  }
  if (st.isFile()) return [p];
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) await walk(f);
      else if (e.isFile() && DUMP_RE.test(e.name)) out.push(f);
    }
  };
  await walk(p);
  return out;
}

/** A Kubernetes object (kind, metadata.name) or a list of them (`kind: List`, `ConfigMapList`, … with `items`). */
function isDumpDoc(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Record<string, any>;
  if (typeof d.kind !== 'string' || !d.kind) return false;
  if ((d.kind === 'List' || d.kind.endsWith('List')) && Array.isArray(d.items)) return true;
  return !!d.metadata && typeof d.metadata === 'object' && typeof d.metadata.name === 'string';
}

function flatten(doc: unknown, out: Record<string, any>[]): void {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return;
  const d = doc as Record<string, any>;
  if (typeof d.kind === 'string' && (d.kind === 'List' || d.kind.endsWith('List')) && Array.isArray(d.items)) {
    // Items of a typed list (`ConfigMapList`) may carry no kind of their own.
    const itemKind = d.kind === 'List' ? undefined : d.kind.slice(0, -4);
    for (const it of d.items) {
      if (it && typeof it === 'object' && itemKind) {
        it.kind ??= itemKind;
        it.apiVersion ??= d.apiVersion;
      }
      flatten(it, out);
    }
    return;
  }
  out.push(d);
}

export async function readClusterDump(p: string, opts: { namespaces?: string[] } = {}, hasher = new SecretHasher()): Promise<LiveSnapshot> {
  const files = await filesOf(p);
  if (files.length === 0) throw new KeydriftError(`--cluster-dump ${p}: no .yaml, .yml or .json files`);
  const objects: LiveObject[] = [];
  const skipped: Skip[] = [];
  const nss = opts.namespaces?.length ? new Set(opts.namespaces) : undefined;
  // Fail closed: a dump in which nothing is a Kubernetes object or list (random bytes, a
  // file of another kind) is not an empty cluster; comparing with it would say "no drift".
  let recognised = false;
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8');
    const raws: Record<string, any>[] = [];
    let problem: string | undefined;
    let foreign = 0;
    try {
      const lc = new LineCounter();
      for (const d of parseAllDocuments(text, { uniqueKeys: false, lineCounter: lc })) {
        if ('errors' in d) checkUniqueKeys(d, lc);
        if ('errors' in d && d.errors.length) {
          // Never echo the text (a dump holds Secret values): the line and the kind of error only.
          problem ??= `line ${d.errors[0]!.linePos?.[0]?.line ?? '?'}: ${genericDescription(d.errors[0])}`;
          continue;
        }
        const alias = badAlias(d);
        if (alias) {
          problem ??= `line ${text.slice(0, alias.offset).split('\n').length}: ${badAliasMessage(alias.problem)}`;
          continue;
        }
        const js = d.toJS({ maxAliasCount: 100 });
        if (js === null || js === undefined) continue;
        if (isDumpDoc(js)) recognised = true;
        else foreign++;
        flatten(js, raws);
      }
    } catch (e) {
      problem ??= genericDescription(e);
    }
    if (!problem && foreign) problem = `${foreign} document${foreign === 1 ? ' is' : 's are'} not a Kubernetes object or list`;
    if (problem) skipped.push({ what: `dump ${f}`, reason: `not read completely: ${problem}` });
    for (const r of raws) {
      const o = toLiveObject(r, hasher);
      if (!o) continue;
      if (nss && o.namespace && !nss.has(o.namespace) && !['Application', 'Kustomization', 'HelmRelease'].includes(o.kind)) continue;
      objects.push(o);
    }
  }
  if (!recognised) {
    const why = skipped[0] ? ` (${skipped[0].what.replace(/^dump /, '')}: ${skipped[0].reason.replace(/^not read completely: /, '')})` : '';
    throw new KeydriftError(`--cluster-dump ${p}: not a cluster dump: no Kubernetes object or list in it${why}`);
  }
  return { source: `dump ${p}`, objects, skipped, hasher };
}
