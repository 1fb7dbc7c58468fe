/**
 * `keydrift explain WORKLOAD`: why is this workload (or pod) failing? Reads its pods and
 * events from the cluster (or a dump), what its containers get live — and in git, with
 * file:line, when a repo is given —, the contract of the version each runs, and the live
 * drift of the objects they read; then the causes, most likely first (src/explain/).
 * A plain function of its options: the CLI calls it, tests call it.
 */
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { KeydriftError } from '../errors.js';
import type { Finding, Location, Skip } from '../model.js';
import { readLive, type LiveSource } from '../cluster/source.js';
import { refusedWords, unreadableFor, type LiveObject } from '../cluster/live.js';
import { SecretHasher } from '../cluster/secret-digest.js';
import { openTree, gitTopLevel } from '../sources/tree.js';
import { loadSnapshot, type LoadedSnapshot } from '../sources/snapshot.js';
import { containersOf, isWorkload } from '../resolve/workloads.js';
import { SourceIndex } from '../resolve/sources.js';
import { resolveContainer, type ContainerProvision } from '../resolve/provision.js';
import { parseImageRef } from '../images/ref.js';
import { parseConfig, parseSourceArg, type SourceMapping } from '../images/mapping.js';
import type { RegistryOptions } from '../images/registry.js';
import { objLocation } from '../sources/yaml.js';
import { computeDrift } from '../drift/compare.js';
import { runDriftChecks } from '../drift/run.js';
import { CONFIG_FILE, ContractCache, loadMappings } from './check.js';
import { containerStatuses, eventFact } from '../explain/facts.js';
import { controllerOf, liveKObject, podsOf } from '../explain/live-objects.js';
import { explain } from '../explain/index.js';
import type { ContainerFacts, EventFact, Explanation } from '../explain/types.js';

export interface ExplainOptions extends LiveSource {
  /** `Kind/namespace/name`, `Kind/name` (with `namespace`) or a name (a pod or a workload). */
  workload: string;
  /** The GitOps repository: what git says the containers get (file:line), and live drift. */
  repo?: string;
  ref?: string;
  sources?: string[];
  registry?: RegistryOptions;
  cwd?: string;
}

const KINDS: Record<string, string> = {
  pod: 'Pod', pods: 'Pod', po: 'Pod',
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  job: 'Job', jobs: 'Job',
  cronjob: 'CronJob', cronjobs: 'CronJob', cj: 'CronJob',
};

export function parseWorkloadArg(arg: string): { kind?: string; namespace?: string; name: string } {
  const parts = arg.split('/');
  const kindOf = (k: string) => {
    const v = KINDS[k.toLowerCase()] ?? KINDS[k.toLowerCase().replace(/\..*$/, '')];
    if (!v) throw new KeydriftError(`explain: '${k}' is not a kind keydrift explains (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob)`);
    return v;
  };
  const ok = (s: string | undefined) => !!s && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s);
  let r: { kind?: string; namespace?: string; name: string };
  if (parts.length === 1) r = { name: parts[0]! };
  else if (parts.length === 2) r = { kind: kindOf(parts[0]!), name: parts[1]! };
  else if (parts.length === 3) r = { kind: kindOf(parts[0]!), namespace: parts[1]!, name: parts[2]! };
  else throw new KeydriftError(`explain: '${arg}': expected Kind/namespace/name, Kind/name or a name`);
  if (!ok(r.name) || (r.namespace !== undefined && !ok(r.namespace))) throw new KeydriftError(`explain: '${arg}': not a valid Kubernetes name`);
  return r;
}

function readMappingsFromDir(dir: string, sources: string[], cwd: string): SourceMapping[] {
  const cli = sources.map((a) => parseSourceArg(a, cwd));
  const f = path.join(dir, CONFIG_FILE);
  return existsSync(f) ? [...cli, ...parseConfig(readFileSync(f, 'utf8'), CONFIG_FILE, dir).sources] : cli;
}

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const isWorkloadKind = (k: string) => WORKLOAD_KINDS.includes(k);

export async function runExplain(o: ExplainOptions): Promise<Explanation> {
  const cwd = o.cwd ?? process.cwd();
  const want = parseWorkloadArg(o.workload);
  const ns = want.namespace ?? (o.namespaces?.length === 1 ? o.namespaces[0] : undefined);
  const hasher = new SecretHasher();
  const live = await readLive({ ...o, events: true, namespaces: ns ? [ns] : (o.namespaces ?? []) }, hasher, cwd);
  const skipped: Skip[] = [...live.skipped];

  // The workload (or pod) asked for.
  const candidates = live.objects.filter((x) => isWorkloadKind(x.kind) && x.name === want.name && (!want.kind || x.kind === want.kind) && (!ns || x.namespace === ns));
  // A bare name: a workload wins over a pod of the same name.
  candidates.sort((a, b) => Number(a.kind === 'Pod') - Number(b.kind === 'Pod'));
  let target = candidates[0];
  if (!target) {
    // Not found where it could not be looked for: say which read the cluster refused, not "not found".
    const refused = (want.kind ? [want.kind] : WORKLOAD_KINDS).map((k) => unreadableFor(live, k, ns)).filter((u): u is NonNullable<typeof u> => !!u);
    if (refused.length) throw new KeydriftError(`explain: cannot look for ${o.workload}: ${refusedWords(live, refused, ns)}`);
    throw new KeydriftError(`explain: ${o.workload}${ns && !want.namespace ? ` (namespace ${ns})` : ''} not found in ${live.source}`);
  }
  if (candidates.length > 1 && !want.kind && candidates[1]!.kind !== 'Pod' && candidates[1]!.namespace !== target.namespace)
    throw new KeydriftError(`explain: '${o.workload}' is ambiguous (${candidates.map((c) => `${c.kind}/${c.namespace}/${c.name}`).join(', ')}): give Kind/namespace/name`);
  let pods: LiveObject[];
  if (target.kind === 'Pod') {
    pods = [target];
    target = controllerOf(target, live.objects) ?? target;
  } else pods = podsOf(target, live.objects);

  const podNames = new Set(pods.map((p) => p.name));
  const events: EventFact[] = [];
  let eventsSeen = false;
  for (const x of live.objects) {
    if (x.kind !== 'Event' || x.namespace !== target.namespace) continue;
    eventsSeen = true;
    const e = eventFact(x.body);
    if (!e) continue;
    const mine = (e.object.kind === 'Pod' && podNames.has(e.object.name)) || (e.object.kind === target.kind && e.object.name === target.name) || (e.object.kind === 'ReplicaSet' && e.object.name.startsWith(target.name + '-'));
    if (mine) events.push(e);
  }
  if (!eventsSeen && live.source.startsWith('dump')) skipped.push({ what: 'events', reason: `the dump has no events in namespace ${target.namespace ?? '?'} (add them: kubectl get events -n ${target.namespace ?? 'NS'} -o yaml)` });
  if (!pods.length) skipped.push({ what: 'pods', reason: `no pod of ${target.kind} ${target.namespace}/${target.name} was found${live.source.startsWith('dump') ? ' in the dump (add them: kubectl get pods -o yaml)' : ''}` });

  // Git, when given: the same workload's containers with file:line, and live drift.
  let snap: LoadedSnapshot | undefined;
  let gitLabel: string | undefined;
  let mappings: SourceMapping[];
  let drift: Finding[] = [];
  const tw = liveKObject(target);
  if (o.repo) {
    const repoDir = path.resolve(cwd, o.repo);
    const ref = o.ref ?? ((await gitTopLevel(repoDir)) ? 'HEAD' : undefined);
    const tree = await openTree(repoDir, ref);
    gitLabel = `git ${tree.label}${tree.commit ? ` (${tree.commit.slice(0, 7)})` : ''}`;
    mappings = await loadMappings(tree, tree.root, o.sources ?? [], cwd);
    snap = await loadSnapshot(tree);
    const { items } = computeDrift(snap, live, { namespaces: target.namespace ? [target.namespace] : [], ...(ref ? { ref } : {}) });
    const me = `${target.kind} ${target.namespace ? target.namespace + '/' : ''}${target.name}`;
    drift = runDriftChecks({ items, ...(ref ? { ref } : {}), liveSource: live.source }).filter((f) => ((f.details as any)?.readBy ?? []).some((r: string) => r === me || r.startsWith(me + ' ')));
  } else mappings = readMappingsFromDir(cwd, o.sources ?? [], cwd);

  const gitWorkload = snap?.objects.find((x) => isWorkload(x) && x.kind === target.kind && x.name === target.name && (x.namespace === undefined || x.namespace === target.namespace));
  if (snap && !gitWorkload) skipped.push({ what: `${target.kind} ${target.namespace}/${target.name} in git`, reason: `not found in ${gitLabel}: git references and file:line are not shown` });
  const gitIndex = snap ? new SourceIndex(snap.objects) : undefined;
  const gitContainers = gitWorkload ? containersOf(gitWorkload).containers : [];

  const liveIndex = new SourceIndex(live.objects.filter((x) => (x.kind === 'ConfigMap' || x.kind === 'Secret') && x.namespace === target.namespace).map(liveKObject));
  const secretsUnreadable = live.unreadable?.some((u) => u.kind === 'Secret' && (!u.namespace || u.namespace === target.namespace));
  const contracts = new ContractCache(mappings, o.registry);
  const statuses = pods.map((p) => containerStatuses(p.body));

  const containers: ContainerFacts[] = [];
  for (const c of containersOf(tw).containers) {
    const location: Location = { object: { kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name }, note: `container ${c.name}` };
    let provision: ContainerProvision | undefined = resolveContainer(c, liveIndex);
    if (secretsUnreadable) {
      // Secrets could not be listed: a Secret reference proves nothing either way.
      provision = { ...provision, problems: provision.problems.filter((p) => p.kind !== 'Secret'), openSources: [...provision.openSources, ...provision.problems.filter((p) => p.kind === 'Secret').map((p) => ({ kind: p.kind, name: p.name, reason: 'Secrets could not be read', location: p.location }))] };
    }
    const gc = gitContainers.find((g) => g.name === c.name && g.init === c.init);
    const gitProvision = gc && gitIndex ? resolveContainer(gc, gitIndex) : undefined;
    const facts: ContainerFacts = {
      name: c.name,
      init: c.init,
      image: c.image,
      spec: c.spec,
      location,
      ...(gc ? { gitLocation: objLocation(gc.workload, gc.path, `container ${c.name}`) } : {}),
      statuses: statuses.map((m) => m.get(c.name)).filter((s): s is NonNullable<typeof s> => !!s),
      events: events.filter((e) => e.container === c.name || (!e.container && (e.parsed.missingKey || e.parsed.missingObject) && c.spec && JSON.stringify(c.spec.env ?? c.spec.envFrom ?? '').includes(`"${(e.parsed.missingKey ?? e.parsed.missingObject)!.name}"`))),
      provision,
      ...(gitProvision ? { gitProvision } : {}),
      renames: [],
    };
    const image = parseImageRef(c.image);
    if (image) {
      const r = await contracts.forImage(image);
      if ('none' in r) {
        facts.contractSkip = r.none;
        skipped.push({ what: `contract of ${c.image}`, reason: `${r.none}: keydrift cannot tell which keys this version needs` });
      } else facts.current = { image, contract: r.contract };
    }
    containers.push(facts);
  }
  const podEvents = events.filter((e) => !e.container);

  return explain({
    workload: { kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
    pods: pods.map((p) => ({ name: p.name, ...(p.body.status?.phase ? { phase: String(p.body.status.phase) } : {}), ...(p.body.status?.reason ? { reason: String(p.body.status.reason) } : {}) })),
    containers,
    podEvents,
    drift,
    liveSource: live.source,
    ...(gitLabel ? { git: gitLabel } : {}),
    ...(snap ? { gitSnapshot: snap } : {}),
    skipped,
  });
}
