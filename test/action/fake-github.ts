/**
 * A local stand-in for the GitHub REST API, enough for the sticky comments: list an issue's
 * comments (paged, with Link headers), create one, update one, delete one. It records every
 * request and checks what a real API would reject (no token, a body over 65,536 characters).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth?: string;
  body?: any;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  readonly comments = new Map<number, FakeComment[]>();
  /** Issues on which writing comments answers 403, as for a fork PR's read-only token. */
  readonly readOnly = new Set<number>();
  private nextId = 1000;
  private server?: http.Server;
  url = '';

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
  ) {}

  seed(issue: number, n: number, make: (i: number) => Partial<FakeComment> = () => ({})): void {
    const list = this.comments.get(issue) ?? [];
    for (let i = 0; i < n; i++) list.push({ id: this.nextId++, body: `comment ${i}`, user: { login: `person${i % 7}`, type: 'User' }, ...make(i) });
    this.comments.set(issue, list);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private send(res: http.ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(data));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', this.url);
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const rec: RecordedRequest = {
      method: req.method ?? '',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      ...(raw ? { body: JSON.parse(raw) } : {}),
    };
    this.requests.push(rec);
    if (rec.auth !== `token ${this.token}` && rec.auth !== `Bearer ${this.token}`) {
      this.problems.push(`${rec.method} ${rec.path}: authorization '${rec.auth ?? ''}'`);
      return this.send(res, 401, { message: 'Bad credentials' });
    }
    const base = `/repos/${this.owner}/${this.repo}`;
    let m: RegExpMatchArray | null;
    if ((m = u.pathname.match(new RegExp(`^${base}/issues/(\\d+)/comments$`)))) {
      const issue = Number(m[1]);
      const list = this.comments.get(issue) ?? [];
      if (req.method === 'GET') {
        const per = Math.min(100, Number(u.searchParams.get('per_page') ?? 30));
        const page = Number(u.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(list.length / per));
        const link = (p: number) => `<${this.url}${base}/issues/${issue}/comments?per_page=${per}&page=${p}>`;
        const links = [
          ...(page < last ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
          ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`] : []),
        ];
        return this.send(res, 200, list.slice((page - 1) * per, page * per), links.length ? { link: links.join(', ') } : {});
      }
      if (req.method === 'POST') {
        if (this.readOnly.has(issue)) return this.send(res, 403, { message: 'Resource not accessible by integration', status: '403' });
        const body = rec.body?.body;
        if (typeof body !== 'string') return this.send(res, 422, { message: 'body is missing' });
        if (body.length > 65536) {
          this.problems.push(`POST body of ${body.length} characters`);
          return this.send(res, 422, { message: 'Body is too long (maximum is 65536 characters)' });
        }
        const c: FakeComment = { id: this.nextId++, body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        list.push(c);
        this.comments.set(issue, list);
        return this.send(res, 201, { ...c, html_url: `https://github.example/${this.owner}/${this.repo}/pull/${issue}#issuecomment-${c.id}` });
      }
    }
    if ((m = u.pathname.match(new RegExp(`^${base}/issues/comments/(\\d+)$`))) && req.method === 'DELETE') {
      const id = Number(m[1]);
      for (const [issue, list] of this.comments) {
        const i = list.findIndex((x) => x.id === id);
        if (i < 0) continue;
        if (this.readOnly.has(issue)) return this.send(res, 403, { message: 'Resource not accessible by integration' });
        list.splice(i, 1);
        res.writeHead(204);
        res.end();
        return;
      }
      return this.send(res, 404, { message: 'Not Found' });
    }
    if ((m = u.pathname.match(new RegExp(`^${base}/issues/comments/(\\d+)$`))) && req.method === 'PATCH') {
      const id = Number(m[1]);
      for (const [issue, list] of this.comments) {
        const c = list.find((x) => x.id === id);
        if (!c) continue;
        if (this.readOnly.has(issue)) return this.send(res, 403, { message: 'Resource not accessible by integration' });
        const body = rec.body?.body;
        if (typeof body !== 'string' || body.length > 65536) {
          this.problems.push('PATCH body invalid');
          return this.send(res, 422, { message: 'bad body' });
        }
        c.body = body;
        return this.send(res, 200, { ...c, html_url: `https://github.example/${this.owner}/${this.repo}/pull/${issue}#issuecomment-${c.id}` });
      }
      return this.send(res, 404, { message: 'Not Found' });
    }
    this.problems.push(`unexpected ${rec.method} ${rec.path}`);
    return this.send(res, 404, { message: 'Not Found' });
  }
}
