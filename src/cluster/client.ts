/**
 * Talking to a Kubernetes API server through @kubernetes/client-node: kubeconfig file and
 * context, or the in-cluster service account; discovery of the API groups present; lists
 * that follow `continue` tokens; timeouts, 429 and 5xx retried with bounded back-off. Objects
 * come back as the plain JSON the server sent (no client-side model classes), so they look
 * exactly like a `kubectl get -o yaml` dump.
 */
import { KubeConfig, KubernetesObjectApi, createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import { KeydriftError } from '../errors.js';
import { ApiStatusError } from './api-error.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** First back-off; doubled per attempt, with jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000, timeoutMs: 30000 };

// ApiStatusError (a non-2xx answer with its Status fields) lives in its own file so that reading live objects (dumps included) does not load the client.
export { ApiStatusError } from './api-error.js';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** What the cluster reader needs from a cluster: plain data in, plain data out. */
export interface ClusterClient {
  /** "https://host:6443 (context prod)" — never credentials. */
  readonly label: string;
  /** API group versions served ('v1', 'apps/v1', 'argoproj.io/v1alpha1', …). */
  groupVersions(): Promise<Set<string>>;
  /** Every object of a kind (following `continue`), as sent by the server, with kind/apiVersion set. */
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<Record<string, any>[]>;
  /** Requests sent (attempts included). */
  readonly requestCount: number;
}

export interface KubeOptions {
  /** A kubeconfig file; when absent: in-cluster service account if `inCluster`, else the default lookup (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  /** Prefix of the service-account files for in-cluster config (tests). */
  inClusterPathPrefix?: string;
  retry?: Partial<RetryPolicy>;
  /** Page size for lists. */
  pageSize?: number;
}

/** Load a kubeconfig as asked; a bad file or unknown context is a KeydriftError. */
export function loadKubeConfig(opts: KubeOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (opts.inCluster) {
      if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT)
        throw new KeydriftError('--in-cluster: not running in a pod (KUBERNETES_SERVICE_HOST/PORT are not set)');
      kc.loadFromCluster(opts.inClusterPathPrefix);
    }
    else kc.loadFromDefault();
  } catch (e) {
    if (e instanceof KeydriftError) throw e;
    throw new KeydriftError(`kubeconfig ${opts.kubeconfig ?? '(default)'} could not be read: ${String((e as Error).message).split('\n')[0]}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new KeydriftError(`kubeconfig ${opts.kubeconfig ?? '(default)'} has no context '${opts.context}'`);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KeydriftError(`kubeconfig ${opts.kubeconfig ?? '(default)'} has no current cluster${opts.inCluster ? ' (in-cluster: KUBERNETES_SERVICE_HOST not set?)' : ''}`);
  return kc;
}

/** client-node's generic object API, answering with the server's JSON as is. */
class RawObjectApi extends KubernetesObjectApi {
  protected override async processResponse(response: any): Promise<any> {
    const text: string = await response.body.text();
    let data: any;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    const code: number = response.httpStatusCode;
    if (code >= 200 && code <= 299) {
      if (data === undefined) throw new ApiStatusError(code, 'BadResponse', 'the server answered with something that is not JSON');
      return data;
    }
    const ra = Number(response.headers?.['retry-after']);
    const msg = data && data.kind === 'Status' && typeof data.message === 'string' ? data.message : `HTTP ${code}`;
    const d = data && data.kind === 'Status' && data.details && typeof data.details === 'object' ? data.details : undefined;
    const details = d ? { ...(typeof d.name === 'string' && d.name ? { name: d.name } : {}), ...(typeof d.group === 'string' && d.group ? { group: d.group } : {}), ...(typeof d.kind === 'string' && d.kind ? { kind: d.kind } : {}) } : undefined;
    throw new ApiStatusError(code, data?.reason, msg, Number.isFinite(ra) ? ra : undefined, details && Object.keys(details).length ? details : undefined);
  }

  /** GET a path (discovery). */
  async getPath(p: string): Promise<any> {
    const ctx = (this as any).configuration.baseServer.makeRequestContext(p, 'GET');
    ctx.setHeaderParam('Accept', 'application/json');
    return this.requestPromise(ctx);
  }
}

const RETRY_CODES = new Set([429, 500, 502, 503, 504]);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

function netCode(e: any): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  if (e.name === 'AbortError' || e.type === 'aborted' || e.name === 'TimeoutError') return 'timeout';
  const c = e.code ?? e.errno ?? e.cause?.code;
  if (typeof c === 'string' && NET_CODES.has(c)) return c;
  if (e.type === 'system' || /socket hang up|ECONNRESET/.test(String(e.message))) return typeof c === 'string' ? c : 'connection reset';
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class KubeClient implements ClusterClient {
  readonly label: string;
  private api: RawObjectApi;
  private retry: RetryPolicy;
  private pageSize: number;
  private count = 0;
  private gvs?: Promise<Set<string>>;
  private server: string;

  constructor(kc: KubeConfig, opts: Pick<KubeOptions, 'retry' | 'pageSize'> = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KeydriftError('kubeconfig has no current cluster');
    this.server = cluster.server;
    this.label = `${cluster.server}${kc.getCurrentContext() ? ` (context ${kc.getCurrentContext()})` : ''}`;
    this.retry = { ...DEFAULT_RETRY, ...(opts.retry ?? {}) };
    this.pageSize = opts.pageSize ?? 500;
    const timeoutMs = this.retry.timeoutMs;
    const config = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (ctx: any) => {
            this.count++;
            ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (r: any) => r,
        },
      ],
    });
    this.api = new RawObjectApi(config);
    (this.api as any).setDefaultNamespace(kc);
  }

  get requestCount(): number {
    return this.count;
  }

  /** Run one request with retries; transport failures and 5xx/429 that persist become a KeydriftError. */
  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const r = this.retry;
    let last: unknown;
    for (let attempt = 1; attempt <= r.attempts; attempt++) {
      try {
        return await fn();
      } catch (e) {
        last = e;
        const net = netCode(e);
        const retryable = net !== undefined || (e instanceof ApiStatusError && RETRY_CODES.has(e.code));
        if (!retryable) break;
        if (net === 'ENOTFOUND') break; // a wrong host name does not heal by waiting
        if (attempt === r.attempts) break;
        let delay = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** (attempt - 1));
        delay = delay / 2 + Math.random() * (delay / 2);
        if (e instanceof ApiStatusError && e.retryAfterSeconds !== undefined) delay = Math.min(r.maxDelayMs, Math.max(delay, e.retryAfterSeconds * 1000));
        await sleep(delay);
      }
    }
    const net = netCode(last);
    if (net) throw new KeydriftError(`cannot reach the cluster at ${this.server}: ${net === 'timeout' ? `no answer within ${Math.round(r.timeoutMs / 1000)} s` : net} (${what}, ${r.attempts} attempts)`);
    if (last instanceof ApiStatusError) {
      if (last.code === 401) throw new KeydriftError(`the cluster at ${this.server} refused the credentials (401 Unauthorized)`);
      // Discovery is open to every authenticated user (system:discovery); without it nothing can be read.
      if (last.code === 403 && what.startsWith('discovery ')) throw new KeydriftError(`the cluster at ${this.server} forbids ${what} to these credentials (403 Forbidden: ${last.message})`);
      if (RETRY_CODES.has(last.code)) throw new KeydriftError(`the cluster at ${this.server} kept answering ${last.code} ${last.reason ?? ''} (${what}, ${r.attempts} attempts)`.replace(/ +\(/, ' ('));
      throw last;
    }
    if (last instanceof KeydriftError) throw last;
    // client-node's own failures (TLS, auth plugins): one line, no stack.
    throw new KeydriftError(`cannot talk to the cluster at ${this.server}: ${String((last as Error)?.message ?? last).split('\n')[0]}`);
  }

  groupVersions(): Promise<Set<string>> {
    this.gvs ??= (async () => {
      const out = new Set<string>();
      const core = await this.withRetry('discovery /api', () => this.api.getPath('/api'));
      for (const v of core?.versions ?? []) out.add(v);
      const groups = await this.withRetry('discovery /apis', () => this.api.getPath('/apis'));
      for (const g of groups?.groups ?? []) for (const v of g.versions ?? []) out.add(v.groupVersion);
      return out;
    })();
    return this.gvs;
  }

  private discovered = new Map<string, Promise<unknown>>();

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<Record<string, any>[]> {
    // One discovery request per group version, even when lists run side by side.
    let d = this.discovered.get(apiVersion);
    if (!d) {
      d = this.withRetry(`discovery ${apiVersion}`, () => (this.api as any).resource(apiVersion, kind)).catch(() => undefined);
      this.discovered.set(apiVersion, d);
    }
    await d;
    const items: Record<string, any>[] = [];
    let cont: string | undefined;
    let restarts = 0;
    const what = `list ${kind}${opts.namespace ? ` in ${opts.namespace}` : ''}`;
    for (;;) {
      let page: any;
      try {
        page = await this.withRetry(what, async () => {
          try {
            return await this.api.list(apiVersion, kind, opts.namespace, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector, this.pageSize, cont);
          } catch (e) {
            // The group is served but not this kind (argoproj.io with Rollouts and no Applications).
            if (e instanceof Error && !(e instanceof ApiStatusError) && /Unrecognized API version and kind/.test(e.message))
              throw new ApiStatusError(404, 'NotFound', `the server does not serve ${kind} in ${apiVersion}`);
            throw e;
          }
        });
      } catch (e) {
        // An expired continue token: start over, once.
        if (e instanceof ApiStatusError && e.code === 410 && cont && restarts++ === 0) {
          items.length = 0;
          cont = undefined;
          continue;
        }
        throw e;
      }
      for (const it of page?.items ?? []) {
        it.apiVersion ??= apiVersion;
        it.kind ??= kind;
        items.push(it);
      }
      cont = page?.metadata?.continue || undefined;
      if (!cont) return items;
    }
  }
}

/** Open a cluster from a kubeconfig (or in-cluster); the connection is tried lazily by the first request. */
export function openCluster(opts: KubeOptions): KubeClient {
  const kc = loadKubeConfig(opts);
  return new KubeClient(kc, opts);
}
