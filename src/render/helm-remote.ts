/**
 * Charts from remote repositories, as ArgoCD and Flux name them: a Flux `HelmRelease` of a
 * chart in an HTTP `HelmRepository` or an `oci://` one (`spec.type: oci`), a `chartRef` to an
 * `OCIRepository`, and an ArgoCD source with `repoURL` + `chart` + `targetRevision`. Each becomes
 * a `RemoteChart` (fetched by helm-fetch.ts only with `--fetch-charts`) or an exact reason it
 * cannot be fetched: a version that is not pinned (a range, `*`, none), a URL scheme other than
 * http(s)/oci, credentials in the URL, a chart name that is not a plain name.
 */

export interface RemoteChart {
  kind: 'http' | 'oci';
  /** HTTP: the repository URL (where index.yaml is). OCI: the chart's full reference, `oci://host/path/chart`. */
  url: string;
  chart: string;
  /** An exact version (or OCI tag). */
  version: string;
  /** OCI manifest digest the pulled chart must have (`sha256:…`). */
  digest?: string;
  /** Who names it, for messages: "HelmRepository/flux-system/bitnami". */
  from: string;
}

/** A chart name helm accepts and keydrift can put in a path safely. */
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
/** An exact semantic version (a leading `v` allowed), the only kind keydrift fetches. */
const PINNED = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isPinnedVersion(v: string): boolean {
  return PINNED.test(v) && !v.includes('..');
}

const show = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/**
 * Check and normalise a remote chart reference. `url` is a repository URL (http/https/oci) or,
 * for ArgoCD, a registry path without a scheme (an OCI repository).
 */
export function remoteChart(input: { url: unknown; chart?: unknown; version: unknown; digest?: unknown; from: string; ociIsFullRef?: boolean }): { chart: RemoteChart } | { skip: string } {
  const { from } = input;
  if (typeof input.url !== 'string' || !input.url.trim()) return { skip: `${from} has no repository URL` };
  let url = input.url.trim().replace(/\/+$/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return { skip: `${from}: repository URL is not a plain URL` };
  let kind: RemoteChart['kind'];
  if (/^oci:\/\//i.test(url)) kind = 'oci';
  else if (/^https?:\/\//i.test(url)) kind = 'http';
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    kind = 'oci'; // ArgoCD: a Helm OCI repository is written without a scheme
    url = `oci://${url}`;
  } else return { skip: `${from}: repository URL scheme ${show(url.split(':')[0]!)} is not fetched (keydrift fetches charts over http, https and oci only)` };
  const authority = url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
  if (!authority || authority.includes('@')) return { skip: `${from}: repository URL ${authority.includes('@') ? 'carries credentials' : 'has no host'}; keydrift does not fetch from it` };
  let chart = typeof input.chart === 'string' ? input.chart.trim() : '';
  if (kind === 'oci' && input.ociIsFullRef) chart = url.split('/').pop()!;
  else if (kind === 'oci') url = `${url}/${chart}`;
  if (!CHART_NAME.test(chart) || chart.includes('..')) return { skip: `${from}: chart name ${show(chart)} is not a plain chart name` };
  const digest = typeof input.digest === 'string' && input.digest ? input.digest.trim() : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return { skip: `${from}: digest ${show(digest)} is not a sha256 digest` };
  const version = typeof input.version === 'string' || typeof input.version === 'number' ? String(input.version).trim() : '';
  if (!version) return { skip: `chart '${chart}' from ${from}: no version is pinned (the latest would be deployed); keydrift fetches pinned versions only` };
  if (!isPinnedVersion(version)) return { skip: `chart '${chart}' from ${from}: version ${show(version)} is not pinned (a range or wildcard, resolved at deploy time); keydrift fetches exact versions only` };
  return { chart: { kind, url, chart, version, ...(digest ? { digest } : {}), from } };
}

/** How a remote chart is named in messages. */
export function chartLabel(c: RemoteChart): string {
  return `chart '${c.chart}' ${c.version} from ${c.from}`;
}

/** Skip reason without --fetch-charts. */
export function notFetchedReason(c: RemoteChart): string {
  return `${chartLabel(c)} is a remote chart and remote charts were not fetched (run with --fetch-charts, or the Action input fetch-charts: true, to fetch and render it)`;
}
