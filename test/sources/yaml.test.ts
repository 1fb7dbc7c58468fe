import { describe, expect, it } from '@jest/globals';
import { parseManifests } from '../../src/sources/yaml.js';
import { selectManifestFiles } from '../../src/sources/snapshot.js';

const TEXT = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: prod
data:
  ONE: "1"
  TWO: two
---
# a kustomization is YAML but not a Kubernetes object
resources:
  - a.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: X
              value: "1"
`;

describe('parseManifests', () => {
  it('keeps file and line of every object and key', () => {
    const r = parseManifests('k/a.yaml', TEXT);
    expect(r.problems).toEqual([]);
    expect(r.objects.map((o) => [o.kind, o.name, o.namespace, o.line, o.docIndex])).toEqual([
      ['ConfigMap', 'a', 'prod', 2, 0],
      ['Deployment', 'web', undefined, 15, 2],
    ]);
    const cm = r.objects[0]!;
    expect(cm.lineOf(['data', 'ONE'])).toBe(8);
    expect(cm.lineOf(['data', 'TWO'])).toBe(9);
    expect(cm.lineOf(['data', 'NOPE'])).toBeUndefined();
    const d = r.objects[1]!;
    expect(d.lineOf(['spec', 'template', 'spec', 'containers', 0, 'env', 0])).toBe(25);
    expect(r.others).toHaveLength(1);
  });

  it('a broken document is a problem with its line; the other documents still load', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\ndata: {}\n`;
    const r = parseManifests('b.yaml', text);
    expect(r.objects.map((o) => o.name)).toEqual(['ok']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: 'b.yaml' });
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(9);
  });

  it('duplicate keys are a problem, as kubectl rejects them', () => {
    const r = parseManifests('c.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  A: "1"\n  A: "2"\n`);
    expect(r.objects).toEqual([]);
    expect(r.problems[0]).toMatchObject({ file: 'c.yaml', line: 7 });
  });

  it('ignores YAML that is not a Kubernetes object, and empty documents', () => {
    const r = parseManifests('d.yaml', `---\n---\nfoo: bar\n---\n- a\n- b\n`);
    expect(r.objects).toEqual([]);
    expect(r.problems).toEqual([]);
  });
});

describe('selectManifestFiles', () => {
  it('leaves Helm chart templates to the renderer, with a reason', () => {
    const r = selectManifestFiles(['charts/web/Chart.yaml', 'charts/web/templates/deploy.yaml', 'charts/web/values.yaml', 'apps/a.yml', 'README.md']);
    expect(r.files).toEqual(['charts/web/Chart.yaml', 'charts/web/values.yaml', 'apps/a.yml']);
    expect(r.skipped).toEqual([{ file: 'charts/web/templates/deploy.yaml', reason: expect.stringContaining('Helm chart template') }]);
  });
});
