/**
 * The sticky PR comment: one comment per PR (and per mode), found by a hidden marker across
 * every page of the PR's comments, created once and then updated in place.
 */

/** The few REST calls the comment needs; octokit in the Action, a fake in unit tests. */
export interface CommentApi {
  /** Every comment on the issue/PR, all pages. */
  listAll(): Promise<{ id: number; body?: string | null; user?: { type?: string; login?: string } | null }[]>;
  create(body: string): Promise<{ id: number; html_url?: string }>;
  update(id: number, body: string): Promise<{ id: number; html_url?: string }>;
}

export type CommentResult =
  | { status: 'created' | 'updated'; id: number; url?: string }
  | { status: 'forbidden'; reason: string }
  | { status: 'failed'; reason: string };

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

export async function upsertComment(api: CommentApi, marker: string, body: string): Promise<CommentResult> {
  try {
    const all = await api.listAll();
    const mine = all.filter((c) => typeof c.body === 'string' && c.body.startsWith(marker));
    // Prefer a comment a bot (the Action's token) wrote, should a person have quoted the marker.
    const existing = mine.find((c) => c.user?.type === 'Bot') ?? mine[0];
    if (existing) {
      const r = await api.update(existing.id, body);
      return { status: 'updated', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
    }
    const r = await api.create(body);
    return { status: 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
  } catch (e) {
    const status = httpStatus(e);
    if (status === 403 || status === 401) {
      return { status: 'forbidden', reason: why(e) };
    }
    return { status: 'failed', reason: why(e) };
  }
}
