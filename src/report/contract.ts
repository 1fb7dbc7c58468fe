/** Rendering of a contract (`keydrift contract`). */
import type { Contract, ContractEntry, ContractRead } from '../contract/model.js';

/** Other names of the same setting: every name sharing a fallback chain / alias set with it. */
function aliasesOf(c: Contract, name: string): string[] {
  const out = new Set<string>();
  for (const f of c.fallbacks) if (f.names.includes(name)) for (const n of f.names) if (n !== name) out.add(n);
  return [...out].sort();
}

/** The read that decides the entry's kind, and why (the check that fails, the default, …). */
function decidingRead(e: ContractEntry): ContractRead | undefined {
  return e.reads.find((r) => r.kind === e.kind && !r.declaration) ?? e.reads.find((r) => r.kind === e.kind) ?? e.reads[0];
}
import { VERSION } from '../version.js';
import { JSON_SCHEMA_VERSION } from './json.js';

export function contractToJson(c: Contract): object {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'keydrift', version: VERSION },
    source: c.source,
    entries: [...c.entries.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => ({
        name: e.name,
        kind: e.kind,
        confidence: e.confidence,
        ...(e.deprecated ? { deprecated: e.deprecated } : {}),
        ...(aliasesOf(c, e.name).length ? { aliases: aliasesOf(c, e.name) } : {}),
        ...(e.requiredOneOf ? { requiredOneOf: e.requiredOneOf } : {}),
        ...(() => {
          const d = decidingRead(e);
          return d ? { because: { file: d.evidence.file, line: d.evidence.line, pattern: d.evidence.pattern, ...(d.note ? { note: d.note } : {}) } } : {};
        })(),
        reads: e.reads.map((r) => ({
          kind: r.kind,
          file: r.evidence.file,
          line: r.evidence.line,
          pattern: r.evidence.pattern,
          ...(r.default !== undefined ? { default: r.default } : {}),
          ...(r.note ? { note: r.note } : {}),
        })),
      })),
    unresolved: c.unresolved.map((u) => ({ file: u.evidence.file, line: u.evidence.line, pattern: u.evidence.pattern, reason: u.reason, ...(u.hint ? { hint: u.hint } : {}) })),
    fallbacks: c.fallbacks.map((f) => ({ names: f.names, file: f.evidence.file, line: f.evidence.line })),
    imageDefaults: c.imageDefaults.map((d) => ({ name: d.name, file: d.evidence.file, line: d.evidence.line })),
    filesScanned: c.filesScanned,
    skipped: c.skipped,
  };
}

export function renderContractText(c: Contract): string {
  const lines: string[] = [];
  const src = `${c.source.label} (${c.source.location}${c.source.ref ? ` @ ${c.source.ref}` : ''}${c.source.commit ? `, ${c.source.commit.slice(0, 12)}` : ''})`;
  lines.push(`Contract of ${src}: ${c.entries.size} variable${c.entries.size === 1 ? '' : 's'} from ${c.filesScanned} file${c.filesScanned === 1 ? '' : 's'}`);
  const entries = [...c.entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const w = Math.max(4, ...entries.map((e) => e.name.length));
  for (const e of entries) {
    const first = e.reads[0];
    const more = e.reads.length > 1 ? ` (+${e.reads.length - 1} more)` : '';
    const dflt = e.reads.find((r) => r.default !== undefined)?.default;
    lines.push(
      `  ${e.name.padEnd(w)}  ${e.kind.padEnd(10)}  ${first ? `${first.evidence.file}:${first.evidence.line}` : ''}${more}${dflt !== undefined ? `  default ${JSON.stringify(dflt)}` : ''}${e.confidence !== 'high' ? `  [${e.confidence} confidence]` : ''}${e.deprecated ? `  deprecated${e.deprecated.replacement ? ` → ${e.deprecated.replacement}` : ''}` : ''}`,
    );
    const pad = ' '.repeat(w + 4);
    const aliases = aliasesOf(c, e.name);
    if (aliases.length) lines.push(`${pad}also read as: ${aliases.join(', ')}`);
    if (e.requiredOneOf) lines.push(`${pad}required: at least one of ${e.requiredOneOf.join(', ')}`);
    const d = decidingRead(e);
    // The evidence of the need: what makes it required (the check that fails) or conditional.
    if (d?.note && (e.kind === 'required' || e.requiredOneOf || e.confidence !== 'high')) lines.push(`${pad}because: ${d.note} (${d.evidence.file}:${d.evidence.line})`);
  }
  if (c.imageDefaults.length) {
    lines.push('Defaults the image carries:');
    for (const d of c.imageDefaults) lines.push(`  ${d.name}  ${d.evidence.file}:${d.evidence.line}`);
  }
  if (c.unresolved.length) {
    lines.push(`Unresolved reads (not checked): ${c.unresolved.length}`);
    for (const u of c.unresolved) lines.push(`  ${u.evidence.file}:${u.evidence.line}  ${u.reason}${u.hint ? ` (name starts ${JSON.stringify(u.hint)})` : ''}  ${u.evidence.pattern}`);
  }
  return lines.join('\n') + '\n';
}
