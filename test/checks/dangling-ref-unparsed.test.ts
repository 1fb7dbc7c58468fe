/** Errors caused by other errors: a reference to an object in a file that failed to parse. */
import { describe, expect, it } from '@jest/globals';
import { firstContainer, runContainerChecks, snapshotOf, webDeployment } from '../helpers/checks.js';

const DEPLOY = webDeployment('envFrom:\n  - configMapRef:\n      name: web-config');
const cm = (name: string, broken: boolean) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: prod
data:
  A: "1"
${broken ? '  B: [unclosed\n' : ''}`;

function findings(other: string) {
  const files = { 'apps/web.yaml': DEPLOY, 'apps/config.yaml': other };
  return runContainerChecks(firstContainer(snapshotOf(files, { strict: false })), 'dangling-ref');
}

describe('dangling-ref and files that failed to parse', () => {
  it.each<[string, string, string[]]>([
    ['the ConfigMap parses: nothing', cm('web-config', false), []],
    ['the ConfigMap is in a file that failed to parse: a warning, not "not declared"', cm('web-config', true), ['warning']],
    ['a broken file that does not name it: still an error', cm('other-config', true), ['error']],
    ['no such ConfigMap anywhere: an error', cm('other-config', false), ['error']],
  ])('%s', (_t, other, expected) => {
    expect(findings(other).map((f) => f.severity)).toEqual(expected);
  });

  it('says so and points at both places', () => {
    const [f] = findings(cm('web-config', true));
    expect(f!.message).toContain('may be declared in apps/config.yaml');
    expect(f!.message).toContain('failed to parse');
    expect(f!.message).not.toContain('not declared');
    expect(f!.locations.map((l) => l.file)).toEqual(['apps/web.yaml', 'apps/config.yaml']);
  });
});
