/**
 * A required key the running version reads that the container does not get — or gets only
 * under the name an older version read (the incident: 3.14.0 reads REDIS_URL; the pod gets
 * REDIS_HOST, REDIS_PORT). The app stops at start, usually with exit 1 and an error that
 * points somewhere else (ECONNREFUSED to a Redis that is fine).
 */
import type { Location } from '../model.js';
import type { ContainerContext } from '../checks/types.js';
import { describeOrigin, evidenceLocation, provides, versionLabel } from '../checks/util.js';
import { objLocation } from '../sources/yaml.js';
import { valueFromOldNames, envPatch } from '../fix/env-patch.js';
import type { ContainerProvision } from '../resolve/provision.js';
import type { Snapshot } from '../sources/snapshot.js';
import type { Cause, CauseRule, ContainerFacts, ExplainContext } from './types.js';
import { describeExit } from './exit-code.js';
import { isCrashing, lastExit } from './util.js';

const stem = (n: string) => (n.includes('_') ? n.slice(0, n.lastIndexOf('_')) : undefined);
/** Exit codes an app gives itself when a start-up check fails. */
const APP_EXIT = (code: number | undefined) => code !== undefined && code !== 0 && code < 126;

/** The live container as the checks see one (only its provision and contract are read). */
function asCtx(p: ContainerProvision, c: ContainerFacts, ctx: ExplainContext): ContainerContext {
  const snapshot: Snapshot = ctx.gitSnapshot ?? { origin: { type: 'dir', label: ctx.liveSource, root: '' }, objects: [], problems: [], texts: new Map(), skipped: [] };
  return { snapshot, provision: p, ...(c.current ? { current: c.current } : {}), ...(c.previous ? { previous: c.previous } : {}), renames: c.renames };
}

export const missingKeyRule: CauseRule = {
  meta: { id: 'missing-key', description: 'The running version requires a variable the container does not get (or gets only under an old name).' },
  run(ctx, c: ContainerFacts): Cause[] {
    const cur = c.current;
    const live = c.provision;
    if (!cur || !live) return [];
    const lctx = asCtx(live, c, ctx);
    const read = new Set([...cur.contract.entries.values()].map((e) => e.name));
    const out: Cause[] = [];
    const last = lastExit(c);
    const crashing = isCrashing(c);
    for (const e of cur.contract.entries.values()) {
      if (e.kind !== 'required' || e.requiredOneOf) continue;
      if (provides(lctx, e.name, e.match) !== 'no') continue;
      const reads = e.reads.filter((r) => r.kind === 'required');
      const app = versionLabel(cur);
      // Old names: a known rename between versions, else names the pod gets that share the stem and that this version no longer reads.
      const rename = c.renames.find((r) => r.to === e.name);
      const st = stem(e.name);
      const old = rename
        ? rename.from.filter((f) => live.vars.has(f))
        : [...live.vars.keys()].filter((n) => st && stem(n) === st && !read.has(n) && live.vars.get(n)!.origin !== 'image-default').sort();
      const oldFrom = [...new Set(old.map((n) => describeOrigin(live.vars.get(n)!)))].join(', ');
      const evidence: string[] = [`${app} requires ${e.name}: ${reads.map((r) => `${r.evidence.file}:${r.evidence.line} (${r.evidence.pattern})`).join(', ')}`];
      evidence.push(
        old.length
          ? `the live container gets ${old.join(', ')} from ${oldFrom} but not ${e.name}; ${app} reads none of ${old.join(', ')}${rename ? ` (${rename.reasons.join('; ')})` : ''}`
          : `the live container does not get ${e.name} (from env, envFrom or a default in the image)`,
      );
      if (last) evidence.push(`pod ${last.status.pod}: last run ended with ${describeExit(last.term)}${last.status.waiting ? `, now ${last.status.waiting.reason}` : ''}, ${last.status.restartCount} restarts`);
      const locations: Location[] = reads.map((r) => evidenceLocation(cur, r.evidence));
      const gp = c.gitProvision;
      let fix: string;
      let patch: string | undefined;
      const builtValue = old.length ? valueFromOldNames(e.name, old) : undefined;
      // A value whose scheme nothing tells carries a placeholder: said in words, never patched.
      const built = builtValue?.value;
      const patchable = !!builtValue && !builtValue.placeholder;
      if (gp && gp.vars.has(e.name)) {
        const v = gp.vars.get(e.name)!;
        const l = v.from?.location ?? v.location;
        evidence.push(`git gives it ${e.name} (${l.file}:${l.line}, ${describeOrigin(v)}), the cluster does not: git is ahead of the cluster`);
        locations.unshift({ ...l, note: `${e.name} in git` });
        fix = `Sync the app so the cluster gets ${e.name} from git.`;
      } else {
        if (gp) {
          const cm = [...gp.vars.values()].find((v) => v.origin === 'envFrom-configMap' && v.from?.source);
          const at = cm ? objLocation(cm.from!.source!.object, ['data'], `ConfigMap ${cm.from!.name} data`) : objLocation(gp.container.workload, [...gp.container.path, Array.isArray(gp.container.spec.env) ? 'env' : 'name'], `container ${c.name}`);
          locations.unshift(at);
          evidence.push(`git does not give it ${e.name} either (${at.file}:${at.line})`);
          if (built && patchable && ctx.gitSnapshot) patch = envPatch(ctx.gitSnapshot, gp.container, [{ name: e.name, value: built }]);
        }
        fix = built
          ? `Add ${e.name} to the container's env built from the keys it already gets (value: ${built}), and keep ${old.join(', ')} until nothing reads them.`
          : `Add ${e.name} to the container's env or to a ConfigMap it takes with envFrom, in git.`;
      }
      const explainsExit = crashing && APP_EXIT(last?.term.exitCode);
      out.push({
        id: 'missing-key',
        score: explainsExit ? 88 : crashing ? 70 : 45,
        container: c.name,
        summary: old.length
          ? `${app} reads ${e.name}; the pod gets ${old.join(', ')}: the key was renamed and the container's configuration still has the old name${old.length === 1 ? '' : 's'}, so the app stops at start.`
          : `${app} requires ${e.name} and the container does not get it, so the app stops at start.`,
        evidence,
        fix,
        ...(patch ? { patch } : {}),
        locations,
        explainsExit,
        details: { key: e.name, oldNames: old, version: cur.image.tag ?? cur.image.raw },
      });
    }
    return out;
  },
};
