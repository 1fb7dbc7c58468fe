/** `keydrift explain --format json`: the explanation as stable, versioned JSON. */
import type { Explanation } from '../explain/types.js';
import { JSON_SCHEMA_VERSION } from './json.js';

export function explainToJson(x: Explanation): object {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'explain',
    workload: x.workload,
    sources: x.sources,
    pods: x.pods,
    failing: x.failing,
    containers: x.containers,
    causes: x.causes.map((c) => ({
      id: c.id,
      score: c.score,
      ...(c.container ? { container: c.container } : {}),
      summary: c.summary,
      evidence: c.evidence,
      ...(c.fix ? { fix: c.fix } : {}),
      ...(c.patch ? { patch: c.patch } : {}),
      locations: c.locations,
      ...(c.details ? { details: c.details } : {}),
    })),
    timeline: x.timeline,
    drift: x.drift,
    notSeen: x.notSeen,
    skipped: x.skipped,
  };
}

export function renderExplainJson(x: Explanation): string {
  return JSON.stringify(explainToJson(x), null, 2) + '\n';
}
