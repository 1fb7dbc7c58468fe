/**
 * The live snapshot: what is in the cluster (or in a dump of it), as plain data. Secrets are
 * turned into key → opaque digest on arrival; their values are not kept.
 */
import type { Skip } from '../model.js';
import { SecretDigest, SecretHasher } from './secret-digest.js';
import type { ClusterClient } from './client.js';
import { ApiStatusError } from './api-error.js';

/** One `managedFields` entry, reduced to what attribution needs. */
export interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  subresource?: string;
  fieldsV1: Record<string, any>;
}

export type LiveValue = { type: 'text'; value: string } | { type: 'binary'; value: string } | { type: 'secret'; digest: SecretDigest };

export interface LiveObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  managedFields: ManagedEntry[];
  creationTimestamp?: string;
  /** Keys under data/binaryData/stringData in the `kubectl.kubernetes.io/last-applied-configuration` annotation (client-side apply), when present. */
  lastAppliedKeys?: string[];
  /** ConfigMap `data`/`binaryData` and Secret `data` keys with their values (Secrets: digests only). */
  values?: Map<string, LiveValue>;
  /** The object as read, for kinds other than Secret (Applications, Flux objects, workloads); for Secrets, metadata and type only. */
  body: Record<string, any>;
}

export interface LiveSnapshot {
  /** "cluster https://… (context x)" or "dump path". */
  source: string;
  objects: LiveObject[];
  skipped: Skip[];
  /** Kinds (in a namespace, or everywhere) that could not be read: not compared, and not "missing". */
  unreadable?: { kind: string; namespace?: string }[];
  /** API requests sent, for a cluster. */
  requests?: number;
  hasher: SecretHasher;
}

/** What keydrift reads from a cluster: config objects, workloads, and GitOps owners when their CRDs exist. */
export const LIVE_KINDS: { apiVersions: string[]; kind: string; gitops?: boolean; label: string }[] = [
  { apiVersions: ['v1'], kind: 'ConfigMap', label: 'ConfigMaps' },
  { apiVersions: ['v1'], kind: 'Secret', label: 'Secrets' },
  { apiVersions: ['apps/v1'], kind: 'Deployment', label: 'Deployments' },
  { apiVersions: ['apps/v1'], kind: 'StatefulSet', label: 'StatefulSets' },
  { apiVersions: ['apps/v1'], kind: 'DaemonSet', label: 'DaemonSets' },
  { apiVersions: ['batch/v1'], kind: 'Job', label: 'Jobs' },
  { apiVersions: ['batch/v1'], kind: 'CronJob', label: 'CronJobs' },
  { apiVersions: ['v1'], kind: 'Pod', label: 'Pods' },
  { apiVersions: ['argoproj.io/v1alpha1'], kind: 'Application', gitops: true, label: 'ArgoCD Applications' },
  { apiVersions: ['kustomize.toolkit.fluxcd.io/v1', 'kustomize.toolkit.fluxcd.io/v1beta2'], kind: 'Kustomization', gitops: true, label: 'Flux Kustomizations' },
  { apiVersions: ['helm.toolkit.fluxcd.io/v2', 'helm.toolkit.fluxcd.io/v2beta2', 'helm.toolkit.fluxcd.io/v2beta1'], kind: 'HelmRelease', gitops: true, label: 'Flux HelmReleases' },
];

const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
};

/** Key names only (never values) from a last-applied-configuration annotation. */
function lastAppliedKeysOf(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text);
    return [...new Set(['data', 'binaryData', 'stringData'].flatMap((f) => Object.keys(o?.[f] ?? {})))];
  } catch {
    return undefined;
  }
}

/** Turn a raw object (from the API or a dump) into a LiveObject; Secret values become digests here. */
export function toLiveObject(raw: Record<string, any>, hasher: SecretHasher): LiveObject | undefined {
  const meta = raw?.metadata;
  if (!raw || typeof raw.kind !== 'string' || !meta || typeof meta.name !== 'string') return undefined;
  const managedFields: ManagedEntry[] = (Array.isArray(meta.managedFields) ? meta.managedFields : [])
    .filter((m: any) => m && typeof m.manager === 'string')
    .map((m: any) => ({
      manager: m.manager,
      operation: String(m.operation ?? ''),
      ...(m.apiVersion ? { apiVersion: String(m.apiVersion) } : {}),
      ...(m.time ? { time: m.time instanceof Date ? m.time.toISOString() : String(m.time) } : {}),
      ...(m.subresource ? { subresource: String(m.subresource) } : {}),
      fieldsV1: m.fieldsV1 && typeof m.fieldsV1 === 'object' ? m.fieldsV1 : {},
    }));
  const base = {
    apiVersion: String(raw.apiVersion ?? 'v1'),
    kind: raw.kind,
    ...(meta.namespace ? { namespace: String(meta.namespace) } : {}),
    name: meta.name,
    labels: strMap(meta.labels),
    annotations: strMap(meta.annotations),
    managedFields,
    ...(meta.creationTimestamp ? { creationTimestamp: String(meta.creationTimestamp) } : {}),
  };
  const lastApplied = lastAppliedKeysOf(base.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  if (lastApplied) Object.assign(base, { lastAppliedKeys: lastApplied });
  if (raw.kind === 'Secret') {
    const values = new Map<string, LiveValue>();
    for (const [k, v] of Object.entries(raw.data ?? {})) values.set(k, { type: 'secret', digest: hasher.digestBase64(String(v ?? '')) });
    // A dump may carry stringData (never served by the API, but written by hand).
    for (const [k, v] of Object.entries(raw.stringData ?? {})) values.set(k, { type: 'secret', digest: hasher.digest(String(v ?? '')) });
    // The annotation kubectl apply leaves holds the whole object, values included: drop it.
    const annotations = { ...base.annotations };
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    return {
      ...base,
      annotations,
      values,
      body: { apiVersion: base.apiVersion, kind: 'Secret', metadata: { name: base.name, ...(base.namespace ? { namespace: base.namespace } : {}), labels: base.labels, annotations }, ...(raw.type ? { type: String(raw.type) } : {}) },
    };
  }
  if (raw.kind === 'ConfigMap') {
    const values = new Map<string, LiveValue>();
    for (const [k, v] of Object.entries(raw.data ?? {})) values.set(k, { type: 'text', value: String(v ?? '') });
    for (const [k, v] of Object.entries(raw.binaryData ?? {})) values.set(k, { type: 'binary', value: String(v ?? '') });
    return { ...base, values, body: raw };
  }
  return { ...base, body: raw };
}

export interface ReadClusterOptions {
  /** Only these namespaces (default: all). GitOps owners are still read cluster-wide when allowed. */
  namespaces?: string[];
  /** Kinds to read (default LIVE_KINDS). */
  kinds?: string[];
}

/**
 * Read the live snapshot. Requests grow with kinds, namespaces asked for and pages — never
 * with objects. A kind the credentials may not list is a skip reason, not a failure; a
 * cluster that cannot be reached is a KeydriftError from the client.
 */
export async function readCluster(client: ClusterClient, opts: ReadClusterOptions = {}, hasher = new SecretHasher()): Promise<LiveSnapshot> {
  const served = await client.groupVersions();
  const wanted = LIVE_KINDS.filter((k) => !opts.kinds || opts.kinds.includes(k.kind));
  const nss = opts.namespaces?.length ? [...new Set(opts.namespaces)] : [undefined];
  type Part = { objects: LiveObject[]; skipped: Skip[]; unreadable: { kind: string; namespace?: string }[] };
  const tasks: (() => Promise<Part>)[] = [];
  const fail = (k: (typeof LIVE_KINDS)[number], ns: string | undefined, reason: string): Part => ({
    objects: [],
    skipped: [{ what: `${k.label} (live${ns ? `, namespace ${ns}` : ''})`, reason }],
    unreadable: [{ kind: k.kind, ...(ns ? { namespace: ns } : {}) }],
  });
  for (const k of wanted) {
    const apiVersion = k.apiVersions.find((v) => served.has(v));
    if (!apiVersion) {
      if (k.gitops) continue; // not installed: nothing owns objects that way
      tasks.push(async () => fail(k, undefined, `the cluster does not serve ${k.apiVersions.join(' or ')}`));
      continue;
    }
    const read = async (ns: string | undefined) => (await client.list(apiVersion, k.kind, ns ? { namespace: ns } : {})).map((it) => toLiveObject(it, hasher)).filter((o): o is LiveObject => !!o);
    // GitOps owners usually live in their own namespace: read them cluster-wide.
    const scopes: (string | undefined)[] = k.gitops ? [undefined] : nss;
    for (const ns of scopes) {
      tasks.push(async () => {
        try {
          return { objects: await read(ns), skipped: [], unreadable: [] };
        } catch (e) {
          // A GitOps kind that is not there: nothing is owned that way.
          if (k.gitops && e instanceof ApiStatusError && e.code === 404) return { objects: [], skipped: [], unreadable: [] };
          if (!(e instanceof ApiStatusError && (e.code === 403 || e.code === 404))) throw e;
          const part = fail(k, ns, `${e.code === 403 ? 'forbidden' : 'not found'}: ${e.message}`);
          if (k.gitops && ns === undefined && opts.namespaces?.length) {
            // Try the namespaces asked for, and the usual controller namespace.
            for (const alt of [...new Set([...opts.namespaces, k.kind === 'Application' ? 'argocd' : 'flux-system'])]) {
              try {
                part.objects.push(...(await read(alt)));
              } catch (e2) {
                if (!(e2 instanceof ApiStatusError)) throw e2;
              }
            }
          }
          return part;
        }
      });
    }
  }
  // A few lists at a time: latency overlaps, the request count stays the same.
  const parts: Part[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      parts[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, tasks.length) }, worker));
  return {
    source: `cluster ${client.label}`,
    objects: parts.flatMap((p) => p.objects),
    skipped: parts.flatMap((p) => p.skipped),
    unreadable: parts.flatMap((p) => p.unreadable),
    requests: client.requestCount,
    hasher,
  };
}
