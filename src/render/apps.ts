/**
 * GitOps apps: ArgoCD Applications (single `source`, multi-`sources`, app-of-apps),
 * simple ApplicationSets (list and git-directory generators), Flux Kustomizations and
 * HelmReleases. Each says what to render (a path in this repository, rendered with
 * Kustomize, Helm or as plain manifests), into which namespace, under which sync policy.
 */
import * as posix from 'node:path/posix';
import type { KObject } from '../sources/yaml.js';
import type { RenderHost } from './kustomize/build.js';
import { kustomizationFileIn } from './kustomize/build.js';
import { hasOwn } from '../own.js';
import { remoteChart, type RemoteChart } from './helm-remote.js';
import { fluxHelmValues } from './flux-helm-values.js';
import type { SelfRepo } from './self-repo.js';

export type AppKind = 'Application' | 'ApplicationSet' | 'Kustomization' | 'HelmRelease' | 'kustomize';

export interface AppSource {
  /** Repo-relative directory ('' for the root). */
  path: string;
  renderer: 'kustomize' | 'directory' | 'helm';
  recurse?: boolean;
  /** ArgoCD `source.kustomize` overrides (images, namePrefix, nameSuffix, namespace, commonLabels, commonAnnotations), as kustomization fields. */
  overrides?: Record<string, unknown>;
  overridesAt?: { file: string; line: number };
  helm?: {
    releaseName: string;
    /** Repo-relative values files, in order. */
    valueFiles: string[];
    /** Inline values (objects), applied after the files in order. */
    values: unknown[];
    parameters: { name: string; value: string; forceString?: boolean }[];
    /** Values passed on stdin after the others (HelmRelease values merged as Flux merges them). */
    stdin?: unknown;
    /** A Secret fed the values: helm's messages are not shown. */
    sensitive?: boolean;
  };
  /** A chart from a remote repository (helm-remote.ts), fetched only with --fetch-charts. */
  remote?: RemoteChart;
}

export interface AppSpec {
  /** Stable id: "Application/argocd/guestbook", "Kustomization/flux-system/apps", "kustomize/overlays/prod". */
  id: string;
  kind: AppKind;
  name: string;
  /** Where the app is declared (absent for a bare kustomization directory). */
  file?: string;
  line?: number;
  sources: AppSource[];
  /** Destination (ArgoCD) or target (Flux) namespace. */
  namespace?: string;
  /** 'default': set on namespaced objects that have none (ArgoCD, Helm); 'override': set on every namespaced object (Flux targetNamespace). */
  namespaceMode: 'default' | 'override';
  /** Where the namespace is declared, for provenance. */
  namespaceAt?: { file: string; line: number };
  /** The sync policy as written (ArgoCD spec.syncPolicy; Flux interval/prune/force/driftDetection…), kept for drift fates. */
  syncPolicy?: unknown;
  /** Flux postBuild.substitute (and values found for substituteFrom). */
  substitute?: Record<string, string>;
  /** Why the app cannot be rendered, when it cannot. */
  skipped?: string;
  /** Notes on what was approximated (e.g. ArgoCD kustomize overrides not applied). */
  notes: string[];
  /** Other files it reads (a HelmRelease's valuesFrom objects and chart repository). */
  inputFiles?: Set<string>;
}

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A cheap text filter for files that may declare apps. */
export function mayDeclareApp(text: string): boolean {
  return /kind:\s*["']?(Application|ApplicationSet|HelmRelease|Kustomization)\b/.test(text) && /(argoproj\.io|toolkit\.fluxcd\.io)/.test(text);
}

export function isAppObject(o: KObject): boolean {
  const g = o.apiVersion.split('/')[0];
  return (
    (g === 'argoproj.io' && (o.kind === 'Application' || o.kind === 'ApplicationSet')) ||
    (g === 'kustomize.toolkit.fluxcd.io' && o.kind === 'Kustomization') ||
    (g === 'helm.toolkit.fluxcd.io' && o.kind === 'HelmRelease')
  );
}

function cleanPath(p: unknown): string | undefined {
  if (typeof p !== 'string') return undefined;
  const n = posix.normalize(p.replace(/^\.?\//, '') || '.').replace(/\/$/, '');
  if (n === '..' || n.startsWith('../')) return undefined;
  return n === '.' ? '' : n;
}

function rendererFor(host: RenderHost, dir: string): AppSource['renderer'] {
  if (host.files.has(dir ? `${dir}/Chart.yaml` : 'Chart.yaml')) return 'helm';
  if (kustomizationFileIn(host, dir)) return 'kustomize';
  return 'directory';
}

/** Discover the apps an object declares (an ApplicationSet may declare many). */
export function appsOf(o: KObject, host: RenderHost, lookup: (kind: string, ns: string | undefined, name: string) => KObject | undefined, self?: SelfRepo): AppSpec[] {
  const b = o.body;
  const spec = isMap(b.spec) ? b.spec : {};
  const base = { file: o.file, line: o.line, notes: [] as string[] };
  if (o.kind === 'Application') return [argoApp(o, spec, host, base, o.name, o.namespace, ['spec'], self)];
  if (o.kind === 'ApplicationSet') return appSet(o, spec, host, base, self);
  if (o.kind === 'Kustomization') return [fluxKustomization(o, spec, host, base, lookup, self)];
  if (o.kind === 'HelmRelease') return [helmRelease(o, spec, host, base, lookup, self)];
  return [];
}

function argoApp(o: KObject, spec: Record<string, any>, host: RenderHost, base: { file: string; line: number; notes: string[] }, name: string, ns: string | undefined, specPath: (string | number)[] = ['spec'], self?: SelfRepo): AppSpec {
  const dest = isMap(spec.destination) ? spec.destination : {};
  const app: AppSpec = {
    id: `Application/${ns ?? '-'}/${name}`,
    kind: 'Application',
    name,
    ...base,
    notes: [...base.notes],
    sources: [],
    namespaceMode: 'default',
    ...(typeof dest.namespace === 'string' && dest.namespace ? { namespace: dest.namespace, namespaceAt: { file: o.file, line: o.lineOf([...specPath, 'destination', 'namespace']) ?? o.line } } : {}),
    ...(spec.syncPolicy !== undefined ? { syncPolicy: spec.syncPolicy } : {}),
  };
  const srcs: any[] = Array.isArray(spec.sources) ? spec.sources : isMap(spec.source) ? [spec.source] : [];
  if (!srcs.length) {
    app.skipped = 'Application has no source';
    return app;
  }
  // `ref` sources provide value files ($ref/path) to the others; this repo is assumed.
  const refs = new Map<string, string>();
  for (const s of srcs) if (isMap(s) && typeof s.ref === 'string') refs.set(s.ref, '');
  const reasons: string[] = [];
  for (const s of srcs) {
    if (!isMap(s)) continue;
    if (typeof s.chart === 'string') {
      const rc = remoteChart({ url: s.repoURL, chart: s.chart, version: s.targetRevision ?? '', from: typeof s.repoURL === 'string' ? s.repoURL : 'a remote repository' });
      if ('skip' in rc) {
        reasons.push(rc.skip);
        continue;
      }
      const h = isMap(s.helm) ? s.helm : {};
      const valueFiles: string[] = [];
      for (const f of Array.isArray(h.valueFiles) ? h.valueFiles : []) {
        const m = /^\$([^/]+)\/(.*)$/.exec(String(f));
        if (m && refs.has(m[1]!)) valueFiles.push(cleanPath(m[2]) ?? String(f));
        else app.notes.push(`values file ${String(f)} (inside the fetched chart) not applied`);
      }
      const values: unknown[] = [];
      if (typeof h.values === 'string') values.push(h.values);
      if (isMap(h.valuesObject)) values.push(h.valuesObject);
      app.sources.push({
        path: '',
        renderer: 'helm',
        remote: rc.chart,
        helm: {
          releaseName: typeof h.releaseName === 'string' ? h.releaseName : name,
          valueFiles,
          values,
          parameters: (Array.isArray(h.parameters) ? h.parameters : []).filter(isMap).map((p: any) => ({ name: String(p.name), value: String(p.value ?? ''), ...(p.forceString ? { forceString: true } : {}) })),
        },
      });
      continue;
    }
    if (s.path === undefined) {
      if (typeof s.ref === 'string') continue;
      reasons.push('source has neither path nor chart');
      continue;
    }
    const other = self?.argoSource(s.repoURL);
    if (other) {
      reasons.push(other);
      continue;
    }
    const path = cleanPath(s.path);
    if (path === undefined || !host.dirs.has(path)) {
      reasons.push(`source path '${s.path}' (${s.repoURL ?? 'repo'}) is not a directory of this repository`);
      continue;
    }
    const renderer = isMap(s.helm) || rendererFor(host, path) === 'helm' ? 'helm' : isMap(s.kustomize) ? 'kustomize' : rendererFor(host, path);
    const src: AppSource = { path, renderer };
    if (renderer === 'directory') src.recurse = s.directory?.recurse === true;
    if (renderer === 'helm') {
      const h = isMap(s.helm) ? s.helm : {};
      const valueFiles = (Array.isArray(h.valueFiles) ? h.valueFiles : []).map((f: unknown) => {
        const str = String(f);
        const m = /^\$([^/]+)\/(.*)$/.exec(str);
        if (m && refs.has(m[1]!)) return cleanPath(m[2]) ?? str;
        return cleanPath(posix.join(path, str)) ?? str;
      });
      const values: unknown[] = [];
      if (typeof h.values === 'string') values.push(h.values);
      if (isMap(h.valuesObject)) values.push(h.valuesObject);
      src.helm = {
        releaseName: typeof h.releaseName === 'string' ? h.releaseName : name,
        valueFiles,
        values,
        parameters: (Array.isArray(h.parameters) ? h.parameters : []).filter(isMap).map((p: any) => ({ name: String(p.name), value: String(p.value ?? ''), ...(p.forceString ? { forceString: true } : {}) })),
      };
    }
    if (renderer === 'kustomize' && isMap(s.kustomize) && Object.keys(s.kustomize).length) {
      const k = s.kustomize;
      const supported = ['images', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'commonAnnotations'];
      const over: Record<string, unknown> = {};
      for (const f of supported) if (k[f] !== undefined) over[f] = k[f];
      if (Array.isArray(k.images)) over.images = k.images.map((x: unknown) => parseArgoImage(String(x)));
      if (Object.keys(over).length) {
        src.overrides = over;
        src.overridesAt = { file: o.file, line: o.lineOf([...specPath, ...(Array.isArray(spec.sources) ? ['sources', srcs.indexOf(s)] : ['source']), 'kustomize']) ?? o.line };
      }
      const rest = Object.keys(k).filter((f) => !supported.includes(f));
      if (rest.length) app.notes.push(`ArgoCD kustomize options not applied: ${rest.join(', ')}`);
    }
    app.sources.push(src);
  }
  if (!app.sources.length) app.skipped = reasons.join('; ') || 'no renderable source';
  else if (reasons.length) app.notes.push(...reasons.map((r) => `source skipped: ${r}`));
  return app;
}

// ---------------------------------------------------------------- ApplicationSet

function globToRe(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function substituteTemplate(v: any, params: Record<string, string>): any {
  if (typeof v === 'string') {
    return v.replace(/\{\{\s*(\.?[\w.[\]]+)\s*\}\}/g, (m, k: string) => {
      const key = k.replace(/^\./, '').replace(/^path\.path$/, 'path');
      return hasOwn(params, key) ? params[key]! : m;
    });
  }
  if (Array.isArray(v)) return v.map((x) => substituteTemplate(x, params));
  if (isMap(v)) {
    const out: Record<string, any> = {};
    for (const [k, x] of Object.entries(v)) out[k] = substituteTemplate(x, params);
    return out;
  }
  return v;
}

function appSet(o: KObject, spec: Record<string, any>, host: RenderHost, base: { file: string; line: number; notes: string[] }, self?: SelfRepo): AppSpec[] {
  const tmpl = isMap(spec.template) ? spec.template : undefined;
  const gens: any[] = Array.isArray(spec.generators) ? spec.generators : [];
  const skippedApp = (reason: string): AppSpec[] => [
    { id: `ApplicationSet/${o.namespace ?? '-'}/${o.name}`, kind: 'ApplicationSet', name: o.name, ...base, sources: [], namespaceMode: 'default', skipped: reason },
  ];
  if (!tmpl) return skippedApp('ApplicationSet has no template');
  const paramSets: Record<string, string>[] = [];
  const unsupported: string[] = [];
  for (const g of gens) {
    if (!isMap(g)) continue;
    if (isMap(g.list)) {
      for (const el of Array.isArray(g.list.elements) ? g.list.elements : []) {
        if (!isMap(el)) continue;
        const p: Record<string, string> = {};
        for (const [k, v] of Object.entries(el)) if (typeof v !== 'object') p[k] = String(v);
        paramSets.push(p);
      }
    } else if (isMap(g.git) && Array.isArray(g.git.directories)) {
      const inc = g.git.directories.filter((d: any) => isMap(d) && !d.exclude).map((d: any) => globToRe(cleanPath(d.path) ?? String(d.path)));
      const exc = g.git.directories.filter((d: any) => isMap(d) && d.exclude).map((d: any) => globToRe(cleanPath(d.path) ?? String(d.path)));
      for (const dir of [...host.dirs].sort()) {
        if (!dir || !inc.some((r: RegExp) => r.test(dir)) || exc.some((r: RegExp) => r.test(dir))) continue;
        const segs = dir.split('/');
        const p: Record<string, string> = { path: dir, 'path.basename': segs[segs.length - 1]!, 'path.basenameNormalized': segs[segs.length - 1]!.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase() };
        segs.forEach((s, i) => (p[`path[${i}]`] = s));
        paramSets.push(p);
      }
    } else unsupported.push(Object.keys(g).join(','));
  }
  if (!paramSets.length) return skippedApp(unsupported.length ? `ApplicationSet generator(s) ${unsupported.join(', ')} not supported` : 'ApplicationSet generates no applications');
  return paramSets.map((p) => {
    const t = substituteTemplate(tmpl, p);
    const name = String(t.metadata?.name ?? o.name);
    const app = argoApp(o, isMap(t.spec) ? t.spec : {}, host, { ...base, notes: unsupported.length ? [`generators not supported: ${unsupported.join(', ')}`] : [] }, name, t.metadata?.namespace ?? o.namespace, ['spec', 'template', 'spec'], self);
    return { ...app, id: `ApplicationSet/${o.namespace ?? '-'}/${o.name}/${name}` };
  });
}

// ---------------------------------------------------------------- Flux

function fluxSyncPolicy(spec: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['interval', 'prune', 'force', 'suspend', 'driftDetection', 'upgrade', 'install', 'wait', 'timeout']) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

function fluxKustomization(o: KObject, spec: Record<string, any>, host: RenderHost, base: { file: string; line: number; notes: string[] }, lookup: (kind: string, ns: string | undefined, name: string) => KObject | undefined, self?: SelfRepo): AppSpec {
  const app: AppSpec = {
    id: `Kustomization/${o.namespace ?? '-'}/${o.name}`,
    kind: 'Kustomization',
    name: o.name,
    ...base,
    notes: [...base.notes],
    sources: [],
    namespaceMode: 'override',
    ...(typeof spec.targetNamespace === 'string' && spec.targetNamespace ? { namespace: spec.targetNamespace, namespaceAt: { file: o.file, line: o.lineOf(['spec', 'targetNamespace']) ?? o.line } } : {}),
    syncPolicy: fluxSyncPolicy(spec),
  };
  const other = self?.fluxSource(spec.sourceRef, o.namespace);
  if (other) {
    app.skipped = other;
    return app;
  }
  const raw = spec.path ?? '';
  let path = cleanPath(raw);
  if (path !== undefined && !host.dirs.has(path)) {
    // The source may be a subdirectory of this repository (a GitRepository with ignore rules): try a directory named like the source, then those that hold the
    // manifest, nearest first.
    const cands: string[] = [];
    if (typeof spec.sourceRef?.name === 'string') cands.push(spec.sourceRef.name);
    for (let d = posix.dirname(o.file); d !== '.' && d !== ''; d = posix.dirname(d)) cands.push(d);
    for (const c of cands) {
      const alt = cleanPath(posix.join(c, String(raw)));
      if (alt !== undefined && host.dirs.has(alt)) {
        app.notes.push(`path '${raw}' resolved as '${alt}' (source ${spec.sourceRef?.kind ?? ''}/${spec.sourceRef?.name ?? ''} taken to be ${c}/)`);
        path = alt;
        break;
      }
    }
  }
  if (path === undefined || !host.dirs.has(path)) {
    app.skipped = `path '${raw}' of source ${spec.sourceRef?.kind ?? ''}/${spec.sourceRef?.name ?? ''} is not a directory of this repository`;
    return app;
  }
  const src: AppSource = { path, renderer: kustomizationFileIn(host, path) ? 'kustomize' : 'directory', recurse: true };
  // Flux's own kustomize fields, applied over the path like ArgoCD's overrides.
  const over: Record<string, unknown> = {};
  if (Array.isArray(spec.images)) over.images = spec.images;
  if (Array.isArray(spec.patches)) over.patches = spec.patches;
  if (Array.isArray(spec.components)) over.components = spec.components.map((c: unknown) => `../../${String(c)}`);
  if (isMap(spec.commonMetadata)) {
    if (isMap(spec.commonMetadata.labels)) over.labels = [{ pairs: spec.commonMetadata.labels }];
    if (isMap(spec.commonMetadata.annotations)) over.commonAnnotations = spec.commonMetadata.annotations;
  }
  if (typeof spec.namePrefix === 'string') over.namePrefix = spec.namePrefix;
  if (typeof spec.nameSuffix === 'string') over.nameSuffix = spec.nameSuffix;
  if (Object.keys(over).length) {
    if (src.renderer === 'kustomize') {
      src.overrides = over;
      src.overridesAt = { file: o.file, line: o.lineOf(['spec']) ?? o.line };
    } else app.notes.push(`Flux ${Object.keys(over).join(', ')} not applied (no kustomization.yaml at ${path || '.'})`);
  }
  app.sources.push(src);
  const pb = isMap(spec.postBuild) ? spec.postBuild : {};
  const subst: Record<string, string> = {};
  for (const ref of Array.isArray(pb.substituteFrom) ? pb.substituteFrom : []) {
    if (!isMap(ref)) continue;
    const obj = lookup(String(ref.kind), o.namespace, String(ref.name));
    if (obj && ref.kind === 'ConfigMap' && isMap(obj.body.data)) Object.assign(subst, obj.body.data);
    else if (obj && ref.kind === 'Secret') app.notes.push(`substituteFrom Secret ${ref.name}: values not read`);
    else if (!ref.optional) app.notes.push(`substituteFrom ${ref.kind} ${ref.name} not found in this repository: its variables are left as written`);
  }
  if (isMap(pb.substitute)) for (const [k, v] of Object.entries(pb.substitute)) subst[k] = String(v);
  if (Object.keys(subst).length || isMap(pb.substitute) || Array.isArray(pb.substituteFrom)) app.substitute = subst;
  return app;
}

function helmRelease(o: KObject, spec: Record<string, any>, host: RenderHost, base: { file: string; line: number; notes: string[] }, lookup0: (kind: string, ns: string | undefined, name: string) => KObject | undefined, self?: SelfRepo): AppSpec {
  const ns = (typeof spec.targetNamespace === 'string' && spec.targetNamespace) || o.namespace;
  const app: AppSpec = {
    id: `HelmRelease/${o.namespace ?? '-'}/${o.name}`,
    kind: 'HelmRelease',
    name: o.name,
    ...base,
    notes: [...base.notes],
    sources: [],
    namespaceMode: 'default',
    ...(ns ? { namespace: ns, namespaceAt: { file: o.file, line: o.lineOf(['spec', 'targetNamespace']) ?? o.lineOf(['metadata', 'namespace']) ?? o.line } } : {}),
    syncPolicy: fluxSyncPolicy(spec),
  };
  // Files of the objects it reads (valuesFrom, its HelmRepository/OCIRepository): a change to one re-renders it in a PR check.
  const used = new Set<string>();
  const lookup = (kind: string, ns: string | undefined, name: string) => {
    const r = lookup0(kind, ns, name);
    if (r) used.add(r.file);
    return r;
  };
  app.inputFiles = used;
  const releaseName = typeof spec.releaseName === 'string' ? spec.releaseName : o.name;
  const fv = fluxHelmValues(spec, o.namespace, lookup);
  app.notes.push(...fv.notes);
  // Values merged as Flux merges them; through stdin when a Secret fed them.
  const helmValues = (valueFiles: string[]): NonNullable<AppSource['helm']> => ({
    releaseName,
    valueFiles,
    values: fv.sensitive || !Object.keys(fv.values).length ? [] : [fv.values],
    parameters: [],
    ...(fv.sensitive ? { stdin: fv.values, sensitive: true } : {}),
  });
  const cs = spec.chart?.spec;
  if (!isMap(cs) || typeof cs.chart !== 'string') {
    const ref = spec.chartRef;
    if (!isMap(ref)) {
      app.skipped = 'HelmRelease has no chart';
      return app;
    }
    const from = `${ref.kind}/${ref.namespace ?? o.namespace ?? '-'}/${ref.name}`;
    if (ref.kind !== 'OCIRepository') {
      app.skipped = `chart from ${from}: keydrift fetches charts from HelmRepository and OCIRepository sources only`;
      return app;
    }
    const repo = lookup('OCIRepository', typeof ref.namespace === 'string' ? ref.namespace : o.namespace, String(ref.name));
    if (!repo) {
      app.skipped = `chart from ${from}: that OCIRepository is not in this repository, so the chart cannot be located`;
      return app;
    }
    const rs = isMap(repo.body.spec) ? repo.body.spec : {};
    const r = isMap(rs.ref) ? rs.ref : {};
    const version = typeof r.tag === 'string' ? r.tag : typeof r.semver === 'string' ? r.semver : '';
    const rc = remoteChart({ url: rs.url, version, digest: r.digest, from, ociIsFullRef: true });
    if ('skip' in rc) {
      app.skipped = typeof r.digest === 'string' && !version && !('skip' in remoteChart({ url: rs.url, version: '0.0.0', from, ociIsFullRef: true })) ? `chart from ${from}: pinned by digest only; keydrift pulls a chart by its version (tag)` : rc.skip;
      return app;
    }
    app.sources.push({ path: '', renderer: 'helm', remote: rc.chart, helm: helmValues([]) });
    return app;
  }
  const kind = cs.sourceRef?.kind;
  if (kind === 'HelmRepository') {
    const rns = typeof cs.sourceRef?.namespace === 'string' ? cs.sourceRef.namespace : o.namespace;
    const from = `HelmRepository/${rns ?? '-'}/${cs.sourceRef?.name}`;
    const repo = lookup('HelmRepository', rns, String(cs.sourceRef?.name));
    if (!repo) {
      app.skipped = `chart '${cs.chart}' from ${from}: that HelmRepository is not in this repository, so the chart cannot be located`;
      return app;
    }
    const rs = isMap(repo.body.spec) ? repo.body.spec : {};
    // Flux: no version means '*', the latest.
    const rc = remoteChart({ url: rs.type === 'oci' && typeof rs.url === 'string' && !/^oci:/i.test(rs.url) ? `oci://${rs.url}` : rs.url, chart: cs.chart, version: cs.version ?? '*', from });
    if ('skip' in rc) {
      app.skipped = rc.skip;
      return app;
    }
    if (Array.isArray(cs.valuesFiles) && cs.valuesFiles.length) app.notes.push(`chart valuesFiles ${cs.valuesFiles.map(String).join(', ')} (files inside the fetched chart) not applied`);
    app.sources.push({ path: '', renderer: 'helm', remote: rc.chart, helm: helmValues([]) });
    return app;
  }
  if (kind !== 'GitRepository' && kind !== 'Bucket') {
    app.skipped = `chart '${cs.chart}' from ${kind ?? 'a'} ${cs.sourceRef?.name ?? 'repository'}: keydrift renders charts of this repository, a HelmRepository or an OCIRepository only`;
    return app;
  }
  const other = self?.fluxSource(cs.sourceRef, o.namespace);
  if (other) {
    app.skipped = `chart '${cs.chart}': ${other}`;
    return app;
  }
  const path = cleanPath(cs.chart);
  if (path === undefined || !host.files.has(path ? `${path}/Chart.yaml` : 'Chart.yaml')) {
    app.skipped = `chart path '${cs.chart}' is not a chart directory of this repository`;
    return app;
  }
  const valueFiles = (Array.isArray(cs.valuesFiles) ? cs.valuesFiles : []).map((f: unknown) => cleanPath(String(f)) ?? String(f));
  app.sources.push({ path, renderer: 'helm', helm: helmValues(valueFiles) });
  return app;
}

/** ArgoCD's kustomize image override: `name=newName:tag`, `name:tag`, `name@digest`, `name=newName@digest`. */
export function parseArgoImage(spec: string): Record<string, string> {
  let name = spec;
  let target = spec;
  const eq = spec.indexOf('=');
  if (eq >= 0) {
    name = spec.slice(0, eq);
    target = spec.slice(eq + 1);
  }
  const out: Record<string, string> = {};
  const at = target.indexOf('@');
  let base = target;
  if (at >= 0) {
    out.digest = target.slice(at + 1);
    base = target.slice(0, at);
  }
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  let newName = base;
  if (colon > slash) {
    out.newTag = base.slice(colon + 1);
    newName = base.slice(0, colon);
  }
  if (eq < 0) {
    name = newName;
  } else if (newName !== name) out.newName = newName;
  out.name = name;
  return out;
}
