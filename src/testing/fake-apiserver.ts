/**
 * A small in-process Kubernetes API server for tests and benchmarks. It speaks the real
 * REST API for the kinds keydrift reads: discovery (`/api`, `/api/v1`, `/apis`, group
 * versions), list with `limit`/`continue` paging and label/field selectors, get, and
 * `Status` objects for 401/403/404/410/429/5xx. List items omit `kind`/`apiVersion`, as the
 * real API server does. CRD groups (ArgoCD, Flux) appear in discovery only when
 * "installed" (seeded, or created as a CRD object). Writes (create, replace, merge/strategic
 * patch, server-side apply, delete) keep managedFields the way the real server does; see
 * `write` and test/e2e-cluster/fake-fidelity.test.ts. Faults (429, 5xx, slow responses,
 * dropped connections) can be injected, and every request is logged.
 *
 * It is started on 127.0.0.1 with a random port, over HTTP or HTTPS (a self-signed
 * certificate made with the `openssl` command), and writes a real kubeconfig file for it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** The CRD group this belongs to, when it is not built in. */
  crd?: 'argocd' | 'flux';
}

export const RESOURCE_TYPES: ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  // The same Events, in the events.k8s.io/v1 shape (regarding, note, deprecated* fields).
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications', namespaced: true, crd: 'argocd' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects', namespaced: true, crd: 'argocd' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', plural: 'rollouts', namespaced: true, crd: 'argocd' },
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', plural: 'kustomizations', namespaced: true, crd: 'flux' },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', kind: 'HelmRelease', plural: 'helmreleases', namespaced: true, crd: 'flux' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories', namespaced: true, crd: 'flux' },
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false },
];

const CRD_GROUPS: Record<string, 'argocd' | 'flux'> = {
  'argoproj.io': 'argocd',
  'kustomize.toolkit.fluxcd.io': 'flux',
  'helm.toolkit.fluxcd.io': 'flux',
  'source.toolkit.fluxcd.io': 'flux',
};

// ---- managed fields ---------------------------------------------------------------------
//
// The API server tracks ownership per field (FieldsV1: `f:data: {f:KEY: {}}`). An Update
// (POST, PUT, merge/strategic patch) makes the writer own every field whose value it changed
// or added, taking it from the others; a map the Update created is owned with its `.` entry.
// An Apply owns exactly the fields of the configuration it sends: a field another manager
// owns with a different value is a conflict (409) unless `force=true`, the same value is
// shared, and a field the applier stops sending is removed when nobody else owns it.

type FieldPath = string[];
const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
/** Metadata fields that are tracked (the rest is the server's own). */
const TRACKED_META = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

/** Leaf field paths of an object as managedFields count them (lists and scalars are leaves). */
export function fieldLeaves(o: Record<string, any>): { path: FieldPath; value: unknown }[] {
  const out: { path: FieldPath; value: unknown }[] = [];
  const walk = (v: unknown, p: FieldPath) => {
    if (isMap(v) && Object.keys(v).length > 0) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    else out.push({ path: p, value: v });
  };
  for (const [k, v] of Object.entries(o ?? {})) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') {
      for (const m of TRACKED_META) if (v?.[m] !== undefined) walk(v[m], ['metadata', m]);
      continue;
    }
    walk(v, [k]);
  }
  return out;
}
/** Map paths of an object (data, metadata.labels, spec…), for the `.` entries of an Update that creates them. */
function mapPaths(o: Record<string, any>): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (v: unknown, p: FieldPath) => {
    if (!isMap(v)) return;
    out.push(p);
    for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  for (const [k, v] of Object.entries(o ?? {})) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata') for (const m of TRACKED_META) walk(v?.[m], ['metadata', m]);
    else walk(v, [k]);
  }
  return out;
}
const getPath = (o: unknown, p: FieldPath) => p.reduce<any>((c, seg) => (isMap(c) ? c[seg] : undefined), o);
const hasPath = (o: unknown, p: FieldPath) => {
  let c: any = o;
  for (const seg of p) {
    if (!isMap(c) || !(seg in c)) return false;
    c = c[seg];
  }
  return true;
};
function hasField(fs: Record<string, any>, p: FieldPath): boolean {
  let cur: any = fs;
  for (const seg of p) {
    cur = cur?.[`f:${seg}`];
    if (cur === undefined) return false;
  }
  return true;
}
function addField(fs: Record<string, any>, p: FieldPath, dot = false): void {
  let cur: any = fs;
  for (const seg of p) cur = cur[`f:${seg}`] ??= {};
  if (dot) cur['.'] = {};
}
function dropField(fs: Record<string, any>, p: FieldPath): void {
  const parents: any[] = [fs];
  let cur: any = fs;
  for (const seg of p.slice(0, -1)) {
    cur = cur?.[`f:${seg}`];
    if (!cur) return;
    parents.push(cur);
  }
  delete cur[`f:${p[p.length - 1]}`];
  // Remove maps left empty (a map still owned with '.' stays).
  for (let i = p.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]).length === 0) delete parents[i - 1][`f:${p[i - 1]}`];
    else break;
  }
}
/** Every owned leaf path of a FieldsV1 set ('.' entries excluded). */
function ownedPaths(fs: Record<string, any>, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [k, v] of Object.entries(fs ?? {})) {
    if (!k.startsWith('f:')) continue;
    const p = [...prefix, k.slice(2)];
    const sub = Object.keys(v ?? {}).filter((x) => x.startsWith('f:'));
    if (sub.length) out.push(...ownedPaths(v, p));
    else if (!('.' in (v ?? {}))) out.push(p);
  }
  return out;
}
/** `.data.REDIS_URL` — how conflict messages name a field. */
const dotted = (p: FieldPath) => p.map((s) => `.${s}`).join('');

// ---- CRD schemas ----------------------------------------------------------------------------

/** The schema of `version` in a CRD object, if it declares one. */
function crdSchema(crd: Record<string, any> | undefined, version: string): Record<string, any> | undefined {
  const v = (crd?.spec?.versions ?? []).find((x: any) => x?.name === version);
  return v?.schema?.openAPIV3Schema;
}
/**
 * Structural-schema pruning as the API server does it for custom resources: fields the
 * schema does not declare are dropped, unless `x-kubernetes-preserve-unknown-fields` keeps
 * them; apiVersion, kind and metadata are always kept at the root. Returns the pruned paths.
 */
export function pruneBySchema(obj: Record<string, any>, schema: Record<string, any>): string[] {
  const pruned: string[] = [];
  const walk = (v: any, s: any, p: string, root: boolean) => {
    if (!isMap(v) || !s) return;
    if (Array.isArray(v)) return;
    const props = s.properties ?? {};
    for (const k of Object.keys(v)) {
      if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const sub = props[k] ?? (isMap(s.additionalProperties) ? s.additionalProperties : undefined);
      if (sub) {
        if (Array.isArray(v[k]) && sub.items) for (const it of v[k]) walk(it, sub.items, `${p}.${k}[]`, false);
        else if (!sub['x-kubernetes-preserve-unknown-fields']) walk(v[k], sub, `${p}.${k}`, false);
        continue;
      }
      if (s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true) continue;
      pruned.push(`${p}.${k}`);
      delete v[k];
    }
  };
  walk(obj, schema, '', true);
  return pruned;
}
/** The first field of `obj` a server-side apply would find undeclared (SSA does not prune: it fails). */
function undeclaredField(obj: Record<string, any>, schema: Record<string, any>): string | undefined {
  const copy = structuredClone(obj);
  return pruneBySchema(copy, schema)[0];
}

const gv = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** What the request was: 'discovery', 'list', 'get', or 'other'. */
  type: 'discovery' | 'list' | 'get' | 'other';
  resource?: string;
  namespace?: string;
}

export interface Fault {
  /** Requests whose path (without the query) matches; all requests when absent. */
  path?: RegExp;
  /** Only requests of this type. */
  type?: RequestLogEntry['type'];
  /** Only list requests that carry a `continue` token (410 here = an expired token). */
  withContinue?: boolean;
  /** HTTP status to answer, 'hang' (answer after `delayMs`) or 'reset' (drop the connection). */
  status: number | 'hang' | 'reset';
  /** How many matching requests it affects (then it is used up). */
  times: number;
  delayMs?: number;
  retryAfterSeconds?: number;
}

export interface Forbid {
  /** Plural resource name ('secrets'). */
  resource: string;
  /** Only in this namespace (and cluster-wide lists); every scope when absent. */
  namespace?: string;
}

/**
 * One RBAC PolicyRule granted to the identity, as a Role (with `namespaces`: bound by a
 * RoleBinding in each) or a ClusterRole (without: bound cluster-wide). RBAC only adds
 * permissions: with `rules` set, a resource request no rule allows is 403, as on a server
 * with RBAC on. Discovery (`/api`, `/apis`, `/version`) stays open, as the
 * `system:discovery` ClusterRole every authenticated user has makes it.
 */
export interface RbacRule {
  verbs: string[];
  /** '' for the core group, '*' for all. */
  apiGroups: string[];
  /** Plural resource names, '*' for all. */
  resources: string[];
  /** Only these object names (a list needs a `metadata.name=` field selector naming one). */
  resourceNames?: string[];
  /** A Role bound in these namespaces; absent: a ClusterRole bound cluster-wide. */
  namespaces?: string[];
}

export interface FakeApiServerOptions {
  objects?: Record<string, any>[];
  /** RBAC: what the identity may do (everything when absent, but `forbid`). */
  rules?: RbacRule[];
  /** The server's clock, for the times it writes (managedFields, creationTimestamp); the real clock when absent. */
  clock?: () => Date;
  /** CRD groups present in discovery; by default those any of `objects` belongs to. */
  crds?: ('argocd' | 'flux')[];
  forbid?: Forbid[];
  faults?: Fault[];
  /** Kinds left out of discovery although their group is served (Argo Rollouts without ArgoCD). */
  omitKinds?: string[];
  /** API groups not served (`events.k8s.io`: a server older than Kubernetes 1.19). */
  omitGroups?: string[];
  /** Serve HTTPS with a self-signed certificate (needs the `openssl` command). */
  tls?: boolean;
  /** Require this bearer token (401 otherwise). */
  token?: string;
  /** The identity named in 403 messages. */
  user?: string;
  /**
   * Serve no API group at all, the core `v1` included (an aggregator or proxy that answers
   * discovery with empty lists): every resource path is then 404, as on a real server.
   */
  noGroups?: boolean;
}

export interface FakeApiServer {
  url: string;
  port: number;
  /** PEM of the CA that signed the server's certificate, for HTTPS. */
  ca?: string;
  requests: RequestLogEntry[];
  /** Count of logged requests, optionally only of one type. */
  count(type?: RequestLogEntry['type']): number;
  resetLog(): void;
  /** Add or replace an object (kind/namespace/name). */
  put(obj: Record<string, any>): void;
  remove(kind: string, namespace: string | undefined, name: string): void;
  get(kind: string, namespace: string | undefined, name: string): Record<string, any> | undefined;
  faults: Fault[];
  forbid: Forbid[];
  /** RBAC rules in force (see `FakeApiServerOptions.rules`); undefined = no RBAC. */
  rules: RbacRule[] | undefined;
  /** Write a kubeconfig for this server into `dir` (a new temp dir when absent); returns its path. */
  writeKubeconfig(opts?: { dir?: string; context?: string; namespace?: string; token?: string }): string;
  close(): Promise<void>;
}

/** One `managedFields` entry as the API server writes it, for keys under `data`. */
export function managedFieldsEntry(opts: {
  manager: string;
  operation: 'Apply' | 'Update';
  time: string;
  apiVersion?: string;
  /** Keys under `data` (or `stringData`/`binaryData` via `field`). */
  keys?: string[];
  field?: 'data' | 'binaryData' | 'stringData';
  labels?: string[];
  annotations?: string[];
  /** The write created the `data` map (an Update that made the object). */
  createdMap?: boolean;
  /** Extra FieldsV1 content merged at the top level. */
  extra?: Record<string, unknown>;
}): Record<string, any> {
  const f: Record<string, any> = {};
  if (opts.keys?.length) {
    const data: Record<string, unknown> = {};
    // The manager that created the map (with an Update) also owns the map itself ('.');
    // one that only added a key to an existing map (kubectl patch) does not.
    if (opts.createdMap) data['.'] = {};
    for (const k of opts.keys) data[`f:${k}`] = {};
    f[`f:${opts.field ?? 'data'}`] = data;
  }
  if (opts.labels?.length || opts.annotations?.length) {
    const meta: Record<string, any> = {};
    if (opts.labels?.length) meta['f:labels'] = Object.fromEntries(opts.labels.map((l) => [`f:${l}`, {}]));
    if (opts.annotations?.length) meta['f:annotations'] = Object.fromEntries(opts.annotations.map((a) => [`f:${a}`, {}]));
    f['f:metadata'] = meta;
  }
  Object.assign(f, opts.extra ?? {});
  return {
    manager: opts.manager,
    operation: opts.operation,
    apiVersion: opts.apiVersion ?? 'v1',
    time: opts.time,
    fieldsType: 'FieldsV1',
    fieldsV1: f,
  };
}

function typeOfKind(kind: string, apiVersion?: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind && (!apiVersion || gv(t) === apiVersion)) ?? RESOURCE_TYPES.find((t) => t.kind === kind);
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

// ---- selectors ------------------------------------------------------------------------

type Req = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** Parse a label selector (`a=b,c!=d,e in (x,y),!f,g`). Throws on bad syntax. */
export function parseLabelSelector(s: string): Req[] {
  const out: Req[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) (parts.push(cur), (cur = ''));
    else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) out.push({ key: m[1]!, op: m[2] as 'in', values: m[3]!.split(',').map((v) => v.trim()) });
    else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p))) out.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
    else if ((m = /^!([\w./-]+)$/.exec(p))) out.push({ key: m[1]!, op: '!exists', values: [] });
    else if ((m = /^([\w./-]+)$/.exec(p))) out.push({ key: m[1]!, op: 'exists', values: [] });
    else throw new Error(`unable to parse requirement: ${p}`);
  }
  return out;
}

function matches(reqs: Req[], get: (k: string) => string | undefined): boolean {
  return reqs.every((r) => {
    const v = get(r.key);
    switch (r.op) {
      case '=':
        return v === r.values[0];
      case '!=':
        return v !== r.values[0];
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
    }
  });
}

function fieldValue(o: Record<string, any>, key: string): string | undefined {
  let cur: any = o;
  for (const seg of key.split('.')) cur = cur?.[seg];
  return cur === undefined || cur === null ? undefined : String(cur);
}

// ---- Events: core/v1 and events.k8s.io/v1 are two views of one object --------------------

const REF_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];
/**
 * Field labels each Event version accepts (kube's EventToSelectableFields, GetAttrs): a value
 * the object does not have is "" (so `x=` matches it). `source` is `source.component` (core)
 * or deprecatedSource.component, else reportingController (events.k8s.io).
 */
const EVENT_FIELDS: Record<string, Record<string, (e: any) => unknown>> = {
  v1: {
    ...Object.fromEntries(REF_FIELDS.map((f) => [`involvedObject.${f}`, (e: any) => e.involvedObject?.[f]])),
    reason: (e) => e.reason,
    reportingComponent: (e) => e.reportingComponent,
    source: (e) => e.source?.component,
    type: (e) => e.type,
  },
  'events.k8s.io/v1': {
    ...Object.fromEntries(REF_FIELDS.map((f) => [`regarding.${f}`, (e: any) => e.regarding?.[f]])),
    reason: (e) => e.reason,
    reportingController: (e) => e.reportingController,
    source: (e) => e.deprecatedSource?.component || e.reportingController,
    type: (e) => e.type,
  },
};

/** A stored (core/v1) Event as events.k8s.io/v1 serves it (kube's events/v1 conversion). */
export function eventV1(core: Record<string, any>): Record<string, any> {
  const e = core;
  const out: Record<string, any> = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata, eventTime: e.eventTime ?? null };
  if (e.series) out.series = { count: e.series.count, lastObservedTime: e.series.lastObservedTime };
  if (e.reportingComponent) out.reportingController = e.reportingComponent;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  if (e.action) out.action = e.action;
  if (e.reason) out.reason = e.reason;
  if (e.involvedObject) out.regarding = e.involvedObject;
  if (e.related) out.related = e.related;
  if (e.message) out.note = e.message;
  if (e.type) out.type = e.type;
  if (e.source && Object.keys(e.source).length) out.deprecatedSource = e.source;
  if (e.firstTimestamp) out.deprecatedFirstTimestamp = e.firstTimestamp;
  if (e.lastTimestamp) out.deprecatedLastTimestamp = e.lastTimestamp;
  if (e.count) out.deprecatedCount = e.count;
  return out;
}
/** An events.k8s.io/v1 Event as core/v1 stores it. */
export function eventCore(v1: Record<string, any>): Record<string, any> {
  const e = v1;
  const out: Record<string, any> = { apiVersion: 'v1', kind: 'Event', metadata: e.metadata ?? {}, involvedObject: e.regarding ?? {} };
  if (e.eventTime) out.eventTime = e.eventTime;
  if (e.series) out.series = e.series;
  if (e.reportingController) out.reportingComponent = e.reportingController;
  if (e.reportingInstance) out.reportingInstance = e.reportingInstance;
  for (const k of ['action', 'reason', 'related', 'type']) if (e[k] !== undefined) out[k] = e[k];
  if (e.note !== undefined) out.message = e.note;
  out.source = e.deprecatedSource ?? {};
  if (e.deprecatedFirstTimestamp) out.firstTimestamp = e.deprecatedFirstTimestamp;
  if (e.deprecatedLastTimestamp) out.lastTimestamp = e.deprecatedLastTimestamp;
  if (e.deprecatedCount) out.count = e.deprecatedCount;
  return out;
}

// ---- RBAC -----------------------------------------------------------------------------

/** Does one PolicyRule (bound as its `namespaces` say) allow `verb` on `t` in `ns`? (rbac/v1 RuleAllows + binding scope) */
function ruleAllows(r: RbacRule, verb: string, t: ResourceType, ns: string | undefined, name: string | undefined): boolean {
  // A Role grants only inside its namespace: never cluster-scoped resources or all-namespace lists.
  if (r.namespaces && (!ns || !t.namespaced || !r.namespaces.includes(ns))) return false;
  if (!r.verbs.includes('*') && !r.verbs.includes(verb)) return false;
  if (!r.apiGroups.includes('*') && !r.apiGroups.includes(t.group)) return false;
  if (!r.resources.includes('*') && !r.resources.includes(t.plural)) return false;
  if (r.resourceNames?.length && (!name || !r.resourceNames.includes(name))) return false;
  return true;
}

// ---- server ---------------------------------------------------------------------------

function makeCert(dir: string): { key: string; cert: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = new Map<string, Record<string, any>>(); // plural|ns|name → object
  let rv = 1000;
  const keyOf = (t: ResourceType, ns: string | undefined, name: string) => `${t.plural}|${t.namespaced ? (ns ?? 'default') : ''}|${name}`;
  const put = (obj: Record<string, any>) => {
    if (obj.kind === 'Event' && obj.apiVersion === 'events.k8s.io/v1') obj = eventCore(obj);
    const t = typeOfKind(obj.kind, obj.apiVersion);
    if (!t) throw new Error(`fake API server: unknown kind ${obj.kind}`);
    const o = structuredClone(obj);
    o.apiVersion ??= gv(t);
    o.metadata ??= {};
    if (t.namespaced) o.metadata.namespace ??= 'default';
    o.metadata.resourceVersion = String(++rv);
    o.metadata.uid ??= `00000000-0000-4000-8000-${String(rv).padStart(12, '0')}`;
    o.metadata.creationTimestamp ??= '2026-01-01T00:00:00Z';
    store.set(keyOf(t, o.metadata.namespace, o.metadata.name), o);
  };
  for (const o of opts.objects ?? []) put(o);
  const installed = new Set<string>(opts.crds ?? []);
  if (!opts.crds) for (const o of opts.objects ?? []) {
    const t = typeOfKind(o.kind, o.apiVersion);
    if (t?.crd) installed.add(t.crd);
  }
  // A seeded CRD object serves its group, as an installed CRD does.
  for (const o of opts.objects ?? []) if (o.kind === 'CustomResourceDefinition' && CRD_GROUPS[o.spec?.group]) installed.add(CRD_GROUPS[o.spec.group]!);
  // The namespaces every cluster has; a create in any other namespace needs it to exist
  // (seeded objects may sit in namespaces that have no Namespace object).
  for (const n of ['default', 'kube-system', 'kube-public']) if (!store.has(`namespaces||${n}`)) put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n }, status: { phase: 'Active' } });
  const namespacesEnforced = () => true;
  const types = () => opts.noGroups ? [] : RESOURCE_TYPES.filter((t) => (!t.crd || installed.has(t.crd)) && !opts.omitKinds?.includes(t.kind) && !opts.omitGroups?.includes(t.group));
  const requests: RequestLogEntry[] = [];
  const faults = opts.faults ?? [];
  const forbid = opts.forbid ?? [];
  const rules = opts.rules;
  const clock = opts.clock ?? (() => new Date());
  const user = opts.user ?? 'system:serviceaccount:keydrift:reader';
  let tmp: string | undefined;
  let tls: { key: string; cert: string } | undefined;
  if (opts.tls) {
    tmp = mkdtempSync(path.join(tmpdir(), 'keydrift-fake-tls-'));
    tls = makeCert(tmp);
  }

  // Items sorted by namespace/name, so paging is stable, cached per resource until a write.
  const sortedCache = new Map<string, { rv: number; items: [string, Record<string, any>][] }>();
  const sortedOf = (t: ResourceType) => {
    const c = sortedCache.get(t.plural);
    if (c && c.rv === rv) return c.items;
    const items: [string, Record<string, any>][] = [];
    for (const [k, o] of store) if (k.startsWith(t.plural + '|')) items.push([`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]);
    items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    sortedCache.set(t.plural, { rv, items });
    return items;
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams);
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: u.pathname, query, status: 200, type: 'other' };
    requests.push(entry);
    const send = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = code;
      const text = JSON.stringify(body);
      res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };

    // Route.
    const segs = u.pathname.split('/').filter(Boolean);
    let t: ResourceType | undefined;
    let ns: string | undefined;
    let name: string | undefined;
    let discovery: (() => unknown) | undefined;
    if (u.pathname === '/version') {
      entry.type = 'discovery';
      discovery = () => ({ major: '1', minor: '31', gitVersion: 'v1.31.0-keydrift-fake', platform: 'linux/amd64' });
    } else if (segs[0] === 'api' && segs.length === 1) {
      entry.type = 'discovery';
      discovery = () => ({ kind: 'APIVersions', versions: opts.noGroups ? [] : ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    } else if (segs[0] === 'apis' && segs.length === 1) {
      entry.type = 'discovery';
      discovery = () => {
        const groups = new Map<string, string[]>();
        for (const x of types()) if (x.group) groups.set(x.group, [...new Set([...(groups.get(x.group) ?? []), x.version])]);
        return {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...groups].map(([g, vs]) => ({
            name: g,
            versions: vs.map((v) => ({ groupVersion: `${g}/${v}`, version: v })),
            preferredVersion: { groupVersion: `${g}/${vs[0]}`, version: vs[0] },
          })),
        };
      };
    } else if (segs[0] === 'apis' && segs.length === 2) {
      const vs = [...new Set(types().filter((x) => x.group === segs[1]).map((x) => x.version))];
      entry.type = 'discovery';
      if (vs.length)
        discovery = () => ({
          kind: 'APIGroup',
          apiVersion: 'v1',
          name: segs[1],
          versions: vs.map((v) => ({ groupVersion: `${segs[1]}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${segs[1]}/${vs[0]}`, version: vs[0] },
        });
    } else if ((segs[0] === 'api' && segs.length === 2) || (segs[0] === 'apis' && segs.length === 3)) {
      const group = segs[0] === 'api' ? '' : segs[1]!;
      const version = segs[segs.length - 1]!;
      const rs = types().filter((x) => x.group === group && x.version === version);
      entry.type = 'discovery';
      if (rs.length)
        discovery = () => ({
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: group ? `${group}/${version}` : version,
          resources: rs.map((x) => ({ name: x.plural, singularName: x.kind.toLowerCase(), namespaced: x.namespaced, kind: x.kind, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] })),
        });
    } else {
      const off = segs[0] === 'api' ? 2 : segs[0] === 'apis' ? 3 : -1;
      if (off > 0) {
        const group = segs[0] === 'api' ? '' : segs[1]!;
        const version = segs[off - 1]!;
        let rest = segs.slice(off);
        if (rest[0] === 'namespaces' && rest.length >= 3) {
          ns = rest[1];
          rest = rest.slice(2);
        }
        t = types().find((x) => x.group === group && x.version === version && x.plural === rest[0]);
        if (t && rest.length <= 2) {
          name = rest[1];
          entry.type = name ? 'get' : 'list';
          entry.resource = t.plural;
          if (ns) entry.namespace = ns;
        } else t = undefined;
      }
    }

    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));

    // Injected faults.
    const fault = faults.find((f) => f.times > 0 && (!f.path || f.path.test(u.pathname)) && (!f.type || f.type === entry.type) && (!f.withContinue || !!query.continue));
    if (fault) {
      fault.times--;
      if (fault.status === 'reset') {
        entry.status = 0;
        req.socket.destroy();
        return;
      }
      if (fault.status === 'hang') {
        entry.status = 0;
        const timer = setTimeout(() => req.socket.destroy(), fault.delayMs ?? 5000);
        req.socket.on('close', () => clearTimeout(timer));
        return;
      }
      const code = fault.status;
      const reason = code === 429 ? 'TooManyRequests' : code === 410 ? 'Expired' : code === 503 ? 'ServiceUnavailable' : code === 504 ? 'Timeout' : 'InternalError';
      return send(code, status(code, reason, code === 429 ? 'Too many requests, please try again later.' : code === 410 ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.' : 'an error on the server has prevented the request from succeeding'), code === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {});
    }

    if (req.method !== 'GET' && (discovery || !t)) return send(405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    if (discovery) return send(200, discovery());
    if (!t) return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    // Authorization (RBAC), before anything is read or written.
    const verb = req.method === 'GET' ? (name ? 'get' : 'list') : req.method === 'POST' ? 'create' : req.method === 'PUT' ? 'update' : req.method === 'PATCH' ? 'patch' : req.method === 'DELETE' ? 'delete' : String(req.method).toLowerCase();
    // The name RBAC sees: the URL's, a created object's, or a list's `metadata.name=` field selector.
    const rbacName = name ?? (verb === 'create' ? undefined : /(?:^|,)metadata\.name=([^,]+)/.exec(query.fieldSelector ?? '')?.[1]);
    const denied =
      (req.method === 'GET' && forbid.some((f) => f.resource === t!.plural && (!f.namespace || f.namespace === ns || !ns))) ||
      (rules !== undefined && !rules.some((r) => ruleAllows(r, verb, t!, ns, rbacName)));
    if (denied) {
      const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
      // apierrors.NewForbidden(qualifiedResource, name, err): "deployments.apps "x" is forbidden: …"
      const qualified = `${t.plural}${t.group ? '.' + t.group : ''}`;
      const objName = name;
      return send(
        403,
        status(403, 'Forbidden', `${qualified}${objName ? ` "${objName}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${t.plural}" in API group "${t.group}" ${scope}`, {
          ...(objName ? { name: objName } : {}),
          ...(t.group ? { group: t.group } : {}),
          kind: t.plural,
        }),
      );
    }
    if (req.method !== 'GET') return write(t, ns, name, req, query, body, send);

    if (name) {
      const o = store.get(keyOf(t, ns, name));
      if (!o) return send(404, status(404, 'NotFound', `${t.plural}${t.group ? '.' + t.group : ''} "${name}" not found`, { name, ...(t.group ? { group: t.group } : {}), kind: t.plural }));
      return send(200, t.group === 'events.k8s.io' ? eventV1(o) : o);
    }

    // List.
    let labelReqs: Req[] = [];
    let fieldReqs: Req[] = [];
    try {
      if (query.labelSelector) labelReqs = parseLabelSelector(query.labelSelector);
      if (query.fieldSelector) {
        fieldReqs = parseLabelSelector(query.fieldSelector);
        for (const r of fieldReqs) {
          const eventField = t.kind === 'Event' && r.key in EVENT_FIELDS[gv(t)]!;
          if (!['=', '!='].includes(r.op) || (!['metadata.name', 'metadata.namespace'].includes(r.key) && !(t.kind === 'Secret' && r.key === 'type') && !eventField))
            throw new Error(`field label not supported: ${r.key}`);
        }
      }
    } catch (e) {
      return send(400, status(400, 'BadRequest', (e as Error).message));
    }
    const all = sortedOf(t);
    let start = 0;
    let listRv = rv;
    if (query.continue) {
      try {
        const tok = JSON.parse(Buffer.from(query.continue, 'base64').toString('utf8'));
        if (tok.v !== 'meta.k8s.io/v1' || typeof tok.start !== 'string') throw new Error('bad');
        listRv = tok.rv;
        // First item strictly after the last one returned.
        let lo = 0;
        let hi = all.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (all[mid]![0] < tok.start) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      } catch {
        return send(400, status(400, 'BadRequest', 'continue key is not valid: illegal base64 data'));
      }
    }
    const limit = query.limit ? Math.max(0, Number(query.limit)) : 0;
    const items: Record<string, any>[] = [];
    let i = start;
    let lastKey: string | undefined;
    for (; i < all.length; i++) {
      const [k, o] = all[i]!;
      if (ns && o.metadata.namespace !== ns) continue;
      if (labelReqs.length && !matches(labelReqs, (l) => o.metadata.labels?.[l])) continue;
      const served = t.group === 'events.k8s.io' ? eventV1(o) : o;
      const eventFields = t.kind === 'Event' ? EVENT_FIELDS[gv(t)]! : undefined;
      if (fieldReqs.length && !matches(fieldReqs, (f) => (eventFields?.[f] ? String(eventFields[f]!(served) ?? '') : fieldValue(served, f)))) continue;
      if (limit && items.length === limit) break;
      // Items of a list carry no kind/apiVersion.
      const { kind: _k, apiVersion: _a, ...rest } = served;
      items.push(rest);
      lastKey = k;
    }
    const more = limit > 0 && i < all.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (more && lastKey) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: listRv, start: lastKey + '\u0000' })).toString('base64');
      if (!labelReqs.length && !fieldReqs.length && !ns) metadata.remainingItemCount = all.length - i;
    }
    return send(200, { kind: `${t.kind}List`, apiVersion: gv(t), metadata, items });
  };

  /**
   * Writes, as the API server makes them: create (POST), replace (PUT), merge and strategic
   * merge patch, server-side apply (with conflicts), delete — with managedFields kept the way
   * the server keeps them (see "managed fields" above), no-op writes left untouched, creates
   * refused in a namespace that does not exist, a new namespace given its kube-root-ca.crt,
   * and custom resources pruned by their CRD's structural schema.
   */
  const write = (t: ResourceType, ns: string | undefined, name: string | undefined, req: http.IncomingMessage, query: Record<string, string>, text: string, send: (c: number, b: unknown) => void) => {
    let body: Record<string, any>;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return send(400, status(400, 'BadRequest', 'the body is not JSON'));
    }
    // One object, two versions: an events.k8s.io/v1 write is stored as core/v1 and answered as it was sent.
    if (t.group === 'events.k8s.io') {
      const asV1 = send;
      send = (c, b) => asV1(c, isMap(b) && (b as any).kind === 'Event' ? eventV1(b as Record<string, any>) : b);
      if (req.method !== 'DELETE') body = eventCore(body);
      t = typeOfKind('Event', 'v1')!;
    }
    const ct = String(req.headers['content-type'] ?? '');
    const apply = req.method === 'PATCH' && ct.startsWith('application/apply-patch');
    const now = clock().toISOString().replace(/\.\d+Z$/, 'Z');
    // Without fieldManager, an Update is attributed to the user agent's program name (as the real server does).
    const manager = query.fieldManager ?? String(req.headers['user-agent'] ?? 'unknown').split('/')[0]!;
    if (apply && !query.fieldManager) return send(400, status(400, 'BadRequest', 'PATCH, application/apply-patch+yaml requires fieldManager'));
    const key = keyOf(t, ns, name ?? body?.metadata?.name);
    const existing = store.get(key);
    const res = `${t.plural}${t.group ? '.' + t.group : ''}`;
    const details = (n: string | undefined) => ({ name: n, ...(t.group ? { group: t.group } : {}), kind: t.plural });
    const notFound = () => send(404, status(404, 'NotFound', `${res} "${name}" not found`, details(name)));

    if (req.method === 'DELETE') {
      if (!existing) return notFound();
      store.delete(key);
      if (t.kind === 'Namespace') for (const [k, o] of [...store]) if (o.metadata?.namespace === name) store.delete(k);
      if (t.kind === 'CustomResourceDefinition') {
        const plural = existing.spec?.names?.plural;
        for (const [k, o] of [...store]) if (k.startsWith(`${plural}|`) && String(o.apiVersion).startsWith(`${existing.spec?.group}/`)) store.delete(k);
        const engine = CRD_GROUPS[existing.spec?.group];
        if (engine && ![...store.values()].some((o) => o.kind === 'CustomResourceDefinition' && CRD_GROUPS[o.spec?.group] === engine)) installed.delete(engine);
      }
      rv++;
      return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: details(name), code: 200 });
    }
    if (!['POST', 'PUT', 'PATCH'].includes(req.method ?? '')) return send(405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));

    const objName = req.method === 'POST' ? body?.metadata?.name : name;
    if (req.method === 'POST' && name) return send(405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    if (typeof objName !== 'string' || !objName) return send(422, status(422, 'Invalid', `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: t.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] }));
    if (body?.metadata?.name !== undefined && body.metadata.name !== objName)
      return send(400, status(400, 'BadRequest', `the name of the object (${body.metadata.name}) does not match the name on the URL (${objName})`));
    const nameRe = t.kind === 'Namespace' ? /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ : /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    if (!existing && (!nameRe.test(objName) || objName.length > (t.kind === 'Namespace' ? 63 : 253))) {
      const what = t.kind === 'Namespace' ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character" : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
      return send(422, status(422, 'Invalid', `${t.kind} "${objName}" is invalid: metadata.name: Invalid value: "${objName}": ${what}`, { name: objName, ...(t.group ? { group: t.group } : {}), kind: t.kind, causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "${objName}": ${what}`, field: 'metadata.name' }] }));
    }
    const nsName = t.namespaced ? (ns ?? body?.metadata?.namespace ?? 'default') : undefined;
    if (!existing && nsName && !store.has(keyOf(typeOfKind('Namespace')!, undefined, nsName)) && namespacesEnforced() && ![...store.values()].some((x) => x.metadata?.namespace === nsName))
      return send(404, status(404, 'NotFound', `namespaces "${nsName}" not found`, { name: nsName, kind: 'namespaces' }));
    if (req.method === 'POST' && existing) return send(409, status(409, 'AlreadyExists', `${res} "${objName}" already exists`, details(objName)));
    if (req.method === 'PUT' && !existing) return notFound();
    if (req.method === 'PATCH' && !existing && !apply) return notFound();
    if ((req.method === 'PUT' || req.method === 'PATCH') && body?.metadata?.resourceVersion && existing && body.metadata.resourceVersion !== existing.metadata.resourceVersion)
      return send(409, status(409, 'Conflict', `Operation cannot be fulfilled on ${res} "${objName}": the object has been modified; please apply your changes to the latest version and try again`, details(objName)));

    // The CRD of a custom resource, for its schema.
    const crd = t.crd ? [...store.values()].find((o) => o.kind === 'CustomResourceDefinition' && o.spec?.group === t.group && o.spec?.names?.plural === t.plural) : undefined;
    const schema = crdSchema(crd, t.version);
    if (apply && schema) {
      const bad = undeclaredField(body, schema);
      // The real server answers 500 here (kubernetes/kubernetes#122480), with this message.
      if (bad) return send(500, status(500, 'InternalError', `failed to create typed patch object (${nsName ? nsName + '/' : ''}${objName}; ${gv(t)}, Kind=${t.kind}): ${bad}: field not declared in schema`));
    }

    const stringDataToData = (o: Record<string, any>) => {
      if (t.kind === 'Secret' && o.stringData) {
        o.data = { ...(o.data ?? {}), ...Object.fromEntries(Object.entries(o.stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) };
        delete o.stringData;
      }
    };
    const before: Record<string, any> = existing ? structuredClone(existing) : { apiVersion: gv(t), kind: t.kind, metadata: { name: objName, ...(nsName ? { namespace: nsName } : {}) } };
    let o: Record<string, any>;
    const merge = (dst: any, src: any) => {
      for (const [k, v] of Object.entries(src ?? {})) {
        if (v === null) delete dst[k];
        else if (isMap(v) && isMap(dst[k])) merge(dst[k], v);
        else dst[k] = structuredClone(v);
      }
    };
    if (req.method === 'PUT' || req.method === 'POST') {
      o = structuredClone(body);
      o.metadata = { ...(o.metadata ?? {}), name: objName, ...(nsName ? { namespace: nsName } : {}) };
    } else if (apply) {
      o = structuredClone(before);
      const { metadata: pm, ...rest } = structuredClone(body);
      merge(o, rest);
      for (const m of TRACKED_META) if (pm?.[m] !== undefined) o.metadata[m] = isMap(pm[m]) ? { ...(o.metadata[m] ?? {}), ...pm[m] } : pm[m];
    } else {
      if (!ct.startsWith('application/merge-patch+json') && !ct.startsWith('application/strategic-merge-patch+json'))
        return send(415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`));
      o = structuredClone(before);
      const { metadata: pm, ...rest } = structuredClone(body);
      merge(o, rest);
      for (const m of TRACKED_META) if (pm?.[m] !== undefined) (isMap(pm[m]) ? merge((o.metadata[m] ??= {}), pm[m]) : (o.metadata[m] = pm[m]));
      for (const m of TRACKED_META) if (isMap(o.metadata[m]) && Object.keys(o.metadata[m]).length === 0) delete o.metadata[m];
    }
    stringDataToData(o);
    o.apiVersion = gv(t);
    o.kind = t.kind;
    if (schema) pruneBySchema(o, schema);
    // What the server keeps whatever the client sends.
    for (const k of ['uid', 'creationTimestamp', 'resourceVersion', 'managedFields', 'generation']) {
      if (before.metadata?.[k] !== undefined) o.metadata[k] = structuredClone(before.metadata[k]);
      else delete o.metadata[k];
    }
    if (existing && before.status !== undefined && t.kind === 'CustomResourceDefinition') o.status = structuredClone(before.status);

    // managedFields.
    const mf: Record<string, any>[] = structuredClone(before.metadata?.managedFields ?? []);
    const op: 'Apply' | 'Update' = apply ? 'Apply' : 'Update';
    let mine = mf.find((m) => m.manager === manager && m.operation === op && !m.subresource);
    const newLeaves = fieldLeaves(o);
    const changedPaths = newLeaves.filter((l) => !hasPath(before, l.path) || JSON.stringify(getPath(before, l.path)) !== JSON.stringify(l.value)).map((l) => l.path);
    const removedPaths = fieldLeaves(before).filter((l) => !hasPath(o, l.path)).map((l) => l.path);
    if (apply) {
      const applied = fieldLeaves({ ...body, metadata: body.metadata ?? {} }).map((l) => l.path);
      const conflicts: { manager: string; path: FieldPath }[] = [];
      for (const p of applied) {
        if (!hasPath(before, p) || JSON.stringify(getPath(before, p)) === JSON.stringify(getPath(o, p))) continue;
        for (const m of mf) if (m !== mine && hasField(m.fieldsV1 ?? {}, p)) conflicts.push({ manager: m.manager, path: p });
      }
      if (conflicts.length && query.force !== 'true') {
        const byMgr = [...new Set(conflicts.map((c) => c.manager))];
        const msg = `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${byMgr.map((m) => `conflict${conflicts.filter((c) => c.manager === m).length === 1 ? '' : 's'} with "${m}"${conflicts.length === 1 ? ` using ${gv(t)}: ${dotted(conflicts[0]!.path)}` : ''}`).join(', ')}`;
        return send(409, status(409, 'Conflict', msg, { causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${gv(t)}`, field: dotted(c.path) })) }));
      }
      // Fields this applier sent before and no longer sends: removed when nobody else owns them.
      const previously = mine ? ownedPaths(mine.fieldsV1) : [];
      const appliedKey = new Set(applied.map((p) => p.join('\u0000')));
      for (const p of previously) {
        if (appliedKey.has(p.join('\u0000'))) continue;
        if (mf.some((m) => m !== mine && hasField(m.fieldsV1 ?? {}, p))) continue;
        const parent = getPath(o, p.slice(0, -1));
        if (isMap(parent)) delete parent[p[p.length - 1]!];
        removedPaths.push(p);
      }
      for (const m of mf) if (m !== mine) for (const c of conflicts) dropField(m.fieldsV1 ?? {}, c.path);
      if (!mine) mf.push((mine = { manager, operation: 'Apply', apiVersion: gv(t), time: now, fieldsType: 'FieldsV1', fieldsV1: {} }));
      const had = JSON.stringify(mine.fieldsV1);
      mine.fieldsV1 = {};
      for (const p of applied) addField(mine.fieldsV1, p);
      if (had !== JSON.stringify(mine.fieldsV1) || changedPaths.length || removedPaths.length) mine.time = now;
    } else if (changedPaths.length || removedPaths.length || !existing) {
      for (const m of mf) if (m !== mine) for (const p of changedPaths) dropField(m.fieldsV1 ?? {}, p);
      if (!mine) mf.push((mine = { manager, operation: 'Update', apiVersion: gv(t), time: now, fieldsType: 'FieldsV1', fieldsV1: {} }));
      mine.time = now;
      for (const p of changedPaths) addField(mine.fieldsV1, p);
      // Maps this write created are owned with their '.' entry.
      for (const mp of mapPaths(o)) if (!hasPath(before, mp)) addField(mine.fieldsV1, mp, true);
    }
    for (const m of mf) for (const p of removedPaths) dropField(m.fieldsV1 ?? {}, p);
    const kept = mf.filter((m) => Object.keys(m.fieldsV1 ?? {}).length > 0);
    if (kept.length) o.metadata.managedFields = kept;
    else delete o.metadata.managedFields;

    // A write that changes nothing is a no-op: same object, same resourceVersion.
    if (existing && JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } }) === JSON.stringify({ ...existing, metadata: { ...existing.metadata, resourceVersion: undefined } }))
      return send(200, existing);

    if (t.kind === 'CustomResourceDefinition' && !existing) {
      o.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
        ],
        acceptedNames: o.spec?.names ?? {},
        storedVersions: (o.spec?.versions ?? []).filter((v: any) => v?.storage).map((v: any) => v.name),
      };
    }
    if (t.kind === 'Namespace' && !existing) o.status = { phase: 'Active' };
    put(o);
    if (t.kind === 'CustomResourceDefinition' && CRD_GROUPS[o.spec?.group]) installed.add(CRD_GROUPS[o.spec.group]!);
    if (t.kind === 'Namespace' && !existing) {
      // The root CA ConfigMap kube-controller-manager puts in every namespace.
      put({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kube-root-ca.crt',
          namespace: objName,
          annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' },
          managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: now, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:ca.crt': {} }, 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubernetes.io/description': {} } } } }],
        },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n' },
      });
    }
    return send(req.method === 'POST' || (apply && !existing) ? 201 : 200, store.get(key));
  };

  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, serve) : http.createServer(serve);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const dirs: string[] = [];

  return {
    url,
    port,
    ...(tls ? { ca: tls.cert } : {}),
    requests,
    faults,
    forbid,
    rules,
    count: (type) => (type ? requests.filter((r) => r.type === type).length : requests.length),
    resetLog: () => void requests.splice(0),
    put,
    remove(kind, namespace, name) {
      const t = typeOfKind(kind);
      if (t) store.delete(keyOf(t, namespace, name));
      rv++;
    },
    get(kind, namespace, name) {
      const t = typeOfKind(kind);
      return t ? store.get(keyOf(t, namespace, name)) : undefined;
    },
    writeKubeconfig(o = {}) {
      const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), 'keydrift-kubeconfig-'));
      if (!o.dir) dirs.push(dir);
      const ctx = o.context ?? 'fake';
      const token = o.token ?? opts.token;
      const cluster: Record<string, unknown> = { server: url };
      if (tls) cluster['certificate-authority-data'] = Buffer.from(tls.cert).toString('base64');
      // client-node 1.x refuses plain HTTP unless TLS verification is explicitly off.
      else cluster['insecure-skip-tls-verify'] = true;
      const text = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${ctx}-cluster`,
        '  cluster:',
        ...Object.entries(cluster).map(([k, v]) => `    ${k}: ${v}`),
        'users:',
        `- name: ${ctx}-user`,
        `  user:${token ? `\n    token: ${token}` : ' {}'}`,
        'contexts:',
        `- name: ${ctx}`,
        '  context:',
        `    cluster: ${ctx}-cluster`,
        `    user: ${ctx}-user`,
        ...(o.namespace ? [`    namespace: ${o.namespace}`] : []),
        `current-context: ${ctx}`,
        '',
      ].join('\n');
      const file = path.join(dir, 'kubeconfig');
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const d of [...dirs, ...(tmp ? [tmp] : [])]) rmSync(d, { recursive: true, force: true });
    },
  };
}
