/**
 * Compares the contracts of two versions of one app: which runtime names were added and
 * removed, and which removed names were renamed to which added ones.
 *
 * Rename signals, strongest first (a name is used in at most one rename):
 * (a) a fallback chain in the new version `NEW ?? OLD` where OLD was read by the old version
 *     and NEW was not → high;
 * (d) a deprecation marker near a read of OLD in the new version ("deprecated, use NEW") → high;
 * (b) a removed read and an added read on changed lines of the same diff hunk of the same file
 *     (`diff.structuredPatch`, 3 lines of context like git; a file moved to another folder is
 *     matched by its file name when the old path no longer exists) → high;
 * (c) a shared stem: the part before the last `_` (`REDIS_HOST` + `REDIS_PORT` → `REDIS_URL`)
 *     → medium when exactly one added name has the stem; low when several do and exactly one of
 *     them looks like a connection string (`_URL`, `_URI`, `_DSN`, `_ADDR`, …); else none.
 * Several removed names that map to the same new name are grouped into one rename; its
 * confidence is that of its strongest member (`reasons` says which signal each name came from),
 * and its evidence lists the old version's reads first, then the new version's (`oldEvidence`
 * says how many are the old version's, so each is labelled with the ref where it says that).
 */
import { structuredPatch } from 'diff';
import type { FileTree } from '../sources/tree.js';
import type { Confidence, Contract, Evidence } from './model.js';

export interface Rename {
  from: string[];
  to: string;
  confidence: 'high' | 'medium' | 'low';
  reasons: string[];
  evidence: Evidence[];
  /** The first `oldEvidence` items of `evidence` are reads in the old version, the rest in the new one. */
  oldEvidence: number;
}

const CONF: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const CONNECTION_SUFFIX = /_(?:URL|URI|DSN|ADDR|ADDRESS|ENDPOINT|CONNECTION|CONNECTION_STRING|CONN)$/;

function runtimeNames(c: Contract): Set<string> {
  const s = new Set<string>();
  for (const [name, e] of c.entries) if (e.kind !== 'build-time') s.add(name);
  return s;
}

function stem(name: string): string | undefined {
  const i = name.lastIndexOf('_');
  return i > 0 ? name.slice(0, i) : undefined;
}

function codeEvidence(c: Contract, name: string): Evidence[] {
  const e = c.entries.get(name);
  if (!e) return [];
  const code = e.reads.filter((r) => !r.declaration && r.kind !== 'build-time');
  return (code.length ? code : e.reads).map((r) => r.evidence);
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Old/new line numbers of changed lines, per hunk. */
function changedLines(oldText: string, newText: string): { removed: Set<number>; added: Set<number> }[] {
  const patch = structuredPatch('old', 'new', oldText, newText, '', '', { context: 3 });
  return patch.hunks.map((h) => {
    const removed = new Set<number>();
    const added = new Set<number>();
    let o = h.oldStart;
    let n = h.newStart;
    for (const l of h.lines) {
      if (l.startsWith('-')) removed.add(o++);
      else if (l.startsWith('+')) added.add(n++);
      else if (l.startsWith(' ')) {
        o++;
        n++;
      }
    }
    return { removed, added };
  });
}

export async function compareContracts(
  oldC: Contract,
  newC: Contract,
  oldTree: FileTree | undefined,
  newTree: FileTree | undefined,
): Promise<{ added: string[]; removed: string[]; renames: Rename[] }> {
  const oldNames = runtimeNames(oldC);
  const newNames = runtimeNames(newC);
  const added = [...newNames].filter((n) => !oldNames.has(n)).sort();
  const removed = [...oldNames].filter((n) => !newNames.has(n)).sort();
  const addedSet = new Set(added);
  const removedSet = new Set(removed);

  const byTo = new Map<string, Rename>();
  // Evidence in the old and in the new version, kept apart: old first in the result.
  const evOld = new Map<string, Evidence[]>();
  const evNew = new Map<string, Evidence[]>();
  const used = new Set<string>(); // from-names already in a rename
  const addEv = (m: Map<string, Evidence[]>, to: string, evs: Evidence[]): void => {
    const list = m.get(to) ?? [];
    for (const e of evs) if (!list.some((x) => x.file === e.file && x.line === e.line && x.pattern === e.pattern)) list.push(e);
    m.set(to, list);
  };
  const add = (from: string, to: string, confidence: Confidence, reason: string, oldEv: Evidence[], newEv: Evidence[]): void => {
    if (from === to || used.has(from) || byTo.has(from)) return;
    used.add(from);
    let r = byTo.get(to);
    if (!r) {
      r = { from: [], to, confidence, reasons: [], evidence: [], oldEvidence: 0 };
      byTo.set(to, r);
    }
    r.from.push(from);
    if (CONF[confidence] > CONF[r.confidence]) r.confidence = confidence;
    r.reasons.push(reason);
    addEv(evOld, to, oldEv);
    addEv(evNew, to, newEv);
  };

  // (a) fallback chains in the new version: NEW ?? OLD.
  for (const f of newC.fallbacks) {
    const to = f.names[0]!;
    if (!addedSet.has(to)) continue;
    for (const from of f.names.slice(1)) {
      if (!oldNames.has(from) || from === to) continue;
      add(from, to, 'high', `fallback chain ${f.names.join(' → ')}: ${to} is read first, ${from} when it is unset`, codeEvidence(oldC, from), [f.evidence]);
    }
  }

  // (d) deprecation markers in the new version.
  for (const [name, e] of newC.entries) {
    const repl = e.deprecated?.replacement;
    if (!repl || repl === name || !oldNames.has(name) || !newNames.has(repl)) continue;
    const hadMarker = oldC.entries.get(name)?.deprecated?.replacement === repl;
    if (!(addedSet.has(repl) || removedSet.has(name) || !hadMarker)) continue;
    const marked = e.reads.filter((r) => r.deprecated?.replacement === repl).map((r) => r.evidence);
    add(name, repl, 'high', `the source says ${name} is deprecated in favour of ${repl}`, codeEvidence(oldC, name), [...marked, ...codeEvidence(newC, repl)]);
  }

  // (b) same diff hunk of the same file (needs both sources: a contract an image carries has none).
  if (removed.length && added.length && oldTree && newTree) {
    const oldFiles = new Map<string, { name: string; line: number; ev: Evidence }[]>();
    for (const name of removed) {
      for (const ev of codeEvidence(oldC, name)) {
        const l = oldFiles.get(ev.file) ?? [];
        l.push({ name, line: ev.line, ev });
        oldFiles.set(ev.file, l);
      }
    }
    const newFiles = new Map<string, { name: string; line: number; ev: Evidence }[]>();
    for (const name of added) {
      for (const ev of codeEvidence(newC, name)) {
        const l = newFiles.get(ev.file) ?? [];
        l.push({ name, line: ev.line, ev });
        newFiles.set(ev.file, l);
      }
    }
    // Pair files by path; an old file that no longer exists pairs with a new file of the same name.
    const pairs: [string, string][] = [];
    const newPaths = new Set(await newTree.list());
    for (const of of [...oldFiles.keys()].sort()) {
      if (newFiles.has(of)) pairs.push([of, of]);
      else if (!newPaths.has(of)) {
        const cands = [...newFiles.keys()].filter((nf) => basename(nf) === basename(of) && !oldFiles.has(nf));
        if (cands.length === 1) pairs.push([of, cands[0]!]);
      }
    }
    const oldTexts = await oldTree.readMany(pairs.map((p) => p[0]));
    const newTexts = await newTree.readMany(pairs.map((p) => p[1]));
    for (const [of, nf] of pairs) {
      const ot = oldTexts.get(of);
      const nt = newTexts.get(nf);
      if (ot === undefined || nt === undefined) continue;
      for (const h of changedLines(ot, nt)) {
        const gone = oldFiles.get(of)!.filter((x) => h.removed.has(x.line));
        const came = newFiles.get(nf)!.filter((x) => h.added.has(x.line));
        const goneNames = [...new Set(gone.map((x) => x.name))];
        const cameNames = [...new Set(came.map((x) => x.name))];
        if (!goneNames.length || !cameNames.length) continue;
        const where = of === nf ? of : `${of} → ${nf}`;
        for (const from of goneNames) {
          let to: string | undefined;
          let confidence: Confidence = 'high';
          if (cameNames.length === 1) to = cameNames[0];
          else {
            // Several new names in one hunk: pick the one sharing the stem, if exactly one does.
            const st = stem(from);
            const same = cameNames.filter((c) => st && stem(c) === st);
            if (same.length === 1) to = same[0];
            else continue;
            confidence = 'medium';
          }
          add(
            from,
            to!,
            confidence,
            `${from} removed and ${to} added in the same diff hunk of ${where}`,
            gone.filter((x) => x.name === from).map((x) => x.ev),
            came.filter((x) => x.name === to).map((x) => x.ev),
          );
        }
      }
    }
  }

  // (c) shared stem.
  for (const from of removed) {
    if (used.has(from)) continue;
    const st = stem(from);
    if (!st) continue;
    const cands = added.filter((a) => a !== from && stem(a) === st);
    let to: string | undefined;
    let confidence: Confidence = 'medium';
    // Prefer a name a rename already points to.
    const existing = cands.filter((c) => byTo.has(c));
    if (existing.length === 1) to = existing[0];
    else if (cands.length === 1) to = cands[0];
    else {
      const conn = cands.filter((c) => CONNECTION_SUFFIX.test(c));
      if (conn.length === 1) {
        to = conn[0];
        confidence = 'low';
      }
    }
    if (!to) continue;
    add(from, to, confidence, `${from} removed and ${to} added share the stem ${st}_`, codeEvidence(oldC, from), codeEvidence(newC, to));
  }

  const byPlace = (a: Evidence, b: Evidence): number => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line);
  const renames = [...byTo.values()]
    .map((r) => ({
      ...r,
      from: [...r.from].sort(),
      // the old version's evidence first, then the new one's
      evidence: [...(evOld.get(r.to) ?? []).sort(byPlace), ...(evNew.get(r.to) ?? []).sort(byPlace)],
      oldEvidence: (evOld.get(r.to) ?? []).length,
    }))
    .sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return { added, removed, renames };
}
