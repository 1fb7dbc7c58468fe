/** SARIF 2.1.0 of the incident: schema-valid, stable rule ids, repo-relative paths, no secret. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { EXAMPLE_SECRET_VALUE } from '../../src/example/incident.js';
import { renderSarif, repoRelative, toSarif } from '../../src/report/sarif.js';
import { CHECKS } from '../../src/checks/index.js';
import type { Report } from '../../src/model.js';
import { incidentReport, sarifValidator } from './helpers.js';

let report: Report;
let fixed: Report;
let tmp: string;
let tmpFixed: string;
beforeAll(async () => {
  ({ report, tmp } = await incidentReport());
  ({ report: fixed, tmp: tmpFixed } = await incidentReport({ fixed: true }));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(tmpFixed, { recursive: true, force: true });
});

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
    // one cause, one finding: the rename of the required REDIS_URL
    expect(log.runs[0].results.map((r: any) => `${r.ruleId} ${r.level}`)).toEqual(['keydrift/renamed-key error']);
    expect((toSarif(fixed) as any).runs[0].results.map((r: any) => `${r.ruleId} ${r.level}`)).toEqual(['keydrift/stale-key note', 'keydrift/stale-key note']);
  });

  it('primary location is the first file of the scanned repo; app-source files are only named in the message', () => {
    const log = toSarif(report) as any;
    const [renamed] = log.runs[0].results;
    expect(renamed.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'apps/user-auth/deployment.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 26 },
    });
    expect(renamed.relatedLocations.map((l: any) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region.startLine}`)).toEqual([
      'apps/user-auth/configmap.yaml:8',
      'apps/user-auth/configmap.yaml:9',
    ]);
    expect(renamed.message.text).toContain('See also: user-auth@v3.13.2 src/config.ts:11');
    expect(renamed.message.text).toContain('user-auth@v3.14.0 src/config.ts:6');
    const uris = JSON.stringify(log).match(/"uri": ?"[^"]*"/g) ?? [];
    for (const u of uris) expect(u).not.toMatch(/src\/config\.ts|^"uri": ?"\/|\\\\|\.\//);
  });

  it('a path prefix (GitOps repo in a subdirectory) gives POSIX paths from the repository root', () => {
    const log = toSarif(report, { pathPrefix: 'deploy\\gitops/' }) as any;
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/gitops/apps/user-auth/deployment.yaml');
    expect(repoRelative('./a//b/c.yaml')).toBe('a/b/c.yaml');
  });

  it('fingerprints are stable and do not depend on the line', () => {
    const both: Report = { ...report, findings: [...report.findings, ...fixed.findings] };
    const a = toSarif(both) as any;
    const moved: Report = { ...both, findings: both.findings.map((f) => ({ ...f, locations: f.locations.map((l) => ({ ...l, ...(l.line ? { line: l.line + 3 } : {}) })) })) };
    const b = toSarif(moved) as any;
    expect(b.runs[0].results.map((r: any) => r.partialFingerprints)).toEqual(a.runs[0].results.map((r: any) => r.partialFingerprints));
    expect(new Set(a.runs[0].results.map((r: any) => r.partialFingerprints['keydriftFinding/v1'])).size).toBe(3);
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
