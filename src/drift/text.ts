/**
 * The drift report as human text: grouped by app (GitOps owner), newest manual change
 * first, each finding with who/when, its fate in words, where it lives and the git patch.
 * A pure function of the report; colour only when asked.
 */
import type { Finding, Location, Report } from '../model.js';
import { findingCounts, skippedLines } from '../report/text.js';
import { forTerminal } from '../report/escape.js';

const ANSI = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, green: 32 } as const;

function loc(l: Location): string {
  if (l.object) return `${l.object.kind} ${l.object.namespace ? l.object.namespace + '/' : ''}${l.object.name} (cluster)`;
  return `${l.file ?? '?'}${l.line ? `:${l.line}` : ''}${l.note ? `  (${l.note})` : ''}`;
}

export function renderDriftText(input: Report & { sources?: { git: string; live: string } }, opts: { color: boolean }): string {
  // Names, keys, managers and messages come from input: no escape sequence reaches the terminal.
  const report = forTerminal(input);
  const c = (code: number, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = (f: Finding) => (f.severity === 'error' ? c(ANSI.red, 'error  ') : f.severity === 'warning' ? c(ANSI.yellow, 'warning') : c(ANSI.blue, 'info   '));
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const app = String((f.details as { app?: string } | undefined)?.app ?? 'no GitOps owner found');
    groups.set(app, [...(groups.get(app) ?? []), f]);
  }
  const lines: string[] = [];
  if (report.sources) lines.push(c(ANSI.dim, `${report.sources.git} vs ${report.sources.live}`), '');
  if (report.findings.some((f) => (f.details as { time?: string } | undefined)?.time))
    lines.push(c(ANSI.dim, "Apps and changes ordered by the newest manual change, as managedFields know it: each field manager's last write to the object (they keep no time per key)."), '');
  // One object's manual changes share one patch: print it once.
  const printed = new Map<string, string>();
  for (const [app, fs] of groups) {
    lines.push(c(ANSI.bold, app));
    for (const f of fs) {
      const d = (f.details ?? {}) as Record<string, any>;
      lines.push(`  ${sev(f)} ${c(ANSI.bold, f.check)}${f.key ? ` ${f.key}` : ''}  ${c(ANSI.dim, String(d.object ?? ''))}`);
      lines.push(`    ${f.message}`);
      if (d.manager) lines.push(`    who:  ${d.manager} (${d.operation || '?'})${d.managerClass === 'gitops' ? ' — GitOps' : ''}${d.time ? `; its last write to this object: ${d.time}` : ''}${d.lastSync ? `; last sync of the app: ${d.lastSync.finishedAt}` : ''}${d.history?.deployedBy ? `; git's state of the object last deployed by sync${d.history.deployedBy.id !== undefined ? ` ${d.history.deployedBy.id}` : ''} at ${d.history.deployedBy.deployedAt}${d.history.editedAfterSync ? ', edited since' : ''}` : ''}`);
      if (d.fate?.when) lines.push(`    fate: ${d.fate.outcome}, ${d.fate.when}`);
      f.locations.forEach((l, i) => lines.push(`    ${i === 0 ? 'at   ' : '     '} ${loc(l)}`));
      if (f.fix) lines.push(`    ${c(ANSI.green, 'fix:')} ${f.fix}`);
      const seen = f.patch ? printed.get(f.patch) : undefined;
      if (f.patch && seen) lines.push(`    ${c(ANSI.dim, 'patch:')} the one shown with ${seen} (it makes every manual change of this object)`);
      else if (f.patch) {
        printed.set(f.patch, f.key ?? f.check);
        lines.push(`    ${c(ANSI.dim, 'patch:')}`);
        for (const p of f.patch.replace(/\n$/, '').split('\n')) lines.push(`      ${p}`);
      }
    }
    lines.push('');
  }
  lines.push(...skippedLines(report, (s) => c(ANSI.bold, s)));
  const n = report.findings.length;
  const objs = `${report.checked.length} live object${report.checked.length === 1 ? '' : 's'} compared with git`;
  lines.push(n === 0 ? c(ANSI.green, `keydrift drift: no drift; ${objs}`) : `keydrift drift: ${findingCounts(report.findings)}; ${objs}`);
  return lines.join('\n') + '\n';
}
