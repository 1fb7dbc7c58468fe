/** Evicted pods: the node ran short of memory, disk or PIDs and the kubelet evicted them. */
import type { Cause, CauseRule, ContainerFacts, ExplainContext } from './types.js';
import { plural } from './util.js';

export const evictedRule: CauseRule = {
  meta: { id: 'evicted', description: 'The kubelet evicted pods because their node ran short of a resource (memory, ephemeral storage, PIDs).' },
  run(ctx: ExplainContext, c: ContainerFacts): Cause[] {
    // A pod-level cause: reported once, with the first container.
    if (c !== ctx.containers[0]) return [];
    const pods = ctx.pods.filter((p) => p.reason === 'Evicted');
    const events = ctx.podEvents.filter((e) => e.reason === 'Evicted');
    if (!pods.length && !events.length) return [];
    const res = [...new Set(events.map((e) => e.parsed.evictedFor).filter(Boolean))] as string[];
    const evidence = [
      ...(pods.length ? [`${plural(pods.length, 'pod')} with status reason Evicted (${pods.map((p) => p.name).join(', ')})`] : []),
      ...(events.length ? [`event Evicted ×${events.reduce((n, e) => n + e.count, 0)}${res.length ? `: the node was low on ${res.join(', ')}` : ''}`] : []),
    ];
    const mem = res.includes('memory');
    const disk = res.some((r) => r.includes('storage') || r.includes('fs'));
    return [
      {
        id: 'evicted',
        score: 80,
        container: c.name,
        summary: `Pods of ${ctx.workload.name} were evicted: their node ran short of ${res.length ? res.join(', ') : 'a resource'}.`,
        evidence,
        fix: mem
          ? 'Set memory requests close to real use (pods using more than they request are evicted first), or give the node more memory.'
          : disk
            ? 'Set ephemeral-storage requests and limits, and keep logs and temp files off the container filesystem (an emptyDir with sizeLimit).'
            : 'Set requests close to real use so the scheduler places the pods where the resource is, and check the node.',
        locations: [c.gitLocation ?? c.location],
        explainsExit: true,
      },
    ];
  },
};
