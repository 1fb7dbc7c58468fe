/**
 * The fate of a live delta: what the GitOps engine will do with it, and when, in words.
 * Follows "GitOps facts the fate must honour" in DESIGN.md.
 */
import type { LiveObject } from '../cluster/live.js';
import { commandWords, fluxStripsManager, type Attribution } from './managed.js';
import { ignoredBy, updateIgnoredBy, type Owner } from './owner.js';

/** added = only live; changed = both, values differ; pending = only in git; removed-in-git = live key a GitOps engine wrote that git no longer has. */
export type Change = 'added' | 'changed' | 'pending' | 'removed-in-git';

export interface Fate {
  /** kept: stays as it is; reverted: git's value comes back; lost: the live-only key disappears; applied: git's change reaches the cluster. */
  outcome: 'kept' | 'reverted' | 'lost' | 'applied';
  /** Whether the GitOps engine shows this as a difference (OutOfSync / drift). */
  visible?: boolean;
  /** When, in words: "within seconds (self-heal)", "at the next sync", … */
  when: string;
  /** The whole fate as one or two sentences. */
  words: string;
}

export interface FateInput {
  change: Change;
  key: string;
  live: LiveObject;
  owner?: Owner;
  who?: Attribution;
  /** The git object is made by a Kustomize generator whose name carries a content hash. */
  hashed?: { generator: string; file: string };
  /** Git at the ref already names the object differently (a new generator hash): it will be replaced. */
  gitName?: string;
}

const objWords = (o: LiveObject) => `${o.kind} ${o.namespace ? o.namespace + '/' : ''}${o.name}`;

function syncWhen(o: Extract<Owner, { engine: 'argocd' }>): string {
  if (o.automated) return 'at the next automated sync (the next git revision of this app)';
  return 'when someone syncs the app (its sync policy is manual)';
}

/** Who put the key into the last-applied annotation, from the manager that owns the annotation. */
function annotationWriter(l: LiveObject): string {
  if (l.lastAppliedBy) return `${commandWords(l.lastAppliedBy.manager)} wrote it into the last-applied-configuration annotation`;
  return 'the last-applied-configuration annotation holds it (no managedFields entry says who wrote the annotation)';
}

export function fateOf(i: FateInput): Fate {
  const o = i.owner;
  const what = objWords(i.live);
  const kind = i.live.kind;
  // Regeneration facts hold whatever the engine.
  const renamed = i.gitName && i.gitName !== i.live.name;
  const regen =
    i.change === 'added' && renamed
      ? `git already generates ${kind} ${i.gitName}: the next sync creates it without ${i.key} and the workloads move to it`
      : i.change === 'added' && i.hashed
        ? `lost the next time this ${kind} is regenerated (any change to ${i.hashed.generator} in ${i.hashed.file} makes a new ${kind} with a new name, without ${i.key})`
        : undefined;

  if (!o) {
    if (i.change === 'pending') return { outcome: 'kept', when: 'never, by itself', words: `No GitOps engine owns ${what}: git's change reaches the cluster only when someone applies it.` };
    if (regen) return { outcome: 'lost', when: renamed ? 'at the next apply' : 'at the next regeneration', words: `No GitOps engine owns ${what}; ${regen}.` };
    return { outcome: 'kept', when: 'never, by itself', words: `No GitOps engine owns ${what}: nothing reverts it, but it exists only in the cluster.` };
  }

  if (o.engine === 'argocd') {
    const app = `ArgoCD app ${o.app}`;
    const replace = o.syncOptions.includes('Replace=true') || o.resourceSyncOptions.includes('Replace=true');
    const respect = o.syncOptions.includes('RespectIgnoreDifferences=true');
    const ssa = (o.syncOptions.includes('ServerSideApply=true') || o.resourceSyncOptions.includes('ServerSideApply=true')) && !o.resourceSyncOptions.includes('ServerSideApply=false');
    // Server-side diff: the app's or the object's compare-options, else argocd-cmd-params-cm for every app.
    const ssdOpt = o.compareOptions.includes('ServerSideDiff=true') ? 'compare-options ServerSideDiff=true' : !o.compareOptions.includes('ServerSideDiff=false') && o.settings?.serverSideDiff ? `controller.diff.server.side=true in argocd-cmd-params-cm${o.settings.from === 'git' ? ' (as git declares it)' : ''}` : undefined;
    if (i.change === 'added' && !ssa && ssdOpt && i.live.lastAppliedKeys?.includes(i.key)) {
      // Server-side diff ignores the annotation (no difference, self-heal does not act); the
      // sync itself is still a client-side apply, whose three-way merge removes the key.
      return {
        outcome: 'lost',
        visible: false,
        when: `at the next sync (${syncWhen(o)})`,
        words: `${app} does not show it (server-side diff, ${ssdOpt}), so self-heal does not act on it; but its syncs are client-side applies, and ${annotationWriter(i.live)}: the three-way merge of the next sync removes it — ${syncWhen(o)}.`,
      };
    }
    if (i.change === 'added' && !ssa && i.live.lastAppliedKeys?.includes(i.key)) {
      // `kubectl apply` wrote the key into the last-applied annotation: ArgoCD's three-way
      // diff now sees a key the previous apply declared and git does not — a removal.
      return {
        outcome: 'lost',
        visible: true,
        when: o.selfHeal ? 'within seconds (self-heal)' : `at the next sync (${syncWhen(o)})`,
        words: `${app} sees it: ${annotationWriter(i.live)}, so the three-way diff finds a key git does not declare (OutOfSync), and the sync removes it — ${o.selfHeal ? 'self-heal: within seconds' : syncWhen(o)}.`,
      };
    }
    if (i.change === 'added') {
      const invisible = `${app} does not see it: a key that exists only live is no difference${ssa ? ' (server-side apply leaves fields of other managers alone)' : ''}, so it is not OutOfSync and ${o.selfHeal ? 'self-heal' : 'a sync'} does not remove it`;
      if (regen) return { outcome: 'lost', visible: false, when: renamed ? 'at the next sync' : 'at the next regeneration', words: `${invisible}; but ${regen}.` };
      if (replace)
        return {
          outcome: 'lost',
          visible: false,
          when: `at the next sync (${syncWhen(o)})`,
          words: `${invisible}; but Replace=true replaces the whole object at every sync: lost at the next sync, ${syncWhen(o)}.`,
        };
      return {
        outcome: 'kept',
        visible: false,
        when: 'survives apply',
        words: `${invisible}. It survives apply but exists only in the cluster: lost if the object is ever recreated (Replace=true, deleted, renamed, or regenerated).`,
      };
    }
    if (i.change === 'removed-in-git') {
      return {
        outcome: 'lost',
        visible: true,
        when: o.selfHeal ? 'within seconds (self-heal)' : syncWhen(o),
        words: `Git no longer declares it and ${app} wrote it: the next sync removes it (${o.selfHeal ? 'self-heal: within seconds' : syncWhen(o)}).`,
      };
    }
    if (i.change === 'pending') {
      const when = o.automated ? 'at the next automated sync (the app is OutOfSync now)' : 'when someone syncs the app (its sync policy is manual)';
      return { outcome: 'applied', visible: true, when, words: `Git declares it and the cluster does not have it yet: ${app} applies it ${when}.` };
    }
    // changed
    const ign = ignoredBy(o, i.live, i.key, i.who?.manager);
    if (ign) {
      if (respect)
        return {
          outcome: 'kept',
          visible: false,
          when: 'not reverted (RespectIgnoreDifferences=true)',
          words: `${app} hides it (${ign}) and, with RespectIgnoreDifferences=true, a sync keeps the live value: kept, but git says otherwise.`,
        };
      return {
        outcome: 'reverted',
        visible: false,
        when: `at the next sync (${syncWhen(o)})`,
        words: `${app} hides it from the diff (${ign}), so self-heal does not act on it; but ignoreDifferences hides the difference only: any sync still applies git's value — reverted ${syncWhen(o)} (set RespectIgnoreDifferences=true to keep it).`,
      };
    }
    const force = ssa ? ` Its server-side apply forces conflicts, so ownership of ${i.key} moves back to argocd-controller.` : '';
    const quiet = updateIgnoredBy(o, i.live, i.key, i.who?.manager);
    if (o.selfHeal && quiet) {
      const every = o.settings?.reconciliation ? `timeout.reconciliation ${o.settings.reconciliation} in argocd-cm` : 'timeout.reconciliation: ArgoCD refreshes every app every 2–3 minutes by default';
      return {
        outcome: 'reverted',
        visible: true,
        when: 'at the next periodic refresh (self-heal)',
        words: `${app} ignores updates of this field (${quiet}), so the change did not trigger a refresh: it shows as OutOfSync at the next periodic refresh (${every}), and self-heal then reverts it to git's value.${force}`,
      };
    }
    if (o.selfHeal) {
      const sh = o.settings?.selfHeal;
      const backoff = sh?.configured
        ? `retries back off from ${sh.timeout} s, ×${sh.factor} each, up to ${sh.cap} s, as argocd-cmd-params-cm sets${o.settings!.from === 'git' ? ' in git' : ''}`
        : 'retries back off from 2 s, ×3 each, up to 300 s';
      return {
        outcome: 'reverted',
        visible: true,
        when: 'within seconds (self-heal)',
        words: `${app} shows it as OutOfSync and has automated sync with self-heal: reverted to git's value within seconds (${backoff}).${force}`,
      };
    }
    return { outcome: 'reverted', visible: true, when: syncWhen(o), words: `${app} shows it as OutOfSync: reverted to git's value ${syncWhen(o)}.${force}` };
  }

  if (o.engine === 'flux-kustomize') {
    const ks = `Flux Kustomization ${o.app}`;
    const every = o.suspended ? 'when the Kustomization is resumed (it is suspended)' : `at the next reconcile (every ${o.interval})`;
    if (o.optOut && i.change !== 'pending')
      return {
        outcome: 'kept',
        visible: false,
        when: `not reconciled (${o.optOut})`,
        words: `${ks} leaves this object alone (${o.optOut}): nothing reverts it, but git says otherwise.`,
      };
    if (i.change === 'added') {
      if (i.who && fluxStripsManager(i.who.manager))
        return {
          outcome: 'lost',
          visible: true,
          when: every,
          words: `${ks} removes fields written by ${i.who.manager} (kubectl field managers) on every reconcile: lost ${every}.`,
        };
      if (regen) return { outcome: 'lost', visible: false, when: 'at the next regeneration', words: `${ks} leaves fields of ${i.who?.manager ?? 'other managers'} alone; but ${regen}.` };
      return { outcome: 'kept', visible: false, when: 'survives reconcile', words: `${ks} leaves fields of ${i.who?.manager ?? 'other field managers'} alone (only kubectl managers are stripped): it survives, but exists only in the cluster.` };
    }
    if (i.change === 'pending' || i.change === 'removed-in-git')
      return { outcome: i.change === 'pending' ? 'applied' : 'lost', visible: true, when: every, words: `${ks} applies git ${every}.` };
    return { outcome: 'reverted', visible: true, when: every, words: `${ks} applies git's value with server-side apply: reverted ${every}.` };
  }

  if (o.engine === 'flux-helm') {
    const hr = `Flux HelmRelease ${o.app}`;
    if (i.change === 'added')
      return regen
        ? { outcome: 'lost', visible: false, when: 'at the next regeneration', words: `${hr} does not track keys the chart does not render; but ${regen}.` }
        : { outcome: 'kept', visible: false, when: 'survives upgrades', words: `${hr} does not track keys the chart does not render: it survives, but exists only in the cluster.` };
    if (i.change === 'pending' || i.change === 'removed-in-git')
      return { outcome: i.change === 'pending' ? 'applied' : 'lost', visible: true, when: 'at the next upgrade', words: `${hr} applies git at the next upgrade of the release.` };
    if (o.driftDetection === 'enabled')
      return { outcome: 'reverted', visible: true, when: `at the next reconcile (every ${o.interval})`, words: `${hr} has driftDetection.mode: enabled: reverted at the next reconcile (every ${o.interval}).` };
    return {
      outcome: 'reverted',
      visible: o.driftDetection === 'warn',
      when: 'at the next upgrade of the release',
      words: `${hr} ${o.driftDetection === 'warn' ? 'reports this drift (driftDetection.mode: warn) but does not correct it' : 'does not look for drift (driftDetection disabled)'}; the next upgrade of the release writes the chart's value back.`,
    };
  }

  // A bare Helm release.
  if (i.change === 'added') return { outcome: 'kept', when: 'survives upgrades', words: `Helm release ${o.app} keeps keys its chart does not render: it survives, but exists only in the cluster.` };
  if (i.change === 'pending' || i.change === 'removed-in-git') return { outcome: 'applied', when: 'at the next helm upgrade', words: `Helm release ${o.app} applies it at the next helm upgrade.` };
  return { outcome: 'reverted', when: 'at the next helm upgrade', words: `Helm release ${o.app}: the next helm upgrade writes the chart's value back.` };
}

/** What the engine does with an object it tracks that git no longer (or never) declares: prune it, or keep it. */
export function liveOnlyObjectFate(o: Owner, l: LiveObject): Fate {
  const what = objWords(l);
  if (o.engine === 'argocd') {
    const app = `ArgoCD app ${o.app}`;
    const res = [...o.resourceSyncOptions];
    if (res.includes('Prune=false'))
      return { outcome: 'kept', visible: true, when: 'not pruned (Prune=false)', words: `${app} tracks ${what} but git does not declare it: the app shows it as requiring pruning, and its sync-options annotation Prune=false keeps it.` };
    if (res.includes('Prune=confirm'))
      return { outcome: 'kept', visible: true, when: 'when someone confirms the prune', words: `${app} tracks ${what} but git does not declare it: with Prune=confirm it is deleted only when someone confirms the prune.` };
    if (o.automated && o.prune)
      return {
        outcome: 'lost',
        visible: true,
        when: o.selfHeal ? 'at the next sync (self-heal: within seconds)' : 'at the next sync (the next git revision of this app)',
        words: `${app} tracks ${what} but git does not declare it${o.requiresPruning ? ' (status.resources: requiresPruning)' : ''}: with automated sync and prune: true it is pruned at the next sync${o.selfHeal ? ' — self-heal syncs within seconds' : ' (the next git revision of this app)'}${o.syncOptions.includes('PruneLast=true') ? ', after the other resources (PruneLast=true)' : ''}.`,
      };
    if (o.automated)
      return { outcome: 'kept', visible: true, when: 'kept (prune: false)', words: `${app} tracks ${what} but git does not declare it: the app shows it as requiring pruning, and automated sync without prune: true keeps it; a manual sync with prune deletes it.` };
    return { outcome: 'kept', visible: true, when: 'until someone syncs with prune', words: `${app} tracks ${what} but git does not declare it: it stays until someone syncs the app with prune.` };
  }
  if (o.engine === 'flux-kustomize') {
    const ks = `Flux Kustomization ${o.app}`;
    if (l.annotations['kustomize.toolkit.fluxcd.io/prune'] === 'disabled')
      return { outcome: 'kept', visible: false, when: 'not pruned (kustomize.toolkit.fluxcd.io/prune: disabled)', words: `${ks} labelled ${what} but git does not declare it; its annotation kustomize.toolkit.fluxcd.io/prune: disabled keeps it.` };
    if (o.prune)
      return { outcome: 'lost', visible: true, when: `at the next reconcile (every ${o.interval})`, words: `${ks} applied ${what} and git no longer declares it: with prune: true it is garbage-collected at the next reconcile (every ${o.interval}).` };
    return { outcome: 'kept', visible: false, when: 'kept (prune: false)', words: `${ks} applied ${what} and git no longer declares it: without prune: true it is left in the cluster.` };
  }
  return { outcome: 'kept', when: 'never, by itself', words: `${what} exists only in the cluster.` };
}
