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
  /**
   * True when the new version still honours every old name as another name of the same
   * setting (a fallback `NEW ?? OLD`, urfave/cli `EnvVars("NEW", "OLD")`, a deprecation switch
   * that still reads OLD): the deployment works, and should move to `to` before the fallback
   * is removed. A rename is a break only when the configured name leaves the alias set.
   */
  honoured?: boolean;
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

/** Names a version reads in code at run time (declarations in `.env.example` do not count). */
function codeNames(c: Contract): Set<string> {
  const s = new Set<string>();
  for (const [name, e] of c.entries) if (e.reads.some((r) => !r.declaration && r.kind !== 'build-time')) s.add(name);
  return s;
}

function segments(name: string): string[] {
  return name.split(/_+/).filter(Boolean);
}

/** What the last segment of a name says the value is; undefined when it says nothing known. */
const SEG_CLASS: Record<string, string> = {
  HOST: 'address', HOSTNAME: 'address', PORT: 'address', ADDR: 'address', ADDRESS: 'address', SERVER: 'address', ENDPOINT: 'address',
  USER: 'credential', USERNAME: 'credential', PASSWORD: 'credential', PASS: 'credential', TOKEN: 'credential', SECRET: 'credential', KEY: 'credential',
  NAME: 'name', DB: 'name', DATABASE: 'name', DIR: 'path', PATH: 'path', FILE: 'path',
  TIMEOUT: 'duration', INTERVAL: 'duration', TTL: 'duration', ENABLED: 'switch', ENABLE: 'switch', DISABLED: 'switch',
};
const CONNECTION = new Set(['URL', 'URI', 'DSN', 'CONNECTION', 'CONN', 'ADDR', 'ADDRESS', 'ENDPOINT']);

/**
 * How much a removed and an added name look like one setting renamed (0 = not at all):
 * prefix insertion (`X_HOST` → `APP_X_HOST`), pluralisation (`KEY` → `KEYS`), shared segments
 * beyond a common product prefix, a merge of address parts into a connection string. Names
 * whose last segments say different things (`…_HOST` vs `…_NAME`) never pair.
 */
export function renameShape(from: string, to: string): number {
  if (from === to) return 0;
  const f = segments(from);
  const t = segments(to);
  const fl = f[f.length - 1] ?? '';
  const tl = t[t.length - 1] ?? '';
  const fc = SEG_CLASS[fl];
  const tc = SEG_CLASS[tl];
  if (to.endsWith('_' + from) || from.endsWith('_' + to)) return 10; // prefix inserted or dropped
  if (to === from + 'S' || from === to + 'S' || to === from + 'ES') return 9; // pluralisation
  if (fc && tc && fc !== tc && !CONNECTION.has(tl)) return 0;
  // segments in common, not counting a leading product prefix both share
  let start = 0;
  while (start < f.length && start < t.length && f[start] === t[start] && start < 1) start++;
  const rest = new Set(t.slice(start));
  let common = 0;
  for (const x of f.slice(start)) if (rest.has(x)) common++;
  let score = common * 2;
  if (fl === tl && fl) score += 2;
  if (CONNECTION.has(tl) && fc === 'address' && f.slice(0, -1).join('_') === t.slice(0, -1).join('_')) score += 3; // HOST+PORT → URL
  return score;
}

/** The last segments say different things (`…_HOST` vs `…_NAME`), and the new one is no connection string. */
function incompatible(from: string, to: string): boolean {
  const fc = SEG_CLASS[segments(from).pop() ?? ''];
  const tl = segments(to).pop() ?? '';
  const tc = SEG_CLASS[tl];
  return !!fc && !!tc && fc !== tc && !CONNECTION.has(tl);
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
  const oldCode = codeNames(oldC);
  const newCode = codeNames(newC);
  const honoured = new Map<string, boolean>(); // to → every from still read as an alias

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
  const add = (from: string, to: string, confidence: Confidence, reason: string, oldEv: Evidence[], newEv: Evidence[], stillHonoured = false): void => {
    if (from === to || used.has(from) || byTo.has(from)) return;
    honoured.set(to, (honoured.get(to) ?? true) && stillHonoured);
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

  // Alias sets of the old version: the names each fallback chain reads as one setting.
  const oldAliases = new Map<string, Set<string>>();
  for (const f of oldC.fallbacks) for (const n of f.names) oldAliases.set(n, new Set([...(oldAliases.get(n) ?? []), ...f.names]));

  // (a) fallback chains in the new version: NEW ?? OLD, where the old code did not read NEW
  // (an `.env.example` line naming NEW does not count) or read it only as an alias of OLD.
  // The old name is still honoured: the rename works and says so (info).
  for (const f of newC.fallbacks) {
    const to = f.names[0]!;
    if (!newNames.has(to)) continue;
    for (const from of f.names.slice(1)) {
      if (!oldNames.has(from) || from === to) continue;
      if (oldCode.has(to) && !oldAliases.get(to)?.has(from)) continue;
      if (oldAliases.get(to)?.has(from) && oldC.fallbacks.some((o) => o.names[0] === to && o.names.includes(from))) continue; // same chain before: nothing changed
      add(from, to, 'high', `fallback chain ${f.names.join(' → ')}: ${to} is read first, ${from} when it is unset`, codeEvidence(oldC, from), [f.evidence], true);
    }
  }

  // (d) deprecation markers in the new version: OLD is still read, NEW preferred.
  for (const [name, e] of newC.entries) {
    const repl = e.deprecated?.replacement;
    if (!repl || repl === name || !oldNames.has(name) || !newNames.has(repl)) continue;
    const hadMarker = oldC.entries.get(name)?.deprecated?.replacement === repl;
    if (!(addedSet.has(repl) || removedSet.has(name) || !hadMarker)) continue;
    const marked = e.reads.filter((r) => r.deprecated?.replacement === repl).map((r) => r.evidence);
    add(name, repl, 'high', `the source says ${name} is deprecated in favour of ${repl}`, codeEvidence(oldC, name), [...marked, ...codeEvidence(newC, repl)], newCode.has(name));
  }

  // (e) the old version's own word: OLD was deprecated in favour of NEW, or OLD was another
  // name of NEW's setting (`NEW ?? OLD`, `EnvVars("NEW", "OLD")`) — and the new version reads
  // NEW but no longer OLD: the old name left the alias set.
  for (const from of removed) {
    const e = oldC.entries.get(from);
    const repl = e?.deprecated?.replacement;
    if (repl && repl !== from && newNames.has(repl)) {
      const marked = e!.reads.filter((r) => r.deprecated?.replacement === repl).map((r) => r.evidence);
      add(from, repl, 'high', `${from} was deprecated in favour of ${repl}, and the new version no longer reads ${from}`, marked.length ? marked : codeEvidence(oldC, from), codeEvidence(newC, repl));
      continue;
    }
    for (const f of oldC.fallbacks) {
      if (!f.names.includes(from)) continue;
      // The setting's surviving name: the chain's first name when the new version reads it, else
      // the first other name of the set it still reads (urfave/cli v1 `EnvVar: "DRONE_HOST,APP_HOST"`
      // lists the legacy name first; the new version keeps APP_HOST only).
      // Another name is the setting's only when the old version read it nowhere without `from`
      // (every read of it is also a read of `from`: one flag's EnvVars); umami's
      // `HASH_SALT || DATABASE_URL` falls back to another setting, read on its own elsewhere.
      const fromEv = codeEvidence(oldC, from);
      const onlyHere = (n: string) => {
        const ev = codeEvidence(oldC, n);
        return ev.length > 0 && ev.every((e) => fromEv.some((x) => x.file === e.file && x.line === e.line));
      };
      const to = newNames.has(f.names[0]!) && f.names[0] !== from ? f.names[0] : f.names.find((n) => n !== from && newNames.has(n) && !removedSet.has(n) && onlyHere(n));
      if (!to) continue;
      add(from, to, 'high', `${from} was read as another name of ${to} (${f.names.join(' → ')}), and the new version no longer reads it`, [f.evidence], codeEvidence(newC, to));
      break;
    }
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
        // Pair by shape first (prefix insertion, pluralisation, shared segments), then by
        // position when the hunk removed and added as many names; a single removed and a
        // single added name pair unless their last segments say different things.
        const taken = new Set<string>();
        const best = new Map<string, string>();
        for (const from of goneNames) {
          const scored = cameNames.map((c) => ({ c, s: renameShape(from, c) })).filter((x) => x.s > 0).sort((a, b) => b.s - a.s);
          if (scored.length && (scored.length === 1 || scored[0]!.s > scored[1]!.s)) best.set(from, scored[0]!.c);
        }
        for (const from of goneNames) {
          let to: string | undefined;
          let confidence: Confidence = 'high';
          const shaped = best.get(from);
          const rivals = shaped ? [...best.entries()].filter(([f, c]) => c === shaped && f !== from && renameShape(f, c) >= renameShape(from, c)) : [];
          if (cameNames.length === 1 && goneNames.length <= 3) {
            to = cameNames[0];
            if (incompatible(from, to!)) continue; // HOST → …_NAME: not one setting
          } else if (shaped && !rivals.length && !taken.has(shaped)) {
            to = shaped;
            confidence = 'medium';
          } else if (goneNames.length === cameNames.length && !best.size) {
            const i = goneNames.indexOf(from);
            to = cameNames[i];
            if (incompatible(from, to!)) continue;
            confidence = 'medium';
          } else continue;
          taken.add(to!);
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
    const cands = added.filter((a) => a !== from && stem(a) === st && !incompatible(from, a));
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
      ...(honoured.get(r.to) && r.from.every((f) => newNames.has(f)) ? { honoured: true } : {}),
      from: [...r.from].sort(),
      // the old version's evidence first, then the new one's
      evidence: [...(evOld.get(r.to) ?? []).sort(byPlace), ...(evNew.get(r.to) ?? []).sort(byPlace)],
      oldEvidence: (evOld.get(r.to) ?? []).length,
    }))
    .sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return { added, removed, renames };
}
