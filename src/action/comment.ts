/**
 * The sticky PR comments: one report (per PR and mode) as one or more comments, each found by
 * the hidden sticky marker and its part marker (`<!-- keydrift:comment I/N -->`, see
 * src/report/comments.ts) across every page of the PR's comments, created once and then
 * updated in place. Parts left over from an earlier, longer report are deleted. A comment with
 * the sticky marker and no part marker — written by the single-comment version — is part 1.
 */
import { partOf } from '../report/comments.js';

type ListedComment = { id: number; body?: string | null; user?: { type?: string; login?: string } | null };

/** The few REST calls the comments need; octokit in the Action, a fake in unit tests. */
export interface CommentApi {
  /** Every comment on the issue/PR, all pages. */
  listAll(): Promise<ListedComment[]>;
  create(body: string): Promise<{ id: number; html_url?: string }>;
  update(id: number, body: string): Promise<{ id: number; html_url?: string }>;
  remove(id: number): Promise<void>;
}

export interface PostedPart {
  status: 'created' | 'updated';
  id: number;
  url?: string;
}

export type CommentResult =
  | { status: 'posted'; parts: PostedPart[]; deleted: number }
  | { status: 'forbidden'; reason: string; parts: PostedPart[] }
  | { status: 'failed'; reason: string; parts: PostedPart[] };

export function markerFor(mode: string): string {
  return `<!-- keydrift:sticky-comment mode=${mode} -->`;
}

function httpStatus(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** One line about a failed call, never the request or its headers (they carry the token). */
function why(e: unknown): string {
  const status = httpStatus(e);
  const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return status ? `HTTP ${status}: ${msg}` : msg;
}

/**
 * The comments this Action wrote earlier, by part number. Should a person have quoted a marker,
 * the comment a bot (the Action's token) wrote wins; among equals the oldest.
 */
export function findParts(all: ListedComment[], marker: string): Map<number, ListedComment> {
  const byPart = new Map<number, ListedComment>();
  for (const c of all) {
    const part = typeof c.body === 'string' ? partOf(c.body, marker) : undefined;
    if (part === undefined) continue;
    const had = byPart.get(part);
    if (!had || (had.user?.type !== 'Bot' && c.user?.type === 'Bot')) byPart.set(part, c);
  }
  return byPart;
}

/** Post `bodies` as parts 1..N: update the ones found, create the others in order, delete parts above N. */
export async function upsertComments(api: CommentApi, marker: string, bodies: string[]): Promise<CommentResult> {
  const parts: PostedPart[] = [];
  try {
    const existing = findParts(await api.listAll(), marker);
    for (let i = 0; i < bodies.length; i++) {
      const had = existing.get(i + 1);
      const r = had ? await api.update(had.id, bodies[i]!) : await api.create(bodies[i]!);
      parts.push({ status: had ? 'updated' : 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) });
    }
    // The report shrank: the parts beyond it go, but never a person's comment that quotes a marker.
    let deleted = 0;
    for (const [part, c] of [...existing].sort((a, b) => a[0] - b[0])) {
      if (part <= bodies.length || c.user?.type === 'User') continue;
      await api.remove(c.id);
      deleted++;
    }
    return { status: 'posted', parts, deleted };
  } catch (e) {
    const status = httpStatus(e);
    if (status === 403 || status === 401) return { status: 'forbidden', reason: why(e), parts };
    return { status: 'failed', reason: why(e), parts };
  }
}
