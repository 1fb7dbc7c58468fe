/**
 * Human text: grouped by workload and container, most severe first. Colour only when the
 * caller says so (a TTY without NO_COLOR).
 */
import type { Finding, Location, Report } from '../model.js';
import { summarize } from './json.js';
import { forTerminal } from './escape.js';

export interface TextOptions {
  color: boolean;
}

const ANSI = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, green: 32 } as const;

export function formatLocation(l: Location): string {
  if (l.object) return `${l.object.kind} ${l.object.namespace ? l.object.namespace + '/' : ''}${l.object.name} (cluster)`;
  const where = `${l.file ?? '?'}${l.line ? `:${l.line}` : ''}`;
  const repo = l.repo && l.repo !== 'gitops' ? `${l.repo}${l.ref ? `@${l.ref}` : ''} ` : '';
  return `${repo}${where}${l.note ? `  (${l.note})` : ''}`;
}

export function renderText(input: Report, opts: TextOptions): string {
  // Names, keys and messages come from input: no escape sequence of theirs reaches the terminal.
  const report = forTerminal(input);
  const c = (code: number, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = (f: Finding) =>
    f.severity === 'error' ? c(ANSI.red, 'error  ') : f.severity === 'warning' ? c(ANSI.yellow, 'warning') : c(ANSI.blue, 'info   ');
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = f.workload ?? '(repository)';
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  for (const [w, fs] of groups) {
    lines.push(c(ANSI.bold, w === '(repository)' ? 'Repository' : w.replace(/\/-\//, '/')));
    let lastContainer: string | undefined;
    for (const f of fs) {
      if (f.container && f.container !== lastContainer) {
        lines.push(`  container ${f.container}`);
        lastContainer = f.container;
      }
      const ind = f.container ? '    ' : '  ';
      lines.push(`${ind}${sev(f)} ${c(ANSI.bold, f.check)}${f.key ? ` ${f.key}` : ''}`);
      lines.push(`${ind}  ${f.message}`);
      f.locations.forEach((l, i) => lines.push(`${ind}  ${i === 0 ? 'at ' : '   '}${formatLocation(l)}`));
      if (f.fix) lines.push(`${ind}  ${c(ANSI.green, 'fix:')} ${f.fix}`);
      if (f.patch) {
        lines.push(`${ind}  ${c(ANSI.dim, 'patch:')}`);
        for (const p of f.patch.replace(/\n$/, '').split('\n')) lines.push(`${ind}    ${p}`);
      }
    }
    lines.push('');
  }
  lines.push(...skippedLines(report, (s) => c(ANSI.bold, s)));
  const n = report.findings.length;
  const summary = `${findingCounts(report.findings)} in ${report.checked.length} workload${report.checked.length === 1 ? '' : 's'} checked`;
  lines.push(n === 0 ? c(ANSI.green, `keydrift ${report.command}: no findings; ${report.checked.length} workload${report.checked.length === 1 ? '' : 's'} checked`) : `keydrift ${report.command}: ${summary}`);
  return lines.join('\n') + '\n';
}

/** "3 findings (2 errors, 0 warnings, 1 info)". */
export function findingCounts(findings: Finding[]): string {
  const sum = summarize(findings);
  const n = findings.length;
  return `${n} finding${n === 1 ? '' : 's'} (${sum.error} error${sum.error === 1 ? '' : 's'}, ${sum.warning} warning${sum.warning === 1 ? '' : 's'}, ${sum.info} info)`;
}

/** The "Not checked" section: what keydrift could not look at, and why. */
export function skippedLines(report: Report, bold: (s: string) => string): string[] {
  if (!report.skipped.length) return [];
  return [bold('Not checked'), ...report.skipped.map((s) => `  - ${s.what}: ${s.reason}`), ''];
}
