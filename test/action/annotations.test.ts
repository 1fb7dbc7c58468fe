/** GitHub shows 10 annotations of each level per step: the rest go to the summary, none are lost. */
import { describe, expect, it } from '@jest/globals';
import { planAnnotations } from '../../src/action/annotations.js';
import { markerFor, upsertComments, type CommentApi } from '../../src/action/comment.js';
import { partMarker, partOf } from '../../src/report/comments.js';
import type { Finding, Severity } from '../../src/model.js';

const f = (i: number, severity: Severity, repo = 'gitops'): Finding => ({
  check: 'missing-key',
  severity,
  key: `K${i}`,
  message: `m${i}`,
  locations: [{ repo: 'user-auth', file: 'src/config.ts', line: 3 }, { repo, file: `apps/a${i}.yaml`, line: i + 1 }],
});

describe('planAnnotations', () => {
  it('caps each level at 10 in report order, the rest overflow', () => {
    const fs = [...Array.from({ length: 13 }, (_, i) => f(i, 'error')), ...Array.from({ length: 11 }, (_, i) => f(100 + i, 'warning')), f(200, 'info')];
    const { shown, overflow } = planAnnotations(fs);
    expect(shown.filter((a) => a.level === 'error').map((a) => a.finding.key)).toEqual(Array.from({ length: 10 }, (_, i) => `K${i}`));
    expect(shown.filter((a) => a.level === 'warning')).toHaveLength(10);
    expect(shown.filter((a) => a.level === 'notice')).toHaveLength(1);
    expect(overflow.map((x) => x.key)).toEqual(['K10', 'K11', 'K12', 'K110']);
  });
  it('keeps a slot for setFailed when asked, and places annotations on the scanned repo only', () => {
    const { shown, overflow } = planAnnotations(Array.from({ length: 10 }, (_, i) => f(i, 'error')), 'deploy', 10, { error: 9 });
    expect(shown).toHaveLength(9);
    expect(overflow).toHaveLength(1);
    expect(shown[0]).toMatchObject({ file: 'deploy/apps/a0.yaml', startLine: 1, title: 'keydrift/missing-key: K0' });
    const foreignOnly = planAnnotations([{ ...f(1, 'error'), locations: [{ repo: 'user-auth', file: 'src/config.ts', line: 3 }] }]).shown[0]!;
    expect(foreignOnly.file).toBeUndefined();
  });
});

describe('upsertComments', () => {
  const api = (comments: { id: number; body: string; user?: { type: string } }[], fail?: { status: number; message: string }): CommentApi & { calls: string[] } => {
    const calls: string[] = [];
    let next = 100;
    return {
      calls,
      listAll: async () => (calls.push('list'), comments),
      create: async () => {
        calls.push('create');
        if (fail) throw Object.assign(new Error(fail.message), { status: fail.status });
        return { id: next++ };
      },
      update: async (id) => (calls.push(`update ${id}`), { id }),
      remove: async (id) => void calls.push(`delete ${id}`),
    };
  };
  const marker = markerFor('check');
  const part = (i: number, n: number, text = '') => `${marker}\n${partMarker(i, n)}\n${text}`;
  it('updates the bot comment with the marker even when a person quoted the marker first', async () => {
    const a = api([
      { id: 5, body: `${marker}\nquoted`, user: { type: 'User' } },
      { id: 6, body: `${marker}\nmine`, user: { type: 'Bot' } },
    ]);
    expect(await upsertComments(a, marker, ['x'])).toEqual({ status: 'posted', parts: [{ status: 'updated', id: 6 }], deleted: 0 });
    expect(a.calls).toEqual(['list', 'update 6']);
  });
  it('a marker for another mode is another comment', async () => {
    const a = api([{ id: 5, body: `${markerFor('audit')}\n`, user: { type: 'Bot' } }]);
    expect((await upsertComments(a, marker, ['x'])).parts[0]!.status).toBe('created');
  });
  it("the old single comment (no part marker) becomes part 1; the parts after it are created in order", async () => {
    const a = api([{ id: 6, body: `${marker}\n## keydrift check\n`, user: { type: 'Bot' } }]);
    const r = await upsertComments(a, marker, ['1', '2', '3']);
    expect(a.calls).toEqual(['list', 'update 6', 'create', 'create']);
    expect(r).toEqual({ status: 'posted', parts: [{ status: 'updated', id: 6 }, { status: 'created', id: 100 }, { status: 'created', id: 101 }], deleted: 0 });
  });
  it('finds each part by its marker whatever the order, updates them, deletes parts beyond the report (not a person’s)', async () => {
    const a = api([
      { id: 9, body: part(3, 4), user: { type: 'Bot' } },
      { id: 7, body: part(1, 4), user: { type: 'Bot' } },
      { id: 8, body: part(2, 4), user: { type: 'Bot' } },
      { id: 11, body: part(5, 5), user: { type: 'User' } },
      { id: 10, body: part(4, 4), user: { type: 'Bot' } },
    ]);
    const r = await upsertComments(a, marker, ['1', '2']);
    expect(a.calls).toEqual(['list', 'update 7', 'update 8', 'delete 9', 'delete 10']);
    expect(r).toMatchObject({ status: 'posted', deleted: 2 });
  });
  it('partOf: the part a body is, 1 for the old single comment, nothing without the sticky marker', () => {
    expect(partOf(part(3, 7), marker)).toBe(3);
    expect(partOf(`${marker}\n## keydrift check`, marker)).toBe(1);
    expect(partOf(`> ${marker}`, marker)).toBeUndefined();
    expect(partOf(part(2, 2), markerFor('audit'))).toBeUndefined();
  });
  it('403 is forbidden, 500 is failed, neither throws', async () => {
    expect(await upsertComments(api([], { status: 403, message: 'Resource not accessible by integration' }), marker, ['x'])).toEqual({
      status: 'forbidden',
      reason: 'HTTP 403: Resource not accessible by integration',
      parts: [],
    });
    expect((await upsertComments(api([], { status: 502, message: 'Bad gateway' }), marker, ['x'])).status).toBe('failed');
  });
});
