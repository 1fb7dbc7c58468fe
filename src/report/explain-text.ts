/**
 * `keydrift explain` as text: the workload's state, the causes most likely first with
 * their evidence, where to change what, the live drift of what it reads, and what keydrift
 * cannot see (with the command that shows it). A pure function; colour only when asked.
 */
import type { Explanation } from '../explain/types.js';
import { formatLocation } from './text.js';

const ANSI = { red: 31, yellow: 33, dim: 2, bold: 1, green: 32 } as const;

export function renderExplainText(x: Explanation, opts: { color: boolean }): string {
  const c = (code: number, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  lines.push(c(ANSI.dim, `${x.sources.live}${x.sources.git ? ` and ${x.sources.git}` : ''}`), '');
  lines.push(c(ANSI.bold, `${x.workload.replace('/-/', '/')}`) + ` — ${x.pods.length} pod${x.pods.length === 1 ? '' : 's'}${x.pods.length ? `: ${x.pods.map((p) => p.name + (p.reason ? ` (${p.reason})` : '')).join(', ')}` : ''}`);
  for (const k of x.containers) {
    lines.push(`  ${k.init ? 'init container' : 'container'} ${k.name}  ${c(ANSI.dim, k.image)}`);
    lines.push(`    ${k.state}; ${k.restarts} restart${k.restarts === 1 ? '' : 's'}${k.lastExit ? `; last ${k.lastExit}` : ''}`);
  }
  lines.push('');
  x.causes.forEach((cause, i) => {
    if (i === 0) lines.push(c(ANSI.bold, x.failing ? 'Most likely cause' : 'Not failing now; what keydrift found'));
    if (i === 1) lines.push(c(ANSI.bold, x.failing ? 'Other possible causes' : 'Also'));
    lines.push(`  ${i + 1}. ${c(i === 0 ? ANSI.red : ANSI.yellow, cause.summary)}  ${c(ANSI.dim, `[${cause.id}]`)}`);
    for (const e of cause.evidence) lines.push(`     - ${e}`);
    cause.locations.forEach((l, j) => lines.push(`     ${j === 0 ? 'at ' : '   '}${formatLocation(l)}`));
    if (cause.fix) lines.push(`     ${c(ANSI.green, 'fix:')} ${cause.fix}`);
    if (cause.patch) {
      lines.push(`     ${c(ANSI.dim, 'patch:')}`);
      for (const p of cause.patch.replace(/\n$/, '').split('\n')) lines.push(`       ${p}`);
    }
    lines.push('');
  });
  if (!x.causes.length) lines.push(c(ANSI.green, 'No cause found: the containers are not failing in a way keydrift recognises.'), '');
  if (x.drift.length) {
    lines.push(c(ANSI.bold, 'Live drift of what it reads'));
    for (const f of x.drift) {
      const d = (f.details ?? {}) as Record<string, any>;
      lines.push(`  ${f.severity} ${f.check}${f.key ? ` ${f.key}` : ''}: ${f.message}`);
      if (d.manager) lines.push(`    who: ${d.manager}${d.time ? `, ${d.time}` : ''}`);
    }
    lines.push('');
  }
  if (x.notSeen.length) {
    lines.push(c(ANSI.bold, 'What keydrift cannot see'));
    for (const n of x.notSeen) lines.push(`  - ${n.what}:`, `      ${n.command}`);
    lines.push('');
  }
  if (x.skipped.length) {
    lines.push(c(ANSI.bold, 'Not checked'));
    for (const s of x.skipped) lines.push(`  - ${s.what}: ${s.reason}`);
    lines.push('');
  }
  lines.push(
    x.causes.length
      ? `keydrift explain: ${x.causes.length} possible cause${x.causes.length === 1 ? '' : 's'} for ${x.workload.replace('/-/', '/')}; most likely: ${x.causes[0]!.id}`
      : `keydrift explain: nothing found for ${x.workload.replace('/-/', '/')}`,
  );
  return lines.join('\n') + '\n';
}
