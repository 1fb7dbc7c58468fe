/**
 * Plain JSON requests to an API server, authenticated from a kubeconfig context the way
 * client-node would (certificates, token, exec plugins) — but with bodies sent exactly as
 * written: client-node's typed models rename or drop keys they do not know (a CRD schema's
 * `x-kubernetes-preserve-unknown-fields` becomes `x_kubernetes_preserve_unknown_fields` and
 * is lost), so the suite never sends anything through them.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  body: any;
}

export class RawKube {
  readonly kc = new KubeConfig();
  readonly server: string;
  constructor(kubeconfig: string, context: string) {
    this.kc.loadFromFile(kubeconfig);
    this.kc.setCurrentContext(context);
    const c = this.kc.getCurrentCluster();
    if (!c) throw new Error(`kubeconfig ${kubeconfig}: context ${context} has no cluster`);
    this.server = c.server;
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const u = new URL(path, this.server);
    const opts: https.RequestOptions = { method, headers: { accept: 'application/json', 'user-agent': 'keydrift-e2e/1' } };
    await this.kc.applyToHTTPSOptions(opts);
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (text !== undefined) Object.assign(opts.headers!, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    const mod = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(u, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = t;
          try {
            parsed = t ? JSON.parse(t) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      if (text !== undefined) req.write(text);
      req.end();
    });
  }

  /** The request, failing unless its status is one of `ok`. */
  async must(method: string, path: string, body?: unknown, contentType?: string, ok: number[] = [200, 201]): Promise<any> {
    const r = await this.request(method, path, body, contentType);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status}: ${typeof r.body === 'object' ? r.body?.message : r.body}`);
    return r.body;
  }
}

/** Collection paths: `/api/v1/namespaces/NS/configmaps`, `/apis/GROUP/VERSION/PLURAL`. */
export function collection(apiVersion: string, plural: string, namespace?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
}
