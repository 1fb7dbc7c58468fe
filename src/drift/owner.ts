/**
 * Which GitOps object owns a live object, and the parts of its policy that decide a
 * drift's fate: ArgoCD Application (tracking annotation/label or status.resources, sync
 * policy, sync options, ignoreDifferences), Flux Kustomization / HelmRelease (inventory
 * labels, interval, suspend, drift detection), or a bare Helm release.
 */
import type { LiveObject } from '../cluster/live.js';
import type { ArgoSettings } from './argocd-settings.js';
import { syncRecords, type SyncRecord } from './history.js';
import { withEvents, type AppEvent } from './argocd-events.js';

export interface IgnoreRule {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

export interface ArgoOwner {
  engine: 'argocd';
  /** "namespace/name" of the Application. */
  app: string;
  automated: boolean;
  selfHeal: boolean;
  prune: boolean;
  syncOptions: string[];
  /** Per-resource `argocd.argoproj.io/sync-options` annotation. */
  resourceSyncOptions: string[];
  ignoreDifferences: IgnoreRule[];
  /** `argocd.argoproj.io/compare-options` of the Application and of the object (ServerSideDiff=true, IgnoreExtraneous…). */
  compareOptions: string[];
  /** ArgoCD's system settings (argocd-cm, argocd-cmd-params-cm) for the app's namespace, when known. */
  settings?: ArgoSettings;
  /** The Application's `status.resources` entry for the object says it requires pruning. */
  requiresPruning?: boolean;
  syncStatus?: string;
  revision?: string;
  /** The app's last successful sync: `status.operationState.finishedAt` (phase Succeeded), else the newest `status.history[].deployedAt`. */
  lastSync?: { at: string; revision?: string };
  /** Every sync `status.history` keeps (ArgoCD keeps the last 10 by default), oldest first. */
  syncs: SyncRecord[];
  /** How the object was matched to the app. */
  trackedBy: string;
  /** Read from the cluster, or from git when the cluster did not list Applications. */
  from: 'live' | 'git';
}

export interface FluxKustomizeOwner {
  engine: 'flux-kustomize';
  app: string;
  interval: string;
  suspended: boolean;
  prune: boolean;
  force: boolean;
  /** Per-object opt-out: `kustomize.toolkit.fluxcd.io/reconcile: disabled` or `ssa: Ignore|IfNotPresent`. */
  optOut?: string;
}

export interface FluxHelmOwner {
  engine: 'flux-helm';
  app: string;
  interval: string;
  suspended: boolean;
  driftDetection: 'enabled' | 'warn' | 'disabled';
}

export interface HelmOwner {
  engine: 'helm';
  app: string;
}

export type Owner = ArgoOwner | FluxKustomizeOwner | FluxHelmOwner | HelmOwner;

const list = (s: unknown): string[] => (Array.isArray(s) ? s.map(String) : typeof s === 'string' ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** The Application named in a tracking id `app:group/Kind:namespace/name` (`ns_app` for apps in any namespace). */
function trackingApp(id: string | undefined): { name: string; namespace?: string } | undefined {
  if (!id) return undefined;
  const app = id.split(':')[0];
  if (!app) return undefined;
  const us = app.indexOf('_');
  return us > 0 ? { namespace: app.slice(0, us), name: app.slice(us + 1) } : { name: app };
}

export function argoOwner(app: Record<string, any>, obj: LiveObject, trackedBy: string, from: 'live' | 'git', settings?: ArgoSettings, events: AppEvent[] = []): ArgoOwner {
  const spec = app.spec ?? {};
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const res = (Array.isArray(app.status?.resources) ? app.status.resources : []).find(
    (r: any) => r && (r.group ?? '') === group && r.kind === obj.kind && (r.namespace ?? '') === (obj.namespace ?? '') && r.name === obj.name,
  );
  const auto = spec.syncPolicy?.automated;
  const syncs = withEvents(syncRecords(app), events);
  const last = lastSyncOf(app);
  // No status of its own to say when it last synced: the Events' newest sync.
  const newest = syncs[syncs.length - 1];
  if (!last.lastSync && newest) last.lastSync = { at: newest.deployedAt, ...(newest.revision ? { revision: newest.revision } : {}) };
  const automated = !!auto && auto.enabled !== false;
  return {
    engine: 'argocd',
    app: `${app.metadata?.namespace ?? 'argocd'}/${app.metadata?.name}`,
    automated,
    selfHeal: automated && auto?.selfHeal === true,
    prune: automated && auto?.prune === true,
    syncOptions: list(spec.syncPolicy?.syncOptions),
    resourceSyncOptions: list(obj.annotations['argocd.argoproj.io/sync-options']),
    ignoreDifferences: Array.isArray(spec.ignoreDifferences) ? spec.ignoreDifferences : [],
    compareOptions: [...list(app.metadata?.annotations?.['argocd.argoproj.io/compare-options']), ...list(obj.annotations['argocd.argoproj.io/compare-options'])],
    ...(settings ? { settings } : {}),
    ...(res?.requiresPruning === true ? { requiresPruning: true } : {}),
    ...(app.status?.sync?.status ? { syncStatus: String(app.status.sync.status) } : {}),
    ...(app.status?.sync?.revision ? { revision: String(app.status.sync.revision) } : {}),
    ...last,
    syncs,
    trackedBy,
    from,
  };
}

function lastSyncOf(app: Record<string, any>): { lastSync?: { at: string; revision?: string } } {
  const op = app.status?.operationState;
  const hist = Array.isArray(app.status?.history) ? app.status.history.filter((h: any) => h?.deployedAt) : [];
  const newest = hist.sort((a: any, b: any) => (Date.parse(b.deployedAt) || 0) - (Date.parse(a.deployedAt) || 0))[0];
  const fromOp = op?.phase === 'Succeeded' && op.finishedAt ? { at: String(op.finishedAt), revision: op.syncResult?.revision ?? op.operation?.sync?.revision } : undefined;
  const fromHist = newest ? { at: String(newest.deployedAt), revision: newest.revision } : undefined;
  const pick = [fromOp, fromHist].filter((x): x is { at: string; revision: any } => !!x).sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0))[0];
  if (!pick) return {};
  return { lastSync: { at: pick.at, ...(pick.revision ? { revision: String(pick.revision) } : {}) } };
}

type AppRef = { body: Record<string, any>; from: 'live' | 'git' };

/**
 * Find the owner of a live object among the GitOps objects known (live ones first, then
 * those declared in git). Indexes are built once, so a lookup does not scan every app.
 */
export class OwnerIndex {
  private argoByName = new Map<string, AppRef[]>();
  private byResource = new Map<string, AppRef>();
  private flux = new Map<string, AppRef>();
  /** `settingsFor(namespace)`: ArgoCD's settings for Applications in that namespace. */
  constructor(
    apps: AppRef[],
    private settingsFor: (namespace: string) => ArgoSettings | undefined = () => undefined,
    /** ArgoCD's Events about the Application "namespace/name" (live apps only). */
    private eventsFor: (app: string) => AppEvent[] = () => [],
  ) {
    for (const a of apps) {
      const m = a.body.metadata ?? {};
      if (a.body.kind === 'Application') {
        const l = this.argoByName.get(m.name) ?? [];
        l.push(a);
        this.argoByName.set(m.name, l);
        for (const r of Array.isArray(a.body.status?.resources) ? a.body.status.resources : []) {
          const k = `${r.group ?? ''}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
          if (!this.byResource.has(k)) this.byResource.set(k, a);
        }
      } else if (a.body.kind === 'Kustomization' || a.body.kind === 'HelmRelease') {
        const k = `${a.body.kind}|${m.namespace ?? 'flux-system'}|${m.name}`;
        if (!this.flux.has(k)) this.flux.set(k, a);
      }
    }
  }

  private appEvents(a: AppRef): AppEvent[] {
    return a.from === 'live' ? this.eventsFor(`${a.body.metadata?.namespace ?? 'argocd'}/${a.body.metadata?.name}`) : [];
  }

  find(obj: LiveObject): Owner | undefined {
    const appNs = (a: Record<string, any>) => a.metadata?.namespace ?? 'argocd';
    // 1. Tracking annotation.
    const tid = trackingApp(obj.annotations['argocd.argoproj.io/tracking-id']);
    if (tid) {
      const a = (this.argoByName.get(tid.name) ?? []).find((x) => !tid.namespace || appNs(x.body) === tid.namespace);
      if (a) return argoOwner(a.body, obj, 'annotation argocd.argoproj.io/tracking-id', a.from, this.settingsFor(appNs(a.body)), this.appEvents(a));
    }
    // 2. status.resources of an Application.
    const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
    const byRes = this.byResource.get(`${group}|${obj.kind}|${obj.namespace ?? ''}|${obj.name}`);
    if (byRes) return argoOwner(byRes.body, obj, 'Application status.resources', byRes.from, this.settingsFor(appNs(byRes.body)), this.appEvents(byRes));
    // 3. Flux inventory labels.
    const ksName = obj.labels['kustomize.toolkit.fluxcd.io/name'];
    if (ksName) {
      const ksNs = obj.labels['kustomize.toolkit.fluxcd.io/namespace'] ?? 'flux-system';
      const k = this.flux.get(`Kustomization|${ksNs}|${ksName}`);
      return {
        engine: 'flux-kustomize',
        app: `${ksNs}/${ksName}`,
        interval: String(k?.body.spec?.interval ?? 'unknown'),
        suspended: k?.body.spec?.suspend === true,
        prune: k?.body.spec?.prune === true,
        force: k?.body.spec?.force === true,
        ...fluxOptOut(obj),
      };
    }
    const hrName = obj.labels['helm.toolkit.fluxcd.io/name'];
    if (hrName) {
      const hrNs = obj.labels['helm.toolkit.fluxcd.io/namespace'] ?? obj.namespace ?? 'flux-system';
      const h = this.flux.get(`HelmRelease|${hrNs}|${hrName}`);
      const mode = h?.body.spec?.driftDetection?.mode;
      return {
        engine: 'flux-helm',
        app: `${hrNs}/${hrName}`,
        interval: String(h?.body.spec?.interval ?? 'unknown'),
        suspended: h?.body.spec?.suspend === true,
        driftDetection: mode === 'enabled' || mode === 'warn' ? mode : 'disabled',
      };
    }
    // 4. The instance label, when an Application of that name exists.
    const inst = obj.labels['app.kubernetes.io/instance'];
    if (inst) {
      const a = this.argoByName.get(inst)?.[0];
      if (a) return argoOwner(a.body, obj, 'label app.kubernetes.io/instance', a.from, this.settingsFor(appNs(a.body)), this.appEvents(a));
    }
    // 5. A Helm release without a controller.
    if (obj.labels['app.kubernetes.io/managed-by'] === 'Helm') {
      const rel = obj.annotations['meta.helm.sh/release-name'];
      return { engine: 'helm', app: `${obj.annotations['meta.helm.sh/release-namespace'] ?? obj.namespace ?? '-'}/${rel ?? '?'}` };
    }
    return undefined;
  }
}

/** One-off lookup (builds an index). */
export function findOwner(obj: LiveObject, apps: AppRef[]): Owner | undefined {
  return new OwnerIndex(apps).find(obj);
}

function fluxOptOut(obj: LiveObject): { optOut?: string } {
  if (obj.annotations['kustomize.toolkit.fluxcd.io/reconcile'] === 'disabled') return { optOut: 'kustomize.toolkit.fluxcd.io/reconcile: disabled' };
  const ssa = obj.annotations['kustomize.toolkit.fluxcd.io/ssa'];
  if (ssa === 'Ignore' || ssa === 'IfNotPresent') return { optOut: `kustomize.toolkit.fluxcd.io/ssa: ${ssa}` };
  return {};
}

const escPointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Does `r` cover `data.KEY` of `obj`? The rule's own words when it does. */
function ruleHides(r: IgnoreRule, obj: LiveObject, key: string, manager: string | undefined, label: string): string | undefined {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0]! : '';
  if (!r || (r.kind !== '*' && r.kind !== obj.kind) || (r.group !== '*' && (r.group ?? '') !== group)) return undefined;
  if (r.name && r.name !== obj.name) return undefined;
  if (r.namespace && r.namespace !== obj.namespace) return undefined;
  for (const p of r.jsonPointers ?? []) {
    if (['/data', '/binaryData', '/stringData'].includes(p) || p === `/data/${escPointer(key)}` || p === `/binaryData/${escPointer(key)}`) return `${label} jsonPointers ${p}`;
  }
  for (const q of r.jqPathExpressions ?? []) {
    const norm = q.replace(/\s+/g, '');
    if (norm === '.data' || norm === `.data.${key}` || norm === `.data["${key}"]` || norm === `.data."${key}"` || norm === '.data[]') return `${label} jqPathExpressions ${q}`;
  }
  if (manager && (r.managedFieldsManagers ?? []).includes(manager)) return `${label} managedFieldsManagers ${manager}`;
  return undefined;
}

const settingsNote = (o: ArgoOwner) => (o.settings?.from === 'git' ? `, as git declares it (${o.settings.where}; the cluster's could not be read)` : '');

/** The ignoreDifferences rule (as words) that hides `data.KEY` of `obj`, if any: the Application's, then argocd-cm's. */
export function ignoredBy(owner: ArgoOwner, obj: LiveObject, key: string, manager?: string): string | undefined {
  for (const r of owner.ignoreDifferences) {
    const w = ruleHides(r, obj, key, manager, 'ignoreDifferences');
    if (w) return w;
  }
  for (const r of owner.settings?.ignoreDifferences ?? []) {
    const w = ruleHides(r, obj, key, manager, r.source);
    if (w) return w + settingsNote(owner);
  }
  return undefined;
}

/** The argocd-cm ignoreResourceUpdates rule that keeps a change of `data.KEY` from refreshing the app, if any. */
export function updateIgnoredBy(owner: ArgoOwner, obj: LiveObject, key: string, manager?: string): string | undefined {
  const st = owner.settings;
  if (!st?.ignoreResourceUpdatesEnabled) return undefined;
  const rules = [...st.ignoreResourceUpdates, ...(st.ignoreDifferencesOnResourceUpdates ? st.ignoreDifferences : [])];
  for (const r of rules) {
    const w = ruleHides(r, obj, key, manager, r.source);
    if (w) return w + settingsNote(owner);
  }
  return undefined;
}
