/**
 * Git vs live, per key: for every ConfigMap/Secret that git declares (rendered), which keys
 * exist only live, only in git, or differ — with who made the live change and when, the
 * GitOps owner, the fate, and (for ConfigMaps) the patch that puts a manual change in git.
 */
import type { Location, ObjectRef, Skip } from '../model.js';
import type { Snapshot } from '../sources/snapshot.js';
import { objLocation, type KObject } from '../sources/yaml.js';
import type { LiveObject, LiveSnapshot, LiveValue } from '../cluster/live.js';
import type { SecretDigest, SecretHasher } from '../cluster/secret-digest.js';
import { attributeKey, type Attribution } from './managed.js';
import { OwnerIndex, type Owner } from './owner.js';
import { argoSettings, type ArgoSettings } from './argocd-settings.js';
import { fateOf, liveOnlyObjectFate, type Change, type Fate } from './fate.js';
import { configMapEdit, patchOf, type Edit, type PatchResult } from './patch.js';
import { UsageIndex } from './users.js';
import { secretEdit, secretPatchOf } from './secret-patch.js';
import { placeInHistory, type Placement } from './history.js';
import { appEventsByApp } from './argocd-events.js';

export interface DriftItem {
  change: Change;
  /** The key; '' when the whole object is pending (in git, not live). */
  key: string;
  object: ObjectRef;
  secret: boolean;
  live?: LiveObject;
  git: KObject;
  who?: Attribution;
  owner?: Owner;
  /** Grouping label: "ArgoCD app argocd/user-auth", "Flux Kustomization flux-system/apps", … */
  app: string;
  fate: Fate;
  /** ConfigMap values only; never set for Secrets. */
  gitValue?: string;
  liveValue?: string;
  patch?: PatchResult;
  /** Where git declares the object (or the key). */
  gitLocation: Location;
  liveLocation?: Location;
  /** Git only knows the key names (SealedSecret, ExternalSecret, SOPS): values were not compared. */
  keysOnly?: boolean;
  /** Live workloads that read this key: "Deployment prod/user-auth (envFrom)". */
  readBy?: string[];
  /** Secrets: how to put the change into git, in words (the patch, when there is one, has a placeholder). */
  secretFix?: string;
  /** What the owning app's status says of its last sync, to place the manual change in time. */
  history?: { app: string; lastSync: string; revision?: string; from: 'live' | 'git' } & Partial<Placement>;
}

/** A ConfigMap/Secret that exists only live, inside an app (tracked by it), and that git does not declare. */
export interface LiveOnlyObject {
  object: ObjectRef;
  secret: boolean;
  live: LiveObject;
  owner: Owner;
  app: string;
  fate: Fate;
  liveLocation: Location;
  readBy?: string[];
}

export interface DriftOptions {
  namespaces?: string[];
  /** The git ref, for messages. */
  ref?: string;
}

type GitVal = { type: 'text' | 'binary'; value: string } | { type: 'secret'; digest: SecretDigest } | { type: 'unknown' };

interface GitConfig {
  obj: KObject;
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace?: string;
  values: Map<string, GitVal>;
  keysOnly: boolean;
}

/** The ConfigMaps and Secrets git declares, with their values (Secrets: digests only). */
function gitConfigs(snap: Snapshot, hasher: SecretHasher, skipped: Skip[]): GitConfig[] {
  const out: GitConfig[] = [];
  for (const o of snap.objects) {
    const b = o.body;
    if (o.kind === 'ConfigMap') {
      const values = new Map<string, GitVal>();
      for (const [k, v] of Object.entries(b.data ?? {})) values.set(k, { type: 'text', value: v === null || v === undefined ? '' : String(v) });
      for (const [k, v] of Object.entries(b.binaryData ?? {})) values.set(k, { type: 'binary', value: String(v ?? '') });
      out.push({ obj: o, kind: 'ConfigMap', name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), values, keysOnly: false });
    } else if (o.kind === 'Secret') {
      const sops = b.sops !== undefined;
      const values = new Map<string, GitVal>();
      for (const [k, v] of Object.entries(b.data ?? {})) values.set(k, sops ? { type: 'unknown' } : { type: 'secret', digest: hasher.digestBase64(String(v ?? '')) });
      for (const [k, v] of Object.entries(b.stringData ?? {})) values.set(k, sops ? { type: 'unknown' } : { type: 'secret', digest: hasher.digest(String(v ?? '')) });
      out.push({ obj: o, kind: 'Secret', name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), values, keysOnly: sops });
    } else if (o.kind === 'SealedSecret') {
      const values = new Map<string, GitVal>();
      for (const k of Object.keys(b.spec?.encryptedData ?? {})) values.set(k, { type: 'unknown' });
      const name = b.spec?.template?.metadata?.name ?? o.name;
      const ns = b.spec?.template?.metadata?.namespace ?? o.namespace;
      out.push({ obj: o, kind: 'Secret', name, ...(ns ? { namespace: ns } : {}), values, keysOnly: true });
    } else if (o.kind === 'ExternalSecret') {
      if (Array.isArray(b.spec?.dataFrom) && b.spec.dataFrom.length) {
        skipped.push({ what: `ExternalSecret ${o.namespace ? o.namespace + '/' : ''}${o.name}`, reason: 'its keys come from dataFrom (known only to the secret store): not compared', location: objLocation(o) });
        continue;
      }
      const values = new Map<string, GitVal>();
      for (const d of Array.isArray(b.spec?.data) ? b.spec.data : []) if (d?.secretKey) values.set(String(d.secretKey), { type: 'unknown' });
      out.push({ obj: o, kind: 'Secret', name: b.spec?.target?.name ?? o.name, ...(o.namespace ? { namespace: o.namespace } : {}), values, keysOnly: true });
    }
  }
  return out;
}

const HASH_SUFFIX = /-[bcdfghkmt2-9]{10}$/;

function sameValue(g: GitVal, l: LiveValue): boolean | undefined {
  if (g.type === 'unknown') return undefined;
  if (g.type === 'secret') return l.type === 'secret' ? g.digest.equals(l.digest) : false;
  if (l.type === 'secret') return false;
  return g.type === l.type && g.value === l.value;
}

function engineLabel(o: Owner): string {
  switch (o.engine) {
    case 'argocd':
      return `ArgoCD app ${o.app}`;
    case 'flux-kustomize':
      return `Flux Kustomization ${o.app}`;
    case 'flux-helm':
      return `Flux HelmRelease ${o.app}`;
    case 'helm':
      return `Helm release ${o.app}`;
  }
}

/**
 * ArgoCD's settings for Applications in `ns`: argocd-cm and argocd-cmd-params-cm from the
 * cluster (listed, or fetched for the app's namespace), else as git declares them.
 */
function argoSettingsFor(ns: string, live: LiveSnapshot, git: Snapshot): ArgoSettings | undefined {
  const liveCm = (name: string) => [...live.objects, ...(live.argocdConfig ?? [])].find((o) => o.kind === 'ConfigMap' && o.name === name && o.namespace === ns);
  const cm = liveCm('argocd-cm');
  const params = liveCm('argocd-cmd-params-cm');
  if (cm || params) return argoSettings(cm?.body.data, params?.body.data, 'live', `argocd-cm in namespace ${ns} (live)`);
  const gitCm = (name: string) => {
    const c = git.objects.filter((o) => o.kind === 'ConfigMap' && o.name === name);
    return c.find((o) => o.namespace === ns) ?? c.find((o) => !o.namespace);
  };
  const gcm = gitCm('argocd-cm');
  const gparams = gitCm('argocd-cmd-params-cm');
  if (gcm || gparams) return argoSettings(gcm?.body.data, gparams?.body.data, 'git', `${(gcm ?? gparams)!.file}`);
  return undefined;
}

export function computeDrift(git: Snapshot, live: LiveSnapshot, opts: DriftOptions = {}): { items: DriftItem[]; skipped: Skip[]; compared: string[]; liveOnlyObjects: LiveOnlyObject[] } {
  const skipped: Skip[] = [];
  const compared: string[] = [];
  const nss = opts.namespaces?.length ? new Set(opts.namespaces) : undefined;
  const byKind = new Map<string, LiveObject[]>();
  for (const o of live.objects) {
    const l = byKind.get(o.kind);
    if (l) l.push(o);
    else byKind.set(o.kind, [o]);
  }
  const liveIndex = new Map<string, LiveObject>();
  for (const o of live.objects) liveIndex.set(`${o.kind}|${o.namespace ?? ''}|${o.name}`, o);
  // Kinds the live snapshot could not read (forbidden, not served): not compared.
  const unreadable = (kind: string, ns: string | undefined) => (live.unreadable ?? []).some((u) => u.kind === kind && (!u.namespace || u.namespace === ns));
  const hasKind = (k: string) => (byKind.get(k)?.length ?? 0) > 0;
  const apps = [
    ...live.objects.filter((o) => ['Application', 'Kustomization', 'HelmRelease'].includes(o.kind)).map((o) => ({ body: o.body, from: 'live' as const })),
    ...git.objects
      .filter((o) => (o.kind === 'Application' && !hasKind('Application')) || (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit') && !hasKind('Kustomization')) || (o.kind === 'HelmRelease' && !hasKind('HelmRelease')))
      .map((o) => ({ body: o.body, from: 'git' as const })),
  ];

  const liveNamespaces = new Set(live.objects.map((o) => o.namespace).filter((x): x is string => !!x));
  const absentNs = new Map<string, number>();
  // Once per Application namespace, not per object.
  const settings = new Map<string, ArgoSettings | undefined>();
  const events = appEventsByApp([...(byKind.get('Event') ?? []), ...(live.appEvents ?? [])]);
  const owners = new OwnerIndex(
    apps,
    (ns) => {
      if (!settings.has(ns)) settings.set(ns, argoSettingsFor(ns, live, git));
      return settings.get(ns);
    },
    (app) => events.get(app) ?? [],
  );
  const usage = new UsageIndex(live.objects);
  const items: DriftItem[] = [];
  const ref = opts.ref ? ` at ${opts.ref}` : '';
  for (const g of gitConfigs(git, live.hasher, skipped)) {
    if (g.namespace && nss && !nss.has(g.namespace)) continue;
    if (unreadable(g.kind, g.namespace)) continue; // the skip reason is already in the report
    let l: LiveObject | undefined;
    let ns = g.namespace;
    if (ns) l = liveIndex.get(`${g.kind}|${ns}|${g.name}`);
    else {
      const cands = (byKind.get(g.kind) ?? []).filter((o) => o.name === g.name && (!nss || nss.has(o.namespace ?? '')));
      if (cands.length === 1) (l = cands[0]), (ns = l!.namespace);
      else if (cands.length > 1) {
        skipped.push({ what: `${g.kind} ${g.name}`, reason: `git does not say its namespace and the cluster has it in ${cands.length} namespaces`, location: objLocation(g.obj) });
        continue;
      }
    }
    // A generated name with a content hash: the live copy may carry an older hash.
    let gitName: string | undefined;
    const hashed = g.obj.generated?.hashed ? { generator: `${g.obj.generated.generator} ${g.name.replace(HASH_SUFFIX, '')}`, file: g.obj.generated.file } : undefined;
    if (!l && hashed && HASH_SUFFIX.test(g.name)) {
      const base = g.name.replace(HASH_SUFFIX, '');
      const cands = (byKind.get(g.kind) ?? [])
        .filter((o) => (!ns || o.namespace === ns) && o.name.replace(HASH_SUFFIX, '') === base && HASH_SUFFIX.test(o.name))
        .sort((a, b) => (b.creationTimestamp ?? '').localeCompare(a.creationTimestamp ?? ''));
      if (cands[0]) {
        l = cands[0];
        gitName = g.name;
        ns = l.namespace;
      }
    }
    const ref0: ObjectRef = { apiVersion: 'v1', kind: g.kind, ...(ns ? { namespace: ns } : {}), name: l?.name ?? g.name };
    const gitLocation = { ...objLocation(g.obj, [], `${g.obj.kind} ${g.obj.name}${ref}`) };
    if (!l) {
      if (!ns && nss) continue;
      // A namespace the cluster does not have (every namespace holds kube-root-ca.crt): the
      // object is most likely meant for another cluster.
      if (ns && !liveNamespaces.has(ns)) {
        absentNs.set(ns, (absentNs.get(ns) ?? 0) + 1);
        continue;
      }
      items.push({
        change: 'pending',
        key: '',
        object: ref0,
        secret: g.kind === 'Secret',
        git: g.obj,
        app: g.obj.app ?? 'no GitOps owner found',
        fate: { outcome: 'applied', when: 'at the next sync', words: `${g.kind} ${ns ? ns + '/' : ''}${g.name} is in git${ref} and not in the cluster yet: the next sync (or apply) creates it.` },
        gitLocation,
      });
      continue;
    }
    compared.push(`${l.kind}/${l.namespace ?? '-'}/${l.name}`);
    const owner = owners.find(l);
    const app = owner ? engineLabel(owner) : (g.obj.app ?? 'no GitOps owner found');
    const liveLocation: Location = { object: { apiVersion: l.apiVersion, kind: l.kind, ...(l.namespace ? { namespace: l.namespace } : {}), name: l.name } };
    const keys = new Set([...g.values.keys(), ...(l.values?.keys() ?? [])]);
    const secret = g.kind === 'Secret';
    // Every manual change of this object goes into one patch, so applying it keeps them all.
    const edits: { item: DriftItem; edit: Edit }[] = [];
    for (const key of [...keys].sort()) {
      const gv = g.values.get(key);
      const lv = l.values?.get(key);
      let change: Change;
      const who = lv ? attributeKey(l.managedFields, key) : undefined;
      if (gv && lv) {
        const same = sameValue(gv, lv);
        if (same !== false) continue;
        change = 'changed';
      } else if (lv) change = who?.class === 'gitops' ? 'removed-in-git' : 'added';
      else change = 'pending';
      const readBy = usage.readersOf(l.kind, l.namespace, l.name, key);
      const fate = fateOf({ change, key, live: l, ...(owner ? { owner } : {}), ...(who ? { who } : {}), ...(hashed ? { hashed } : {}), ...(gitName ? { gitName } : {}) });
      const item: DriftItem = {
        change,
        key,
        object: ref0,
        secret,
        live: l,
        git: g.obj,
        ...(who ? { who } : {}),
        ...(owner ? { owner } : {}),
        app,
        fate,
        gitLocation: objLocation(g.obj, secret ? [] : gv ? ['data', key] : g.obj.body.data ? ['data'] : [], `${g.obj.kind} ${g.obj.name}${ref}`),
        liveLocation: { ...liveLocation, note: `${l.kind} ${l.namespace ? l.namespace + '/' : ''}${l.name} data.${key} (live)` },
        ...(g.keysOnly ? { keysOnly: true } : {}),
        ...(readBy.length ? { readBy } : {}),
        ...(owner?.engine === 'argocd' && owner.lastSync && who?.class === 'manual'
          ? { history: { app, lastSync: owner.lastSync.at, ...(owner.lastSync.revision ? { revision: owner.lastSync.revision } : {}), from: owner.from, ...(placeInHistory(owner.syncs, l.managedFields, who) ?? {}) } }
          : {}),
      };
      if (!secret) {
        if (gv && (gv.type === 'text' || gv.type === 'binary')) item.gitValue = gv.value;
        if (lv && (lv.type === 'text' || lv.type === 'binary')) item.liveValue = lv.value;
        // The fix for a manual change: put the live value in git, keeping every other key.
        const manual = !who || who.class === 'manual';
        if (manual && (change === 'added' || change === 'changed') && lv?.type === 'text') {
          const e = configMapEdit(git, g.obj, key, lv.value, change === 'added' ? 'add' : 'change');
          if (e) edits.push({ item, edit: e });
        }
      } else if ((!who || who.class === 'manual') && (change === 'added' || change === 'changed')) {
        // A Secret: the entry to add or change, with a placeholder, never a value.
        const r = secretEdit(git, g.obj, key, change === 'added' ? 'add' : 'change');
        item.secretFix = r.how;
        if (r.edit) edits.push({ item, edit: r.edit });
      }
      items.push(item);
    }
    const diff = secret ? secretPatchOf : patchOf;
    const together = edits.length > 1 ? diff(git, edits.map((e) => e.edit)) : undefined;
    for (const { item, edit } of edits) {
      const patch = together ?? diff(git, [edit]);
      if (patch) item.patch = { file: edit.file, line: edit.line, patch };
    }
  }
  const liveOnlyObjects = liveOnly(git, live, owners, usage, new Set(compared), nss);
  for (const [ns, n] of [...absentNs].sort()) {
    skipped.push({ what: `namespace ${ns}`, reason: `git declares ${n} ConfigMap/Secret${n === 1 ? '' : 's'} there and the cluster has no such namespace (another cluster's?): not compared` });
  }
  return { items, skipped, compared, liveOnlyObjects };
}

/** The live name a git object declares: ConfigMap/Secret as is, a SealedSecret's or ExternalSecret's target Secret. */
function declaredTarget(o: KObject): { kind: string; name: string; ns?: string } | undefined {
  const ns = o.namespace ? { ns: o.namespace } : {};
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') return { kind: o.kind, name: o.name, ...ns };
  if (o.kind === 'SealedSecret') return { kind: 'Secret', name: o.body.spec?.template?.metadata?.name ?? o.name, ...(o.body.spec?.template?.metadata?.namespace ? { ns: o.body.spec.template.metadata.namespace } : ns) };
  if (o.kind === 'ExternalSecret') return { kind: 'Secret', name: o.body.spec?.target?.name ?? o.name, ...ns };
  return undefined;
}

/**
 * ConfigMaps and Secrets a GitOps app tracks (its tracking annotation/label, its
 * status.resources, Flux's inventory labels) that git does not declare: what the engine's
 * prune will do with them. Objects a controller made (ownerReferences), Helm release
 * records, service-account tokens and kube-root-ca.crt are not an app's.
 */
function liveOnly(git: Snapshot, live: LiveSnapshot, owners: OwnerIndex, usage: UsageIndex, compared: Set<string>, nss?: Set<string>): LiveOnlyObject[] {
  const declared = new Set<string>();
  for (const o of git.objects) {
    const t = declaredTarget(o);
    if (!t) continue;
    declared.add(`${t.kind}|${t.ns ?? ''}|${t.name}`);
    if (!t.ns) declared.add(`${t.kind}|*|${t.name}`);
  }
  const unreadable = (kind: string, ns: string | undefined) => (live.unreadable ?? []).some((u) => u.kind === kind && (!u.namespace || u.namespace === ns));
  const out: LiveOnlyObject[] = [];
  for (const l of live.objects) {
    if (l.kind !== 'ConfigMap' && l.kind !== 'Secret') continue;
    if (nss && !nss.has(l.namespace ?? '')) continue;
    if (unreadable(l.kind, l.namespace)) continue;
    if (compared.has(`${l.kind}/${l.namespace ?? '-'}/${l.name}`)) continue;
    if (declared.has(`${l.kind}|${l.namespace ?? ''}|${l.name}`) || declared.has(`${l.kind}|*|${l.name}`)) continue;
    const meta = l.body.metadata ?? {};
    if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length) continue;
    if (l.name === 'kube-root-ca.crt' || ['helm.sh/release.v1', 'kubernetes.io/service-account-token'].includes(String(l.body.type ?? ''))) continue;
    const owner = owners.find(l);
    if (!owner || (owner.engine !== 'argocd' && owner.engine !== 'flux-kustomize')) continue;
    const readBy = usage.readersOfObject(l.kind, l.namespace, l.name);
    out.push({
      object: { apiVersion: 'v1', kind: l.kind, ...(l.namespace ? { namespace: l.namespace } : {}), name: l.name },
      secret: l.kind === 'Secret',
      live: l,
      owner,
      app: engineLabel(owner),
      fate: liveOnlyObjectFate(owner, l),
      liveLocation: { object: { apiVersion: l.apiVersion, kind: l.kind, ...(l.namespace ? { namespace: l.namespace } : {}), name: l.name }, note: `${l.kind} ${l.namespace ? l.namespace + '/' : ''}${l.name} (live)` },
      ...(readBy.length ? { readBy } : {}),
    });
  }
  return out.sort((a, b) => (`${a.object.namespace}/${a.object.kind}/${a.object.name}` < `${b.object.namespace}/${b.object.kind}/${b.object.name}` ? -1 : 1));
}
