/** SARIF 2.1.0 of the incident: schema-valid, stable rule ids, repo-relative paths, no secret. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { EXAMPLE_SECRET_VALUE } from '../../src/example/incident.js';
import { renderSarif, repoRelative, toSarif } from '../../src/report/sarif.js';
import { CHECKS } from '../../src/checks/index.js';
import type { Report } from '../../src/model.js';
import { incidentReport, sarifValidator } from './helpers.js';

let report: Report;
let tmp: string;
beforeAll(async () => {
  ({ report, tmp } = await incidentReport());
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 JSON schema', () => {
    const validate = sarifValidator();
    const log = JSON.parse(renderSarif(report));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator does reject a broken log (the test can fail)', () => {
    const validate = sarifValidator();
    const log = JSON.parse(renderSarif(report)) as any;
    log.runs[0].results[0].level = 'fatal';
    delete log.runs[0].tool.driver.name;
    expect(validate(log)).toBe(false);
  });

  it('one rule per registered check, ids keydrift/<check>, results point at their rule', () => {
    const log = toSarif(report) as any;
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r: any) => r.id)).toEqual(CHECKS.map((c) => `keydrift/${c.meta.id}`));
    for (const r of log.runs[0].results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(log.runs[0].results.map((r: any) => `${r.ruleId} ${r.level}`)).toEqual([
      'keydrift/missing-key error',
      'keydrift/renamed-key error',
      'keydrift/stale-key note',
      'keydrift/stale-key note',
    ]);
  });

  it('primary location is the first file of the scanned repo; app-source files are only named in the message', () => {
    const log = toSarif(report) as any;
    const [missing, renamed] = log.runs[0].results;
    expect(missing.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'apps/user-auth/deployment.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 26 },
    });
    expect(missing.relatedLocations.map((l: any) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region.startLine}`)).toEqual([
      'apps/user-auth/configmap.yaml:6',
    ]);
    expect(missing.message.text).toContain('See also: user-auth@v3.14.0 src/config.ts:6');
    expect(renamed.locations[0].physicalLocation.artifactLocation.uri).toBe('apps/user-auth/configmap.yaml');
    const uris = JSON.stringify(log).match(/"uri": ?"[^"]*"/g) ?? [];
    for (const u of uris) expect(u).not.toMatch(/src\/config\.ts|^"uri": ?"\/|\\\\|\.\//);
  });

  it('a path prefix (GitOps repo in a subdirectory) gives POSIX paths from the repository root', () => {
    const log = toSarif(report, { pathPrefix: 'deploy\\gitops/' }) as any;
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/gitops/apps/user-auth/deployment.yaml');
    expect(repoRelative('./a//b/c.yaml')).toBe('a/b/c.yaml');
  });

  it('fingerprints are stable and do not depend on the line', () => {
    const a = toSarif(report) as any;
    const moved: Report = { ...report, findings: report.findings.map((f) => ({ ...f, locations: f.locations.map((l) => ({ ...l, ...(l.line ? { line: l.line + 3 } : {}) })) })) };
    const b = toSarif(moved) as any;
    expect(b.runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(a.runs[0].results.map((r: any) => r.partialFingerprints));
    expect(new Set(a.runs[0].results.map((r: any) => r.partialFingerprints['keydriftFinding/v1'])).size).toBe(4);
  });

  it('a cluster-only finding gets a logical location and still validates', () => {
    const r: Report = {
      command: 'drift',
      findings: [{ check: 'live-only-key', severity: 'warning', message: 'REDIS_URL exists only live.', locations: [{ object: { kind: 'ConfigMap', namespace: 'prod', name: 'user-auth-config' } }] }],
      skipped: [],
      checked: [],
    };
    const log = toSarif(r) as any;
    expect(log.runs[0].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe('ConfigMap/prod/user-auth-config');
    expect(log.runs[0].tool.driver.rules.some((x: any) => x.id === 'keydrift/live-only-key')).toBe(true);
    expect(sarifValidator()(log)).toBe(true);
  });

  it('carries no secret value', () => {
    expect(renderSarif(report)).not.toContain(EXAMPLE_SECRET_VALUE);
  });
});
