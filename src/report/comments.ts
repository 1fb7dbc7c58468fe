/**
 * A report that fits GitHub: split into several PR comments, or cut for the job summary. Pure
 * functions of the report, beside the Markdown reporter whose pieces they reuse (src/action only
 * posts what they return).
 *
 * Sizes are counted in UTF-8 bytes. GitHub limits a comment body to 65,536 characters and a job
 * summary to 1 MiB; a UTF-8 byte count is never smaller than the UTF-16 length (what the API
 * counts) nor than the number of code points, so a body within a byte budget is within the limit
 * however it is counted. The comment budget is 60,000 bytes, well below 65,536.
 *
 * PR comments (`splitComments`): the workloads' sections (an "app": one workload, or one cluster
 * object in a drift report) in report order, packed into as few comments as fit. A section that
 * fits one comment is never split; a bigger one is split at finding boundaries (a row and its
 * suggested fix stay together, a table or code fence is never cut), each piece with its heading
 * marked "continued". A single finding bigger than a comment has its patch (or its text) cut with
 * a note that names the full report. The first comment leads with the counts, a table per app
 * (errors, warnings, info, whether it fails the check, which comment it is in) and how many
 * comments follow. Every comment starts with the sticky marker, then its part marker
 * `<!-- keydrift:comment I/N -->`, by which a re-run finds and updates it in place.
 *
 * Job summary (`renderSummary`): the same first part, then whole sections in order while they
 * fit the 1 MiB budget; the apps left out are named in a closing note.
 */
import type { Finding, Report, Severity } from '../model.js';
import { SEVERITY_RANK } from '../model.js';
import { summarize } from './json.js';
import { escapeMd } from './escape.js';
import {
  fenced,
  FIXES_CLOSE,
  FIXES_OPEN,
  fixEntry,
  groupByWorkload,
  header,
  plural,
  row,
  TABLE_HEAD,
  workloadTitle,
  type MarkdownOptions,
} from './markdown.js';

/** A comment body's budget in UTF-8 bytes: below GitHub's 65,536 characters with room to spare. */
export const COMMENT_BUDGET = 60_000;
/** The job summary's budget in UTF-8 bytes: below GitHub's 1 MiB (1,048,576 bytes). */
export const SUMMARY_BUDGET = 1_000_000;
/** At most this many comments; what does not fit them is in the job summary and the artifact. */
export const MAX_COMMENTS = 20;

/** What a comment is measured in (see the file comment). */
export function sizeOf(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function partMarker(index: number, total: number | string): string {
  return `<!-- keydrift:comment ${index}/${total} -->`;
}

/**
 * Which part a comment body is, from the line after the sticky marker; a body with the sticky
 * marker and no part marker was written by the single-comment version: it is part 1.
 */
export function partOf(body: string, marker: string): number | undefined {
  if (!body.startsWith(marker)) return undefined;
  const m = body.slice(marker.length).match(/^\r?\n<!-- keydrift:comment (\d+)\/(\d+) -->/);
  return m ? Number(m[1]) : 1;
}

export type FailOn = Severity | 'never';

export interface SplitOptions extends Omit<MarkdownOptions, 'marker' | 'maxLength' | 'moreUrl'> {
  /** The sticky marker every comment starts with. */
  marker: string;
  /** Bytes per comment; default COMMENT_BUDGET. */
  budget?: number;
  /** Default MAX_COMMENTS. */
  maxComments?: number;
  /** What fails the check, for the per-app status; default 'error'. */
  failOn?: FailOn;
  /** Where the full report is, as Markdown that is already safe (the caller's own words and links). */
  fullReport?: string;
}

export interface SummaryOptions extends Omit<MarkdownOptions, 'marker' | 'maxLength' | 'moreUrl'> {
  /** Bytes; default SUMMARY_BUDGET. */
  budget?: number;
  failOn?: FailOn;
  fullReport?: string;
}

const SEP = '\n\n';
const DEFAULT_FULL = 'the full report is in the job summary of this run';

/** One finding as it is laid out: its table row and, when it has one, its suggested-fix entry. */
interface Unit {
  row: string;
  fix?: string;
}

interface App {
  key: string;
  title: string;
  findings: Finding[];
}

function apps(report: Report): App[] {
  return [...groupByWorkload(report.findings)].map(([key, findings]) => ({ key, title: key ? escapeMd(workloadTitle(key)) : 'Repository', findings }));
}

function unitOf(f: Finding, opts: MarkdownOptions): Unit {
  return { row: row(f, opts), ...(f.fix || f.patch ? { fix: fixEntry(f) } : {}) };
}

function sectionHead(app: App, continued: boolean): string {
  return `### ${app.title}${continued ? ' (continued)' : ''}${SEP}${TABLE_HEAD}`;
}

function renderSection(app: App, units: Unit[], continued: boolean): string {
  const fx = units.filter((u) => u.fix);
  return sectionHead(app, continued) + units.map((u) => '\n' + u.row).join('') + (fx.length ? SEP + FIXES_OPEN + fx.map((u) => u.fix).join('') + FIXES_CLOSE : '');
}

/** Sizes without rendering: a section is its head, its rows, and the fixes block when any unit has a fix. */
class SectionSize {
  private rows = 0;
  private fixes = 0;
  private anyFix = false;
  constructor(private readonly head: number) {}
  with(u: Unit): number {
    const fix = u.fix ? sizeOf(u.fix) : 0;
    const anyFix = this.anyFix || !!u.fix;
    return this.head + this.rows + 1 + sizeOf(u.row) + (anyFix ? SEP.length + sizeOf(FIXES_OPEN) + this.fixes + fix + sizeOf(FIXES_CLOSE) : 0);
  }
  add(u: Unit): void {
    this.rows += 1 + sizeOf(u.row);
    if (u.fix) {
      this.fixes += sizeOf(u.fix);
      this.anyFix = true;
    }
  }
}

/** Cut the text `s` to at most `n` characters, not inside a surrogate pair. */
function cutText(s: string, n: number): string {
  let t = s.slice(0, Math.max(0, n));
  if (/[\uD800-\uDBFF]$/.test(t)) t = t.slice(0, -1);
  return t;
}

/**
 * A finding bigger than `room` bytes (with its section head), cut to fit: first its patch, at
 * whole lines and with the fence closed, then its text. The cut is said where it is made.
 */
function truncateUnit(f: Finding, opts: MarkdownOptions, room: number, headSize: number, full: string): Unit {
  const fits = (u: Unit) => new SectionSize(headSize).with(u) <= room;
  const cutNote = (what: string) => `_✂️ ${what} is cut here to fit a comment; ${full}._\n\n`;
  if (f.patch) {
    const lines = f.patch.replace(/\n$/, '').split('\n');
    const withLines = (k: number): Unit => {
      const g: Finding = { ...f };
      delete g.patch;
      const title = fixEntry(g);
      const kept = k > 0 ? `${fenced('diff', lines.slice(0, k).join('\n'))}\n\n` : '';
      return { row: row(f, opts), fix: title + kept + cutNote(`The patch (${plural(lines.length - k, 'more line')})`) };
    };
    let lo = 0;
    let hi = lines.length - 1;
    if (fits(withLines(0))) {
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(withLines(mid))) lo = mid;
        else hi = mid - 1;
      }
      return withLines(lo);
    }
  }
  // Even without its patch the finding is too big: cut its message and fix text.
  const withText = (n: number): Unit => {
    const g: Finding = { ...f, message: cutText(f.message, n) };
    delete g.patch;
    if (g.fix) g.fix = cutText(g.fix, n);
    // The note is the caller's Markdown, outside the escaped text; the row still ends its last cell.
    const r = row(g, opts).replace(/ \|$/, `… _✂️ (cut to fit a comment; ${full})_ |`);
    return { row: r, ...(g.fix || f.patch ? { fix: fixEntry(g) + (f.patch ? cutNote('The patch') : '') } : {}) };
  };
  let lo = 0;
  let hi = Math.max(f.message.length, f.fix?.length ?? 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(withText(mid))) lo = mid;
    else hi = mid - 1;
  }
  return withText(lo);
}

function fails(fs: Finding[], failOn: FailOn): boolean {
  return failOn !== 'never' && fs.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}

/** The table of apps: counts, status, and (for comments) which comment holds the app. */
function appTable(list: App[], failOn: FailOn, where: ((i: number) => string) | undefined, maxBytes: number): string {
  const head = where ? '| App | Errors | Warnings | Info | Status | Comment |\n|---|---:|---:|---:|---|---|' : '| App | Errors | Warnings | Info | Status |\n|---|---:|---:|---:|---|';
  const line = (a: App, i: number, w: string | undefined) => {
    const s = summarize(a.findings);
    return `| ${a.title} | ${s.error} | ${s.warning} | ${s.info} | ${fails(a.findings, failOn) ? '❌ fails' : '✅ passes'} |${w !== undefined ? ` ${w} |` : ''}`;
  };
  // How many rows fit is decided with the widest placement text, so that it does not depend on the placement.
  let used = sizeOf(head);
  let n = 0;
  for (const a of list) {
    const s = sizeOf(line(a, n, where ? '99–99' : undefined)) + 1;
    if (used + s > maxBytes) break;
    used += s;
    n++;
  }
  const rows = list.slice(0, n).map((a, i) => line(a, i, where?.(i)));
  const rest = list.slice(n);
  if (rest.length) {
    const s = summarize(rest.flatMap((a) => a.findings));
    rows.push(`| … and ${plural(rest.length, 'more app')} | ${s.error} | ${s.warning} | ${s.info} | ${rest.some((a) => fails(a.findings, failOn)) ? '❌ fails' : '✅ passes'} |${where ? ' |' : ''}`);
  }
  return [head, ...rows].join('\n');
}

function statusLine(report: Report, failOn: FailOn): string {
  if (failOn === 'never') return '';
  const n = report.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]).length;
  return n ? `❌ The check fails: ${plural(n, 'finding')} at or above \`${failOn}\`.` : `✅ The check passes: no finding at or above \`${failOn}\`.`;
}

function skippedItems(report: Report): string[] {
  return report.skipped.map((s) => `- ${escapeMd(s.what)}: ${escapeMd(s.reason)}`);
}

/** "### Not checked" with as many items as fit `room` bytes; undefined when nothing fits or nothing was skipped. */
function skippedBlock(report: Report, room: number, full: string): string | undefined {
  const items = skippedItems(report);
  if (!items.length) return undefined;
  const head = '### Not checked\n';
  let out = head;
  let n = 0;
  const more = (k: number) => `\n- … and ${k} more; ${full}`;
  for (const it of items) {
    const reserve = n + 1 < items.length ? sizeOf(more(items.length)) : 0;
    if (sizeOf(out) + 1 + sizeOf(it) + reserve > room) break;
    out += '\n' + it;
    n++;
  }
  if (!n) return undefined;
  if (n < items.length) out += more(items.length - n);
  return out;
}

interface Part {
  pieces: string[];
  used: number;
}

/**
 * The report as PR comment bodies, in order, each at most `budget` bytes (see the file comment).
 * Always at least one body.
 */
export function splitComments(report: Report, opts: SplitOptions): string[] {
  const budget = opts.budget ?? COMMENT_BUDGET;
  const maxComments = Math.max(1, opts.maxComments ?? MAX_COMMENTS);
  const failOn = opts.failOn ?? 'error';
  const full = opts.fullReport ?? DEFAULT_FULL;
  const title = opts.title ?? `keydrift ${report.command}`;
  const list = apps(report);
  const md: MarkdownOptions = { ...opts, marker: opts.marker };
  // Room kept in every comment for what is added after packing: the closing note, digits.
  const reserve = 400 + sizeOf(full);
  const widest = String(maxComments);

  const first = (total: string, where: ((i: number) => string) | undefined) => {
    const lead = header(report, { ...md, marker: `${opts.marker}\n${partMarker(1, total)}`, title });
    const status = statusLine(report, failOn);
    const table = list.length ? appTable(list, failOn, where, Math.floor(budget / 3)) : '';
    const follow = Number(total) > 1 ? `📄 This report is in ${total} comments: this one and the ${Number(total) - 1 === 1 ? 'one' : Number(total) - 1} below it.` : '';
    return [lead, status, table, follow].filter(Boolean).join(SEP);
  };
  const cont = (i: number, total: string) =>
    `${opts.marker}\n${partMarker(i, total)}\n## ${escapeMd(title)} (${i}/${total})${SEP}Continued from the comment above.`;

  const firstSize = sizeOf(first(widest, list.length ? () => '99–99' : undefined));
  const contSize = sizeOf(cont(maxComments, widest));
  const parts: Part[] = [{ pieces: [], used: firstSize }];
  const placed: number[][] = list.map(() => []); // comment numbers each app is in
  let cur = parts[0]!;
  const room = () => budget - reserve - cur.used;
  let shownFindings = 0;
  let stopped = false;
  const newPart = (): boolean => {
    if (parts.length >= maxComments) return false;
    cur = { pieces: [], used: contSize };
    parts.push(cur);
    return true;
  };
  const put = (text: string, appIndex: number) => {
    cur.pieces.push(text);
    cur.used += SEP.length + sizeOf(text);
    if (!placed[appIndex]!.includes(parts.length)) placed[appIndex]!.push(parts.length);
  };

  for (let ai = 0; ai < list.length && !stopped; ai++) {
    const app = list[ai]!;
    const units = app.findings.map((f) => unitOf(f, md));
    const whole = new SectionSize(sizeOf(sectionHead(app, false)));
    let wholeSize = sizeOf(sectionHead(app, false));
    for (const u of units) {
      wholeSize = whole.with(u);
      whole.add(u);
    }
    if (SEP.length + wholeSize <= room()) {
      put(renderSection(app, units, false), ai);
      shownFindings += units.length;
      continue;
    }
    if (cur.pieces.length && SEP.length + wholeSize <= budget - reserve - contSize) {
      if (!newPart()) {
        stopped = true;
        break;
      }
      put(renderSection(app, units, false), ai);
      shownFindings += units.length;
      continue;
    }
    // Bigger than a comment: split at finding boundaries.
    let continued = false;
    let chunk: Unit[] = [];
    let size = new SectionSize(sizeOf(sectionHead(app, continued)));
    const flush = () => {
      if (!chunk.length) return;
      put(renderSection(app, chunk, continued), ai);
      shownFindings += chunk.length;
      continued = true;
      chunk = [];
      size = new SectionSize(sizeOf(sectionHead(app, continued)));
    };
    for (let fi = 0; fi < units.length; fi++) {
      let u = units[fi]!;
      if (SEP.length + size.with(u) <= room()) {
        chunk.push(u);
        size.add(u);
        continue;
      }
      flush();
      // A new comment, unless this one is still empty and no fresh comment would hold the finding either.
      const fresh = budget - reserve - contSize;
      if (cur.pieces.length || (SEP.length + size.with(u) > room() && SEP.length + size.with(u) <= fresh && parts.length === 1)) {
        if (!newPart()) {
          stopped = true;
          break;
        }
      }
      if (SEP.length + size.with(u) > room()) {
        const headSize = sizeOf(sectionHead(app, continued));
        u = truncateUnit(app.findings[fi]!, md, room() - SEP.length, headSize, full);
      }
      chunk.push(u);
      size.add(u);
    }
    if (!stopped) flush();
  }

  const notShown = report.findings.length - shownFindings;
  // What was not checked, after the last app: in the last comment if it fits, else in one more.
  if (report.skipped.length) {
    let skip = skippedBlock(report, room() - SEP.length, full);
    if (!skip && !stopped && parts.length < maxComments) {
      newPart();
      skip = skippedBlock(report, room() - SEP.length, full);
    }
    cur.pieces.push(skip ?? `ℹ️ ${plural(report.skipped.length, 'item')} not checked; ${full}.`);
  }
  if (notShown) cur.pieces.push(cutLine(notShown, maxComments, full));
  const total = String(parts.length);
  return parts.map((p, i) => {
    const head = i === 0 ? first(total, list.length ? (ai) => placement(placed[ai]!) : undefined) : cont(i + 1, total);
    return fitHard([head, ...p.pieces].join(SEP) + '\n', budget);
  });
}

function placement(p: number[]): string {
  if (!p.length) return 'not shown';
  return p.length === 1 ? `${p[0]}` : `${p[0]}–${p[p.length - 1]}`;
}

function cutLine(notShown: number, maxComments: number, full: string): string {
  return `---\n⚠️ ${plural(notShown, 'finding')} ${notShown === 1 ? 'is' : 'are'} not in these comments (at most ${maxComments} are written); ${full}.`;
}

/** A last guard: never over budget, even should a header alone be bigger (then cut hard). */
function fitHard(s: string, budget: number): string {
  if (sizeOf(s) <= budget) return s;
  let t = s.slice(0, budget - 4);
  while (sizeOf(t) > budget - 4) t = t.slice(0, -Math.max(1, Math.ceil((sizeOf(t) - budget + 4) / 3)));
  return cutText(t, t.length) + '…\n';
}

/**
 * The job summary: the counts, notes, the table of apps, then each app's whole section in order
 * while it fits `budget` bytes; the apps left out are named in a note that says where the full
 * report is. When not even the first app fits, it is shown cut at finding boundaries.
 */
export function renderSummary(report: Report, opts: SummaryOptions = {}): string {
  const budget = opts.budget ?? SUMMARY_BUDGET;
  const failOn = opts.failOn ?? 'error';
  const full = opts.fullReport ?? DEFAULT_FULL;
  const list = apps(report);
  const md: MarkdownOptions = { ...opts };
  const pieces: string[] = [header(report, md)];
  const status = statusLine(report, failOn);
  if (status) pieces.push(status);
  if (list.length > 1) pieces.push(appTable(list, failOn, undefined, Math.floor(budget / 4)));
  const omitted: App[] = [];
  const skipItems = skippedItems(report);
  const reserve = 2000 + sizeOf(full) + Math.min(20_000, skipItems.reduce((n, s) => n + sizeOf(s) + 1, 0));
  let used = pieces.reduce((n, p) => n + sizeOf(p) + SEP.length, 0);
  let shownAny = false;
  for (const app of list) {
    if (omitted.length) {
      omitted.push(app);
      continue;
    }
    const units = app.findings.map((f) => unitOf(f, md));
    const text = renderSection(app, units, false);
    if (used + SEP.length + sizeOf(text) <= budget - reserve) {
      pieces.push(text);
      used += SEP.length + sizeOf(text);
      shownAny = true;
      continue;
    }
    if (!shownAny) {
      // The first app alone is bigger than the summary: as many of its findings as fit.
      const size = new SectionSize(sizeOf(sectionHead(app, false)));
      const kept: Unit[] = [];
      for (const u of units) {
        if (used + SEP.length + size.with(u) > budget - reserve) break;
        kept.push(u);
        size.add(u);
      }
      if (kept.length) {
        pieces.push(renderSection(app, kept, false) + `\n\n⚠️ ${plural(units.length - kept.length, 'more finding')} of this workload ${units.length - kept.length === 1 ? 'is' : 'are'} not shown here; ${full}.`);
        used += SEP.length + sizeOf(pieces[pieces.length - 1]!);
        shownAny = true;
        continue;
      }
    }
    omitted.push(app);
  }
  if (omitted.length) {
    const n = omitted.reduce((k, a) => k + a.findings.length, 0);
    const names = omitted.slice(0, 50).map((a) => a.title);
    pieces.push(
      `---\n⚠️ Cut to fit the job summary's 1 MiB: ${plural(omitted.length, 'app')} (${plural(n, 'finding')}) not shown here: ${names.join(', ')}${omitted.length > names.length ? `, … and ${omitted.length - names.length} more` : ''}; ${full}.`,
    );
  }
  const usedNow = pieces.reduce((k, p) => k + sizeOf(p) + SEP.length, 0);
  const skip = skippedBlock(report, budget - usedNow - 100, full);
  if (skip) pieces.push(skip);
  return fitHard(pieces.join(SEP) + '\n', budget);
}
