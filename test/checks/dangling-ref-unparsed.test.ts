/** Errors caused by other errors: a reference to an object in a file that failed to parse. */
import { describe, expect, it } from '@jest/globals';
import { parseManifests } from '../../src/sources/yaml.js';
import { SourceIndex } from '../../src/resolve/sources.js';
import { containersOf, isWorkload } from '../../src/resolve/workloads.js';
import { resolveContainer } from '../../src/resolve/provision.js';
import { CHECKS } from '../../src/checks/index.js';
import type { Snapshot } from '../../src/sources/snapshot.js';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: web
          image: example.com/web:2.0
          envFrom:
            - configMapRef:
                name: web-config
`;
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
  const parsed = Object.entries(files).map(([f, t]) => parseManifests(f, t));
  const snapshot: Snapshot = {
    origin: { type: 'dir', label: 'x', root: '/x' },
    objects: parsed.flatMap((p) => p.objects),
    problems: parsed.flatMap((p) => p.problems),
    texts: new Map(Object.entries(files)),
    skipped: [],
  };
  const w = snapshot.objects.find(isWorkload)!;
  const provision = resolveContainer(containersOf(w).containers[0]!, new SourceIndex(snapshot.objects));
  return CHECKS.filter((c) => c.meta.id === 'dangling-ref').flatMap((c) => (c.scope === 'container' ? c.run({ snapshot, provision, renames: [] }) : []));
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
