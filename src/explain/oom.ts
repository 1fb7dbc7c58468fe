/** OOMKilled: the kernel killed the container for going over its memory limit (exit 137). */
import type { Cause, CauseRule, ContainerFacts } from './types.js';
import { exits, plural } from './util.js';

export const oomRule: CauseRule = {
  meta: { id: 'oom-killed', description: 'The container goes over its memory limit and the kernel kills it (OOMKilled, exit 137).' },
  run(_ctx, c: ContainerFacts): Cause[] {
    const oom = exits(c).filter((t) => t.reason === 'OOMKilled');
    if (!oom.length) return [];
    const limit = c.spec?.resources?.limits?.memory;
    const request = c.spec?.resources?.requests?.memory;
    const evidence = [
      `${plural(oom.length, 'termination')} with reason OOMKilled, exit code ${oom[0]!.exitCode ?? 137} (SIGKILL from the kernel's out-of-memory killer)`,
      limit ? `memory limit ${String(limit)}${request ? `, request ${String(request)}` : ''}` : 'no memory limit on the container: the node or the namespace limit ran out',
    ];
    return [
      {
        id: 'oom-killed',
        score: 92,
        container: c.name,
        summary: `Container ${c.name} is killed for running out of memory${limit ? ` (limit ${String(limit)})` : ''}.`,
        evidence,
        fix: `Raise the memory limit${limit ? ` above ${String(limit)}` : ''} to what the app uses at peak, or make it use less; for a JVM or Node.js, size the heap below the limit (-XX:MaxRAMPercentage, --max-old-space-size).`,
        locations: [c.gitLocation ?? c.location],
        explainsExit: true,
        details: { ...(limit ? { memoryLimit: String(limit) } : {}) },
      },
    ];
  },
};
