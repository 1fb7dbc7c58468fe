/**
 * A small in-process Kubernetes API server for tests and benchmarks. It speaks the real
 * REST API for the kinds keydrift reads: discovery (`/api`, `/api/v1`, `/apis`, group
 * versions), list with `limit`/`continue` paging and label/field selectors, get, and
 * `Status` objects for 401/403/404/410/429/5xx. List items omit `kind`/`apiVersion`, as the
 * real API server does. CRD groups (ArgoCD, Flux) appear in discovery only when
 * "installed". Faults (429, 5xx, slow responses, dropped connections) can be injected, and
 * every request is logged.
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

/** The FieldsV1 keys a write touches under data/stringData/binaryData and metadata labels/annotations. */
function touched(body: Record<string, any>): { path: string[]; value: unknown }[] {
  const out: { path: string[]; value: unknown }[] = [];
  for (const f of ['data', 'binaryData']) for (const [k, v] of Object.entries(body?.[f] ?? {})) out.push({ path: [f, k], value: v });
  for (const [k, v] of Object.entries(body?.stringData ?? {})) out.push({ path: ['data', k], value: Buffer.from(String(v)).toString('base64') });
  for (const f of ['labels', 'annotations']) for (const [k, v] of Object.entries(body?.metadata?.[f] ?? {})) out.push({ path: ['metadata', f, k], value: v });
  return out;
}

function hasField(fs: Record<string, any>, p: string[]): boolean {
  let cur: any = fs;
  for (const seg of p) {
    cur = cur?.[`f:${seg}`];
    if (cur === undefined) return false;
  }
  return true;
}
function addField(fs: Record<string, any>, p: string[]): void {
  let cur: any = fs;
  for (const seg of p) cur = cur[`f:${seg}`] ??= {};
}
function dropField(fs: Record<string, any>, p: string[]): void {
  const parents: any[] = [fs];
  let cur: any = fs;
  for (const seg of p.slice(0, -1)) {
    cur = cur?.[`f:${seg}`];
    if (!cur) return;
    parents.push(cur);
  }
  delete cur[`f:${p[p.length - 1]}`];
  // Remove maps left empty (or holding only '.').
  for (let i = p.length - 1; i > 0; i--) {
    const m = parents[i];
    const keys = Object.keys(m).filter((k) => k !== '.');
    if (keys.length === 0) delete parents[i - 1][`f:${p[i - 1]}`];
    else break;
  }
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

export interface FakeApiServerOptions {
  objects?: Record<string, any>[];
  /** CRD groups present in discovery; by default those any of `objects` belongs to. */
  crds?: ('argocd' | 'flux')[];
  forbid?: Forbid[];
  faults?: Fault[];
  /** Kinds left out of discovery although their group is served (Argo Rollouts without ArgoCD). */
  omitKinds?: string[];
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
  const types = () => opts.noGroups ? [] : RESOURCE_TYPES.filter((t) => (!t.crd || installed.has(t.crd)) && !opts.omitKinds?.includes(t.kind));
  const requests: RequestLogEntry[] = [];
  const faults = opts.faults ?? [];
  const forbid = opts.forbid ?? [];
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
    if (req.method !== 'GET') return write(t, ns, name, req, query, body, send);

    const denied = forbid.find((f) => f.resource === t!.plural && (!f.namespace || f.namespace === ns || !ns));
    if (denied) {
      const verb = name ? 'get' : 'list';
      const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
      return send(
        403,
        status(403, 'Forbidden', `${t.plural}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${t.plural}" in API group "${t.group}" ${scope}`, {
          ...(name ? { name } : {}),
          ...(t.group ? { group: t.group } : {}),
          kind: t.plural,
        }),
      );
    }

    if (name) {
      const o = store.get(keyOf(t, ns, name));
      if (!o) return send(404, status(404, 'NotFound', `${t.plural}${t.group ? '.' + t.group : ''} "${name}" not found`, { name, ...(t.group ? { group: t.group } : {}), kind: t.plural }));
      return send(200, o);
    }

    // List.
    let labelReqs: Req[] = [];
    let fieldReqs: Req[] = [];
    try {
      if (query.labelSelector) labelReqs = parseLabelSelector(query.labelSelector);
      if (query.fieldSelector) {
        fieldReqs = parseLabelSelector(query.fieldSelector);
        for (const r of fieldReqs) {
          if (!['=', '!='].includes(r.op) || !['metadata.name', 'metadata.namespace'].includes(r.key) && !(t.kind === 'Secret' && r.key === 'type'))
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
      if (fieldReqs.length && !matches(fieldReqs, (f) => fieldValue(o, f))) continue;
      if (limit && items.length === limit) break;
      // Items of a list carry no kind/apiVersion.
      const { kind: _k, apiVersion: _a, ...rest } = o;
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
   * Writes, enough for the end-to-end suite to run against this server: create, delete,
   * merge/strategic-merge patch and server-side apply, with managedFields kept the way the
   * API server keeps them (an Update takes the fields it sets from every other manager; an
   * Apply owns exactly the fields it applies).
   */
  const write = (t: ResourceType, ns: string | undefined, name: string | undefined, req: http.IncomingMessage, query: Record<string, string>, text: string, send: (c: number, b: unknown) => void) => {
    let body: Record<string, any>;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return send(400, status(400, 'BadRequest', 'the body is not JSON'));
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const manager = query.fieldManager ?? 'unknown';
    const key = keyOf(t, ns, name ?? body?.metadata?.name);
    const existing = store.get(key);
    if (req.method === 'DELETE') {
      if (!existing) return send(404, status(404, 'NotFound', `${t.plural} "${name}" not found`, { name, kind: t.plural }));
      store.delete(key);
      if (t.kind === 'Namespace') for (const [k, o] of [...store]) if (o.metadata?.namespace === name) store.delete(k);
      rv++;
      return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
    }
    const record = (o: Record<string, any>, op: 'Apply' | 'Update', fields: { path: string[]; value: unknown }[], changed: (p: string[]) => boolean) => {
      const mf: Record<string, any>[] = (o.metadata.managedFields ??= []);
      for (const m of mf) {
        if (m.manager === manager && m.operation === op) continue;
        for (const f of fields) if (m.operation === 'Update' || changed(f.path)) dropField(m.fieldsV1, f.path);
      }
      let mine = mf.find((m) => m.manager === manager && m.operation === op);
      if (!mine) mf.push((mine = { manager, operation: op, apiVersion: gv(t), time: now, fieldsType: 'FieldsV1', fieldsV1: {} }));
      if (op === 'Apply') mine.fieldsV1 = {};
      mine.time = now;
      for (const f of fields) addField(mine.fieldsV1, f.path);
      o.metadata.managedFields = mf.filter((m) => Object.keys(m.fieldsV1).length > 0);
    };
    const crdInstalled = (o: Record<string, any>) => {
      if (t.kind === 'CustomResourceDefinition' && CRD_GROUPS[o.spec?.group]) installed.add(CRD_GROUPS[o.spec.group]!);
    };
    if (req.method === 'POST') {
      if (existing) return send(409, status(409, 'AlreadyExists', `${t.plural} "${body.metadata?.name}" already exists`, { name: body.metadata?.name, kind: t.plural }));
      const o: Record<string, any> = { ...body, apiVersion: gv(t), kind: t.kind, metadata: { ...body.metadata, ...(t.namespaced ? { namespace: ns ?? body.metadata?.namespace ?? 'default' } : {}) } };
      if (o.stringData) (o.data = { ...(o.data ?? {}), ...Object.fromEntries(Object.entries(o.stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) }), delete o.stringData;
      delete o.metadata.managedFields;
      record(o, 'Update', touched(body), () => true);
      put(o);
      crdInstalled(o);
      return send(201, store.get(key));
    }
    if (req.method === 'PATCH') {
      const ct = String(req.headers['content-type'] ?? '');
      const apply = ct.startsWith('application/apply-patch');
      if (!existing && !apply) return send(404, status(404, 'NotFound', `${t.plural} "${name}" not found`, { name, kind: t.plural }));
      const o = structuredClone(existing ?? { apiVersion: gv(t), kind: t.kind, metadata: { name, ...(t.namespaced ? { namespace: ns ?? 'default' } : {}) } });
      const before = structuredClone(o);
      const merge = (dst: any, src: any) => {
        for (const [k, v] of Object.entries(src ?? {})) {
          if (v === null) delete dst[k];
          else if (v && typeof v === 'object' && !Array.isArray(v) && dst[k] && typeof dst[k] === 'object' && !Array.isArray(dst[k])) merge(dst[k], v);
          else dst[k] = structuredClone(v);
        }
      };
      const { metadata: pm, stringData, ...rest } = body;
      merge(o, rest);
      if (pm?.labels) merge((o.metadata.labels ??= {}), pm.labels);
      if (pm?.annotations) merge((o.metadata.annotations ??= {}), pm.annotations);
      if (stringData) merge((o.data ??= {}), Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])));
      const get = (x: any, p: string[]) => p.reduce((c, seg) => c?.[seg], x);
      record(o, apply ? 'Apply' : 'Update', touched(body), (p) => JSON.stringify(get(before, p)) !== JSON.stringify(get(o, p)));
      put(o);
      crdInstalled(o);
      return send(200, store.get(key));
    }
    return send(405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
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
