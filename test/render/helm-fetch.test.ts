/**
 * Remote charts with --fetch-charts: a chart repository served on 127.0.0.1 (index.yaml and a
 * chart archive made here with the real `helm package`), the real helm v4 of
 * scripts/kube-tools.js pulling it into keydrift's cache once and rendering it with the
 * release's values; a stand-in `helm` for the error paths (failure, timeout) and to see the
 * environment and arguments helm gets.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTree } from './helpers.js';
import { kubeTools } from '../support/kube-tools.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { resetChartFetches, chartCacheDir } from '../../src/render/helm-fetch.js';
import { remoteChart } from '../../src/render/helm-remote.js';

const realHelm = kubeTools().helm;

const CHART = {
  'Chart.yaml': 'apiVersion: v2\nname: webapp\nversion: 1.4.2\n',
  'values.yaml': 'replicas: 1\ngreeting: hello\nimage: ghcr.io/example/webapp:1.0.0\ndb:\n  password: ""\n',
  'templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  GREETING: {{ .Values.greeting | quote }}
{{- if .Values.extraKey }}
  {{ .Values.extraKey }}: "x"
{{- end }}
`,
  'templates/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-db
stringData:
  DB_PASSWORD: {{ required "db.password is required" .Values.db.password | quote }}
`,
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: {{ .Values.image | quote }}
          envFrom:
            - configMapRef:
                name: {{ .Release.Name }}-config
            - secretRef:
                name: {{ .Release.Name }}-db
`,
};

interface Repo {
  url: string;
  hits: string[];
  close: () => Promise<void>;
  digest: string;
}

/** A chart repository: index.yaml naming webapp 1.4.2 (digest right or `wrongDigest`), and the archive. */
async function serveRepo(opts: { wrongDigest?: boolean } = {}): Promise<Repo> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'keydrift-chart-src-'));
  for (const [f, t] of Object.entries(CHART)) {
    mkdirSync(path.dirname(path.join(work, 'webapp', f)), { recursive: true });
    writeFileSync(path.join(work, 'webapp', f), t);
  }
  execFileSync(realHelm!, ['package', path.join(work, 'webapp'), '--destination', work], { stdio: 'ignore', env: { ...process.env, HELM_CACHE_HOME: work, HELM_CONFIG_HOME: work, HELM_DATA_HOME: work } });
  const tgz = readFileSync(path.join(work, 'webapp-1.4.2.tgz'));
  rmSync(work, { recursive: true, force: true });
  const digest = createHash('sha256').update(tgz).digest('hex');
  const hits: string[] = [];
  const srv = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/index.yaml') {
      const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      res.end(`apiVersion: v1
entries:
  webapp:
    - apiVersion: v2
      name: webapp
      version: 1.4.2
      digest: ${opts.wrongDigest ? 'f'.repeat(64) : digest}
      urls:
        - ${base}/charts/webapp-1.4.2.tgz
`);
    } else if (req.url === '/charts/webapp-1.4.2.tgz') res.end(tgz);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { url, hits, digest, close: () => new Promise((r) => srv.close(() => r())) };
}

const helmRelease = (url: string, version = '1.4.2', extra = '') => ({
  'flux/repo.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: example
  namespace: flux-system
spec:
  url: ${url}
`,
  'apps/web/values.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-values
  namespace: web
data:
  values.yaml: |
    greeting: from-configmap
    replicas: 2
`,
  'apps/web/db-secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: web-db
  namespace: web
stringData:
  password: s3cr3t-Zq9-value
`,
  'apps/web/release.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: web
spec:
  interval: 10m
  chart:
    spec:
      chart: webapp
      version: "${version}"
      sourceRef:
        kind: HelmRepository
        name: example
        namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: web-values
    - kind: Secret
      name: web-db
      valuesKey: password
      targetPath: db.password
  values:
    replicas: 3
${extra}`,
});

let cache: string;
const saved = { PATH: process.env.PATH, KEYDRIFT_CACHE_DIR: process.env.KEYDRIFT_CACHE_DIR, KEYDRIFT_TOOL_TIMEOUT: process.env.KEYDRIFT_TOOL_TIMEOUT };
beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'keydrift-cache-test-'));
  process.env.KEYDRIFT_CACHE_DIR = cache;
  resetChartFetches();
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(cache, { recursive: true, force: true });
});
const withHelm = (dir: string) => (process.env.PATH = `${dir}${path.delimiter}${saved.PATH}`);

describe('remote charts with the real helm', () => {
  const t0 = realHelm ? test : test.skip;

  t0('a HelmRelease of an HTTP HelmRepository: pulled once into the cache, rendered with spec.values over valuesFrom; Secret values never shown', async () => {
    const repo = await serveRepo();
    const t = writeTree(helmRelease(repo.url));
    try {
      withHelm(path.dirname(realHelm!));
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      const app = snap.apps.find((a) => a.id === 'HelmRelease/web/web')!;
      expect(app.skipped).toBeUndefined();
      const d = snap.objects.find((o) => o.kind === 'Deployment' && o.app === app.id)!;
      expect(d.namespace).toBe('web');
      expect(d.body.spec.replicas).toBe(3); // spec.values wins over the ConfigMap's 2
      expect(d.file).toBe('apps/web/release.yaml'); // where the chart's version and values are set
      const cm = snap.objects.find((o) => o.kind === 'ConfigMap' && o.name === 'web-config')!;
      expect(cm.body.data).toEqual({ GREETING: 'from-configmap' });
      const sec = snap.objects.find((o) => o.kind === 'Secret' && o.name === 'web-db' && o.app === app.id)!;
      expect(sec.body.stringData).toEqual({ DB_PASSWORD: 's3cr3t-Zq9-value' }); // the Secret's value reached the chart (in memory)
      // Pulled once, verified, cached under a hashed name; the index and archive were each read once.
      expect(repo.hits.filter((h) => h.endsWith('.tgz'))).toHaveLength(1);
      const entries = readdirSync(chartCacheDir());
      expect(entries.filter((e) => !e.startsWith('.'))).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
      expect(entries.filter((e) => e.startsWith('.pull-'))).toEqual([]);
      // The same chart again (a PR check renders head and base): no new download, in process or from disk.
      await loadSnapshot(t.tree, { fetchCharts: true });
      resetChartFetches();
      const again = await loadSnapshot(t.tree, { fetchCharts: true });
      expect(again.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toBeUndefined();
      expect(repo.hits.filter((h) => h.endsWith('.tgz'))).toHaveLength(1);
      // Nothing keydrift says about the app quotes the Secret's value.
      expect(JSON.stringify([app, snap.skipped, snap.problems])).not.toContain('s3cr3t');
    } finally {
      t.cleanup();
      await repo.close();
    }
  });

  t0('a helm template failure with Secret-fed values does not show helm\'s message', async () => {
    const repo = await serveRepo();
    // The chart requires db.password; an empty Secret key makes `required` fail, and helm's message would quote values.
    const files = helmRelease(repo.url);
    files['apps/web/db-secret.yaml'] = files['apps/web/db-secret.yaml']!.replace('password: s3cr3t-Zq9-value', 'password: ""');
    const t = writeTree(files);
    try {
      withHelm(path.dirname(realHelm!));
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      const app = snap.apps.find((a) => a.id === 'HelmRelease/web/web')!;
      expect(app.skipped).toMatch(/^helm template failed: details not shown \(values come from a Secret/);
    } finally {
      t.cleanup();
      await repo.close();
    }
  });

  t0('an archive whose sha256 is not the index digest is refused and not cached', async () => {
    const repo = await serveRepo({ wrongDigest: true });
    const t = writeTree(helmRelease(repo.url));
    try {
      withHelm(path.dirname(realHelm!));
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      const app = snap.apps.find((a) => a.id === 'HelmRelease/web/web')!;
      expect(app.skipped).toBe(`chart 'webapp' 1.4.2 from HelmRepository/flux-system/example: the archive's sha256 is not the digest the repository index gives for this version; not used`);
      expect(snap.objects.filter((o) => o.app === app.id)).toEqual([]);
      expect(existsSync(chartCacheDir()) ? readdirSync(chartCacheDir()) : []).toEqual([]);
    } finally {
      t.cleanup();
      await repo.close();
    }
  });

  t0('an ArgoCD Application with a Helm repoURL, chart and targetRevision, with valuesObject', async () => {
    const repo = await serveRepo();
    const t = writeTree({
      'argocd/web.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  source:
    repoURL: ${repo.url}
    chart: webapp
    targetRevision: 1.4.2
    helm:
      releaseName: shop
      valuesObject:
        greeting: from-argocd
        extraKey: FEATURE_X
        db:
          password: not-a-secret
  destination:
    namespace: shop
`,
    });
    try {
      withHelm(path.dirname(realHelm!));
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      const app = snap.apps.find((a) => a.id === 'Application/argocd/web')!;
      expect(app.skipped).toBeUndefined();
      const cm = snap.objects.find((o) => o.kind === 'ConfigMap' && o.app === app.id)!;
      expect(cm.name).toBe('shop-config');
      expect(cm.namespace).toBe('shop');
      expect(cm.body.data).toEqual({ GREETING: 'from-argocd', FEATURE_X: 'x' });
      expect(cm.file).toBe('argocd/web.yaml');
    } finally {
      t.cleanup();
      await repo.close();
    }
  });
});

describe('remote charts without fetching', () => {
  test('without --fetch-charts each app says remote charts were not fetched; nothing is pulled', async () => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho called >> '${bin}/calls'\nexit 1\n`);
    chmodSync(path.join(bin, 'helm'), 0o755);
    const t = writeTree(helmRelease('https://charts.example.com'));
    try {
      withHelm(bin);
      const snap = await loadSnapshot(t.tree);
      expect(snap.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toBe(
        "chart 'webapp' 1.4.2 from HelmRepository/flux-system/example is a remote chart and remote charts were not fetched (run with --fetch-charts, or the Action input fetch-charts: true, to fetch and render it)",
      );
      expect(existsSync(path.join(bin, 'calls'))).toBe(false);
    } finally {
      t.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test.each([
    ['a range', '>=1.0.0 <2.0.0', /version ">=1\.0\.0 <2\.0\.0" is not pinned/],
    ['a wildcard', '1.4.*', /version "1\.4\.\*" is not pinned/],
    ['no version (Flux takes the latest)', '', /version "\*" is not pinned/],
  ])('an unpinned version (%s) is not fetched, even with --fetch-charts', async (_w, version, why) => {
    const files = helmRelease('https://charts.example.com', version);
    if (!version) files['apps/web/release.yaml'] = files['apps/web/release.yaml']!.replace('      version: ""\n', '');
    const t = writeTree(files);
    try {
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      expect(snap.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toMatch(why);
    } finally {
      t.cleanup();
    }
  });

  test.each([
    ['a chart name with a path', { url: 'https://x.example', chart: '../../etc/passwd', version: '1.0.0' }, /chart name "\.\.\/\.\.\/etc\/passwd" is not a plain chart name/],
    ['a version with a path', { url: 'https://x.example', chart: 'a', version: '1.0.0/../../x' }, /is not pinned/],
    ['a file:// repository', { url: 'file:///etc', chart: 'a', version: '1.0.0' }, /scheme "file" is not fetched/],
    ['credentials in the URL', { url: 'https://user:pw@x.example', chart: 'a', version: '1.0.0' }, /carries credentials/],
    ['a bad digest', { url: 'oci://x.example/c', chart: 'c', version: '1.0.0', digest: 'sha256:../x' }, /is not a sha256 digest/],
  ])('refused before helm runs: %s', (_w, input, why) => {
    const r = remoteChart({ ...input, from: 'test' });
    expect('skip' in r && r.skip).toMatch(why);
    expect(JSON.stringify(r)).not.toContain(':pw@');
  });
});

describe('the pull with a stand-in helm', () => {
  function fakeHelm(script: string): string {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\n${script}\n`);
    chmodSync(path.join(bin, 'helm'), 0o755);
    return bin;
  }

  test('helm runs confined: private config/cache/data, no plugins, no kubeconfig, writing only into a directory under the cache', async () => {
    const log = path.join(os.tmpdir(), `keydrift-fake-helm-log-${process.pid}`);
    process.env.KD_LOG = log; // not passed on: helm gets only PATH, proxies and its own directories
    const bin = fakeHelm(`env > '${log}.env'\nfor a in "$@"; do echo "$a"; done >> '${log}.args'\n[ "$1" = repo ] && exit 0\necho 'Error: chart "webapp" version "1.4.2" not found in keydrift repository' >&2\nexit 1`);
    const t = writeTree(helmRelease('http://127.0.0.1:9'));
    try {
      withHelm(bin);
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      expect(snap.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toBe(
        `helm pull of chart 'webapp' 1.4.2 from HelmRepository/flux-system/example failed: chart "webapp" version "1.4.2" not found in keydrift repository`,
      );
      const env = Object.fromEntries(readFileSync(`${log}.env`, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(env.HELM_NO_PLUGINS).toBe('1');
      expect(env.KUBECONFIG).toBe('/dev/null');
      for (const k of ['HELM_CONFIG_HOME', 'HELM_CACHE_HOME', 'HELM_DATA_HOME', 'HELM_REPOSITORY_CACHE', 'HELM_REGISTRY_CONFIG', 'HELM_REPOSITORY_CONFIG', 'HOME']) {
        expect(env[k]).toMatch(/keydrift-helm-home-/);
        expect(existsSync(env[k]!)).toBe(false); // removed afterwards
      }
      expect(env.KD_LOG).toBeUndefined(); // not the whole environment
      const args = readFileSync(`${log}.args`, 'utf8').split('\n').filter(Boolean);
      expect(args.slice(0, 8)).toEqual(['repo', 'add', 'keydrift', 'http://127.0.0.1:9', 'pull', 'keydrift/webapp', '--version', '1.4.2']);
      const dest = args[args.indexOf('--destination') + 1]!;
      expect(path.dirname(dest)).toBe(chartCacheDir());
      expect(path.basename(dest)).toMatch(/^\.pull-/);
      expect(existsSync(dest)).toBe(false);
    } finally {
      delete process.env.KD_LOG;
      for (const x of ['.env', '.args']) rmSync(`${log}${x}`, { force: true });
      t.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a pull that does not finish is stopped after KEYDRIFT_TOOL_TIMEOUT', async () => {
    const bin = fakeHelm('[ "$1" = repo ] && exit 0\nsleep 30');
    process.env.KEYDRIFT_TOOL_TIMEOUT = '1';
    const t = writeTree(helmRelease('http://127.0.0.1:9'));
    try {
      withHelm(bin);
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      expect(snap.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toBe(
        `helm pull of chart 'webapp' 1.4.2 from HelmRepository/flux-system/example did not finish within 1 s and was stopped (set KEYDRIFT_TOOL_TIMEOUT to wait longer)`,
      );
    } finally {
      t.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('an OCIRepository chartRef: pulled by tag, and refused when the digest helm reports is not the pinned one', async () => {
    const pinned = `sha256:${'a'.repeat(64)}`;
    const bin = fakeHelm(`[ "$1" = pull ] || exit 3\necho "$2 $4" > "$(dirname "$0")/log"\ndest=""; while [ $# -gt 0 ]; do [ "$1" = --destination ] && dest="$2"; shift; done\necho x > "$dest/webapp-1.4.2.tgz"\necho "Pulled: x\nDigest: sha256:${'b'.repeat(64)}"`);
    const t = writeTree({
      'flux/oci.yaml': `apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: webapp
  namespace: flux-system
spec:
  url: oci://ghcr.io/example/charts/webapp
  ref:
    tag: 1.4.2
    digest: ${pinned}
`,
      'apps/web.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: web
spec:
  chartRef:
    kind: OCIRepository
    name: webapp
    namespace: flux-system
`,
    });
    try {
      withHelm(bin);
      const snap = await loadSnapshot(t.tree, { fetchCharts: true });
      expect(readFileSync(path.join(bin, 'log'), 'utf8').trim()).toBe('oci://ghcr.io/example/charts/webapp 1.4.2');
      expect(snap.apps.find((a) => a.id === 'HelmRelease/web/web')!.skipped).toBe(
        `chart 'webapp' 1.4.2 from OCIRepository/flux-system/webapp: the pulled chart's digest sha256:${'b'.repeat(64)} is not the pinned ${pinned}; not used`,
      );
      expect(readdirSync(chartCacheDir())).toEqual([]);
    } finally {
      delete process.env.KD_LOG;
      t.cleanup();
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
