/**
 * The HTML incident report: one self-contained file (inline CSS, no script, no external
 * resource — a Content-Security-Policy forbids loading any), for `check`, `audit`, `drift`
 * and `explain`. A plain summary first, for someone who will not read the rest; then a
 * timeline of who changed what and when; then per app each finding with its fate and patch.
 * Every string that comes from the input is HTML-escaped. No Secret value is in a finding,
 * so none is in the page; ConfigMap values are shown only inside patches.
 * A pure function of the report, sorted, without the current time: the same input gives
 * the same file.
 */
import type { Finding, Location, Report, Severity } from '../model.js';
import type { Explanation } from '../explain/types.js';
import { formatLocation } from './text.js';
import { summarize } from './json.js';

/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
const e = escapeHtml;

const CSS = `
:root{--err:#b42318;--warn:#b54708;--info:#175cd3;--ok:#067647;--ink:#101828;--mute:#475467;--line:#eaecf0;--bg:#f9fafb}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:18px 0 8px}
.src{color:var(--mute);font-size:13px;margin:0 0 16px}
.summary{background:#fff;border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:8px;padding:14px 18px}
.summary.error{border-left-color:var(--err)}.summary.warning{border-left-color:var(--warn)}
.verdict{font-size:18px;font-weight:600;margin:0 0 6px}
.summary ul{margin:6px 0 0;padding-left:20px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top;font-size:14px}th{background:#f2f4f7;font-weight:600}
.finding{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:10px 0}
.badge{display:inline-block;font-size:12px;font-weight:700;text-transform:uppercase;border-radius:4px;padding:1px 6px;color:#fff;margin-right:6px}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}.badge.manual{background:#6941c6}.badge.gitops{background:#344054}
code,pre{font:13px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
pre{background:#101828;color:#f2f4f7;padding:10px 12px;border-radius:6px;overflow:auto;white-space:pre}
.k{color:var(--mute);font-size:13px}.fate{font-weight:600}.fix{color:var(--ok)}
#timeline td:first-child{white-space:nowrap}ol.causes>li{margin-bottom:12px}.evidence{margin:4px 0 0;padding-left:18px}
.d-add{color:#75e0a7}.d-del{color:#fda29b}.d-hunk{color:#84caff}
`;

function page(title: string, body: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${e(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`
  );
}

const badge = (sev: Severity) => `<span class="badge ${sev}">${sev}</span>`;

function patchHtml(patch: string): string {
  const lines = patch.replace(/\n$/, '').split('\n').map((l) => {
    const cls = l.startsWith('@@') ? 'd-hunk' : l.startsWith('+') && !l.startsWith('+++') ? 'd-add' : l.startsWith('-') && !l.startsWith('---') ? 'd-del' : '';
    return cls ? `<span class="${cls}">${e(l)}</span>` : e(l);
  });
  return `<pre class="patch">${lines.join('\n')}</pre>`;
}

function locationsHtml(ls: Location[]): string {
  if (!ls.length) return '';
  return `<div class="k">at ${ls.map((l) => `<code>${e(formatLocation(l))}</code>`).join('<br>')}</div>`;
}

/** The first sentence of a message: what a summary bullet says. */
function firstSentence(s: string): string {
  const m = /^(.+?[.:])(\s|$)/.exec(s);
  return (m ? m[1]! : s).replace(/:$/, '.');
}

const details = (f: Finding) => (f.details ?? {}) as Record<string, any>;

/** "2026-11-20 14:03:27 UTC" from an RFC 3339 time. */
function when(t: string | undefined): string {
  if (!t) return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function verdict(findings: Finding[]): { cls: string; text: string } {
  const s = summarize(findings);
  if (s.error) return { cls: 'error', text: `Action needed: ${s.error} problem${s.error === 1 ? '' : 's'} will break a rollout or be undone` };
  if (s.warning) return { cls: 'warning', text: `Needs attention: ${s.warning} thing${s.warning === 1 ? '' : 's'} to fix, nothing will break right away` };
  return { cls: 'ok', text: findings.length ? 'No action needed: information only' : 'No action needed: nothing found' };
}

export interface HtmlOptions {
  sources?: { git: string; live: string };
}

/** What a manager reads: the verdict, one line per problem, and what to do. */
function summaryHtml(report: Report): string {
  const v = verdict(report.findings);
  const serious = report.findings.filter((f) => f.severity !== 'info');
  const apps = new Set(report.findings.map((f) => String(details(f).app ?? f.workload ?? 'repository')));
  const manual = report.findings.filter((f) => details(f).managerClass === 'manual');
  const lines: string[] = [];
  lines.push(`<p class="verdict">${e(v.text)}.</p>`);
  const what = report.command === 'drift' ? `${report.checked.length} live object${report.checked.length === 1 ? '' : 's'} compared with git` : `${report.checked.length} workload${report.checked.length === 1 ? '' : 's'} checked`;
  lines.push(`<p>${e(`keydrift ${report.command}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} in ${apps.size} app${apps.size === 1 ? '' : 's'}; ${what}.`)}${manual.length ? ` ${e(`${manual.length} change${manual.length === 1 ? ' was' : 's were'} made by hand in the cluster.`)}` : ''}</p>`);
  if (serious.length) {
    lines.push('<ul>');
    for (const f of serious) {
      const d = details(f);
      const fate = d.fate?.outcome ? ` — ${d.fate.outcome}${d.fate.when ? `, ${d.fate.when}` : ''}` : '';
      lines.push(`<li>${badge(f.severity)}${e(firstSentence(f.message))}${e(fate)}</li>`);
    }
    lines.push('</ul>');
  }
  // What to do: the fixes of the errors, or of the warnings when there is no error.
  const top = report.findings.some((f) => f.severity === 'error') ? 'error' : 'warning';
  const fixes = [...new Set(report.findings.filter((f) => f.severity === top && f.fix).map((f) => f.fix!))];
  if (fixes.length) lines.push(`<p><strong>What to do:</strong></p><ul>${fixes.map((x) => `<li class="fix">${e(x)}</li>`).join('')}</ul>`);
  return `<section class="summary ${v.cls}" id="summary"><h2 style="margin-top:0;border:0">Summary</h2>${lines.join('\n')}</section>`;
}

/** Who changed what and when, oldest first. */
function timelineHtml(report: Report): string {
  const rows = report.findings
    .filter((f) => details(f).time)
    .map((f) => ({ f, t: String(details(f).time) }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : (a.f.key ?? '').localeCompare(b.f.key ?? '')));
  if (!rows.length) return '';
  const body = rows
    .map(({ f, t }) => {
      const d = details(f);
      const cls = d.managerClass === 'gitops' ? 'gitops' : 'manual';
      return `<tr><td>${e(when(t))}</td><td><span class="badge ${cls}">${cls === 'gitops' ? 'GitOps' : 'by hand'}</span>${e(d.manager ?? '?')}${d.operation ? ` <span class="k">(${e(d.operation)})</span>` : ''}</td><td>${e(d.change ?? '')} <code>${e(f.key ?? '')}</code> in <code>${e(d.object ?? '')}</code></td><td>${e(d.app ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<section id="timeline"><h2>Timeline</h2><table><thead><tr><th>When</th><th>Who</th><th>What</th><th>App</th></tr></thead><tbody>\n${body}\n</tbody></table></section>`;
}

function findingHtml(f: Finding): string {
  const d = details(f);
  const parts = [`<div class="finding ${f.severity}">`, `<div>${badge(f.severity)}<strong>${e(f.check)}</strong>${f.key ? ` <code>${e(f.key)}</code>` : ''}${d.object ? ` <span class="k">${e(d.object)}</span>` : f.container ? ` <span class="k">container ${e(f.container)}</span>` : ''}</div>`, `<p>${e(f.message)}</p>`];
  if (d.manager) parts.push(`<div class="k">who: ${e(d.manager)}${d.operation ? ` (${e(d.operation)})` : ''}${d.time ? `, ${e(when(d.time))}` : ''}</div>`);
  if (d.fate?.outcome) parts.push(`<div>fate: <span class="fate">${e(d.fate.outcome)}</span>${d.fate.when ? ` — ${e(d.fate.when)}` : ''}</div>`);
  parts.push(locationsHtml(f.locations));
  if (f.fix) parts.push(`<p class="fix"><strong>fix:</strong> ${e(f.fix)}</p>`);
  if (f.patch) parts.push(patchHtml(f.patch));
  parts.push('</div>');
  return parts.join('\n');
}

function skippedHtml(skipped: Report['skipped']): string {
  if (!skipped.length) return '';
  return `<section id="not-checked"><h2>Not checked</h2><ul>${skipped.map((s) => `<li><strong>${e(s.what)}</strong>: ${e(s.reason)}</li>`).join('')}</ul></section>`;
}

/** A check, audit or drift report as one HTML page. */
export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const title = `keydrift ${report.command} report`;
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = String(details(f).app ?? f.workload?.replace('/-/', '/') ?? 'Repository');
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const sections = [...groups].map(([app, fs]) => `<section class="app"><h3>${e(app)}</h3>\n${fs.map(findingHtml).join('\n')}</section>`).join('\n');
  const body = [
    `<h1>${e(title)}</h1>`,
    opts.sources ? `<p class="src">${e(`${opts.sources.git} vs ${opts.sources.live}`)}</p>` : '',
    summaryHtml(report),
    timelineHtml(report),
    report.findings.length ? `<section id="findings"><h2>Findings by app</h2>\n${sections}</section>` : '',
    skippedHtml(report.skipped),
  ].filter(Boolean);
  return page(title, body.join('\n'));
}

/** `keydrift explain` as one HTML page: what is wrong, the likely causes, the timeline. */
export function renderExplainHtml(x: Explanation): string {
  const wl = x.workload.replace('/-/', '/');
  const title = `keydrift explain ${wl}`;
  const top = x.causes[0];
  const restarts = x.containers.reduce((n, c) => n + c.restarts, 0);
  const states = [...new Set(x.containers.map((c) => c.state))].join('; ');
  const summary = [
    `<p class="verdict">${e(top ? `${x.failing ? 'Most likely cause' : 'Not failing now; found'}: ${top.summary}` : 'No cause found: the containers are not failing in a way keydrift recognises.')}</p>`,
    `<p>${e(`${wl} has ${x.pods.length} pod${x.pods.length === 1 ? '' : 's'} (${states || 'no status'}), ${restarts} restart${restarts === 1 ? '' : 's'} in all.`)}</p>`,
    top?.fix ? `<p><strong>What to do:</strong> <span class="fix">${e(top.fix)}</span></p>` : '',
  ].join('\n');
  const containers = `<table><thead><tr><th>Container</th><th>Image</th><th>State</th><th>Restarts</th><th>Last exit</th></tr></thead><tbody>${x.containers
    .map((c) => `<tr><td>${e(c.name)}${c.init ? ' <span class="k">(init)</span>' : ''}</td><td><code>${e(c.image)}</code></td><td>${e(c.state)}</td><td>${c.restarts}</td><td>${e(c.lastExit ?? '')}</td></tr>`)
    .join('')}</tbody></table>`;
  const causes = x.causes.length
    ? `<ol class="causes">${x.causes
        .map(
          (c) =>
            `<li class="finding"><div><strong>${e(c.summary)}</strong> <span class="k">[${e(c.id)}${c.container ? `, container ${e(c.container)}` : ''}]</span></div><ul class="evidence">${c.evidence.map((v) => `<li>${e(v)}</li>`).join('')}</ul>${locationsHtml(c.locations)}${c.fix ? `<p class="fix"><strong>fix:</strong> ${e(c.fix)}</p>` : ''}${c.patch ? patchHtml(c.patch) : ''}</li>`,
        )
        .join('\n')}</ol>`
    : '<p>None.</p>';
  const driftRows = x.drift.filter((f) => details(f).time).map((f) => ({ time: String(details(f).time), what: `${details(f).manager ?? '?'}: ${details(f).change ?? ''} ${f.key ?? ''} in ${details(f).object ?? ''}` }));
  const tl = [...x.timeline, ...driftRows].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.what.localeCompare(b.what)));
  const body = [
    `<h1>${e(title)}</h1>`,
    `<p class="src">${e(`${x.sources.live}${x.sources.git ? ` and ${x.sources.git}` : ''}`)}</p>`,
    `<section class="summary ${x.failing ? 'error' : top ? 'warning' : 'ok'}" id="summary"><h2 style="margin-top:0;border:0">Summary</h2>${summary}</section>`,
    `<section id="containers"><h2>Containers</h2>${containers}</section>`,
    `<section id="causes"><h2>Causes, most likely first</h2>${causes}</section>`,
    tl.length ? `<section id="timeline"><h2>Timeline</h2><table><thead><tr><th>When</th><th>What</th></tr></thead><tbody>${tl.map((r) => `<tr><td>${e(when(r.time))}</td><td>${e(r.what)}</td></tr>`).join('')}</tbody></table></section>` : '',
    x.drift.length ? `<section id="drift"><h2>Live drift of what it reads</h2>${x.drift.map(findingHtml).join('\n')}</section>` : '',
    x.notSeen.length ? `<section id="not-seen"><h2>What keydrift cannot see</h2><ul>${x.notSeen.map((n) => `<li>${e(n.what)}: <code>${e(n.command)}</code></li>`).join('')}</ul></section>` : '',
    skippedHtml(x.skipped),
  ].filter(Boolean);
  return page(title, body.join('\n'));
}
