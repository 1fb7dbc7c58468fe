/**
 * SARIF 2.1.0, ready for `github/codeql-action/upload-sarif`. A pure function of the report.
 *
 * - Rules come from the check registry, one per check, with the stable id `keydrift/<check>`.
 * - Only files of the repository being scanned (locations with repo 'gitops' or no repo) become
 *   physical locations, as repo-relative POSIX paths under %SRCROOT%. Places in an app's source
 *   (another repository, at another ref) are named in the message text, never as a path that
 *   code scanning would look up in this repository.
 * - Cluster objects become logical locations.
 */
import { createHash } from 'node:crypto';
import type { Finding, Location, Report, Severity } from '../model.js';
import { CHECKS } from '../checks/index.js';
import type { CheckMeta } from '../checks/types.js';
import { VERSION } from '../version.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const RULE_PREFIX = 'keydrift/';

export interface SarifOptions {
  /**
   * Prepended to every repo-relative path (POSIX, e.g. 'deploy/' when the GitOps repo is a
   * subdirectory of the checked-out repository). Default none.
   */
  pathPrefix?: string;
  /** The rule catalogue; default the check registry. */
  checks?: CheckMeta[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A repo-relative POSIX path: backslashes turned to slashes, no leading './' or '/'. */
export function repoRelative(file: string, prefix = ''): string {
  const p = (prefix ? prefix.replace(/\\/g, '/').replace(/\/*$/, '/') : '') + file.replace(/\\/g, '/');
  return p
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** Locations that are files of the repository being scanned, in the order the check gave them. */
export function localFileLocations(f: Finding): Location[] {
  return f.locations.filter((l) => l.file && (l.local ?? (l.repo === undefined || l.repo === 'gitops')));
}

/** How a place outside this repository is named in words. */
export function describeForeign(l: Location): string {
  if (l.object) return `${l.object.kind} ${l.object.namespace ? l.object.namespace + '/' : ''}${l.object.name} (cluster)`;
  const where = `${l.file ?? '?'}${l.line ? `:${l.line}` : ''}`;
  return `${l.repo ?? ''}${l.ref ? `@${l.ref}` : ''} ${where}`.trim() + (l.note ? ` (${l.note})` : '');
}

function ruleFor(meta: CheckMeta) {
  return {
    id: RULE_PREFIX + meta.id,
    name: meta.id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.description },
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    help: { text: meta.description },
    properties: { tags: ['configuration', 'kubernetes'], needs: meta.needs },
  };
}

function messageText(f: Finding): string {
  const parts = [f.message];
  const foreign = f.locations.filter((l) => !(l.file && (l.repo === undefined || l.repo === 'gitops')));
  if (foreign.length) parts.push(`See also: ${foreign.map(describeForeign).join('; ')}.`);
  if (f.fix) parts.push(`Fix: ${f.fix}`);
  return parts.join(' ');
}

/** A relative URI reference for a repo-relative path: what is not a URI path character percent-encoded (`%` too). */
export function uriOf(p: string): string {
  return p.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (c) => encodeURIComponent(c));
}

function physical(l: Location, prefix: string) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uriOf(repoRelative(l.file!, prefix)), uriBaseId: '%SRCROOT%' },
      ...(l.line ? { region: { startLine: l.line } } : {}),
    },
  };
}

/** A fingerprint that survives lines moving: the check and what the finding is about. */
function fingerprint(f: Finding, primary: string): string {
  return createHash('sha256')
    .update([f.check, f.workload ?? '', f.container ?? '', f.key ?? '', primary].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

export function toSarif(report: Report, opts: SarifOptions = {}): object {
  const prefix = opts.pathPrefix ?? '';
  const metas = [...(opts.checks ?? CHECKS.map((c) => c.meta))];
  // A finding from a check not in the catalogue still gets a rule rather than being dropped.
  for (const f of report.findings) {
    if (!metas.some((m) => m.id === f.check)) metas.push({ id: f.check, description: f.check, defaultSeverity: f.severity, needs: 'manifests' });
  }
  const index = new Map(metas.map((m, i) => [m.id, i]));
  const results = report.findings.map((f) => {
    const local = localFileLocations(f);
    const objects = f.locations.filter((l) => l.object);
    const primary = local[0];
    return {
      ruleId: RULE_PREFIX + f.check,
      ruleIndex: index.get(f.check)!,
      level: LEVEL[f.severity],
      message: { text: messageText(f) },
      ...(primary || objects.length
        ? {
            locations: [
              {
                ...(primary ? physical(primary, prefix) : {}),
                ...(objects.length
                  ? {
                      logicalLocations: objects.map((l) => ({
                        name: l.object!.name,
                        fullyQualifiedName: `${l.object!.kind}/${l.object!.namespace ?? '-'}/${l.object!.name}`,
                        kind: 'resource',
                      })),
                    }
                  : {}),
              },
            ],
          }
        : {}),
      ...(local.length > 1
        ? {
            relatedLocations: local.slice(1).map((l, i) => ({
              id: i + 1,
              ...physical(l, prefix),
              ...(l.note ? { message: { text: l.note } } : {}),
            })),
          }
        : {}),
      partialFingerprints: { 'keydriftFinding/v1': fingerprint(f, primary ? repoRelative(primary.file!, prefix) : '') },
      properties: {
        ...(f.workload ? { workload: f.workload } : {}),
        ...(f.container ? { container: f.container } : {}),
        ...(f.key ? { key: f.key } : {}),
      },
    };
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keydrift',
            semanticVersion: VERSION,
            version: VERSION,
            rules: metas.map(ruleFor),
          },
        },
        automationDetails: { id: `keydrift/${report.command}/` },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the checked-out repository.' } } },
        results,
        properties: {
          checked: report.checked,
          skipped: report.skipped.map((s) => `${s.what}: ${s.reason}`),
        },
      },
    ],
  };
}

export function renderSarif(report: Report, opts: SarifOptions = {}): string {
  return JSON.stringify(toSarif(report, opts), null, 2) + '\n';
}
