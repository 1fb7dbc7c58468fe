/**
 * Markdown: the PR comment, the job summary and `--format markdown`. A pure function of the
 * report: a heading with the counts, a table per workload (most severe first, in report order),
 * the suggested fixes, and what was not checked.
 *
 * With `maxLength` the text is cut at whole rows and blocks, never inside a table cell or a
 * code fence, and ends with a line saying how many findings are not shown and where to read
 * them (`moreUrl`, e.g. the job summary) — GitHub rejects comments over 65,536 characters.
 */
import type { Finding, Location, Report, Severity } from '../model.js';
import { summarize } from './json.js';
import { describeForeign, localFileLocations, repoRelative } from './sarif.js';
import { escapeMd, mdCode, mdLinkTarget, stripControls } from './escape.js';

/** GitHub's limit on an issue or PR comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65536;

export interface MarkdownOptions {
  /** First line, e.g. a hidden `<!-- marker -->` for a sticky comment. */
  marker?: string;
  /** Heading text; default `keydrift <command>`. */
  title?: string;
  /** Paragraphs shown under the counts (comment status, annotations not shown, ...). */
  notes?: string[];
  /** Cut below this many characters (UTF-16 code units, as GitHub counts). */
  maxLength?: number;
  /** Where the full report can be read when the text is cut. */
  moreUrl?: string;
  /** Prepended to repo-relative paths (see SarifOptions.pathPrefix). */
  pathPrefix?: string;
  /** A link for a file of the scanned repository, e.g. a blob URL at the head commit. */
  fileUrl?: (file: string, line?: number) => string | undefined;
}

export const ICON: Record<Severity, string> = { error: '🔴 error', warning: '🟡 warning', info: '🔵 info' };

// Every input-derived string goes through escape.ts: text, inline code, link targets.
export { escapeMd } from './escape.js';
const code = mdCode;

export function fenced(lang: string, body: string): string {
  const runs = stripControls(body, '\n\t').match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
  return `${fence}${lang}\n${stripControls(body, '\n\t').replace(/\n$/, '')}\n${fence}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function workloadTitle(w: string): string {
  // Kind/namespace/name → "Kind namespace/name"; cluster-scoped "Kind/-/name" → "Kind name".
  const [kind, ns, ...rest] = w.split('/');
  if (!rest.length) return w;
  return `${kind} ${ns === '-' ? '' : ns + '/'}${rest.join('/')}`;
}

function where(f: Finding, opts: MarkdownOptions): string {
  const local = localFileLocations(f);
  const l: Location | undefined = local[0];
  if (l) {
    const p = repoRelative(l.file!, opts.pathPrefix);
    const text = code(`${p}${l.line ? `:${l.line}` : ''}`);
    const raw = opts.fileUrl?.(p, l.line);
    const url = raw === undefined ? undefined : mdLinkTarget(raw);
    return url ? `[${text}](${url})` : text;
  }
  const other = f.locations[0];
  return other ? escapeMd(describeForeign(other)) : '';
}

export function row(f: Finding, opts: MarkdownOptions): string {
  return `| ${ICON[f.severity]} | ${code(f.check)} | ${f.container ? escapeMd(f.container) : ''} | ${f.key ? code(f.key) : ''} | ${where(f, opts)} | ${escapeMd(f.message)} |`;
}

export const TABLE_HEAD = '| Severity | Check | Container | Key | Where | What happens |\n|---|---|---|---|---|---|';

/** One finding's entry in the "Suggested fixes" block: its title line and its patch, each followed by a blank line. */
export function fixEntry(f: Finding): string {
  return `**${escapeMd(f.check)}${f.key ? ` ${code(f.key)}` : ''}**${f.fix ? `: ${escapeMd(f.fix)}` : ''}\n\n` + (f.patch ? `${fenced('diff', f.patch)}\n\n` : '');
}

export const FIXES_OPEN = '<details><summary>Suggested fixes</summary>\n\n';
export const FIXES_CLOSE = '</details>';

function fixes(fs: Finding[]): string | undefined {
  const items = fs.filter((f) => f.fix || f.patch);
  if (!items.length) return undefined;
  return FIXES_OPEN + items.map(fixEntry).join('') + FIXES_CLOSE;
}

export function header(report: Report, opts: MarkdownOptions): string {
  const s = summarize(report.findings);
  const n = report.findings.length;
  const w = report.checked.length;
  // `checked` lists workloads, except in a drift report, where it lists the objects compared.
  const unit = report.command === 'drift' ? ['object', 'compared'] : ['workload', 'checked'];
  const lines: string[] = [];
  if (opts.marker) lines.push(opts.marker);
  lines.push(`## ${escapeMd(opts.title ?? `keydrift ${report.command}`)}`, '');
  lines.push(
    n === 0
      ? `✅ No findings in ${plural(w, unit[0]!)} ${unit[1]}.`
      : `**${plural(s.error, 'error')}**, ${plural(s.warning, 'warning')}, ${s.info} info in ${plural(w, unit[0]!)} ${unit[1]}.`,
  );
  for (const note of opts.notes ?? []) lines.push('', note);
  return lines.join('\n');
}

function skippedBlock(report: Report): string | undefined {
  if (!report.skipped.length) return undefined;
  return ['### Not checked', '', ...report.skipped.map((s) => `- ${escapeMd(s.what)}: ${escapeMd(s.reason)}`)].join('\n');
}

/**
 * Findings grouped by workload — or, for findings about a cluster object and no workload (drift),
 * by that object — in report order (the report is already sorted).
 */
export function groupByWorkload(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const o = f.locations.find((l) => l.object)?.object;
    const k = f.workload ?? (o ? `${o.kind}/${o.namespace ?? '-'}/${o.name}` : '');
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return groups;
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const max = opts.maxLength ?? Infinity;
  const SEP = '\n\n';
  const total = report.findings.length;
  let shown = 0;
  let otherCut = false; // fixes or the "not checked" list left out
  let out = header(report, opts);
  const more = (omitted: number) =>
    `---\n⚠️ Cut to fit: ` +
    (omitted ? `${plural(omitted, 'finding')} ${omitted === 1 ? 'is' : 'are'} not shown here` : 'some suggested fixes or skipped items are not shown here') +
    (opts.moreUrl && mdLinkTarget(opts.moreUrl) ? `; the full report is in the [job summary](${mdLinkTarget(opts.moreUrl)}).` : '; the full report is in the job summary of this run.');
  // Room kept for the closing line, whatever the number in it.
  const reserve = SEP.length + more(total).length + 8;
  const fits = (extra: string) => out.length + extra.length + reserve <= max;
  let full = false;

  for (const [w, fs] of groupByWorkload(report.findings)) {
    const head = `${SEP}### ${w ? escapeMd(workloadTitle(w)) : 'Repository'}${SEP}${TABLE_HEAD}`;
    const rows = fs.map((f) => row(f, opts));
    if (!fits(head + '\n' + rows[0])) {
      full = true;
      break;
    }
    out += head;
    for (const r of rows) {
      if (!fits('\n' + r)) {
        full = true;
        break;
      }
      out += '\n' + r;
      shown++;
    }
    if (full) break;
    const fx = fixes(fs);
    if (fx) {
      if (fits(SEP + fx)) out += SEP + fx;
      else otherCut = true;
    }
  }
  const skip = skippedBlock(report);
  if (skip && fits(SEP + skip)) out += SEP + skip;
  else if (skip) otherCut = true;
  if (shown < total || otherCut) out += SEP + more(total - shown);
  out += '\n';
  if (out.length > max) {
    // Only a header longer than the limit gets here: cut it hard rather than exceed.
    out = out.slice(0, Math.max(0, max - 2)) + '…\n';
  }
  return out;
}
