import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { buildIncident, type IncidentRepos } from '../../src/example/incident.js';
import { runCheck } from '../../src/commands/check.js';
import type { Report } from '../../src/model.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The incident's PR check report (broken or fixed), on real git repos in a temp dir. */
export async function incidentReport(opts: { fixed?: boolean } = {}): Promise<{ repos: IncidentRepos; report: Report; tmp: string }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-report-'));
  const repos = await buildIncident(path.join(tmp, opts.fixed ? 'fixed' : 'broken'), opts);
  const report = await runCheck({ repo: repos.gitops, base: repos.base, head: repos.head });
  return { repos, report, tmp };
}

/**
 * A validator for the vendored SARIF 2.1.0 schema (draft-04). Ajv 8 speaks draft-07: the only
 * draft-04 construct the schema uses is the top-level `id`, so it becomes `$id`; the three
 * formats it uses get plain implementations.
 */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(path.join(here, 'fixtures', 'sarif-schema-2.1.0-rtm.5.json'), 'utf8'));
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // unicodeRegExp: false — the schema's language pattern is valid only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => {
    try {
      new URL(s, 'http://base.invalid/');
      return !/\s/.test(s);
    } catch {
      return false;
    }
  });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s));
  return ajv.compile(schema);
}
