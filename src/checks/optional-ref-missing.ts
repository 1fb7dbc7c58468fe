import { objLocation } from '../sources/yaml.js';
import type { Finding, Location } from '../model.js';
import type { ContainerCheck, ContainerContext } from './types.js';
import type { RefProblem } from '../resolve/provision.js';
import { describeRef, refFindings } from './dangling-ref.js';
import { baseFinding, containerLabel } from './util.js';

/** How many reference locations a folded finding lists after the object's own. */
const MAX_REF_LOCATIONS = 5;
/** How many `env NAME (key k)` pairs the message spells out before "and N more". */
const MAX_NAMED = 8;

/**
 * One finding per missing object a container refers to optionally, not one per reference: an
 * app that points sixty `optional: true` env entries at a ConfigMap of tuning knobs it leaves
 * empty by design (ArgoCD's argocd-cmd-params-cm) has one cause — the keys are not there — and
 * is told so once, with the names that stay unset.
 */
export function optionalRefFindings(ctx: ContainerContext): Finding[] {
  const optional = ctx.provision.problems.filter((p) => p.optional);
  if (!optional.length) return [];
  // A reference to an object that may be in a file that failed to parse keeps its own wording.
  const single = refFindings(ctx, true);
  const groups = new Map<string, RefProblem[]>();
  const out: Finding[] = [];
  optional.forEach((p, i) => {
    const f = single[i]!;
    if (f.details && 'maybeIn' in f.details) return void out.push(f);
    const id = `${p.problem}\u0000${p.kind}\u0000${p.name}`;
    const g = groups.get(id);
    if (g) g.push(p);
    else groups.set(id, [p]);
  });
  for (const g of groups.values()) out.push(folded(ctx, g));
  return out;
}

function folded(ctx: ContainerContext, g: RefProblem[]): Finding {
  const p = g[0]!;
  const ns = ctx.provision.container.workload.namespace;
  const unset = [...new Set(g.flatMap((q) => (q.envName ? [q.envName] : [])))];
  const pair = (q: RefProblem) => (q.envName ? `env ${q.envName}${q.key && p.problem === 'missing-key' ? ` (key ${q.key})` : ''}` : 'envFrom');
  const named = g.slice(0, MAX_NAMED).map(pair).join(', ') + (g.length > MAX_NAMED ? ` and ${g.length - MAX_NAMED} more` : '');
  const target = p.problem === 'missing-key' ? `keys of ${p.kind} ${p.name}${objectAt(p)} that it does not have` : describeRef(p, ns);
  const message =
    g.length === 1
      ? `${containerLabel(ctx)}: ${p.envName ? `env ${p.envName}` : 'envFrom'} references ${describeRef(p, ns)}; the reference is optional, so it is skipped silently${p.envName ? ` and ${p.envName} is unset` : ''}.`
      : `${containerLabel(ctx)}: ${g.length} optional references to ${target}: ${named}; each is skipped silently${unset.length ? `, so ${unset.length === 1 ? `${unset[0]} is` : `these ${unset.length} variables are`} unset and the app runs on its own defaults` : ''}.`;
  const locations: Location[] = [p.location];
  if (p.source) locations.push(objLocation(p.source.object, p.source.dataPath, `${p.kind} ${p.name}`));
  locations.push(...g.slice(1, 1 + MAX_REF_LOCATIONS).map((q) => q.location));
  const missingKeys = [...new Set(g.flatMap((q) => (q.key ? [q.key] : [])))];
  return {
    check: 'optional-ref-missing',
    severity: 'info',
    ...baseFinding(ctx),
    ...(g.length === 1 && p.envName ? { key: p.envName } : {}),
    message,
    locations,
    fix:
      p.problem === 'missing-object'
        ? `Nothing to do if running without ${p.kind} ${p.name} is intended; otherwise declare it${ns ? ` in namespace ${ns}` : ''} or fix the name.`
        : `Nothing to do if the app's defaults are intended; if it needs ${missingKeys.length === 1 ? `a value for key ${missingKeys[0]}` : 'values for these keys'}, add ${missingKeys.length === 1 ? 'it' : 'them'} to ${p.kind} ${p.name} or fix the key name${missingKeys.length === 1 ? '' : 's'}.`,
    details: {
      kind: p.kind,
      name: p.name,
      problem: p.problem,
      ...(g.length === 1 && p.key ? { refKey: p.key } : {}),
      ...(g.length > 1 ? { references: g.length, refKeys: missingKeys, unset } : {}),
    },
  };
}

function objectAt(p: RefProblem): string {
  const at = p.source?.object.locate([]);
  return at ? ` (${at.file}:${at.line})` : '';
}

export const optionalRefMissing: ContainerCheck = {
  meta: {
    id: 'optional-ref-missing',
    description: 'Optional references to a ConfigMap, Secret or keys that do not exist: skipped silently, one finding per missing object.',
    defaultSeverity: 'info',
    needs: 'manifests',
  },
  scope: 'container',
  run: optionalRefFindings,
};
