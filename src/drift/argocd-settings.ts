/**
 * ArgoCD's own configuration, as far as it decides a live change's fate: `argocd-cm`
 * (`resource.customizations.ignoreDifferences.<group_kind>` / `.all`, the same in the older
 * `resource.customizations` block, `resource.customizations.ignoreResourceUpdates.*`,
 * `resource.ignoreResourceUpdatesEnabled`, `resource.compareoptions`, `timeout.reconciliation`)
 * and `argocd-cmd-params-cm` (`controller.diff.server.side`, the self-heal back-off). Read from
 * the cluster when allowed, else from git; unparseable entries are skipped with a reason, never
 * guessed.
 */
import { parse } from 'yaml';
import type { IgnoreRule } from './owner.js';

export interface SourcedRule extends IgnoreRule {
  /** "argocd-cm resource.customizations.ignoreDifferences.ConfigMap" */
  source: string;
}

export interface ArgoSettings {
  from: 'live' | 'git';
  /** "argocd-cm in namespace argocd (live)" or "argocd-cm in apps/argocd/argocd-cm.yaml (git)". */
  where: string;
  ignoreDifferences: SourcedRule[];
  ignoreResourceUpdates: SourcedRule[];
  /** `resource.ignoreResourceUpdatesEnabled` (on unless "false", as in current ArgoCD). */
  ignoreResourceUpdatesEnabled: boolean;
  /** `resource.compareoptions: ignoreDifferencesOnResourceUpdates: true`. */
  ignoreDifferencesOnResourceUpdates: boolean;
  /** `timeout.reconciliation` as written ("180s"). */
  reconciliation?: string;
  /** `controller.diff.server.side: "true"` in argocd-cmd-params-cm: server-side diff for every app. */
  serverSideDiff: boolean;
  /** Self-heal back-off (seconds), from argocd-cmd-params-cm or ArgoCD's defaults. */
  selfHeal: { timeout: number; factor: number; cap: number; configured: boolean };
  /** Entries that could not be read. */
  problems: string[];
}

const num = (v: string | undefined, d: number) => {
  const n = v === undefined ? NaN : Number(String(v).trim());
  return Number.isFinite(n) && n >= 0 ? n : d;
};

/** `apps_Deployment` → {group: apps, kind: Deployment}; `ConfigMap` → core; `all` → every kind. */
function groupKind(s: string): { group: string; kind: string } | undefined {
  if (s === 'all' || s === '*/*') return { group: '*', kind: '*' };
  const parts = s.split(/[_/]/);
  if (parts.length === 2 && parts[1]) return { group: parts[0]!, kind: parts[1] };
  if (parts.length === 1 && parts[0]) return { group: '', kind: parts[0] };
  return undefined;
}

function rule(gk: { group: string; kind: string }, v: unknown, source: string): SourcedRule | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const arr = (x: unknown) => (Array.isArray(x) ? x.map(String) : undefined);
  const r: SourcedRule = { group: gk.group, kind: gk.kind, source };
  const jp = arr(o.jsonPointers);
  const jq = arr(o.jqPathExpressions);
  const mm = arr(o.managedFieldsManagers);
  if (jp) r.jsonPointers = jp;
  if (jq) r.jqPathExpressions = jq;
  if (mm) r.managedFieldsManagers = mm;
  return r;
}

export function argoSettings(cm: Record<string, unknown> | undefined, params: Record<string, unknown> | undefined, from: 'live' | 'git', where: string): ArgoSettings {
  const d: Record<string, string> = {};
  for (const [k, v] of Object.entries(cm ?? {})) if (v !== null && v !== undefined) d[k] = String(v);
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (v !== null && v !== undefined) p[k] = String(v);
  const problems: string[] = [];
  const ignoreDifferences: SourcedRule[] = [];
  const ignoreResourceUpdates: SourcedRule[] = [];
  const read = (text: string, what: string): unknown => {
    try {
      return parse(text);
    } catch (e) {
      problems.push(`${what}: not YAML (${String((e as Error).message).split('\n')[0]})`);
      return undefined;
    }
  };
  const PREFIX = 'resource.customizations.';
  for (const [k, v] of Object.entries(d)) {
    if (!k.startsWith(PREFIX)) continue;
    const rest = k.slice(PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const type = rest.slice(0, dot);
    if (type !== 'ignoreDifferences' && type !== 'ignoreResourceUpdates') continue;
    const gk = groupKind(rest.slice(dot + 1));
    if (!gk) {
      problems.push(`argocd-cm ${k}: not a group_kind`);
      continue;
    }
    const r = rule(gk, read(v, `argocd-cm ${k}`), `argocd-cm ${k}`);
    if (r) (type === 'ignoreDifferences' ? ignoreDifferences : ignoreResourceUpdates).push(r);
  }
  // The older form: one YAML block keyed by "group/Kind".
  if (d['resource.customizations']) {
    const all = read(d['resource.customizations'], 'argocd-cm resource.customizations');
    if (all && typeof all === 'object')
      for (const [gkText, entry] of Object.entries(all as Record<string, any>)) {
        const gk = groupKind(gkText);
        if (!gk || !entry || typeof entry !== 'object') continue;
        for (const type of ['ignoreDifferences', 'ignoreResourceUpdates'] as const) {
          const raw = entry[type];
          if (raw === undefined) continue;
          const r = rule(gk, typeof raw === 'string' ? read(raw, `argocd-cm resource.customizations ${gkText}.${type}`) : raw, `argocd-cm resource.customizations ${gkText}.${type}`);
          if (r) (type === 'ignoreDifferences' ? ignoreDifferences : ignoreResourceUpdates).push(r);
        }
      }
  }
  let ignoreDifferencesOnResourceUpdates = false;
  if (d['resource.compareoptions']) {
    const co = read(d['resource.compareoptions'], 'argocd-cm resource.compareoptions') as Record<string, unknown> | undefined;
    ignoreDifferencesOnResourceUpdates = co?.ignoreDifferencesOnResourceUpdates === true;
  }
  const configured = ['controller.self.heal.backoff.timeout.seconds', 'controller.self.heal.backoff.factor', 'controller.self.heal.backoff.cap.seconds'].some((k) => p[k] !== undefined);
  return {
    from,
    where,
    ignoreDifferences,
    ignoreResourceUpdates,
    ignoreResourceUpdatesEnabled: (d['resource.ignoreResourceUpdatesEnabled'] ?? 'true').trim() !== 'false',
    ignoreDifferencesOnResourceUpdates,
    ...(d['timeout.reconciliation'] ? { reconciliation: d['timeout.reconciliation'] } : {}),
    serverSideDiff: (p['controller.diff.server.side'] ?? '').trim() === 'true',
    selfHeal: {
      timeout: num(p['controller.self.heal.backoff.timeout.seconds'], 2),
      factor: num(p['controller.self.heal.backoff.factor'], 3),
      cap: num(p['controller.self.heal.backoff.cap.seconds'], 300),
      configured,
    },
    problems,
  };
}
