/**
 * Recognizer: ERB in Rails configuration files (issue 9, class 2), read by the ruby extractor.
 *
 *     # config/database.yml
 *     production:
 *       host: <%= ENV.fetch("DB_HOST") { "127.0.0.1" } %>
 *       password: <%= ENV["POSTGRES_PASSWORD"] %>
 *
 * Rails runs the ERB of `config/database.yml`, `storage.yml`, `cable.yml`, … (and
 * `config/*.yml.erb`) before it reads the YAML, for every environment section at once, so
 * each `<%= … %>` / `<% … %>` tag is Ruby run at load time. The tags are cut out of the file
 * at their own positions (everything else blanked, newlines kept), and the ruby extractor reads
 * that text like any Ruby file: lines stay those of the YAML. `<%# … %>` comments are not code.
 * The file is loaded when its framework part loads (a database at boot, storage or cable on
 * first use): its reads carry medium confidence and a note naming the file.
 */
import type { ContractRead } from '../model.js';

export const RAILS_ERB = {
  id: 'rails-erb',
  summary: 'ERB tags of Rails config/*.yml (database.yml, storage.yml, cable.yml, …): Ruby run when Rails loads the file',
};

/** A Rails configuration file that may hold ERB: `config/<name>.yml` (one level) or `.yml.erb`. */
export function isRailsErbConfig(path: string): boolean {
  return /(?:^|\/)config\/[^/]+\.ya?ml(?:\.erb)?$/.test(path);
}

/** The Ruby of the file's ERB tags at their own offsets; everything else blanked (newlines kept). */
export function erbRuby(text: string): string {
  const out = text.replace(/[^\n]/g, ' ').split('');
  const re = /<%(?!%)([=#-]?)([\s\S]*?)-?%>/g;
  for (const m of text.matchAll(re)) {
    if (m[1] === '#') continue;
    const from = m.index + 2 + m[1]!.length;
    const code = m[2]!.endsWith('-') ? m[2]!.slice(0, -1) : m[2]!;
    for (let k = 0; k < code.length; k++) out[from + k] = code[k]!;
    // Statements of separate tags must not run together: end each tag with a newline-like break.
    const end = from + code.length;
    if (end < out.length && out[end] === ' ') out[end] = ';';
  }
  return out.join('');
}

/** Marks the reads of a configuration file's ERB (medium confidence, a note naming the file). */
export function markErbReads(reads: ContractRead[], path: string): void {
  const base = path.split('/').pop();
  for (const r of reads) {
    if (r.evidence.file !== path) continue;
    if (r.confidence === 'high') r.confidence = 'medium';
    const how = `ERB in ${base}, run when Rails loads it`;
    r.note = r.note ? `${r.note}; ${how}` : how;
  }
}
