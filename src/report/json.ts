/**
 * JSON report, schema version 1 (schema/report.v1.json). Stable: fields are only ever added.
 */
import type { Finding, Location, Report, Severity } from '../model.js';
import { VERSION } from '../version.js';

export const JSON_SCHEMA_VERSION = 1;

export function summarize(findings: Finding[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}

function loc(l: Location) {
  return {
    ...(l.repo ? { repo: l.repo } : {}),
    ...(l.file ? { file: l.file } : {}),
    ...(l.line ? { line: l.line } : {}),
    ...(l.ref ? { ref: l.ref } : {}),
    ...(l.object ? { object: l.object } : {}),
    ...(l.note ? { note: l.note } : {}),
  };
}

export function toJson(report: Report): object {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'keydrift', version: VERSION },
    command: report.command,
    summary: summarize(report.findings),
    findings: report.findings.map((f) => ({
      check: f.check,
      severity: f.severity,
      message: f.message,
      ...(f.workload ? { workload: f.workload } : {}),
      ...(f.container ? { container: f.container } : {}),
      ...(f.key ? { key: f.key } : {}),
      locations: f.locations.map(loc),
      ...(f.fix ? { fix: f.fix } : {}),
      ...(f.patch ? { patch: f.patch } : {}),
      ...(f.details ? { details: f.details } : {}),
    })),
    skipped: report.skipped.map((s) => ({ what: s.what, reason: s.reason, ...(s.location ? { location: loc(s.location) } : {}) })),
    checked: report.checked,
  };
}

export function renderJson(report: Report): string {
  return JSON.stringify(toJson(report), null, 2) + '\n';
}
