import { objLocation } from '../sources/yaml.js';
import type { Location, Severity } from '../model.js';
import type { Evidence, Contract, ContractEntry, NameMatch } from '../contract/model.js';
import { nameMatches } from '../contract/names.js';
import type { ContainerContext, RenameInfo, VersionInfo } from './types.js';
import type { ProvidedVar } from '../resolve/provision.js';

export function evidenceLocation(v: VersionInfo | undefined, e: Evidence): Location {
  const c = v?.contract;
  return {
    file: e.file,
    line: e.line,
    repo: c?.source.label ?? 'app',
    ...(c?.source.ref ? { ref: c.source.ref } : {}),
    note: e.pattern,
  };
}

export function versionLabel(v: VersionInfo | undefined): string {
  if (!v) return 'the app';
  const name = v.image.path.split('/').pop();
  return `${name}${v.image.tag ? ` ${v.image.tag}` : ''}`;
}

export function containerLabel(ctx: ContainerContext): string {
  const c = ctx.provision.container;
  return `${c.init ? 'init container' : 'container'} '${c.name}' of ${c.workload.kind} ${c.workload.namespace ? c.workload.namespace + '/' : ''}${c.workload.name}`;
}

export function baseFinding(ctx: ContainerContext) {
  const c = ctx.provision.container;
  return { workload: c.workloadId, container: c.name };
}

/** Where the container's environment is declared: its env list, envFrom, or the container. */
export function containerEnvLocation(ctx: ContainerContext): Location {
  const c = ctx.provision.container;
  const w = c.workload;
  const field = Array.isArray(c.spec.env) ? 'env' : Array.isArray(c.spec.envFrom) ? 'envFrom' : 'name';
  return objLocation(w, [...c.path, field], `${field} of container ${c.name}`);
}

/** A ConfigMap the container already takes with envFrom, in git: the natural place to add a key. */
export function envFromConfigMap(ctx: ContainerContext): { name: string; location: Location } | undefined {
  for (const v of ctx.provision.vars.values()) {
    if (v.origin === 'envFrom-configMap' && v.from?.source) {
      const o = v.from.source.object;
      return { name: v.from.name, location: objLocation(o, ['data'], `ConfigMap ${o.name} data`) };
    }
  }
  return undefined;
}

export function describeOrigin(v: ProvidedVar): string {
  switch (v.origin) {
    case 'literal':
      return 'a literal env value';
    case 'configMapKeyRef':
      return `ConfigMap ${v.from?.name} key ${v.from?.key}`;
    case 'secretKeyRef':
      return `Secret ${v.from?.name} key ${v.from?.key}`;
    case 'envFrom-configMap':
      return `ConfigMap ${v.from?.name} (envFrom)`;
    case 'envFrom-secret':
      return `Secret ${v.from?.name} (envFrom)`;
    case 'fieldRef':
      return 'a fieldRef';
    case 'resourceFieldRef':
      return 'a resourceFieldRef';
    case 'image-default':
      return 'a default in the image';
  }
}

/**
 * Can the container get `name`? Names match as the app matches them (exactly, or ignoring
 * case for pydantic-settings/.NET, or by Spring relaxed binding). 'maybe' when a source
 * whose keys git cannot tell might hold it.
 */
export function provides(ctx: ContainerContext, name: string, match: NameMatch = 'exact'): 'yes' | 'no' | 'maybe' {
  if (ctx.provision.vars.has(name)) return 'yes';
  if (ctx.current?.contract.imageDefaults.some((d) => nameMatches(name, d.name, match))) return 'yes';
  if (match !== 'exact') for (const v of ctx.provision.vars.keys()) if (nameMatches(name, v, match)) return 'yes';
  if (ctx.provision.openSources.length > 0) return 'maybe';
  return 'no';
}

export function runtimeNames(c: Contract | undefined): Set<string> {
  const s = new Set<string>();
  if (!c) return s;
  for (const e of c.entries.values()) if (e.kind !== 'build-time') s.add(e.name);
  return s;
}

/**
 * The rename that renamed-key reports for the new name `to` in this container, if any: the
 * container still gets old names (not only as image defaults) and not the new one (or only
 * through the image's own default). One cause is one finding: missing-key and stale-key stay
 * silent about what this rename finding already says.
 */
export function reportedRename(
  ctx: ContainerContext,
  to: string,
): { rename: RenameInfo; old: string[]; imageDefaultOnly: boolean } | undefined {
  if (!ctx.current || !ctx.previous) return undefined;
  const r = ctx.renames.find((x) => x.to === to);
  if (!r) return undefined;
  const old = r.from.filter((f) => ctx.provision.vars.has(f) && ctx.provision.vars.get(f)!.origin !== 'image-default');
  if (old.length === 0) return undefined;
  // The new name set only by a default baked into the image (often localhost) while the
  // pod configures the old names: the new version ignores the pod's configuration.
  const imageDefaultOnly = !ctx.provision.vars.has(r.to) && ctx.current.contract.imageDefaults.some((d) => d.name === r.to);
  if (!imageDefaultOnly && provides(ctx, r.to) !== 'no') return undefined;
  return { rename: r, old, imageDefaultOnly };
}

/** Old names a reported rename already tells the user to keep. */
export function namesKeptByRename(ctx: ContainerContext): Set<string> {
  const s = new Set<string>();
  for (const r of ctx.renames) for (const n of reportedRename(ctx, r.to)?.old ?? []) s.add(n);
  return s;
}

/**
 * What happens when a name the new version needs (required, or newly read without a
 * default) is unset, and how sure that is: shared by missing-key and renamed-key so that
 * a rename of a required key says the new version will fail to start.
 */
export function unsetConsequence(e: ContractEntry): { severity: Severity; consequence: string } {
  // Only a declaration (.env.example) says so, and no code read was found: the name may
  // be read by a dependency — or only by docker compose. Warn, unless the app enforces
  // its declarations at start (dotenv-safe).
  const declarationOnly = e.reads.every((r) => r.declaration) && !e.reads.some((r) => r.enforcedBy);
  const severity: Severity =
    e.kind !== 'required' ? 'warning' : declarationOnly || e.confidence === 'medium' ? 'warning' : e.confidence === 'low' ? 'info' : 'error';
  const consequence =
    e.kind !== 'required'
      ? 'the app reads it without a default and will see it unset'
      : declarationOnly
        ? `the app declares it as needed (no read was found in its code${e.note ? `; ${e.note}` : ''}), so it may fail to start`
        : severity === 'error'
          ? 'the new version will fail to start (CrashLoopBackOff)'
          : 'the app checks it on a path that may not run at start, so it may fail when that path runs';
  return { severity, consequence };
}
