// A drift report over a generated cluster served by the in-repo fake API server:
// 10,000 ConfigMaps and 2,000 Secrets in 200 namespaces (one ArgoCD app each), git declaring
// all of them, 1 in 10 ConfigMaps patched by hand and 1 in 20 Secrets edited by hand.
// Goal (issue 5): requests grow with kinds and pages, never with objects.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeApiServer, managedFieldsEntry } from '../lib/testing/fake-apiserver.js';
import { openCluster } from '../lib/cluster/client.js';
import { runDrift } from '../lib/commands/drift.js';
import { readCluster } from '../lib/cluster/live.js';
import { DirTree } from '../lib/sources/tree.js';
import { loadSnapshot } from '../lib/sources/snapshot.js';
import { computeDrift } from '../lib/drift/compare.js';

function generate(namespaces, cmsPerNs, secretsPerNs) {
  const live = [];
  const git = new Map();
  const b64 = (s) => Buffer.from(s).toString('base64');
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${String(n).padStart(3, '0')}`;
    const app = `app-${n}`;
    const labels = { 'app.kubernetes.io/instance': app };
    let yaml = '';
    live.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: app, namespace: 'argocd' },
      spec: { destination: { namespace: ns }, syncPolicy: { automated: { prune: true, selfHeal: n % 2 === 0 } } },
      status: { sync: { status: 'Synced' } },
    });
    for (let i = 0; i < cmsPerNs; i++) {
      const name = `config-${i}`;
      const data = { HOST: `svc-${i}.${ns}.svc`, PORT: String(8000 + i), LOG_LEVEL: 'info', FEATURE_FLAGS: 'a,b,c' };
      const patched = (n * cmsPerNs + i) % 10 === 0;
      yaml += `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;
      live.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name,
          namespace: ns,
          labels,
          managedFields: [
            managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: '2026-11-01T00:00:00Z', keys: Object.keys(data), labels: Object.keys(labels) }),
            ...(patched ? [managedFieldsEntry({ manager: 'kubectl-patch', operation: 'Update', time: `2026-11-20T${String(n % 24).padStart(2, '0')}:00:00Z`, keys: ['REDIS_URL'] })] : []),
          ],
        },
        data: { ...data, ...(patched ? { REDIS_URL: `redis://redis.${ns}:6379/0` } : {}) },
      });
    }
    for (let i = 0; i < secretsPerNs; i++) {
      const name = `secret-${i}`;
      const edited = (n * secretsPerNs + i) % 20 === 0;
      yaml += `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  TOKEN: ${b64(`t-${ns}-${i}`)}\n`;
      live.push({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name,
          namespace: ns,
          labels,
          managedFields: [
            managedFieldsEntry({ manager: 'argocd-controller', operation: 'Apply', time: '2026-11-01T00:00:00Z', keys: edited ? [] : ['TOKEN'] }),
            ...(edited ? [managedFieldsEntry({ manager: 'kubectl-edit', operation: 'Update', time: '2026-11-19T00:00:00Z', keys: ['TOKEN'] })] : []),
          ],
        },
        data: { TOKEN: b64(edited ? `rotated-${ns}-${i}` : `t-${ns}-${i}`) },
      });
    }
    git.set(`apps/${ns}/config.yaml`, yaml);
  }
  return { live, git };
}

async function once(namespaces, cmsPerNs, secretsPerNs, pageSize) {
  const { live, git } = generate(namespaces, cmsPerNs, secretsPerNs);
  const repo = mkdtempSync(path.join(tmpdir(), 'keydrift-bench-'));
  for (const [f, t] of git) {
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    writeFileSync(path.join(repo, f), t);
  }
  const srv = await startFakeApiServer({ objects: live });
  try {
    const client = openCluster({ kubeconfig: srv.writeKubeconfig(), pageSize });
    const t0 = process.hrtime.bigint();
    const report = await runDrift({ repo, client });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const lists = srv.count('list');
    const disc = srv.count('discovery');
    srv.resetLog();
    const by = (c) => report.findings.filter((f) => f.check === c).length;
    // The same work in phases, for where the time goes.
    const t1 = process.hrtime.bigint();
    const snap = await loadSnapshot(await DirTree.open(repo));
    const t2 = process.hrtime.bigint();
    const liveSnap = await readCluster(openCluster({ kubeconfig: srv.writeKubeconfig(), pageSize }));
    const t3 = process.hrtime.bigint();
    computeDrift(snap, liveSnap);
    const t4 = process.hrtime.bigint();
    const phase = (a, b) => (Number(b - a) / 1e6).toFixed(0);
    return { objects: live.length, ms, requests: lists + disc, lists, disc, findings: report.findings.length, liveOnly: by('live-only-key'), reverted: by('will-be-reverted'), checked: report.checked.length, phases: `git load ${phase(t1, t2)} ms, cluster read ${phase(t2, t3)} ms, compare ${phase(t3, t4)} ms` };
  } finally {
    await srv.close();
    rmSync(repo, { recursive: true, force: true });
  }
}

export default async function () {
  const rows = [
    ['full: 10,000 ConfigMaps + 2,000 Secrets, 200 namespaces, page 500', await once(200, 50, 10, 500)],
    ['same cluster, page 1000', await once(200, 50, 10, 1000)],
    ['1/10 of the objects (1,000 + 200, 20 namespaces), page 500', await once(20, 50, 10, 500)],
  ];
  for (const [label, r] of rows) {
    console.log(label);
    console.log(
      `  ${r.objects} live objects, ${r.checked} compared with git; ${r.requests} requests (${r.lists} lists, ${r.disc} discovery); ${r.ms.toFixed(0)} ms end to end; ${r.findings} findings (${r.liveOnly} live-only-key, ${r.reverted} will-be-reverted)`,
    );
    console.log(`  phases (second run): ${r.phases}`);
  }
}
