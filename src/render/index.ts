/**
 * Render a tree the way the GitOps engine would: Kustomize directories natively (with
 * provenance), ArgoCD/Flux apps into their namespaces, Helm charts with `helm template`,
 * and every other manifest file as it is. Failures become problems or skips with a
 * reason, never exceptions, never a silent pass.
 */
import * as posix from 'node:path/posix';
import type { FileTree } from '../sources/tree.js';
import { parseManifests, type KObject, type YamlProblem } from '../sources/yaml.js';
import { reparseManifests } from '../sources/yaml-reuse.js';
import { treeHost, newRenderCache, keepChangedTexts, type ClosureCache, type RenderCache, type TreeHost } from './host.js';
import { Kustomizer, KustomizeError, Unsupported, KUSTOMIZATION_FILES, CLUSTER_SCOPED, kustomizationFileIn, CYCLE_PREFIX, type RenderHost, type Res } from './kustomize/build.js';
import { delegateBuild, findKustomizeTool } from './kustomize/delegate.js';
import { toolOutputMayShowSecret } from './kustomize/tool-output.js';
import { SelfRepo } from './self-repo.js';
import { appsOf, isAppObject, mayDeclareApp, type AppSpec, type AppSource } from './apps.js';
import { findHelm, helmTemplate, NO_HELM_REASON } from './helm.js';
import { chartLabel, notFetchedReason } from './helm-remote.js';
import { fetchChart } from './helm-fetch.js';
import { governingKustomization, inDocsDir, looksLikeManifest, templateReason } from './deployed.js';
import { provOf, renderedObject, setKeyLoc, srcOfObject, tag, type SrcDoc } from './prov.js';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseYamlDocs } from './prov.js';
import { hasOwn } from '../own.js';

/** An app as the snapshot lists it. */
export interface AppInfo {
  id: string;
  kind: AppSpec['kind'];
  /** Rendered directory (first source), repo-relative; '' is the root. */
  path: string;
  /** Every rendered directory. */
  paths: string[];
  renderer: string;
  namespace?: string;
  /** The sync policy as written (ArgoCD `spec.syncPolicy`, Flux interval/prune/force/driftDetection). */
  syncPolicy?: unknown;
  /** Where the app is declared. */
  file?: string;
  line?: number;
  /** Files that feed it (the app manifest, kustomizations, resources, patches, generator files, values files, chart files). */
  inputs: string[];
  /** Number of objects rendered. */
  objects: number;
  /** Why it was not rendered (or not fully). */
  skipped?: string;
  notes?: string[];
}

export interface RenderOptions {
  /** Render only the apps this returns true for (PR mode); plain files are then only loaded when `plainFiles` says so. */
  onlyApps?: (app: { id: string; paths: string[]; file?: string; closure: Set<string> }) => boolean;
  /** In PR mode: which plain (not rendered) manifest files to load. */
  plainFiles?: (file: string) => boolean;
  /** Delegate unsupported kustomizations to kustomize/kubectl (default true). */
  delegate?: boolean;
  /** Render Helm charts with helm (default true when helm is on PATH). */
  helm?: boolean;
  /**
   * Fetch pinned remote charts (HelmRelease of a HelmRepository/OCIRepository, ArgoCD
   * repoURL+chart) with `helm pull` into the cache and render them (default false: each such
   * app is skipped, saying remote charts were not fetched). `--fetch-charts`.
   */
  fetchCharts?: boolean;
  /**
   * Share texts and parses with another render (PR mode: base and head). With `changed`,
   * texts the cache holds for other paths are reused instead of read again.
   */
  cache?: RenderCache;
  /**
   * PR mode (with onlyApps): the files changed between base and head. Unchanged app
   * manifests that cannot reach a change are not parsed; unchanged plain files load only
   * when they hold configuration or workloads.
   */
  changed?: Set<string>;
  /**
   * With onlyApps and changed: parse every app manifest, not only those that can reach a change
   * (PR mode's look-up of objects other apps render, see pr.ts `renderMore`). Texts in `cache`
   * are still reused for every path not in `changed`.
   */
  allManifests?: boolean;
  /** Directories to render as apps of their own even when another kustomization uses them (e.g. `keydrift render base/`). */
  roots?: string[];
}

export interface RenderResult {
  objects: KObject[];
  problems: YamlProblem[];
  skipped: { file: string; reason: string }[];
  texts: Map<string, string>;
  apps: AppInfo[];
}

const YAML_RE = /\.ya?ml$/i;
/** Files a directory app applies. */
const MANIFEST_FILE_RE = /\.(ya?ml|json)$/i;

function chartDirsOf(files: string[]): string[] {
  return files.filter((p) => p === 'Chart.yaml' || p.endsWith('/Chart.yaml')).map((p) => posix.dirname(p)).map((d) => (d === '.' ? '' : d));
}

/** An app's sources in this repository (a fetched remote chart has no directory here). */
const localSources = (s: AppSpec): AppSource[] => s.sources.filter((x) => !x.remote);

const under = (dir: string, f: string) => dir === '' || f.startsWith(dir + '/');

/**
 * A cheap static closure of a kustomization directory: the files under it and under every
 * directory it lists (resources, components, bases), transitively, plus files it names
 * outside itself. Used to find which apps a change touches without rendering them.
 */
/**
 * Candidate paths in a kustomization's text, without a YAML parse: list items (`- x`,
 * `- path: x`, `- key=x`), flow lists, and `path:`/`env:` values. A superset of what the
 * kustomization lists; callers keep only candidates that exist in the tree.
 */
export function scanKustomizationRefs(text: string): string[] {
  const out: string[] = [];
  const clean = (v: string) => {
    let x = v.trim().replace(/\s+#.*$/, '');
    if ((x.startsWith('"') && x.endsWith('"')) || (x.startsWith("'") && x.endsWith("'"))) x = x.slice(1, -1);
    const eq = x.indexOf('=');
    if (eq >= 0) x = x.slice(eq + 1);
    if (x && !/^[a-z][a-z0-9+.-]*:\/\//i.test(x) && !x.includes(' ')) out.push(x);
  };
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*-\s+(?:path:\s*)?([^\s:#][^#]*?)\s*(?:#.*)?$/.exec(line)) && !/^[\w.-]+:\s/.test(m[1]!)) clean(m[1]!);
    else if ((m = /^\s*(?:-\s+)?(?:path|env):\s*(\S.*)$/.exec(line))) clean(m[1]!);
    if ((m = /:\s*\[([^\]]*)\]/.exec(line))) for (const x of m[1]!.split(',')) clean(x);
  }
  return out;
}

const NEEDS_NORMALIZE = /\/\/|(?:^|\/)\.{1,2}(?:\/|$)|\/\/|\/$/;

export class Closures {
  private cache = new Map<string, Set<string>>();
  private listed = new Map<string, string[]>();
  private files: string[];
  /** Refs an earlier render of the same listing resolved, by directory (PR mode: the head's, for the base). */
  private prior?: ClosureCache['refs'];
  constructor(
    private host: RenderHost & { texts: Map<string, string> },
    private readonly listing: string[],
    private shared?: ClosureCache,
  ) {
    const p = shared?.refs;
    if (p && (p.files === listing || (p.files.length === listing.length && p.files.every((f, i) => f === listing[i])))) this.prior = p;
    // Plain code-unit order, so a directory's files are one contiguous range.
    this.files = this.prior ? this.prior.sorted : [...listing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** What refs(dir) read (the kustomization file and its text), what it resolved, and what the directory lists directly. */
  private entries = new Map<string, { kf: string | undefined; text: string | undefined; refs: string[]; direct?: string[] }>();

  /** Leave the refs resolved here for the next render (`shared`): valid where the listing and the kustomization's text are the same. */
  share(): void {
    if (this.shared) this.shared.refs = { files: this.listing, sorted: this.files, byDir: this.entries };
  }

  /**
   * Directories and files a kustomization lists (resolved, existing ones only). Read with a
   * line scanner (every list item and `path:`/`env:` value that names an existing file or
   * directory), which over-approximates the parsed lists: see scanKustomizationRefs.
   */
  refs(dir: string): string[] {
    let r = this.listed.get(dir);
    if (r) return r;
    r = [];
    const kf = kustomizationFileIn(this.host, dir);
    const text = kf ? this.host.texts.get(kf) : undefined;
    const prior = this.prior?.byDir.get(dir);
    if (prior && prior.kf === kf && prior.text === text) {
      this.listed.set(dir, prior.refs);
      this.entries.set(dir, prior);
      return prior.refs;
    }
    const entry: { kf: string | undefined; text: string | undefined; refs: string[]; direct?: string[] } = { kf, text, refs: r };
    this.entries.set(dir, entry);
    if (text) {
      let scanned = this.shared?.scans.get(text);
      if (!scanned) {
        scanned = scanKustomizationRefs(text);
        this.shared?.scans.set(text, scanned);
      }
      for (const e of scanned) {
        // posix.normalize only when a segment needs it (`.`, `..`, `//`, a leading or trailing `/`).
        const joined = `${dir}/${e}`;
        const p = !dir || NEEDS_NORMALIZE.test(joined) ? posix.normalize(posix.join(dir || '.', e)).replace(/\/$/, '') : joined;
        if (p === '..' || p.startsWith('../')) continue;
        const q = p === '.' ? '' : p;
        if (q !== dir && (this.host.files.has(q) || this.host.dirs.has(q))) r.push(q);
      }
    }
    this.listed.set(dir, r);
    return r;
  }

  /** Files under a directory, from the sorted list by binary search. */
  filesUnder(dir: string): string[] {
    if (dir === '') return this.files;
    const prefix = dir + '/';
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.files[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < this.files.length && this.files[i]!.startsWith(prefix); i++) out.push(this.files[i]!);
    return out;
  }


  /** What a kustomization lists itself: its file, listed files, the files under listed plain directories (not through listed kustomizations). */
  listedDirectly(dir: string): string[] {
    const refs = this.refs(dir);
    const entry = this.entries.get(dir);
    if (entry?.direct) return entry.direct;
    const kf = kustomizationFileIn(this.host, dir);
    const out = kf ? [kf] : [];
    for (const r of refs) {
      if (this.host.dirs.has(r)) {
        if (!kustomizationFileIn(this.host, r)) out.push(...this.filesUnder(r));
      } else out.push(r);
    }
    if (entry) entry.direct = out;
    return out;
  }

  closure(dir: string, seen = new Set<string>()): Set<string> {
    const c = this.cache.get(dir);
    if (c) return c;
    const out = new Set<string>();
    if (seen.has(dir)) return out;
    seen.add(dir);
    for (const f of this.filesUnder(dir)) out.add(f);
    for (const r of this.refs(dir)) {
      if (this.host.dirs.has(r)) for (const f of this.closure(r, seen)) out.add(f);
      else out.add(r);
    }
    this.cache.set(dir, out);
    return out;
  }
}

export async function renderTree(tree: FileTree, opts: RenderOptions = {}): Promise<RenderResult> {
  const files = await tree.list();
  const cache = opts.cache;
  const yamlFiles = files.filter((f) => YAML_RE.test(f) || KUSTOMIZATION_FILES.includes(posix.basename(f)));
  const kfiles = files.filter((f) => KUSTOMIZATION_FILES.includes(posix.basename(f)));
  const chartDirs0 = chartDirsOf(files);
  const inChart0 = (f: string) => chartDirs0.some((d) => under(d, f) && (f.startsWith(d ? `${d}/templates/` : 'templates/') || f.startsWith(d ? `${d}/charts/` : 'charts/')));
  // Every YAML file, in one batch: an app may be declared anywhere, even in a file a kustomization lists.
  const host = await treeHost(tree, yamlFiles.filter((f) => !inChart0(f)), cache && opts.changed ? { cache, changed: opts.changed } : undefined);
  const texts = new Map<string, string>();
  const objects: KObject[] = [];
  const problems: YamlProblem[] = [];
  const skipped: RenderResult['skipped'] = [];
  const apps: AppInfo[] = [];
  const chartDirs = chartDirs0;
  const inChart = inChart0;
  const tool0 = opts.delegate === false ? undefined : findKustomizeTool();
  // keydrift's virtual kustomizations (ArgoCD/Flux overrides over a path): not in the tree, given to a delegated build.
  const virtual = new Map<string, string>();
  // ArgoCD and kubectl build root-only; Flux's kustomize-controller with LoadRestrictionsNone.
  const makeKustomizer = (loadAnywhere: boolean) =>
    new Kustomizer(host, {
      ...(loadAnywhere ? { loadRestrictor: false } : {}),
      ...(tool0
        ? {
            delegateBase: async (d: string) => {
              const r = await delegateBuild(tree, d, tool0, { loadAnywhere, extra: virtual });
              return r.ok ? r.yaml : undefined;
            },
          }
        : {}),
    });
  const kustomizer = makeKustomizer(false);
  let fluxK: Kustomizer | undefined;
  const kustomizerFor = (spec: AppSpec) => (spec.kind === 'Kustomization' ? (fluxK ??= makeKustomizer(true)) : kustomizer);
  const closures = new Closures(host, files, cache?.closures);
  // Files some kustomization lists (transitively): never loaded a second time as plain files.
  const kclosed = new Set<string>();
  // The union over every kustomization of what it lists transitively is the union of what each
  // lists directly (a listed kustomization is one of them): no closure walked per overlay.
  for (const kf of kfiles) for (const f of closures.listedDirectly(posix.dirname(kf) === '.' ? '' : posix.dirname(kf))) kclosed.add(f);

  // Kustomization directories, and those used by another as a base or component.
  const kdirs = files.filter((f) => KUSTOMIZATION_FILES.includes(posix.basename(f))).map((f) => (posix.dirname(f) === '.' ? '' : posix.dirname(f)));
  const usedAsBase = new Set<string>();
  for (const d of kdirs) for (const r of closures.refs(d)) if (host.dirs.has(r) && r !== d) usedAsBase.add(r);

  // Parse every plain manifest once: for app discovery, lookups and plain loading.
  const parsedCache = new Map<string, ReturnType<typeof parseManifests>>();
  const parsed = (f: string) => {
    let p = parsedCache.get(f);
    if (!p) {
      const text = host.texts.get(f) ?? '';
      const key = `m\0${f}\0${text}`;
      p = cache?.parses.get(key) as ReturnType<typeof parseManifests> | undefined;
      if (!p) {
        // PR mode: the other side parsed another version of this file; only its changed documents are parsed again.
        const other = cache?.manifests?.get(f);
        p = other && other.text !== text ? reparseManifests(f, text, other) : parseManifests(f, text);
        cache?.parses.set(key, p);
        cache?.manifests?.set(f, { text, parsed: p });
      }
      parsedCache.set(f, p);
    }
    return p;
  };

  // PR mode: an unchanged app manifest none of whose paths can reach a changed file is not
  // even parsed (see mayReachChange).
  const prChanged = opts.onlyApps && opts.changed && !opts.allManifests ? opts.changed : undefined;
  const reach = prChanged ? changeReach(prChanged, kdirs, closures) : undefined;
  // The answers of an earlier render for the same changes and reach (PR mode: the head's, for the base), by manifest text.
  let reachAnswers: Map<string, boolean> | undefined;
  if (reach && cache?.closures) {
    const key = [...reach].sort().join('\0') + '\u0001' + [...prChanged!].sort().join('\0');
    if (cache.closures.reach?.key !== key) cache.closures.reach = { key, answers: new Map() };
    reachAnswers = cache.closures.reach.answers;
  }
  const reaches = (t: string) => {
    let a = reachAnswers?.get(t);
    if (a === undefined) {
      a = mayReachChange(t, prChanged!, reach!);
      reachAnswers?.set(t, a);
    }
    return a;
  };

  // App discovery: files that may declare apps (cheap text filter first).
  const appObjects: KObject[] = [];
  for (const f of yamlFiles) {
    if (inChart(f)) continue;
    const t = host.texts.get(f);
    if (t === undefined || !mayDeclareApp(t)) continue;
    if (prChanged && reach && !prChanged.has(f) && !reaches(t)) continue;
    for (const o of parsed(f).objects) if (isAppObject(o)) appObjects.push(o);
  }
  const lookup = (kind: string, ns: string | undefined, name: string): KObject | undefined => {
    for (const f of yamlFiles) {
      const t = host.texts.get(f);
      if (!t || !t.includes(name) || !t.includes(kind)) continue;
      const hit = parsed(f).objects.find((o) => o.kind === kind && o.name === name && (ns === undefined || o.namespace === undefined || o.namespace === ns));
      if (hit) return hit;
    }
    return undefined;
  };
  // Which sources are this repository (self-repo.ts): others are not rendered from this checkout.
  const self = new SelfRepo(appObjects, lookup, (p) => host.dirs.has(p));
  const specs: AppSpec[] = appObjects.flatMap((o) => appsOf(o, host, lookup, self));
  // Top-level kustomizations no app renders become apps of their own.
  const appPaths = new Set(specs.flatMap((s) => localSources(s).map((x) => x.path)));
  // Kustomizations a Flux directory app builds as its bases are not apps of their own.
  for (const s of specs) if (s.kind === 'Kustomization') for (const x of s.sources) if (x.renderer === 'directory') for (const d of kdirs) if (under(x.path, d)) appPaths.add(d);
  for (const d of kdirs) {
    if (usedAsBase.has(d) || appPaths.has(d)) continue;
    // A Component is not deployable on its own: only through the kustomizations that use it.
    if (/^kind:\s*["']?Component["']?\s*$/m.test(host.texts.get(kustomizationFileIn(host, d)!) ?? '')) continue;
    if (chartDirs.some((c) => under(c, d) && c !== d)) continue;
    // Documentation, examples and hidden directories (`.archive/`) are applied by nothing unless an app points there.
    if (d && inDocsDir(`${d}/kustomization.yaml`)) continue;
    const kf = kustomizationFileIn(host, d)!;
    // Scaffolding: a kustomization under a `templates/` directory (outside a chart) or one that is itself a template ({{ }}, {% %}) is copied and filled in before anything applies it.
    if (d.split('/').includes('templates')) continue;
    const kp = parsed(kf);
    if (templateReason(kf, host.texts.get(kf) ?? '', kp.problems.length === 0, [...kp.objects.map((o) => o.body), ...kp.others.map((o) => o.body)])) continue;
    const spec: AppSpec = { id: `kustomize/${d || '.'}`, kind: 'kustomize', name: d || '.', file: kf, line: 1, sources: [{ path: d, renderer: 'kustomize' }], namespaceMode: 'default', notes: [] };
    // A Helm chart that is also a kustomization: only a config-management plugin (helm template, then kustomize) knows how to render it, and no app says.
    if (host.files.has(d ? `${d}/Chart.yaml` : 'Chart.yaml')) spec.skipped = `${d || '.'} is both a Helm chart and a kustomization, and no app says how it is rendered (a config-management plugin, such as helm template then kustomize): not checked`;
    specs.push(spec);
  }
  // Kustomizations used only by each other (a cycle nothing else includes) would never be
  // built, and the cycle never reported: build one of each such group, which reports it.
  {
    const reach = (from: string[], seen: Set<string>) => {
      const todo = [...from];
      while (todo.length) {
        const x = todo.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        for (const r of closures.refs(x)) if (host.dirs.has(r) && !seen.has(r)) todo.push(r);
      }
      return seen;
    };
    const reached = reach(specs.flatMap((s) => localSources(s).map((x) => x.path)), new Set());
    for (const d of [...usedAsBase].sort()) {
      if (reached.has(d) || !kustomizationFileIn(host, d) || appPaths.has(d)) continue;
      if (!reach(closures.refs(d).filter((r) => host.dirs.has(r)), new Set()).has(d)) continue; // not in a cycle
      reach([d], reached);
      specs.push({ id: `kustomize/${d || '.'}`, kind: 'kustomize', name: d || '.', file: kustomizationFileIn(host, d)!, line: 1, sources: [{ path: d, renderer: 'kustomize' }], namespaceMode: 'default', notes: [] });
    }
  }

  for (const d of opts.roots ?? []) {
    if (specs.some((s) => localSources(s).some((x) => x.path === d))) continue;
    if (!host.dirs.has(d)) continue;
    const renderer = host.files.has(d ? `${d}/Chart.yaml` : 'Chart.yaml') ? 'helm' : kustomizationFileIn(host, d) ? 'kustomize' : 'directory';
    specs.push({ id: `${renderer === 'kustomize' ? 'kustomize' : renderer}/${d || '.'}`, kind: 'kustomize', name: d || '.', sources: [{ path: d, renderer, recurse: true, ...(renderer === 'helm' ? { helm: { releaseName: posix.basename(d) || 'release', valueFiles: [], values: [], parameters: [] } } : {}) }], namespaceMode: 'default', notes: [] });
  }

  const consumed = new Set<string>(kclosed);
  // Files every kustomization consumes are never loaded again as plain files, rendered or not.
  for (const s of specs) for (const src of localSources(s)) if (src.renderer !== 'kustomize') for (const f of closures.filesUnder(src.path)) if (src.recurse !== false || posix.dirname(f) === (src.path || '.')) consumed.add(f);

  const helm = opts.helm === false ? undefined : findHelm();
  const tool = opts.delegate === false ? undefined : findKustomizeTool();

  const closureOf = (spec: AppSpec) => {
    const closure = new Set<string>();
    for (const s of localSources(spec)) for (const f of s.renderer === 'kustomize' ? closures.closure(s.path) : closures.filesUnder(s.path)) closure.add(f);
    for (const s of spec.sources) for (const vf of s.helm?.valueFiles ?? []) closure.add(vf);
    if (spec.file) closure.add(spec.file);
    for (const f of spec.inputFiles ?? []) closure.add(f);
    return closure;
  };
  const chosen = specs
    .map((spec) => ({ spec, closure: closureOf(spec) }))
    .filter(({ spec, closure }) => !opts.onlyApps || opts.onlyApps({ id: spec.id, paths: localSources(spec).map((s) => s.path), ...(spec.file ? { file: spec.file } : {}), closure }));
  // One batch read for everything the chosen apps render from.
  await host.prefetch([...new Set(chosen.flatMap(({ spec, closure }) => (localSources(spec).some((s) => s.renderer === 'helm') ? [] : [...closure])))]);

  for (const { spec, closure } of chosen) {
    const paths = localSources(spec).map((s) => s.path);
    const info: AppInfo = {
      id: spec.id,
      kind: spec.kind,
      path: paths[0] ?? '',
      paths,
      renderer: spec.sources.map((s) => s.renderer).join('+') || 'none',
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      ...(spec.syncPolicy !== undefined ? { syncPolicy: spec.syncPolicy } : {}),
      ...(spec.file ? { file: spec.file, line: spec.line } : {}),
      inputs: [],
      objects: 0,
      ...(spec.notes.length ? { notes: [...spec.notes] } : {}),
    };
    apps.push(info);
    const inputs = new Set<string>(spec.file ? [spec.file] : []);
    const where = spec.file ?? paths[0] ?? '.';
    if (spec.skipped) {
      info.skipped = spec.skipped;
      skipped.push({ file: where, reason: `${spec.id}: ${spec.skipped}` });
      info.inputs = [...closure].sort();
      continue;
    }
    const appObjects: KObject[] = [];
    const reasons: string[] = [];
    /** Take one kustomize render into the app: its inputs, texts, objects and any error. */
    const absorb = (r: Awaited<ReturnType<typeof renderKustomize>>) => {
      for (const f of r.inputs) inputs.add(f);
      if (r.notes?.length) info.notes = [...(info.notes ?? []), ...r.notes];
      for (const c of r.skips ?? []) skipped.push({ file: c.file, reason: `${spec.id}: ${c.reason}` });
      for (const [f, t] of r.texts) texts.set(f, t);
      if (r.error) {
        reasons.push(r.error.reason);
        // One cause, one problem: a kustomization several apps build fails once.
        const pr = r.error.problem;
        if (pr && !problems.some((q) => q.file === pr.file && q.line === pr.line && q.message === pr.message)) problems.push(pr);
      }
      appObjects.push(...r.objects);
    };
    for (const src of spec.sources) {
      try {
        if (src.renderer === 'kustomize') {
          // ArgoCD kustomize overrides: a virtual kustomization over the source path.
          const dir = src.overrides ? virtualOverlay(host, virtual, src.path, spec.id, src.overrides) : src.path;
          const r = await renderKustomize(tree, kustomizerFor(spec), dir, tool, spec.id, virtual);
          if (src.overrides) {
            r.inputs = r.inputs.filter((f) => !isVirtual(f));
            for (const o of r.objects) retagOverrides(o, src.overridesAt);
            // A failure in the overrides is where a person edits them: the app's manifest.
            const at = src.overridesAt ?? (spec.file ? { file: spec.file, line: spec.line ?? 1 } : undefined);
            if (r.error?.problem && isVirtual(r.error.problem.file) && at) r.error.problem = { ...r.error.problem, file: at.file, line: at.line };
          }
          absorb(r);
        } else if (src.renderer === 'directory') {
          // Flux builds a directory without a kustomization as one listing every manifest,
          // and every subdirectory that has a kustomization as a base.
          const nested = spec.kind === 'Kustomization' ? kdirs.filter((d) => d !== src.path && under(src.path, d)) : [];
          const topNested = nested.filter((d) => !nested.some((e) => e !== d && under(e, d)));
          for (const d of topNested) {
            const r = await renderKustomize(tree, kustomizerFor(spec), d, tool, spec.id, virtual);
            absorb(r);
          }
          for (const f of closures.filesUnder(src.path)) {
            // Only manifests: Flux and ArgoCD read .yaml/.yml (and .json) files, never README, LICENSE, scripts or Terraform.
            if (!MANIFEST_FILE_RE.test(f) || !host.texts.has(f) || (!src.recurse && posix.dirname(f) !== (src.path || '.')) || KUSTOMIZATION_FILES.includes(posix.basename(f))) continue;
            if (topNested.some((d) => under(d, f))) continue;
            const p = parsed(f);
            inputs.add(f);
            const tmpl = templateReason(f, host.texts.get(f) ?? '', p.problems.length === 0, [...p.objects.map((o) => o.body), ...p.others.map((o) => o.body)]);
            if (tmpl) {
              skipped.push({ file: f, reason: `${spec.id}: ${tmpl}: not checked` });
              continue;
            }
            texts.set(f, host.texts.get(f) ?? '');
            problems.push(...p.problems);
            for (const o of p.objects) appObjects.push(wrapPlain(o, spec.id));
          }
        } else if (src.renderer === 'helm') {
          if (!src.remote) for (const f of closures.filesUnder(src.path)) inputs.add(f);
          for (const vf of src.helm?.valueFiles ?? []) inputs.add(vf);
          // A remote chart: fetched (once, into the cache) only when the user allows it.
          if (src.remote && !opts.fetchCharts) {
            reasons.push(notFetchedReason(src.remote));
            continue;
          }
          if (opts.helm === false || !helm) {
            reasons.push(src.remote ? `${chartLabel(src.remote)}: ${NO_HELM_REASON}` : NO_HELM_REASON);
            continue;
          }
          let archive: string | undefined;
          if (src.remote) {
            const f = await fetchChart(helm, src.remote);
            if (!f.ok) {
              reasons.push(f.error);
              continue;
            }
            archive = f.archive;
          }
          const r = await helmTemplate(helm, tree, src, spec.namespace, archive ? { archive } : {});
          if (!r.ok) {
            reasons.push(r.error);
            continue;
          }
          r.docs.forEach((d, i) => {
            // A fetched chart's templates are not files here: its objects point at the app, where its version and values are set.
            const file = d.file ?? (src.remote && spec.file ? spec.file : `${src.path || '.'}/(helm template)`);
            const p = parseManifests(file, d.text);
            for (const o of p.objects) {
              const src0: SrcDoc = { file, line: src.remote && spec.file ? (spec.line ?? 1) : 1, lineOf: () => undefined };
              appObjects.push(renderedObject({ body: tag(structuredClone(o.body), src0), src: src0, docIndex: i, app: spec.id }));
            }
          });
        }
      } catch (e) {
        reasons.push(`render failed: ${(e as Error).message}`);
      }
    }
    // Namespace from the app, then Flux variable substitution.
    for (const o of appObjects) applyAppNamespace(o, spec);
    if (spec.substitute) for (const o of appObjects) substituteVars(o.body, spec.substitute);
    objects.push(...appObjects.map((o) => refreshIdentity(o)));
    info.objects = appObjects.length;
    info.inputs = [...new Set([...inputs, ...closure])].sort();
    if (reasons.length) {
      info.skipped = reasons.join('; ');
      skipped.push({ file: where, reason: `${spec.id}${appObjects.length ? ' (partly rendered)' : ''}: ${info.skipped}` });
    }
  }

  // Plain manifest files nothing renders: only those something applies (deployed.ts). A
  // repository that declares apps applies the directories of its root app manifests (the
  // bootstrap, applied by hand); one that declares none applies its root.
  const isKDir = (d: string) => !!kustomizationFileIn(host, d);
  const appFile = (f: string) => mayDeclareApp(host.texts.get(f) ?? '');
  const rootAppDirs = new Set(yamlFiles.filter((f) => !consumed.has(f) && !inChart(f) && !inDocsDir(f) && appFile(f)).map((f) => posix.dirname(f)));
  const declaresApps = rootAppDirs.size > 0 || specs.some((s) => s.kind !== 'kustomize');
  const deployedPlain = (f: string): boolean => {
    if (governingKustomization(f, isKDir) !== undefined) return false; // the kustomization lists what it deploys
    if (inDocsDir(f)) return false;
    return !declaresApps || rootAppDirs.has(posix.dirname(f));
  };
  for (const f of yamlFiles) {
    if (consumed.has(f) || KUSTOMIZATION_FILES.includes(posix.basename(f))) continue;
    if (inChart(f)) {
      const chart = chartDirs.find((d) => under(d, f));
      skipped.push({ file: f, reason: `Helm chart template (chart ${chart || '.'}): no app renders this chart, and a template is not a manifest: not checked` });
      continue;
    }
    if (!deployedPlain(f)) continue;
    if (opts.plainFiles && !opts.plainFiles(f)) continue;
    // PR mode: an unchanged file matters only if it holds configuration or workloads.
    if (prChanged && !prChanged.has(f) && !RESOLUTION_KINDS.test(host.texts.get(f) ?? '')) continue;
    const text = host.texts.get(f) ?? '';
    const p = parsed(f);
    // Templates and YAML that is not a manifest are not deployed objects: never invalid-yaml.
    if (templateReason(f, text, p.problems.length === 0, [...p.objects.map((o) => o.body), ...p.others.map((o) => o.body)])) continue;
    if (p.problems.length && !looksLikeManifest(text)) continue;
    texts.set(f, text);
    objects.push(...p.objects);
    problems.push(...p.problems);
  }
  if (cache) for (const [f, t] of host.texts) cache.texts.set(f, t);
  if (cache && opts.changed) keepChangedTexts(cache, tree, opts.changed, host.texts);
  closures.share();
  return { objects, problems, skipped, texts, apps };
}

const VIRTUAL_DIR = '.keydrift-argocd';
const isVirtual = (f: string) => f.split('/').includes(VIRTUAL_DIR);
/** The directory a person knows for a (possibly virtual) kustomization directory. */
const realDir = (d: string) => d.replace(new RegExp(`(^|/)${VIRTUAL_DIR.replace('.', '\\.')}/[^/]+$`), '');

/** Add a virtual kustomization `<path>/.keydrift-argocd/<app>/` listing `path` with ArgoCD's overrides. */
function virtualOverlay(host: TreeHost, virtual: Map<string, string>, path: string, app: string, overrides: Record<string, unknown>): string {
  const dir = `${path ? path + '/' : ''}${VIRTUAL_DIR}/${app.replace(/[^\w.-]+/g, '_')}`;
  const file = `${dir}/kustomization.yaml`;
  const body = { resources: ['../..'.split('/').join('/')], ...overrides };
  host.texts.set(file, stringifyYaml(body));
  virtual.set(file, host.texts.get(file)!);
  host.files.add(file);
  for (let d = dir; d && !host.dirs.has(d); d = posix.dirname(d) === '.' ? '' : posix.dirname(d)) host.dirs.add(d);
  return dir;
}

/**
 * The virtual overlay as the real tool can build it: kustomize refuses a base that contains the
 * kustomization (its cycle check), so for delegation it moves to `.keydrift-argocd/<name>/` at
 * the top, its `resources`/`components` rewritten to point at the same directories.
 */
function delegationOverlay(dir: string, virtual: Map<string, string>): [string, Map<string, string>] {
  const text = virtual.get(`${dir}/kustomization.yaml`);
  const real = realDir(dir);
  if (text === undefined || real === '') return [dir, virtual];
  const body = parseYaml(text) as Record<string, unknown>;
  const top = `${VIRTUAL_DIR}/${posix.basename(dir)}`;
  for (const f of ['resources', 'components']) {
    const list = body[f];
    if (Array.isArray(list)) body[f] = list.map((e) => (typeof e === 'string' ? posix.relative(top, posix.normalize(posix.join(dir, e))) || '.' : e));
  }
  return [top, new Map([...virtual, [`${top}/kustomization.yaml`, stringifyYaml(body)]])];
}

/** Fields the virtual overlay set point at the Application's `kustomize:` block, where a person edits them. */
function retagOverrides(o: KObject, at: { file: string; line: number } | undefined): void {
  if (!at) return;
  const visit = (n: any) => {
    if (!n || typeof n !== 'object') return;
    const p = provOf(n);
    if (p?.keys) for (const [k, l] of p.keys) if (isVirtual(l.file)) p.keys.set(k, at);
    for (const v of Object.values(n)) visit(v);
  };
  visit(o.body);
}

/** Kinds that take part in resolution: config sources and workloads. */
const RESOLUTION_KINDS = /kind:\s*["']?(ConfigMap|Secret|SealedSecret|ExternalSecret|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|Pod|Rollout|List)\b/;

/**
 * Directories a change reaches: every ancestor of a changed file (the root included) and
 * every kustomization whose (wide) closure holds a changed file. Found backwards, from the
 * changes up the lists (a kustomization reaches what it lists, a directory what is under it),
 * not by walking the closure of every kustomization.
 */
export function changeReach(changed: Set<string>, kdirs: string[], closures: Closures): Set<string> {
  const out = new Set<string>(['']);
  for (const c of changed) for (let d = posix.dirname(c); d !== '.' && d !== ''; d = posix.dirname(d)) out.add(d);
  // Who lists each path.
  const listers = new Map<string, string[]>();
  for (const d of kdirs) {
    for (const r of closures.refs(d)) {
      const l = listers.get(r);
      if (l) l.push(d);
      else listers.set(r, [d]);
    }
  }
  // A change is under every directory in `out` (and is itself a path a kustomization may list).
  const todo = [...out, ...changed];
  const seen = new Set<string>(todo);
  while (todo.length) {
    const x = todo.pop()!;
    for (const d of listers.get(x) ?? []) {
      out.add(d);
      if (!seen.has(d)) (seen.add(d), todo.push(d));
    }
  }
  // A kustomization directory under which a change lies is already an ancestor.
  return out;
}

/**
 * Can an (unchanged) app manifest render a changed file? Conservative: yes for an
 * ApplicationSet (paths are globs), when the text names a changed file (or its basename:
 * value files are relative), when no path can be read from the text, and when one of its
 * `path:`/`chart:` values names a reached directory or is a suffix of one (a path may be
 * relative to a source that is a subdirectory).
 */
export function mayReachChange(text: string, changed: Set<string>, reach: Set<string>): boolean {
  if (/kind:\s*["']?ApplicationSet\b/.test(text)) return true;
  // A HelmRelease reads objects of other files (valuesFrom, its chart repository): known only once parsed.
  if (/kind:\s*["']?HelmRelease\b/.test(text) && /\b(?:valuesFrom|HelmRepository|OCIRepository):?/.test(text)) return true;
  for (const c of changed) if (text.includes(c) || text.includes(posix.basename(c))) return true;
  const paths = [...text.matchAll(/\b(?:path|chart):[ \t]*["']?([^"'\s#,}\]]*)/g)].map((m) => posix.normalize(m[1]!.replace(/^\.?\//, '') || '.').replace(/\/$/, ''));
  if (!paths.length) return true;
  for (const raw of paths) {
    const p = raw === '.' ? '' : raw;
    if (p === '' || p.startsWith('..')) return true;
    for (const d of reach) if (d === p || d.endsWith('/' + p)) return true;
  }
  return false;
}

function wrapPlain(o: KObject, app: string): KObject {
  const src = srcOfObject(o);
  return renderedObject({ body: tag(structuredClone(o.body), src), src, docIndex: o.docIndex, app });
}

/** KObject identity fields follow the body after app-level changes (namespace, substitution). */
function refreshIdentity(o: KObject): KObject {
  const ns = o.body.metadata?.namespace;
  if (typeof ns === 'string' && ns) o.namespace = ns;
  else delete o.namespace;
  if (typeof o.body.metadata?.name === 'string') o.name = o.body.metadata.name;
  return o;
}

function applyAppNamespace(o: KObject, spec: AppSpec): void {
  if (!spec.namespace || CLUSTER_SCOPED.has(o.kind)) return;
  const meta = (o.body.metadata ??= {});
  if (spec.namespaceMode === 'default' && meta.namespace) return;
  if (meta.namespace === spec.namespace) return;
  meta.namespace = spec.namespace;
  setKeyLoc(meta, 'namespace', spec.namespaceAt);
}

/** Flux post-build substitution: ${VAR}, ${VAR:=default}, ${VAR:-default}; unknown variables without a default stay as written. */
function substituteVars(node: any, vars: Record<string, string>): void {
  if (node?.metadata?.annotations?.['kustomize.toolkit.fluxcd.io/substitute'] === 'disabled') return;
  const sub = (s: string) => (s.includes('${') ? substituteText(s, vars) : s);
  const walk = (n: any) => {
    if (Array.isArray(n)) n.forEach((x, i) => (typeof x === 'string' ? (n[i] = sub(x)) : walk(x)));
    else if (n && typeof n === 'object') for (const k of Object.keys(n)) typeof n[k] === 'string' ? (n[k] = sub(n[k])) : walk(n[k]);
  };
  walk(node);
}

/**
 * Flux (drone/envsubst) substitution of one string: `${VAR}`, `${VAR:-default}`, `${VAR:=default}`,
 * `${VAR-default}`, defaults that are themselves substitutions (`${A:-${APP}}`); `$${` escapes.
 */
export function substituteText(s: string, vars: Record<string, string>): string {
  let i = 0;
  const parse = (stopAtBrace: boolean): string => {
    let out = '';
    while (i < s.length) {
      if (stopAtBrace && s[i] === '}') return out;
      if (s.startsWith('$${', i)) {
        out += '${';
        i += 3;
        continue;
      }
      const m = s.startsWith('${', i) ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=])?/.exec(s.slice(i)) : null;
      if (!m) {
        out += s[i++];
        continue;
      }
      const start = i;
      i += m[0].length;
      let dflt: string | undefined;
      if (m[2]) dflt = parse(true);
      if (s[i] !== '}') return out + s.slice(start); // unterminated: left as written
      i++;
      const k = m[1]!;
      const empty = m[2]?.startsWith(':');
      const has = hasOwn(vars, k) && !(empty && vars[k] === "");
      out += has ? vars[k]! : dflt !== undefined ? dflt : s.slice(start, i);
    }
    return out;
  };
  return parse(false);
}

interface KustomizeRender {
  notes?: string[];
  /** Parts of the build not rendered (a `helmCharts:` chart), each with where and why. */
  skips?: { file: string; line: number; reason: string }[];
  objects: KObject[];
  inputs: string[];
  texts: Map<string, string>;
  error?: { reason: string; problem?: YamlProblem };
}

/** Render one kustomization directory natively, delegating what is not supported. */
export async function renderKustomize(tree: FileTree, k: Kustomizer, dir: string, tool: ReturnType<typeof findKustomizeTool>, app: string, virtual?: Map<string, string>): Promise<KustomizeRender> {
  k.inputs = new Set();
  k.delegated = [];
  k.charts = [];
  const texts = new Map<string, string>();
  const shown = realDir(dir) || '.';
  try {
    const res = await k.build(dir);
    const inputs = [...k.inputs];
    for (const f of inputs) {
      const t = await k.host.read(f);
      if (t !== undefined) texts.set(f, t);
    }
    const notes = k.delegated.map((d) => `base ${d.dir} was built by ${tool?.label ?? 'kustomize'} (${d.reason}): its objects have file-level provenance only`);
    for (const c of k.charts) notes.push(`not rendered: ${c.reason}`);
    return { objects: res.map((r) => toKObject(r, app)), inputs, texts, ...(notes.length ? { notes } : {}), ...(k.charts.length ? { skips: [...k.charts] } : {}) };
  } catch (e) {
    const inputs = [...k.inputs];
    if (e instanceof Unsupported) {
      const why = `${e.message} (${e.file}:${e.line})`;
      if (!e.delegate) return { objects: [], inputs, texts, error: { reason: why } };
      if (!tool) return { objects: [], inputs, texts, error: { reason: `${why}; neither kustomize nor kubectl is on PATH to build it` } };
      const [tdir, extra] = isVirtual(dir) && virtual ? delegationOverlay(dir, virtual) : [dir, virtual];
      const r = await delegateBuild(tree, tdir, tool, { loadAnywhere: k.opts.loadRestrictor === false, ...(extra ? { extra } : {}) });
      if (!r.ok && r.refused) return { objects: [], inputs, texts, error: { reason: `${why}; ${tool.label} ${r.error}` } };
      if (!r.ok) {
        // The tool's message may quote a Secret's value: not shown when the build may include one.
        const hasSecrets = await toolOutputMayShowSecret(k.host, dir, inputs);
        // A remote base that could not be fetched (or built) is not this repository's failure: not checked, saying which.
        // helmCharts (in the build or a generator config) need --enable-helm, which keydrift never passes: the chart is not checked, the repository is not broken.
        if (r.needsHelm) return { objects: [], inputs, texts, error: { reason: `${shown} inflates a Helm chart (helmCharts or HelmChartInflationGenerator), which needs kustomize --enable-helm; keydrift never runs it, so its objects are not checked` } };
        if (r.remote) return { objects: [], inputs, texts, error: { reason: `remote resource '${r.remote}' could not be fetched or built by ${tool.label}${hasSecrets || !r.remoteCause ? '' : ` (${lastCause(r.remoteCause)})`}; its objects are not checked` } };
        const cause = hasSecrets ? 'details not shown (the build may include a Secret, whose value the message could quote; run it yourself to see the message)' : lastCause(r.error);
        const kf = kustomizationFileIn(k.host, realDir(dir)) ?? shown;
        return { objects: [], inputs, texts, error: { reason: `${tool.label} failed: ${cause}`, problem: { file: kf, line: 1, message: `${tool.label} ${shown} failed: ${cause}`, render: { dir: shown, cause } } } };
      }
      const kf = kustomizationFileIn(k.host, realDir(dir)) ?? shown;
      const objs: KObject[] = [];
      for (const [i, doc] of r.yaml.split(/^---\s*$/m).entries()) {
        if (!doc.trim()) continue;
        for (const o of parseManifests(kf, doc).objects) {
          const src: SrcDoc = { file: kf, line: 1, lineOf: () => undefined };
          objs.push(renderedObject({ body: tag(structuredClone(o.body), src), src, docIndex: i, app }));
        }
      }
      return { objects: objs, inputs, texts, error: undefined };
    }
    if (e instanceof KustomizeError) {
      const cause = lastCause(e.message);
      const reason = `kustomize build of ${shown} failed: ${e.file}:${e.line}: ${cause}`;
      // A broken YAML file stays invalid-yaml; anything else is a render failure (render-failed).
      const render = /^YAML could not be parsed/.test(e.message) ? {} : { render: { dir: shown, cause } };
      return { objects: [], inputs, texts, error: { reason, problem: { file: e.file, line: Math.max(1, e.line), message: `kustomize build of ${shown} failed: ${cause}`, ...render, ...(e.message.startsWith(CYCLE_PREFIX) ? { code: 'cycle' as const } : {}) } } };
    }
    throw e;
  }
}

/** Kustomize's cause is the last part of its message ("accumulating resources: …: <cause>"); temporary paths never shown. */
export function lastCause(msg: string): string {
  const clean = msg
    .replace(/\/(?:tmp|var\/folders)\/[^\s'"]*?keydrift-[\w-]+\//g, '')
    .replace(/\/?\.keydrift-argocd\/[^/\s'"]+/g, '')
    .replace(/^error:\s*/i, '')
    .trim();
  return clean || 'failed';
}

export function toKObject(r: Res, app: string): KObject {
  return renderedObject({ body: r.body, src: r.src, docIndex: r.docIndex, ...(r.generated ? { generated: r.generated } : {}), app });
}

export type { AppSpec, AppSource, RenderCache };
export { newRenderCache };
