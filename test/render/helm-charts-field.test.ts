/**
 * A `helmCharts:` in a kustomization (top-level or a nested base) skips that chart alone, with
 * its name, version, repository and the kustomization's line; everything else the app deploys
 * is still rendered and checked.
 */
import { writeTree } from './helpers.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  A: "1"\n`;

test('a nested helmCharts: skips that chart only, not the app', async () => {
  const t = writeTree({
    'apps/web/kustomization.yaml': 'namespace: web\nresources:\n- cm.yaml\n- ../../infra/redis\n',
    'apps/web/cm.yaml': cm('web-cfg'),
    'infra/redis/kustomization.yaml': 'resources:\n- svc-cm.yaml\nhelmCharts:\n- name: redis\n  repo: https://charts.bitnami.com/bitnami\n  version: 18.1.0\n  releaseName: redis\n',
    'infra/redis/svc-cm.yaml': cm('redis-extra'),
  });
  try {
    const snap = await loadSnapshot(t.tree, { helm: false, delegate: false });
    const app = snap.apps.find((a) => a.id === 'kustomize/apps/web')!;
    expect(app.skipped).toBeUndefined();
    expect(snap.objects.filter((o) => o.app === app.id).map((o) => `${o.kind}/${o.namespace}/${o.name}`).sort()).toEqual(['ConfigMap/web/redis-extra', 'ConfigMap/web/web-cfg']);
    const reason = "Helm chart 'redis' 18.1.0 from https://charts.bitnami.com/bitnami (helmCharts in infra/redis/kustomization.yaml:4): keydrift does not fetch charts or run kustomize --enable-helm, so its objects are not checked";
    expect(snap.skipped).toContainEqual({ file: 'infra/redis/kustomization.yaml', reason: `kustomize/apps/web: ${reason}` });
    expect(app.notes).toContain(`not rendered: ${reason}`);
    expect(snap.skipped.map((s) => s.reason).join('\n')).not.toMatch(/\brendered\b(?!: )/);
  } finally {
    t.cleanup();
  }
});

test('with rendering off, chart templates are not said to be rendered', async () => {
  const t = writeTree({
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
  });
  try {
    const snap = await loadSnapshot(t.tree, { render: false });
    const s = snap.skipped.find((x) => x.file === 'charts/web/templates/cm.yaml')!;
    expect(s.reason).toBe('Helm chart template (chart charts/web/): a Go template, not a manifest, and rendering is off: not checked');
  } finally {
    t.cleanup();
  }
});
