/**
 * Provision: what one container really gets in its environment, with where each name
 * comes from — following the kubelet's rules:
 *  - envFrom sources are applied in order (a later one wins), then env entries in order
 *    (env wins over envFrom; a later env entry wins over an earlier one);
 *  - `$(NAME)` in an env value expands from names defined before it, `$$` escapes;
 *  - envFrom keys that are not valid variable names are skipped (InvalidVariableNames);
 *  - a missing ConfigMap/Secret/key that is not optional keeps the container from
 *    starting (CreateContainerConfigError); an optional one is skipped silently.
 */
import type { Location } from '../model.js';
import { objLocation, type PathSeg } from '../sources/yaml.js';
import type { ContainerRef } from './workloads.js';
import type { ConfigSource, SourceIndex, SourceKind } from './sources.js';

export type VarOrigin =
  | 'literal'
  | 'configMapKeyRef'
  | 'secretKeyRef'
  | 'fieldRef'
  | 'resourceFieldRef'
  | 'envFrom-configMap'
  | 'envFrom-secret'
  | 'image-default';

export interface ProvidedVar {
  name: string;
  origin: VarOrigin;
  /** Where the container's manifest says so (the env entry or the envFrom item). */
  location: Location;
  /** The object and key it comes from, for ConfigMap/Secret origins. */
  from?: { kind: SourceKind; name: string; key: string; optional: boolean; source?: ConfigSource; location?: Location };
  /** Literal or ConfigMap value after $(VAR) expansion; never set for Secret-derived values. */
  value?: string;
  /** True when the value is (or embeds) secret material: never print it. */
  secret: boolean;
  /** `$(NAME)` references that did not resolve and stay literal in the value. */
  unexpanded?: string[];
  /** Every `$(NAME)` the literal refers to (resolved or not). */
  refs?: string[];
}

export interface RefProblem {
  /** missing-object | missing-key | namespace-mismatch */
  problem: 'missing-object' | 'missing-key';
  kind: SourceKind;
  name: string;
  key?: string;
  optional: boolean;
  /** The env entry / envFrom item that makes the reference. */
  location: Location;
  /** Env name affected (for valueFrom refs). */
  envName?: string;
  /** Same-named objects found in other namespaces. */
  elsewhere: string[];
  /** The source when the object exists but the key does not. */
  source?: ConfigSource;
}

export interface ContainerProvision {
  container: ContainerRef;
  /** Effective environment: name → where its value comes from. */
  vars: Map<string, ProvidedVar>;
  /** Earlier definitions that a later one overrode. */
  shadowed: ProvidedVar[];
  problems: RefProblem[];
  /** envFrom keys skipped because they are not valid variable names. */
  invalidNames: { name: string; location: Location }[];
  /**
   * envFrom sources whose full key set git does not tell (ExternalSecret dataFrom): any
   * name may come from them, so absence proves nothing.
   */
  openSources: { kind: SourceKind; name: string; reason: string; location: Location }[];
}

/** The kubelet's check for names taken from envFrom (validation.IsEnvVarName). */
const ENV_NAME_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export function isValidEnvName(n: string): boolean {
  return ENV_NAME_RE.test(n);
}

/**
 * Expand `$(NAME)` like the kubelet (third_party/forked/golang/expansion): `$$` → `$`,
 * `$(NAME)` → value when NAME is defined, else left as written.
 */
export function expand(
  input: string,
  lookup: (name: string) => { value?: string; secret: boolean } | undefined,
): { value: string; secret: boolean; unexpanded: string[]; refs: string[] } {
  let out = '';
  let secret = false;
  const unexpanded: string[] = [];
  const refs: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '$' && i + 1 < input.length) {
      const n = input[i + 1];
      if (n === '$') {
        out += '$';
        i++;
        continue;
      }
      if (n === '(') {
        const close = input.indexOf(')', i + 2);
        if (close > 0) {
          const name = input.slice(i + 2, close);
          refs.push(name);
          const hit = lookup(name);
          if (hit) {
            if (hit.secret) secret = true;
            out += hit.value ?? '';
          } else {
            unexpanded.push(name);
            out += `$(${name})`;
          }
          i = close;
          continue;
        }
      }
    }
    out += c;
  }
  return { value: out, secret, unexpanded, refs };
}

export interface ResolveOptions {
  /** Defaults the image carries (image config Env / Dockerfile ENV). */
  imageDefaults?: Map<string, { value: string; location: Location }>;
}

export function resolveContainer(c: ContainerRef, index: SourceIndex, opts: ResolveOptions = {}): ContainerProvision {
  const w = c.workload;
  const ns = w.namespace;
  const at = (path: PathSeg[], note?: string): Location => objLocation(w, [...c.path, ...path], note);
  const keyLoc = (s: ConfigSource, key: string): Location | undefined => {
    const k = s.keys.get(key);
    if (!k) return undefined;
    return objLocation(s.object, k.path, `${s.object.kind} ${s.object.name}`);
  };

  const vars = new Map<string, ProvidedVar>();
  const shadowed: ProvidedVar[] = [];
  const problems: RefProblem[] = [];
  const invalidNames: ContainerProvision['invalidNames'] = [];
  const openSources: ContainerProvision['openSources'] = [];
  const define = (v: ProvidedVar) => {
    const prev = vars.get(v.name);
    if (prev) shadowed.push(prev);
    vars.set(v.name, v);
  };
  const elsewhere = (kind: SourceKind, name: string) =>
    index
      .elsewhere(kind, name)
      .filter((s) => s.namespace !== ns)
      .map((s) => `${kind} ${s.namespace ?? '-'}/${s.name}`);

  // Image defaults are the bottom layer: anything the pod spec sets overrides them.
  for (const [name, d] of opts.imageDefaults ?? []) {
    vars.set(name, { name, origin: 'image-default', location: d.location, value: d.value, secret: false });
  }

  const envFrom: any[] = Array.isArray(c.spec.envFrom) ? c.spec.envFrom : [];
  envFrom.forEach((ef, i) => {
    if (!ef || typeof ef !== 'object') return;
    const kind: SourceKind | undefined = ef.configMapRef ? 'ConfigMap' : ef.secretRef ? 'Secret' : undefined;
    if (!kind) return;
    const ref = ef.configMapRef ?? ef.secretRef;
    const name = String(ref?.name ?? '');
    const optional = ref?.optional === true;
    const prefix = typeof ef.prefix === 'string' ? ef.prefix : '';
    const location = at(['envFrom', i], `envFrom ${kind} ${name}${prefix ? ` (prefix ${prefix})` : ''}`);
    const src = index.find(kind, name, ns);
    if (!src) {
      problems.push({ problem: 'missing-object', kind, name, optional, location, elsewhere: elsewhere(kind, name) });
      // Its keys are unknown: if it exists outside git, any name may come from it.
      if (!optional) openSources.push({ kind, name, reason: `${kind} ${name} is not declared in git`, location });
      return;
    }
    if (!src.keysComplete) {
      openSources.push({ kind, name, reason: src.incompleteReason ?? 'keys unknown', location });
    }
    for (const k of src.keys.values()) {
      const envName = prefix + k.key;
      if (!isValidEnvName(envName)) {
        invalidNames.push({ name: envName, location: keyLoc(src, k.key) ?? location });
        continue;
      }
      define({
        name: envName,
        origin: kind === 'ConfigMap' ? 'envFrom-configMap' : 'envFrom-secret',
        location,
        from: { kind, name, key: k.key, optional, source: src, ...(keyLoc(src, k.key) ? { location: keyLoc(src, k.key)! } : {}) },
        ...(kind === 'ConfigMap' && k.value !== undefined ? { value: k.value } : {}),
        secret: kind === 'Secret',
      });
    }
  });

  const env: any[] = Array.isArray(c.spec.env) ? c.spec.env : [];
  env.forEach((e, i) => {
    if (!e || typeof e !== 'object' || typeof e.name !== 'string') return;
    const name: string = e.name;
    const location = at(['env', i]);
    const vf = e.valueFrom;
    if (vf && typeof vf === 'object') {
      const kref = vf.configMapKeyRef ? ['ConfigMap', vf.configMapKeyRef] : vf.secretKeyRef ? ['Secret', vf.secretKeyRef] : undefined;
      if (kref) {
        const kind = kref[0] as SourceKind;
        const ref = kref[1] ?? {};
        const srcName = String(ref.name ?? '');
        const key = String(ref.key ?? '');
        const optional = ref.optional === true;
        const src = index.find(kind, srcName, ns);
        if (!src) {
          problems.push({ problem: 'missing-object', kind, name: srcName, key, optional, location, envName: name, elsewhere: elsewhere(kind, srcName) });
          return;
        }
        const k = src.keys.get(key);
        if (!k) {
          if (!src.keysComplete) {
            openSources.push({ kind, name: srcName, reason: src.incompleteReason ?? 'keys unknown', location });
            define({ name, origin: kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef', location, from: { kind, name: srcName, key, optional, source: src }, secret: kind === 'Secret' });
            return;
          }
          problems.push({ problem: 'missing-key', kind, name: srcName, key, optional, location, envName: name, elsewhere: [], source: src });
          return;
        }
        define({
          name,
          origin: kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef',
          location,
          from: { kind, name: srcName, key, optional, source: src, ...(keyLoc(src, key) ? { location: keyLoc(src, key)! } : {}) },
          ...(kind === 'ConfigMap' && k.value !== undefined ? { value: k.value } : {}),
          secret: kind === 'Secret',
        });
        return;
      }
      if (vf.fieldRef) {
        define({ name, origin: 'fieldRef', location, secret: false, value: `(field ${vf.fieldRef.fieldPath ?? '?'})` });
        return;
      }
      if (vf.resourceFieldRef) {
        define({ name, origin: 'resourceFieldRef', location, secret: false, value: `(resource ${vf.resourceFieldRef.resource ?? '?'})` });
        return;
      }
      return;
    }
    const raw = e.value === undefined || e.value === null ? '' : String(e.value);
    const ex = expand(raw, (n) => {
      const v = vars.get(n);
      return v ? { ...(v.value !== undefined ? { value: v.value } : {}), secret: v.secret } : undefined;
    });
    define({
      name,
      origin: 'literal',
      location,
      secret: ex.secret,
      ...(ex.secret ? {} : { value: ex.value }),
      ...(ex.unexpanded.length ? { unexpanded: ex.unexpanded } : {}),
      ...(ex.refs.length ? { refs: ex.refs } : {}),
    });
  });

  return { container: c, vars, shadowed, problems, invalidNames, openSources };
}
