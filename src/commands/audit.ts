/**
 * `keydrift audit`: the pre-rollout audit. Before an image version is promoted to an
 * environment, check every container of the GitOps repo (at a ref) that runs that image
 * repository as if it ran the new version: its contract against what the container gets,
 * and renames since the version it runs now.
 */
import * as path from 'node:path';
import type { Finding, Report, Skip } from '../model.js';
import { KeydriftError } from '../errors.js';
import { openTree } from '../sources/tree.js';
import { loadSnapshot } from '../sources/snapshot.js';
import { containersOf, isWorkload } from '../resolve/workloads.js';
import { SourceIndex } from '../resolve/sources.js';
import { canonicalRepository, parseImageRef } from '../images/ref.js';
import { findMapping } from '../images/mapping.js';
import type { RegistryOptions } from '../images/registry.js';
import { CONFIG_FILE, ContractCache, evaluateContainer, loadMappings, sortFindings } from './check.js';

export interface AuditOptions {
  repo: string;
  /** `--fetch-charts`: fetch pinned remote Helm charts into the cache and render them. */
  fetchCharts?: boolean;
  /** Git ref of the GitOps repo describing the environment (default: the working tree). */
  ref?: string;
  /** The image version to roll out, with its tag: `ghcr.io/acme/user-auth:3.14.0`. */
  image: string;
  /** Only this workload: `Kind/namespace/name`, `Kind/name` or `name`. */
  workload?: string;
  sources?: string[];
  /** More directories a `.keydrift.yaml` `path:` may point into (`--source-root`). */
  sourceRoots?: string[];
  /** Read image configs from their registry (Env defaults, OCI source labels). */
  registry?: RegistryOptions;
  cwd?: string;
}

function matchesWorkload(id: string, want: string): boolean {
  const [kind, ns, name] = id.split('/');
  const parts = want.split('/');
  if (parts.length === 1) return name === parts[0];
  if (parts.length === 2) return kind === parts[0] && name === parts[1];
  return kind === parts[0] && (ns === parts[1] || (ns === '-' && parts[1] === '')) && name === parts[2];
}

export async function runAudit(o: AuditOptions): Promise<Report> {
  const cwd = o.cwd ?? process.cwd();
  const target = parseImageRef(o.image);
  if (!target || !target.tag) throw new KeydriftError(`--image '${o.image}': expected an image reference with a tag (REPOSITORY:TAG)`);
  const tree = await openTree(path.resolve(cwd, o.repo), o.ref);
  const mappings = await loadMappings(tree, tree.root, o.sources ?? [], cwd, o.sourceRoots);
  if (!o.registry && !findMapping(mappings, target)) {
    throw new KeydriftError(`no source mapping for ${target.repository}: add it to ${CONFIG_FILE}, pass --source ${target.repository}=PATH, or read OCI labels with --registry`);
  }
  const snapshot = await loadSnapshot(tree, o.fetchCharts ? { fetchCharts: true } : {});
  const index = new SourceIndex(snapshot.objects);
  const contracts = new ContractCache(mappings, o.registry);
  const want = canonicalRepository(target.repository);
  const findings: Finding[] = [];
  const skipped: Skip[] = snapshot.skipped.map((s) => ({ what: s.file, reason: s.reason }));
  const checked: string[] = [];
  let workloadSeen = false;
  for (const w of snapshot.objects.filter(isWorkload)) {
    const { containers } = containersOf(w);
    const id = containers[0]?.workloadId ?? `${w.kind}/${w.namespace ?? '-'}/${w.name}`;
    if (o.workload && !matchesWorkload(id, o.workload)) continue;
    workloadSeen = true;
    const runs = containers.filter((c) => {
      const img = parseImageRef(c.image);
      return img && canonicalRepository(img.repository) === want;
    });
    if (runs.length === 0) continue;
    checked.push(id);
    for (const c of runs) {
      const r = await evaluateContainer(c, { snapshot, index, contracts, image: target, previousImage: parseImageRef(c.image) });
      if (r.skip) throw new KeydriftError(`${target.raw}: ${r.skip}`);
      findings.push(...r.findings);
    }
  }
  if (o.workload && !workloadSeen) throw new KeydriftError(`workload '${o.workload}' not found in ${tree.label}`);
  if (checked.length === 0) throw new KeydriftError(`no container in ${tree.label}${o.workload ? ` (workload ${o.workload})` : ''} runs ${target.repository}`);
  return { command: 'audit', findings: sortFindings(findings), skipped, checked };
}
