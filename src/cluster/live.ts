/**
 * The live snapshot: what is in the cluster (or in a dump of it), as plain data. Secrets are
 * turned into key → opaque digest on arrival; their values are not kept.
 */
import type { Skip } from '../model.js';
import { KeydriftError } from '../errors.js';
import { SecretDigest, SecretHasher } from './secret-digest.js';
import type { ClusterClient } from './client.js';
import { ApiStatusError, type Unreadable } from './api-error.js';

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
  /** The field manager that owns that annotation (`kubectl-client-side-apply`, `kubectl-replace`, `kubectl-edit`…), from managedFields. */
  lastAppliedBy?: { manager: string; operation: string; time?: string };
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
  unreadable?: Unreadable[];
  /** ArgoCD's argocd-cm / argocd-cmd-params-cm, fetched from the namespaces of the Applications when the ConfigMaps listed did not include them. */
  argocdConfig?: LiveObject[];
  /** ArgoCD's Events about Applications (who started a sync, when it finished), read from each Application's namespace; none when they expired. */
  appEvents?: LiveObject[];
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

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Who wrote the last-applied annotation: the newest managedFields entry that owns it. */
function lastAppliedOwner(mf: ManagedEntry[]): LiveObject['lastAppliedBy'] {
  const owners = mf.filter((m) => !m.subresource && m.fieldsV1?.['f:metadata']?.['f:annotations']?.[`f:${LAST_APPLIED}`] !== undefined);
  owners.sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
  const m = owners[0];
  return m ? { manager: m.manager, operation: m.operation, ...(m.time ? { time: m.time } : {}) } : undefined;
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
  const lastApplied = lastAppliedKeysOf(base.annotations[LAST_APPLIED]);
  if (lastApplied) {
    Object.assign(base, { lastAppliedKeys: lastApplied });
    const by = lastAppliedOwner(managedFields);
    if (by) Object.assign(base, { lastAppliedBy: by });
  }
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
      body: { apiVersion: base.apiVersion, kind: 'Secret', metadata: { name: base.name, ...(base.namespace ? { namespace: base.namespace } : {}), labels: base.labels, annotations, ...(Array.isArray(meta.ownerReferences) ? { ownerReferences: meta.ownerReferences } : {}) }, ...(raw.type ? { type: String(raw.type) } : {}) },
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

/** Events, read only when asked (`keydrift explain`): what the kubelet and controllers said about pods. */
export const EVENT_KINDS: typeof LIVE_KINDS = [{ apiVersions: ['v1'], kind: 'Event', label: 'Events' }];

export interface ReadClusterOptions {
  /** Only these namespaces (default: all). GitOps owners are still read cluster-wide when allowed. */
  namespaces?: string[];
  /** Kinds to read (default LIVE_KINDS). */
  kinds?: string[];
  /** Kinds read besides those (EVENT_KINDS for `explain`). */
  extraKinds?: typeof LIVE_KINDS;
}

const ARGO_CONFIG = ['argocd-cm', 'argocd-cmd-params-cm'];

/**
 * ArgoCD's own settings, from the namespace of every Application read, when the ConfigMaps
 * listed do not hold them already (a --namespace run): two requests per namespace. Not
 * allowed is a skip reason (git's copy is used when it has one), never a failure.
 */
async function readArgoConfig(client: ClusterClient, objects: LiveObject[], unreadable: Unreadable[], skipped: Skip[], hasher: SecretHasher, served: Set<string>, listed: boolean, namespaces?: string[]): Promise<LiveObject[]> {
  if (!served.has('v1')) return [];
  const nss = [...new Set(objects.filter((o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/')).map((o) => o.namespace ?? 'argocd'))].sort();
  const out: LiveObject[] = [];
  for (const ns of nss) {
    const listedAll = listed && !unreadable.some((u) => u.kind === 'ConfigMap' && (!u.namespace || u.namespace === ns)) && (!namespaces?.length || namespaces.includes(ns));
    if (listedAll) continue;
    for (const name of ARGO_CONFIG) {
      try {
        const items = await client.list('v1', 'ConfigMap', { namespace: ns, fieldSelector: `metadata.name=${name}` });
        for (const it of items) {
          const o = toLiveObject(it, hasher);
          if (o) out.push(o);
        }
      } catch (e) {
        if (!(e instanceof ApiStatusError && (e.code === 403 || e.code === 404))) throw e;
        skipped.push({ what: `ConfigMap ${ns}/${name} (ArgoCD's settings, live)`, reason: `${e.code === 403 ? 'forbidden' : 'not found'}: ${e.message}; git's copy is used when git declares it, else ArgoCD's defaults` });
        break;
      }
    }
  }
  return out;
}

/**
 * ArgoCD's audit Events about Applications, from the namespace of every Application read: one
 * list per namespace, with a field selector on the involved kind (events.k8s.io/v1
 * `regarding.kind` where served, else core/v1 `involvedObject.kind`). Events expire (1 h by
 * default): none is normal; not allowed is a skip reason, never a failure.
 */
async function readAppEvents(client: ClusterClient, objects: LiveObject[], served: Set<string>, skipped: Skip[], hasher: SecretHasher, listed: (ns: string) => boolean): Promise<LiveObject[]> {
  const nss = [...new Set(objects.filter((o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/')).map((o) => o.namespace ?? 'argocd'))].sort();
  const v1 = served.has('events.k8s.io/v1');
  if (!v1 && !served.has('v1')) return [];
  const out: LiveObject[] = [];
  for (const ns of nss) {
    if (listed(ns)) continue;
    try {
      const items = v1
        ? await client.list('events.k8s.io/v1', 'Event', { namespace: ns, fieldSelector: 'regarding.kind=Application' })
        : await client.list('v1', 'Event', { namespace: ns, fieldSelector: 'involvedObject.kind=Application' });
      for (const it of items) {
        const o = toLiveObject(it, hasher);
        if (o) out.push(o);
      }
    } catch (e) {
      if (!(e instanceof ApiStatusError)) throw e;
      skipped.push({ what: `Events in namespace ${ns} (ArgoCD's record of who synced, live)`, reason: `${e.code === 403 ? 'forbidden' : `HTTP ${e.code}`}: ${e.message}; who synced is taken from the Applications' status.history only` });
    }
  }
  return out;
}

/**
 * Read the live snapshot. Requests grow with kinds, namespaces asked for and pages — never
 * with objects. A kind the credentials may not list is a skip reason, not a failure; a
 * cluster that cannot be reached is a KeydriftError from the client.
 */
export async function readCluster(client: ClusterClient, opts: ReadClusterOptions = {}, hasher = new SecretHasher()): Promise<LiveSnapshot> {
  const served = await client.groupVersions();
  // Fail closed: a server without the core API is not a cluster to compare with ("no drift").
  if (!served.has('v1')) throw new KeydriftError(`the API server at ${client.label} serves no core v1 API (discovery listed ${served.size ? [...served].slice(0, 3).join(', ') + (served.size > 3 ? ', …' : '') : 'no API groups'}): not a Kubernetes cluster keydrift can compare with`);
  const wanted = [...LIVE_KINDS.filter((k) => !opts.kinds || opts.kinds.includes(k.kind)), ...(opts.extraKinds ?? [])];
  const nss = opts.namespaces?.length ? [...new Set(opts.namespaces)] : [undefined];
  type Part = { objects: LiveObject[]; skipped: Skip[]; unreadable: Unreadable[] };
  const tasks: (() => Promise<Part>)[] = [];
  const fail = (k: (typeof LIVE_KINDS)[number], ns: string | undefined, reason: string, e?: ApiStatusError, apiVersion?: string): Part => ({
    objects: [],
    skipped: [{ what: `${k.label} (live${ns ? `, namespace ${ns}` : ''})`, reason }],
    unreadable: [{ kind: k.kind, ...(ns ? { namespace: ns } : {}), ...(e ? { resource: e.resource({ apiVersion: apiVersion ?? k.apiVersions[0]!, kind: k.kind }), code: e.code, message: e.message } : {}) }],
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
          const part = fail(k, ns, `${e.code === 403 ? 'forbidden' : 'not found'}: ${e.message}`, e, apiVersion);
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
  const objects = parts.flatMap((p) => p.objects);
  const skipped = parts.flatMap((p) => p.skipped);
  const unreadable = parts.flatMap((p) => p.unreadable);
  const argocdConfig = await readArgoConfig(client, objects, unreadable, skipped, hasher, served, wanted.some((k) => k.kind === 'ConfigMap'), opts.namespaces);
  // Events already listed in a namespace (explain) hold the Applications' ones too.
  const eventsListed = (ns: string) => wanted.some((k) => k.kind === 'Event') && !unreadable.some((u) => u.kind === 'Event' && (!u.namespace || u.namespace === ns)) && (!opts.namespaces?.length || opts.namespaces.includes(ns));
  const appEvents = await readAppEvents(client, objects, served, skipped, hasher, eventsListed);
  return {
    source: `cluster ${client.label}`,
    objects,
    skipped,
    unreadable,
    ...(argocdConfig.length ? { argocdConfig } : {}),
    ...(appEvents.length ? { appEvents } : {}),
    requests: client.requestCount,
    hasher,
  };
}

/** "configmaps and secrets", "deployments.apps" — resources as the API server names them. */
function resourceList(rs: string[]): string {
  const u = [...new Set(rs)];
  return u.length <= 1 ? (u[0] ?? '') : `${u.slice(0, -1).join(', ')} and ${u[u.length - 1]}`;
}

/**
 * The unreadable lists (403/404 with the server's words) that cover `kind` in namespace `ns`
 * (a cluster-wide failure covers every namespace).
 */
export function unreadableFor(live: Pick<LiveSnapshot, 'unreadable'>, kind: string, ns: string | undefined): Unreadable | undefined {
  return (live.unreadable ?? []).find((u) => u.kind === kind && (!u.namespace || u.namespace === ns));
}

/**
 * One line saying which reads the cluster refused, naming each resource as the server does
 * (`deployments.apps`, `configmaps`) and quoting the server's first message: "the cluster at
 * URL forbids list of deployments.apps in namespace prod (deployments.apps is forbidden: User …)".
 */
export function refusedWords(live: Pick<LiveSnapshot, 'source'>, refused: Unreadable[], ns: string | undefined): string {
  const first = refused.find((u) => u.code === 403) ?? refused[0];
  const verb = refused.every((u) => u.code === 404) ? 'does not serve' : 'forbids reading';
  const where = ns ? ` in namespace ${ns}` : '';
  const said = first?.message ? ` (${first.code === 403 ? '403 Forbidden' : first.code === 404 ? '404 NotFound' : `HTTP ${first.code}`}: ${first.message})` : '';
  return `the ${live.source.replace(/^cluster /, 'cluster at ')} ${verb} ${resourceList(refused.map((u) => u.resource ?? u.kind))}${where}${said}`;
}

/**
 * Fail closed: when none of `kinds` could be read in any namespace asked (all namespaces when
 * none), there is nothing to compare — a KeydriftError (exit 2), not "no drift".
 */
export function requireReadable(live: LiveSnapshot, kinds: string[], namespaces: string[] | undefined, what: string): void {
  const scopes = namespaces?.length ? [...new Set(namespaces)] : [undefined];
  const refused: Unreadable[] = [];
  for (const ns of scopes)
    for (const k of kinds) {
      const u = unreadableFor(live, k, ns);
      if (!u) return;
      refused.push(u);
    }
  throw new KeydriftError(`${what}: nothing to compare: ${refusedWords(live, refused, scopes.length === 1 ? scopes[0] : undefined)}`);
}
