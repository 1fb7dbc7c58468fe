/** Rendering of a contract (`keydrift contract`). */
import type { Contract, ContractEntry } from '../contract/model.js';
import { aliasesOf, decidingRead, toContractDocument } from '../contract/document.js';
import { JSON_SCHEMA_VERSION } from './json.js';
import { oneLine } from './escape.js';

/** `keydrift contract --format json`: the contract document (schema/contract.v1.json). */
export function contractToJson(c: Contract): object {
  return { schemaVersion: JSON_SCHEMA_VERSION, ...toContractDocument(c) };
}

/** `keydrift contract --format label`: the compact document, one line, for dev.keydrift.contract. */
export function contractToLabel(c: Contract): string {
  return JSON.stringify(toContractDocument(c, { compact: true }));
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
    for (const w of e.requiredWhen ?? []) lines.push(`${pad}required when ${w.names.join(' or ')} is set (${w.evidence.file}:${w.evidence.line})`);
    const d = decidingRead(e);
    // The evidence of the need: what makes it required (the check that fails) or conditional.
    if (d?.note && (e.kind === 'required' || e.requiredOneOf || e.requiredWhen || e.confidence !== 'high')) lines.push(`${pad}because: ${d.note} (${d.evidence.file}:${d.evidence.line})`);
  }
  if (c.imageDefaults.length) {
    lines.push('Defaults the image carries:');
    for (const d of c.imageDefaults) lines.push(`  ${d.name}  ${d.evidence.file}:${d.evidence.line}`);
  }
  if (c.unresolved.length) {
    lines.push(`Unresolved reads (not checked): ${c.unresolved.length}`);
    for (const u of c.unresolved) lines.push(`  ${u.evidence.file}:${u.evidence.line}  ${u.reason}${u.hint ? ` (name starts ${JSON.stringify(u.hint)})` : ''}  ${u.evidence.pattern}`);
  }
  // Names, files and patterns come from the scanned source: one clean line each.
  return lines.map(oneLine).join('\n') + '\n';
}
