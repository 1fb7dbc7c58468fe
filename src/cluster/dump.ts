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
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8');
    const raws: Record<string, any>[] = [];
    let problem: string | undefined;
    try {
      const lc = new LineCounter();
      for (const d of parseAllDocuments(text, { uniqueKeys: false, lineCounter: lc })) {
        if ('errors' in d) checkUniqueKeys(d, lc);
        if ('errors' in d && d.errors.length) {
          problem = `line ${d.errors[0]!.linePos?.[0]?.line ?? '?'}: ${d.errors[0]!.message.split('\n')[0]}`;
          continue;
        }
        flatten(d.toJS({ maxAliasCount: 100 }), raws);
      }
    } catch (e) {
      problem = (e as Error).message.split('\n')[0];
    }
    // Never echo the text: a dump holds Secret values.
    if (problem) skipped.push({ what: `dump ${f}`, reason: `not read completely: ${problem.replace(/:\s.*$/, '') || 'YAML error'}` });
    for (const r of raws) {
      const o = toLiveObject(r, hasher);
      if (!o) continue;
      if (nss && o.namespace && !nss.has(o.namespace) && !['Application', 'Kustomization', 'HelmRelease'].includes(o.kind)) continue;
      objects.push(o);
    }
  }
  return { source: `dump ${p}`, objects, skipped, hasher };
}
