/**
 * `keydrift check --cluster` (PR mode): does this change drop a key that exists only live?
 * A key someone added to the live copy of a ConfigMap/Secret survives apply — until the
 * object is removed from git, or regenerated under a new name (a Kustomize generator's hash
 * changes when any of its keys changes). Then the key is gone at the next sync.
 */
import type { Finding, Skip } from '../model.js';
import type { Snapshot } from '../sources/snapshot.js';
import type { KObject } from '../sources/yaml.js';
import type { LiveSnapshot } from '../cluster/live.js';
import { readLive, type LiveSource } from '../cluster/source.js';
import { computeDrift, type DriftItem } from './compare.js';
import { configMapPatch } from './patch.js';
import { driftFinding, fixWords, objWords, whoWords } from './words.js';

const HASH_SUFFIX = /-[bcdfghkmt2-9]{10}$/;

function targetOf(o: KObject): { kind: string; name: string; ns?: string } | undefined {
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') return { kind: o.kind, name: o.name, ...(o.namespace ? { ns: o.namespace } : {}) };
  if (o.kind === 'SealedSecret') return { kind: 'Secret', name: o.body.spec?.template?.metadata?.name ?? o.name, ...(o.namespace ? { ns: o.namespace } : {}) };
  if (o.kind === 'ExternalSecret') return { kind: 'Secret', name: o.body.spec?.target?.name ?? o.name, ...(o.namespace ? { ns: o.namespace } : {}) };
  return undefined;
}

const hasReplace = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',') : []).some((x) => x.trim() === 'Replace=true');
const replaceOn = (o: KObject) => hasReplace(o.body.metadata?.annotations?.['argocd.argoproj.io/sync-options']);
/** Does the Application `ns/name` in this snapshot sync with Replace=true? */
function appReplaceOn(snap: Snapshot, app: string): boolean {
  const [ns, name] = app.split('/');
  return snap.objects.some((o) => o.kind === 'Application' && o.name === name && (!o.namespace || o.namespace === ns) && hasReplace(o.body.spec?.syncPolicy?.syncOptions));
}

export interface PrClusterResult {
  findings: Finding[];
  skipped: Skip[];
}

/** Findings for live-only keys of objects that `head` drops or regenerates relative to `base`. */
export function changeDropsLiveKeys(base: Snapshot, head: Snapshot, live: LiveSnapshot, opts: { namespaces?: string[]; head?: string } = {}): PrClusterResult {
  const { items, skipped } = computeDrift(base, live, { ...(opts.namespaces ? { namespaces: opts.namespaces } : {}) });
  const added = items.filter((i) => i.change === 'added' && (!i.who || i.who.class === 'manual'));
  if (added.length === 0) return { findings: [], skipped };
  const headTargets = new Map<string, KObject>();
  const headByBase = new Map<string, KObject>();
  for (const o of head.objects) {
    const t = targetOf(o);
    if (!t) continue;
    headTargets.set(`${t.kind}|${t.ns ?? ''}|${t.name}`, o);
    if (o.generated?.hashed) headByBase.set(`${t.kind}|${t.ns ?? ''}|${t.name.replace(HASH_SUFFIX, '')}`, o);
  }
  const findings: Finding[] = [];
  const headLabel = opts.head ? ` at ${opts.head}` : '';
  for (const i of added) {
    const t = targetOf(i.git)!;
    const key = `${t.kind}|${t.ns ?? ''}|${t.name}`;
    const same = headTargets.get(key);
    if (same) {
      // Still declared under the same name: the key survives apply — unless this change
      // turns on Replace=true (on the object or its Application).
      const before = i.owner?.engine === 'argocd' && (replaceOn(i.git) || appReplaceOn(base, i.owner.app));
      const after = replaceOn(same) || (i.owner?.engine === 'argocd' && appReplaceOn(head, i.owner.app));
      if (!after || before || Object.prototype.hasOwnProperty.call(same.body.data ?? {}, i.key)) continue;
      const p = !i.secret && i.liveValue !== undefined ? configMapPatch(head, same, i.key, i.liveValue, 'add') : undefined;
      const item: DriftItem = { ...i, git: same };
      if (p) item.patch = p;
      else delete item.patch;
      findings.push(
        driftFinding(
          { ...item, fate: { outcome: 'lost', when: 'at the sync of this change', words: '' } },
          'fix-will-be-lost',
          'error',
          `This change turns on Replace=true for ${objWords(i)}${headLabel}: the next sync replaces the whole object, without ${i.key}, which exists only in the cluster (${whoWords(i)}; never put in git).`,
          fixWords(item, 'add'),
        ),
      );
      continue;
    }
    const regenerated = i.git.generated?.hashed ? headByBase.get(`${t.kind}|${t.ns ?? ''}|${t.name.replace(HASH_SUFFIX, '')}`) : undefined;
    // The fix belongs in the head version of the object.
    let item: DriftItem = i;
    if (regenerated && !i.secret && i.liveValue !== undefined) {
      const p = configMapPatch(head, regenerated, i.key, i.liveValue, 'add');
      item = { ...i, git: regenerated, ...(p ? { patch: p } : {}) };
      if (!p) delete (item as { patch?: unknown }).patch;
      if (Object.prototype.hasOwnProperty.call(regenerated.body.data ?? {}, i.key)) continue; // the change adds it: resolved
    } else {
      delete (item = { ...i }).patch;
    }
    const what = regenerated
      ? `This change regenerates ${objWords(i)} as ${regenerated.name}${headLabel} (${regenerated.generated?.generator ?? 'generator'} in ${regenerated.generated?.file ?? regenerated.file}): the new object will not have ${i.key}`
      : `This change removes ${objWords(i)} from git${headLabel}: at the next sync it is pruned (or left orphaned), with ${i.key}`;
    findings.push(
      driftFinding(
        { ...item, fate: { outcome: 'lost', when: 'at the sync of this change', words: '' } },
        'fix-will-be-lost',
        'error',
        `${what}, which exists only in the cluster and was never put in git: ${whoWords(i)}. It is lost when this change is synced.`,
        regenerated ? fixWords(item, 'add') : `Put ${i.key} into git where the object's keys now live before merging, or keep the object.`,
      ),
    );
  }
  return { findings, skipped };
}

/** PR mode with a cluster: read the live side, then look for live-only keys this change drops. */
export async function clusterCheck(base: Snapshot, head: Snapshot, source: LiveSource, opts: { cwd?: string; head?: string } = {}): Promise<PrClusterResult> {
  const live = await readLive(source, undefined, opts.cwd);
  const r = changeDropsLiveKeys(base, head, live, { ...(source.namespaces ? { namespaces: source.namespaces } : {}), ...(opts.head ? { head: opts.head } : {}) });
  return { findings: r.findings, skipped: [...live.skipped, ...r.skipped] };
}
