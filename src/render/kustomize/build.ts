/**
 * A native Kustomize build over a FileTree, for what real GitOps repos use: resources,
 * bases, components, namespace, name prefix/suffix, labels, annotations, images, replicas,
 * ConfigMap/Secret generators with Kustomize's hash suffix and merge/replace behaviour,
 * name-reference rewriting, strategic-merge and JSON 6902 patches, and the load
 * restrictor. Every rendered field keeps where a person edits it.
 *
 * What it does not do (remote bases, helmCharts, plugins, replacements, vars, …) raises
 * Unsupported, so the caller can delegate to `kubectl kustomize` or skip with the reason.
 */
import * as posix from 'node:path/posix';
import { parseManifests, type PathSeg } from '../../sources/yaml.js';
import { cloneTagged, parseYamlDocs, provOf, setKeyLoc, srcOfObject, tag, YamlError, type Loc, type SrcDoc } from '../prov.js';
import { kustomizeHash } from './hash.js';
import { setImages } from './images.js';
import { selectTargets as select } from './select.js';
import { jsonPatch, PatchError, strategicMerge } from './patch.js';
import { hasOwn, own, setOwn } from '../../own.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Read access to the files of a tree, by repo-relative POSIX path. */
export interface RenderHost {
  files: Set<string>;
  dirs: Set<string>;
  read(p: string): Promise<string | undefined>;
}

/** How a cycle error begins (`keydrift render` exits 2 on one: nothing of that app can be built). */
export const CYCLE_PREFIX = 'cycle:';

export class KustomizeError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** A feature the native renderer leaves to `kustomize build` (unless `delegate` is false). */
export class Unsupported extends KustomizeError {
  constructor(
    message: string,
    file: string,
    line: number,
    readonly delegate = true,
  ) {
    super(message, file, line);
  }
}

export interface Res {
  body: Record<string, any>;
  src: SrcDoc;
  docIndex: number;
  generated?: { generator: 'configMapGenerator' | 'secretGenerator'; file: string; line: number; hashed: boolean };
  needsHash: boolean;
  /** Every (name, namespace) the resource has had, oldest first. */
  ids: { name: string; ns: string | undefined }[];
  behavior?: 'create' | 'merge' | 'replace';
}

export interface FieldSpec {
  path: string;
  kind?: string;
  group?: string;
  create?: boolean;
}

export interface NameRefConfig {
  kind: string;
  group?: string;
  fieldSpecs: FieldSpec[];
}

interface Acc {
  res: Res[];
  nameRefs: NameRefConfig[];
  inputs?: Set<string>;
  /** Helm charts a kustomization of the build inflates (`helmCharts:`), not built: where and why. */
  charts?: { file: string; line: number; reason: string }[];
}

export function kustomizationFileIn(host: RenderHost, dir: string): string | undefined {
  for (const f of KUSTOMIZATION_FILES) {
    const p = dir ? `${dir}/${f}` : f;
    if (host.files.has(p)) return p;
  }
  return undefined;
}

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const nsEff = (ns: string | undefined) => ns || 'default';

/**
 * Kinds Kustomize's built-in schema (v5.5) knows as cluster-scoped: the namespace transformer
 * leaves them alone. Anything else, CRD kinds included, is treated as namespaced, as Kustomize does.
 */
export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'IngressClass', 'RuntimeClass', 'PodSecurityPolicy', 'ComponentStatus',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ClusterTrustBundle',
  'SelfSubjectReview', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview',
  'VolumeAttributesClass', 'DeviceClass', 'ResourceSlice', 'IPAddress', 'ServiceCIDR',
]);

const isRemote = (p: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(p) || p.startsWith('git@') || p.includes('?ref=') || p.includes('//') ;

/** The builder: one per render of a tree, caching parsed files and base builds. */
export class Kustomizer {
  private baseCache = new Map<string, Promise<Acc>>();
  private docCache = new Map<string, Promise<any>>();
  /** Every file read by a build, per top-level build (inputs for PR mode). */
  inputs = new Set<string>();

  constructor(
    readonly host: RenderHost,
    readonly opts: {
      loadRestrictor?: boolean;
      /**
       * Build a base the native renderer does not support with the real tool (its YAML), so
       * only that base loses line-level provenance, not the whole app. Undefined: not possible.
       */
      delegateBase?: (dir: string) => Promise<string | undefined>;
    } = {},
  ) {}

  /** Helm charts the current top-level build skipped (`helmCharts:` in it or a base), with where and why. */
  charts: NonNullable<Acc['charts']> = [];

  /** Bases built by the real tool during the current top-level build, with the reason. */
  delegated: { dir: string; reason: string }[] = [];

  private async text(p: string, from: Loc): Promise<string> {
    const t = await this.host.read(p);
    if (t === undefined) throw new KustomizeError(`${p}: no such file`, from.file, from.line);
    this.inputs.add(p);
    return t;
  }

  private docs(p: string, from: Loc): Promise<ReturnType<typeof parseYamlDocs>> {
    let c = this.docCache.get(p);
    if (!c) {
      c = this.text(p, from).then((t) => {
        try {
          const docs = parseYamlDocs(p, t);
          for (const d of docs) tag(d.body, d);
          return docs;
        } catch (e) {
          if (e instanceof YamlError) throw new KustomizeError(`YAML could not be parsed: ${e.message}`, e.file, e.line);
          throw e;
        }
      });
      this.docCache.set(p, c);
    } else this.inputs.add(p);
    return c;
  }

  /** Build the kustomization in `dir` (repo-relative): the final objects, hashes added and references fixed. */
  async build(dir: string): Promise<Res[]> {
    const acc = await this.accumulate(dir, 'any', undefined);
    this.charts = [...(acc.charts ?? [])];
    const res = acc.res.map(cloneRes);
    // Hashes last, on the final content (Kustomize: addHashesToNames), then back references.
    for (const r of res) {
      if (!r.needsHash) continue;
      const h = kustomizeHash(r.body);
      setName(r, `${r.body.metadata.name}-${h}`);
      if (r.generated) r.generated = { ...r.generated, hashed: true };
    }
    fixNameReferences(res, acc.nameRefs);
    for (const r of res) finalAnnotations(r.body);
    return res.filter((r) => r.body.metadata?.annotations?.['config.kubernetes.io/local-config'] !== 'true');
  }

  /**
   * The chain of kustomizations being built (builds are sequential), each with the line that
   * included it: a directory met again is a cycle, reported with the whole chain.
   */
  private building: { dir: string; from?: Loc }[] = [];

  /** Throws the cycle error when `dir` is already being built (checked before any cache, which would wait on itself). */
  private checkCycle(dir: string, from: Loc | undefined): void {
    const i = this.building.findIndex((b) => b.dir === dir);
    if (i < 0) return;
    const kf = kustomizationFileIn(this.host, dir) ?? (dir || '.');
    const at = from ?? { file: kf, line: 1 };
    if (i === this.building.length - 1) {
      throw new KustomizeError(`${CYCLE_PREFIX} ${dir || '.'} lists its own directory`, at.file, at.line);
    }
    const hops = [...this.building.slice(i + 1).map((b) => b.from), at].map((l) => (l ? `${l.file}:${l.line}` : '?'));
    throw new KustomizeError(`${CYCLE_PREFIX} ${dir || '.'} includes itself: ${hops.join(' → ')} → ${dir || '.'}`, at.file, at.line);
  }

  private async accumulate(dir: string, expectKind: 'Kustomization' | 'Component' | 'any', into: Acc | undefined, from?: Loc): Promise<Acc> {
    this.checkCycle(dir, from);
    this.building.push({ dir, ...(from ? { from } : {}) });
    try {
      return await this.accumulateIn(dir, expectKind, into);
    } finally {
      this.building.pop();
    }
  }

  private async accumulateIn(dir: string, expectKind: 'Kustomization' | 'Component' | 'any', into: Acc | undefined): Promise<Acc> {
    const kfile = kustomizationFileIn(this.host, dir);
    if (!kfile) throw new KustomizeError(`${dir || '.'}: no kustomization.yaml in this directory`, dir || '.', 0);
    const docs = await this.docs(kfile, { file: kfile, line: 0 });
    const kdoc = docs[0];
    const k = (kdoc?.body ?? {}) as Record<string, any>;
    if (!kdoc || !isMap(k)) throw new KustomizeError('kustomization is empty or not a map', kfile, 1);
    const at = (...path: PathSeg[]): Loc => ({ file: kfile, line: kdoc.lineOf(path) ?? kdoc.line });
    const kind = k.kind ?? 'Kustomization';
    if (expectKind === 'Component' && kind !== 'Component') throw new KustomizeError(`expected kind 'Component' for a component, found '${kind}'`, kfile, at('kind').line);
    if (expectKind === 'Kustomization' && kind === 'Component') throw new KustomizeError(`a Component can only be used under 'components:'`, kfile, at('kind').line);

    // A chart is skipped alone (with where and why); the rest of the kustomization still builds.
    const charts: NonNullable<Acc['charts']> = [];
    for (const f of ['helmCharts', 'helmChartInflationGenerator']) {
      if (!Array.isArray(k[f])) continue;
      k[f].forEach((c: any, i: number) => {
        const name = isMap(c) ? String(c.name ?? c.chartName ?? '?') : '?';
        const version = isMap(c) && c.version !== undefined ? ` ${c.version}` : '';
        const repo = isMap(c) && typeof c.repo === 'string' ? ` from ${c.repo}` : isMap(c) && typeof c.chartRepoUrl === 'string' ? ` from ${c.chartRepoUrl}` : '';
        charts.push({ file: kfile, line: at(f, i).line, reason: `Helm chart '${name}'${version}${repo} (${f} in ${kfile}:${at(f, i).line}): keydrift does not fetch charts or run kustomize --enable-helm, so its objects are not checked` });
      });
    }
    for (const f of ['generators', 'validators', 'replacements', 'vars', 'crds', 'openapi', 'buildMetadata', 'helmGlobals']) {
      if (k[f] !== undefined && !(Array.isArray(k[f]) && k[f].length === 0)) throw new Unsupported(`'${f}' is not supported by the native renderer`, kfile, at(f).line);
    }
    const acc: Acc = into ?? { res: [], nameRefs: [] };
    if (charts.length) (acc.charts ??= []).push(...charts);

    // resources (and the deprecated bases)
    const resources: any[] = [...(Array.isArray(k.bases) ? k.bases : []), ...(Array.isArray(k.resources) ? k.resources : [])];
    const resKey = (i: number) => (Array.isArray(k.bases) && i < k.bases.length ? at('bases', i) : at('resources', i - (Array.isArray(k.bases) ? k.bases.length : 0)));
    for (let i = 0; i < resources.length; i++) {
      const entry = resources[i];
      const where = resKey(i);
      if (typeof entry !== 'string') throw new KustomizeError('a resources entry must be a path', kfile, where.line);
      if (isRemote(entry)) throw new Unsupported(`remote resource '${entry}' is not supported by the native renderer`, kfile, where.line);
      const p = this.resolvePath(dir, entry, where);
      if (this.host.dirs.has(p) || p === '') {
        let sub: Acc;
        try {
          sub = await this.buildBase(p, where);
        } catch (e) {
          const d = e instanceof Unsupported && e.delegate ? await this.delegatedBase(p, e) : undefined;
          if (!d) throw e;
          sub = d;
        }
        for (const r of sub.res) appendRes(acc, r, where);
        acc.nameRefs.push(...sub.nameRefs);
        if (sub.charts?.length) (acc.charts ??= []).push(...sub.charts.filter((c) => !acc.charts?.some((x) => x.reason === c.reason)));
      } else if (this.host.files.has(p)) {
        this.restrict(dir, p, entry, where);
        for (const r of await this.loadResources(p, where)) appendRes(acc, r, where);
      } else {
        throw new KustomizeError(`resource '${entry}' not found (${p || '.'})`, kfile, where.line);
      }
    }

    // configurations (nameReference only)
    for (const [i, c] of (Array.isArray(k.configurations) ? k.configurations : []).entries()) {
      const where = at('configurations', i);
      const p = this.resolvePath(dir, String(c), where);
      this.restrict(dir, p, String(c), where);
      for (const d of await this.docs(p, where)) {
        const b = d.body as any;
        if (isMap(b) && Array.isArray(b.nameReference)) {
          for (const nr of b.nameReference) if (isMap(nr) && typeof nr.kind === 'string') acc.nameRefs.push({ kind: nr.kind, ...(nr.group ? { group: nr.group } : {}), fieldSpecs: Array.isArray(nr.fieldSpecs) ? nr.fieldSpecs : [] });
        }
      }
    }

    // generators
    const gens = await this.generate(dir, kfile, k, at);
    for (const g of gens) absorb(acc, g, kfile);

    // components
    for (const [i, c] of (Array.isArray(k.components) ? k.components : []).entries()) {
      const where = at('components', i);
      if (typeof c !== 'string' || isRemote(c)) throw new Unsupported(`remote component '${c}' is not supported by the native renderer`, kfile, where.line);
      const p = this.resolvePath(dir, c, where);
      if (!this.host.dirs.has(p)) throw new KustomizeError(`component '${c}' is not a directory`, kfile, where.line);
      await this.accumulate(p, 'Component', acc, where);
    }

    await this.transform(dir, kfile, k, at, acc);
    return acc;
  }

  private async buildBase(dir: string, where: Loc): Promise<Acc> {
    this.checkCycle(dir, where);
    let c = this.baseCache.get(dir);
    if (!c) {
      // A base's inputs are recorded with it, so a later build that reuses it lists them too.
      c = (async () => {
        const outer = this.inputs;
        this.inputs = new Set();
        try {
          const acc = await this.accumulate(dir, 'Kustomization', undefined, where);
          return { ...acc, inputs: this.inputs };
        } finally {
          const mine = this.inputs;
          this.inputs = outer;
          for (const f of mine) outer.add(f);
        }
      })();
      this.baseCache.set(dir, c);
      c.catch(() => undefined);
    }
    try {
      const a = await c;
      for (const f of a.inputs ?? []) this.inputs.add(f);
      return { res: a.res.map(cloneRes), nameRefs: a.nameRefs, ...(a.charts ? { charts: a.charts } : {}) };
    } catch (e) {
      if (e instanceof KustomizeError && !(e instanceof Unsupported) && e.line === 0) throw new KustomizeError(e.message, where.file, where.line);
      throw e;
    }
  }

  private delegatedCache = new Map<string, Promise<Acc | undefined>>();

  /** A base built by the real tool: its objects, with the base's kustomization as their file. */
  private delegatedBase(dir: string, why: Unsupported): Promise<Acc | undefined> {
    const hook = this.opts.delegateBase;
    if (!hook) return Promise.resolve(undefined);
    let c = this.delegatedCache.get(dir);
    if (!c) {
      c = (async () => {
        const yaml = await hook(dir);
        if (yaml === undefined) return undefined;
        const kf = kustomizationFileIn(this.host, dir) ?? dir;
        const res: Res[] = [];
        for (const [i, doc] of yaml.split(/^---[ \t]*$/m).entries()) {
          if (!doc.trim()) continue;
          for (const o of parseManifests(kf, doc).objects) {
            const src: SrcDoc = { file: kf, line: 1, lineOf: () => undefined };
            res.push({ body: tag(structuredClone(o.body), src), src, docIndex: i, needsHash: false, ids: [{ name: o.name, ns: o.namespace }] });
          }
        }
        return { res, nameRefs: [] };
      })();
      this.delegatedCache.set(dir, c);
    }
    return c.then((acc) => {
      if (!acc) return undefined;
      if (!this.delegated.some((d) => d.dir === dir)) this.delegated.push({ dir, reason: `${why.message} (${why.file}:${why.line})` });
      return { res: acc.res.map(cloneRes), nameRefs: [] };
    });
  }

  private resolvePath(dir: string, entry: string, where: Loc): string {
    const p = posix.normalize(posix.join(dir || '.', entry)).replace(/\/$/, '');
    if (p === '..' || p.startsWith('../') || posix.isAbsolute(p)) throw new KustomizeError(`'${entry}' is outside the repository`, where.file, where.line);
    return p === '.' ? '' : p;
  }

  /** The load restrictor: files (not bases) must be in or below the kustomization root. */
  private restrict(dir: string, p: string, entry: string, where: Loc): void {
    if (this.opts.loadRestrictor === false) return;
    if (dir === '' || p.startsWith(dir + '/')) return;
    throw new KustomizeError(`load restrictor: '${entry}' (${p}) is not in or below the kustomization root '${dir || '.'}'; move the file, make it a base with its own kustomization, or build with --load-restrictor LoadRestrictionsNone`, where.file, where.line);
  }

  private async loadResources(p: string, where: Loc): Promise<Res[]> {
    const text = await this.text(p, where);
    const parsed = parseManifests(p, text);
    if (parsed.problems.length) {
      const pr = parsed.problems[0]!;
      throw new KustomizeError(`YAML could not be parsed: ${pr.message}`, pr.file, pr.line);
    }
    for (const o of parsed.others) {
      const b = o.body as any;
      if (isMap(b) && (b.kind === 'Kustomization' || b.kind === 'Component') && typeof b.apiVersion === 'string' && b.apiVersion.startsWith('kustomize.config')) {
        throw new KustomizeError(`'${p}' is a kustomization file, not a resource: list its directory instead`, where.file, where.line);
      }
      if (isMap(b) && b.kind === 'List' && Array.isArray(b.items)) throw new Unsupported(`kind: List in ${p} is not supported by the native renderer`, p, o.line);
    }
    return parsed.objects.map((o) => {
      const src = srcOfObject(o);
      const body = tag(structuredClone(o.body), src);
      return { body, src, docIndex: o.docIndex, needsHash: false, ids: [{ name: o.name, ns: o.namespace }] };
    });
  }

  // ------------------------------------------------------------------ generators

  private async generate(dir: string, kfile: string, k: Record<string, any>, at: (...p: PathSeg[]) => Loc): Promise<Res[]> {
    const out: Res[] = [];
    const gopts = isMap(k.generatorOptions) ? k.generatorOptions : {};
    for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
      const list = Array.isArray(k[field]) ? k[field] : [];
      for (let i = 0; i < list.length; i++) {
        const g = list[i];
        const gpath: PathSeg[] = [field, i];
        if (!isMap(g) || typeof g.name !== 'string') throw new KustomizeError(`${field} entry needs a name`, kfile, at(...gpath).line);
        const src: SrcDoc = { file: kfile, line: at(...gpath).line, lineOf: (p) => at(...p).line };
        const data: Record<string, string> = {};
        const keyLoc = new Map<string, Loc>();
        let lastLoc: { path: PathSeg[]; loc?: Loc } = { path: [...gpath, 'name'] };
        const put = (key: string, value: string, loc: Loc) => {
          data[key] = value;
          keyLoc.set(key, loc);
        };
        // envs (and the deprecated env), then files, then literals — later sources win, as in Kustomize.
        const envs: string[] = [...(typeof g.env === 'string' ? [g.env] : []), ...(Array.isArray(g.envs) ? g.envs : [])];
        for (const [j, e] of envs.entries()) {
          const where = typeof g.env === 'string' && j === 0 ? at(...gpath, 'env') : at(...gpath, 'envs', j - (typeof g.env === 'string' ? 1 : 0));
          const p = this.resolvePath(dir, String(e), where);
          this.restrict(dir, p, String(e), where);
          const text = await this.text(p, where);
          const lines = text.split(/\r?\n/);
          let lastLine = 1;
          lines.forEach((raw, n) => {
            let line = n === 0 ? raw.replace(/^\uFEFF/, '') : raw;
            line = line.replace(/^\s+/, '');
            if (!line || line.startsWith('#')) return;
            const eq = line.indexOf('=');
            const key = eq < 0 ? line : line.slice(0, eq);
            if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new KustomizeError(`env file ${p} line ${n + 1}: not KEY=VALUE with a valid variable name (the line is not shown: it may hold a secret)`, p, n + 1);
            put(key, eq < 0 ? '' : line.slice(eq + 1), { file: p, line: n + 1 });
            lastLine = n + 1;
          });
          lastLoc = { path: [], loc: { file: p, line: lastLine } };
        }
        for (const [j, f] of (Array.isArray(g.files) ? g.files : []).entries()) {
          const where = at(...gpath, 'files', j);
          const s = String(f);
          const eq = s.indexOf('=');
          const key = eq < 0 ? posix.basename(s) : s.slice(0, eq);
          const rel = eq < 0 ? s : s.slice(eq + 1);
          if (/^https?:\/\//i.test(rel)) throw new Unsupported(`generator file source '${rel}' is a URL, which the native renderer does not fetch`, kfile, where.line);
          const p = this.resolvePath(dir, rel, where);
          this.restrict(dir, p, rel, where);
          if (this.host.dirs.has(p)) throw new Unsupported(`generator file source '${rel}' is a directory`, kfile, where.line);
          put(key, await this.text(p, where), where);
          lastLoc = { path: [...gpath, 'files', j] };
        }
        for (const [j, l] of (Array.isArray(g.literals) ? g.literals : []).entries()) {
          const where = at(...gpath, 'literals', j);
          const s = String(l);
          const eq = s.indexOf('=');
          if (eq <= 0) throw new KustomizeError(`${field} literal ${j + 1} is not KEY=VALUE (not shown: it may hold a secret)`, kfile, where.line);
          let v = s.slice(eq + 1);
          if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
          put(s.slice(0, eq), v, where);
          lastLoc = { path: [...gpath, 'literals', j] };
        }
        const opts = { ...gopts, ...(isMap(g.options) ? g.options : {}) };
        const labels = { ...(isMap(gopts.labels) ? gopts.labels : {}), ...(isMap(g.options?.labels) ? g.options.labels : {}) };
        const annotations = { ...(isMap(gopts.annotations) ? gopts.annotations : {}), ...(isMap(g.options?.annotations) ? g.options.annotations : {}) };
        const isSecret = field === 'secretGenerator';
        const body: Record<string, any> = {
          apiVersion: 'v1',
          kind: isSecret ? 'Secret' : 'ConfigMap',
          metadata: {
            name: g.name,
            ...(typeof g.namespace === 'string' && g.namespace ? { namespace: g.namespace } : {}),
            ...(Object.keys(labels).length ? { labels } : {}),
            ...(Object.keys(annotations).length ? { annotations } : {}),
          },
        };
        if (isSecret) {
          body.type = typeof g.type === 'string' ? g.type : 'Opaque';
          const enc: Record<string, string> = {};
          for (const [kk, v] of Object.entries(data)) enc[kk] = kustomizeBase64(v);
          if (Object.keys(enc).length) body.data = enc;
        } else if (Object.keys(data).length) body.data = data;
        if (opts.immutable === true) body.immutable = true;
        tag(body, src, gpath);
        if (body.data) {
          // The data map points at the last key's line (where a person adds one); each key at its own line.
          const dataSrc: SrcDoc = lastLoc.loc ? { file: lastLoc.loc.file, line: lastLoc.loc.line, lineOf: () => lastLoc.loc!.line } : src;
          tag(body.data, dataSrc, lastLoc.loc ? [] : lastLoc.path);
          for (const [kk, l] of keyLoc) setKeyLoc(body.data, kk, l);
        }
        const behavior = g.behavior === 'merge' || g.behavior === 'replace' ? g.behavior : 'create';
        const hashed = opts.disableNameSuffixHash !== true;
        out.push({
          body,
          src,
          docIndex: 0,
          generated: { generator: field, file: kfile, line: at(...gpath).line, hashed },
          needsHash: hashed,
          ids: [{ name: g.name, ns: body.metadata.namespace }],
          behavior,
        });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ transformers

  private async transform(dir: string, kfile: string, k: Record<string, any>, at: (...p: PathSeg[]) => Loc, acc: Acc): Promise<void> {
    // patchesStrategicMerge
    for (const [i, p] of (Array.isArray(k.patchesStrategicMerge) ? k.patchesStrategicMerge : []).entries()) {
      const where = at('patchesStrategicMerge', i);
      const docs = await this.patchDocs(dir, String(p), where, ['patchesStrategicMerge', i]);
      for (const d of docs) this.applySmpNoTarget(acc, d, where);
    }
    // patches
    for (const [i, p] of (Array.isArray(k.patches) ? k.patches : []).entries()) {
      const where = at('patches', i);
      if (!isMap(p)) throw new KustomizeError('a patches entry must be a map with path or patch', kfile, where.line);
      if (isMap(p.options) && (p.options.allowNameChange || p.options.allowKindChange)) throw new Unsupported('patch options allowNameChange/allowKindChange are not supported by the native renderer', kfile, where.line);
      // kustomize's PatchTransformer: `patch` (trimmed) or `path` must be set; a patch whose
      // text holds no document (a file of comments only) changes nothing.
      const inline = typeof p.patch === 'string' && p.patch.trim() !== '';
      const file = typeof p.path === 'string' && p.path !== '';
      if (!inline && !file) throw new KustomizeError('patch has neither path nor patch', kfile, where.line);
      if (inline && file) throw new KustomizeError("patch and path can't be set at the same time", kfile, where.line);
      const docs = inline ? this.inlineDocs(kfile, p.patch, at('patches', i, 'patch').line) : await this.patchDocs(dir, p.path, at('patches', i, 'path'), []);
      for (const d of docs) {
        const isJson = Array.isArray(d.body);
        if (!p.target) {
          if (isJson) throw new KustomizeError('a JSON 6902 patch needs a target', kfile, where.line);
          this.applySmpNoTarget(acc, d, where);
          continue;
        }
        const targets = select(acc.res, p.target);
        for (const r of targets) {
          try {
            if (isJson) jsonPatch(r.body, d.body, d);
            else {
              const patch = cloneTagged(d.body as Record<string, any>);
              if (isMap(patch.metadata)) {
                // A targeted SMP patch does not rename its targets.
                delete patch.metadata.name;
                delete patch.metadata.namespace;
              }
              delete patch.apiVersion;
              delete patch.kind;
              if (!strategicMerge(r.body, patch, d, r.body.kind)) acc.res.splice(acc.res.indexOf(r), 1);
            }
          } catch (e) {
            if (e instanceof PatchError) throw new KustomizeError(`${e.message} (target ${r.body.kind}/${r.body.metadata?.name})`, kfile, where.line);
            throw e;
          }
        }
      }
    }
    const fieldLoc = (f: string) => at(f);
    // namespace
    if (typeof k.namespace === 'string' && k.namespace) {
      const ns = k.namespace;
      const loc = fieldLoc('namespace');
      // ServiceAccounts of this build by name, with their namespace before this transformer.
      const accounts = new Map<string, Set<string | undefined>>();
      for (const r of acc.res) {
        if (r.body.kind !== 'ServiceAccount') continue;
        const ns0 = typeof r.body.metadata?.namespace === 'string' ? r.body.metadata.namespace : undefined;
        for (const i of r.ids) {
          if (!accounts.has(i.name)) accounts.set(i.name, new Set());
          accounts.get(i.name)!.add(ns0);
        }
      }
      for (const r of acc.res) {
        if (r.body.kind === 'Namespace' && groupOf(r.body.apiVersion) === '') {
          // A Namespace object takes the kustomization's namespace as its name.
          if (r.body.metadata?.name !== ns) setName(r, ns, loc);
          continue;
        }
        if (CLUSTER_SCOPED.has(r.body.kind)) {
          if (r.body.kind === 'RoleBinding' || r.body.kind === 'ClusterRoleBinding') subjectsNs(r.body, ns, loc, accounts);
          continue;
        }
        if (r.body.kind === 'RoleBinding') subjectsNs(r.body, ns, loc, accounts);
        if (!isMap(r.body.metadata)) r.body.metadata = {};
        if (r.body.metadata.namespace !== ns) {
          r.body.metadata.namespace = ns;
          setKeyLoc(r.body.metadata, 'namespace', loc);
          r.ids.push({ name: r.body.metadata.name, ns });
        }
      }
      for (const r of acc.res) {
        if (r.body.kind === 'ValidatingWebhookConfiguration' || r.body.kind === 'MutatingWebhookConfiguration') {
          for (const w of Array.isArray(r.body.webhooks) ? r.body.webhooks : []) if (isMap(w?.clientConfig?.service)) w.clientConfig.service.namespace = ns;
        }
        if (r.body.kind === 'APIService' && isMap(r.body.spec?.service)) r.body.spec.service.namespace = ns;
        if (r.body.kind === 'CustomResourceDefinition' && isMap(r.body.spec?.conversion?.webhook?.clientConfig?.service)) r.body.spec.conversion.webhook.clientConfig.service.namespace = ns;
      }
      const seen = new Set<string>();
      for (const r of acc.res) {
        const id = curId(r);
        if (seen.has(id)) throw new KustomizeError(`namespace transformation produces ID conflict: two ${r.body.kind} objects are now ${r.body.metadata?.name}`, kfile, loc.line);
        seen.add(id);
      }
    }
    // namePrefix / nameSuffix
    const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    if (prefix || suffix) {
      const loc = fieldLoc(prefix ? 'namePrefix' : 'nameSuffix');
      for (const r of acc.res) {
        if (r.body.kind === 'CustomResourceDefinition' || r.body.kind === 'Namespace' || r.body.kind === 'APIService') continue;
        setName(r, `${prefix}${r.body.metadata.name}${suffix}`, loc);
      }
    }
    // labels
    if (isMap(k.commonLabels)) applyLabels(acc.res, k.commonLabels, { selectors: true, templates: true }, fieldLoc('commonLabels'));
    for (const [i, l] of (Array.isArray(k.labels) ? k.labels : []).entries()) {
      if (!isMap(l) || !isMap(l.pairs)) continue;
      if (Array.isArray(l.fields) && l.fields.length) throw new Unsupported('labels[].fields is not supported by the native renderer', kfile, at('labels', i).line);
      applyLabels(acc.res, l.pairs, { selectors: l.includeSelectors === true, templates: l.includeSelectors === true || l.includeTemplates === true }, at('labels', i));
    }
    if (isMap(k.commonAnnotations)) applyAnnotations(acc.res, k.commonAnnotations, fieldLoc('commonAnnotations'));
    // patchesJson6902
    for (const [i, p] of (Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []).entries()) {
      const where = at('patchesJson6902', i);
      if (!isMap(p) || !isMap(p.target)) throw new KustomizeError('patchesJson6902 entry needs a target', kfile, where.line);
      const docs = typeof p.patch === 'string' ? this.inlineDocs(kfile, p.patch, at('patchesJson6902', i, 'patch').line) : await this.patchDocs(dir, String(p.path), where, []);
      for (const r of select(acc.res, p.target)) {
        for (const d of docs) {
          try {
            jsonPatch(r.body, d.body, d);
          } catch (e) {
            if (e instanceof PatchError) throw new KustomizeError(e.message, kfile, where.line);
            throw e;
          }
        }
      }
    }
    // replicas
    for (const [i, rp] of (Array.isArray(k.replicas) ? k.replicas : []).entries()) {
      if (!isMap(rp)) continue;
      for (const r of acc.res) {
        if (r.ids.some((id) => id.name === rp.name) && ['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'].includes(r.body.kind)) {
          if (!isMap(r.body.spec)) r.body.spec = {};
          r.body.spec.replicas = rp.count;
          setKeyLoc(r.body.spec, 'replicas', at('replicas', i));
        }
      }
    }
    // images
    for (const [i, im] of (Array.isArray(k.images) ? k.images : []).entries()) {
      if (!isMap(im) || typeof im.name !== 'string') continue;
      for (const r of acc.res) setImages(r.body, im, at('images', i));
    }
    // transformers: builtin label/annotation transformers only
    for (const [i, t] of (Array.isArray(k.transformers) ? k.transformers : []).entries()) {
      const where = at('transformers', i);
      const docs = typeof t === 'string' && !t.includes('\n') ? await this.patchDocs(dir, t, where, []) : this.inlineDocs(kfile, String(t), where.line);
      for (const d of docs) {
        const b = d.body as any;
        if (!isMap(b) || b.apiVersion !== 'builtin' || !['LabelTransformer', 'AnnotationsTransformer'].includes(b.kind)) {
          throw new Unsupported(`transformer ${isMap(b) ? `${b.apiVersion}/${b.kind}` : String(t)} is not supported by the native renderer`, kfile, where.line);
        }
        const specs: FieldSpec[] = Array.isArray(b.fieldSpecs) ? b.fieldSpecs : [];
        const values = isMap(b.labels) ? b.labels : isMap(b.annotations) ? b.annotations : {};
        for (const r of acc.res) {
          for (const fs of specs) {
            applyFieldSpec(r.body, fs, (m, key) => {
              if (!isMap(m[key])) m[key] = {};
              for (const [kk, v] of Object.entries(values)) {
                m[key][kk] = v === null ? '' : String(v);
                setKeyLoc(m[key], kk, where);
              }
            });
          }
        }
      }
    }
  }

  private inlineDocs(kfile: string, text: string, line: number): (SrcDoc & { body: unknown })[] {
    try {
      const docs = parseYamlDocs(kfile, text).map((d) => ({ ...d, line: line + d.line, lineOf: (p: PathSeg[]) => { const l = d.lineOf(p); return l === undefined ? undefined : line + l; } }));
      for (const d of docs) tag(d.body, d);
      return docs;
    } catch (e) {
      if (e instanceof YamlError) throw new KustomizeError(`inline patch: ${e.message}`, kfile, line + e.line);
      throw e;
    }
  }

  private async patchDocs(dir: string, entry: string, where: Loc, _p: PathSeg[]): Promise<(SrcDoc & { body: unknown })[]> {
    if (entry.includes('\n')) return this.inlineDocs(where.file, entry, where.line);
    const p = this.resolvePath(dir, entry, where);
    this.restrict(dir, p, entry, where);
    return this.docs(p, where);
  }

  private applySmpNoTarget(acc: Acc, d: SrcDoc & { body: unknown }, where: Loc): void {
    const b = d.body as Record<string, any>;
    if (!isMap(b) || typeof b.kind !== 'string' || !isMap(b.metadata) || typeof b.metadata.name !== 'string') {
      throw new KustomizeError('a strategic merge patch needs kind and metadata.name', d.file, d.line);
    }
    const ns = b.metadata.namespace as string | undefined;
    const matches = acc.res.filter(
      (r) => r.body.kind === b.kind && groupOf(r.body.apiVersion) === groupOf(b.apiVersion) && r.ids.some((id) => id.name === b.metadata.name && nsEff(id.ns) === nsEff(ns)) || (r.body.kind === b.kind && groupOf(r.body.apiVersion) === groupOf(b.apiVersion) && r.body.metadata?.name === b.metadata.name && nsEff(r.body.metadata?.namespace) === nsEff(ns)),
    );
    if (matches.length !== 1) {
      throw new KustomizeError(
        matches.length === 0 ? `no resource matches strategic merge patch ${b.kind}/${b.metadata.name}` : `strategic merge patch ${b.kind}/${b.metadata.name} matches ${matches.length} resources`,
        where.file,
        where.line,
      );
    }
    const r = matches[0]!;
    const patch = cloneTagged(b);
    delete patch.apiVersion;
    delete patch.kind;
    delete patch.metadata.name;
    delete patch.metadata.namespace;
    try {
      if (!strategicMerge(r.body, patch, d, r.body.kind)) acc.res.splice(acc.res.indexOf(r), 1);
    } catch (e) {
      if (e instanceof PatchError) throw new KustomizeError(e.message, where.file, where.line);
      throw e;
    }
  }
}

/**
 * Kustomize writes `metadata.annotations` as a map of strings (`true` → "true", `1` → "1")
 * and leaves an empty or null one out; labels keep their YAML types.
 */
function finalAnnotations(body: Record<string, any>): void {
  const m = body.metadata;
  if (!isMap(m) || !('annotations' in m)) return;
  const a = m.annotations;
  if (a === null || (isMap(a) && Object.keys(a).length === 0)) {
    delete m.annotations;
    return;
  }
  if (!isMap(a)) return;
  for (const [k, v] of Object.entries(a)) if (typeof v === 'number' || typeof v === 'boolean') a[k] = String(v);
}

/** Base64 as Kustomize writes Secret data: lines of 70 characters, each ending in \n when there is more than one. */
export function kustomizeBase64(v: string): string {
  const b = Buffer.from(v, 'utf8').toString('base64');
  const lines = Math.floor(b.length / 70) + 1;
  if (lines <= 1) return b;
  let out = '';
  for (let i = 0; i < b.length; i += 70) out += b.slice(i, i + 70) + '\n';
  return out;
}

function cloneRes(r: Res): Res {
  return { ...r, body: cloneTagged(r.body), ids: [...r.ids] };
}

function setName(r: Res, name: string, loc?: Loc): void {
  if (!isMap(r.body.metadata)) r.body.metadata = {};
  r.body.metadata.name = name;
  setKeyLoc(r.body.metadata, 'name', loc);
  r.ids.push({ name, ns: r.body.metadata.namespace });
}

function curId(r: Res) {
  return `${groupOf(r.body.apiVersion)}/${r.body.kind}/${nsEff(CLUSTER_SCOPED.has(r.body.kind) ? '' : r.body.metadata?.namespace)}/${r.body.metadata?.name}`;
}

function appendRes(acc: Acc, r: Res, where: Loc): void {
  const id = curId(r);
  if (acc.res.some((x) => curId(x) === id)) {
    throw new KustomizeError(`may not add resource with an already registered id: ${r.body.kind}/${r.body.metadata?.name}`, where.file, where.line);
  }
  acc.res.push(r);
}

/** Add a generated object: create, or merge/replace the one with the same id. */
function absorb(acc: Acc, g: Res, kfile: string): void {
  const id = g.ids[0]!;
  const matches = acc.res.filter((r) => r.body.kind === g.body.kind && r.ids.some((x) => x.name === id.name && nsEff(x.ns) === nsEff(id.ns)));
  if (matches.length === 0) {
    if (g.behavior === 'merge' || g.behavior === 'replace') {
      throw new KustomizeError(`${g.body.kind} ${id.name} does not exist in the bases; cannot ${g.behavior} it`, kfile, g.generated!.line);
    }
    acc.res.push(g);
    return;
  }
  const old = matches[0]!;
  if (g.behavior !== 'merge' && g.behavior !== 'replace') {
    throw new KustomizeError(`${g.body.kind} ${id.name} already exists; behavior must be merge or replace`, kfile, g.generated!.line);
  }
  const om = old.body.metadata ?? {};
  const gm = g.body.metadata;
  gm.name = om.name;
  if (om.namespace) gm.namespace = om.namespace;
  else delete gm.namespace;
  const lab = { ...(om.labels ?? {}), ...(gm.labels ?? {}) };
  const ann = { ...(om.annotations ?? {}), ...(gm.annotations ?? {}) };
  if (Object.keys(lab).length) gm.labels = lab;
  if (Object.keys(ann).length) gm.annotations = ann;
  if (g.behavior === 'merge') {
    for (const f of ['data', 'binaryData']) {
      if (isMap(old.body[f]) || isMap(g.body[f])) {
        const merged = cloneTagged(old.body[f] ?? {});
        if (!old.body[f]) tag(merged, g.src, []);
        for (const [k, v] of Object.entries(g.body[f] ?? {})) {
          merged[k] = v;
          const gl = g.body[f] ? provKeyLoc(g.body[f], k) : undefined;
          setKeyLoc(merged, k, gl);
        }
        g.body[f] = merged;
      }
    }
  }
  g.ids = [...old.ids, ...g.ids.slice(1)];
  // kustomize hashes the result only when both the original and the merging generator would be:
  // a generator merged into or replacing a plain object (or an unhashed one) keeps the name as it
  // is, and so does one with disableNameSuffixHash over a hashed one.
  g.needsHash = g.needsHash && old.needsHash;
  if (g.generated) g.generated = { ...g.generated, hashed: g.needsHash };
  acc.res[acc.res.indexOf(old)] = g;
}

function provKeyLoc(node: object, key: string): Loc | undefined {
  return provOf(node)?.keys?.get(key);
}

/** Kustomize target selectors: name/namespace are anchored regexes, matched on original or current ids. */
/**
 * Kustomize's namespace transformer on (Cluster)RoleBinding subjects: only a subject named
 * `default` gets the namespace; every other subject keeps its namespace, or none.
 */
function subjectsNs(body: Record<string, any>, ns: string, loc: Loc, accounts: Map<string, Set<string | undefined>>): void {
  for (const s of Array.isArray(body.subjects) ? body.subjects : []) {
    // A ServiceAccount of this build (name reference) follows it into the namespace: a subject
    // without a namespace or in `default`, or in the namespace that ServiceAccount had.
    const sa = isMap(s) && s.kind === 'ServiceAccount' ? accounts.get(s.name) : undefined;
    if (isMap(s) && (s.name === 'default' || (sa && (s.namespace === undefined || s.namespace === 'default' || sa.has(s.namespace))))) {
      s.namespace = ns;
      setKeyLoc(s, 'namespace', loc);
    }
  }
}

/** Walk a Kustomize field-spec path (a/b/c, lists traversed), calling fn on the final map. */
export function applyFieldSpec(body: Record<string, any>, fs: FieldSpec, fn: (m: Record<string, any>, key: string) => void, createLast = true): void {
  if (fs.kind && fs.kind !== body.kind) return;
  if (fs.group !== undefined && fs.group !== groupOf(body.apiVersion) && fs.group !== '') return;
  const segs = splitFsPath(fs.path);
  const walk = (node: any, i: number): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, i);
      return;
    }
    if (!isMap(node)) return;
    const seg = segs[i]!.replace(/\[\]$/, '');
    if (i === segs.length - 1) {
      if (!hasOwn(node, seg)) {
        if (!fs.create || !createLast) return;
        setOwn(node, seg, {});
      }
      if (isMap(node[seg]) || typeof node[seg] === 'string' || Array.isArray(node[seg])) fn(node, seg);
      return;
    }
    if (!hasOwn(node, seg) || node[seg] === null) {
      if (!fs.create) return;
      setOwn(node, seg, {});
    }
    walk(node[seg], i + 1);
  };
  walk(body, 0);
}

function splitFsPath(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\' && p[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (p[i] === '/') {
      out.push(cur);
      cur = '';
    } else cur += p[i];
  }
  out.push(cur);
  return out;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicationController']);

function applyLabels(res: Res[], labels: Record<string, any>, o: { selectors: boolean; templates: boolean }, loc: Loc): void {
  const vals: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) vals[k] = v === null ? '' : String(v);
  const setAll = (m: Record<string, any>, key: string) => {
    if (!isMap(m[key])) m[key] = {};
    for (const [k, v] of Object.entries(vals)) {
      m[key][k] = v;
      setKeyLoc(m[key], k, loc);
    }
  };
  for (const r of res) {
    const b = r.body;
    applyFieldSpec(b, { path: 'metadata/labels', create: true }, setAll);
    if (o.templates) {
      if (TEMPLATE_KINDS.has(b.kind)) applyFieldSpec(b, { path: 'spec/template/metadata/labels', create: true }, setAll);
      if (b.kind === 'StatefulSet') applyFieldSpec(b, { path: 'spec/volumeClaimTemplates/metadata/labels', create: true }, setAll);
      if (b.kind === 'CronJob') {
        applyFieldSpec(b, { path: 'spec/jobTemplate/metadata/labels', create: true }, setAll);
        applyFieldSpec(b, { path: 'spec/jobTemplate/spec/template/metadata/labels', create: true }, setAll);
      }
    }
    if (o.selectors) {
      const sel: FieldSpec[] = [
        { path: 'spec/selector', kind: 'Service', create: true },
        { path: 'spec/selector', kind: 'ReplicationController', create: true },
        { path: 'spec/selector/matchLabels', kind: 'Deployment', create: true },
        { path: 'spec/selector/matchLabels', kind: 'ReplicaSet', create: true },
        { path: 'spec/selector/matchLabels', kind: 'DaemonSet', create: true },
        { path: 'spec/selector/matchLabels', kind: 'StatefulSet', create: true },
        // Pod (anti-)affinity and topology spread selectors of apps Deployments/StatefulSets (Kustomize's commonLabels field specs).
        ...['Deployment', 'StatefulSet'].flatMap((kind) =>
          [
            'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
            'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
            'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
            'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
            'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
          ].map((path) => ({ path, kind, group: 'apps' })),
        ),
        { path: 'spec/selector/matchLabels', kind: 'Job' },
        { path: 'spec/jobTemplate/spec/selector/matchLabels', kind: 'CronJob' },
        { path: 'spec/selector/matchLabels', kind: 'PodDisruptionBudget' },
        { path: 'spec/podSelector/matchLabels', kind: 'NetworkPolicy' },
        { path: 'spec/ingress/from/podSelector/matchLabels', kind: 'NetworkPolicy' },
        { path: 'spec/egress/to/podSelector/matchLabels', kind: 'NetworkPolicy' },
      ];
      for (const fs of sel) applyFieldSpec(b, fs, setAll);
    }
  }
}

function applyAnnotations(res: Res[], ann: Record<string, any>, loc: Loc): void {
  const setAll = (m: Record<string, any>, key: string) => {
    if (!isMap(m[key])) m[key] = {};
    for (const [k, v] of Object.entries(ann)) {
      m[key][k] = v === null ? '' : String(v);
      setKeyLoc(m[key], k, loc);
    }
  };
  for (const r of res) {
    applyFieldSpec(r.body, { path: 'metadata/annotations', create: true }, setAll);
    if (TEMPLATE_KINDS.has(r.body.kind)) applyFieldSpec(r.body, { path: 'spec/template/metadata/annotations', create: true }, setAll);
    if (r.body.kind === 'CronJob') {
      applyFieldSpec(r.body, { path: 'spec/jobTemplate/metadata/annotations', create: true }, setAll);
      applyFieldSpec(r.body, { path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true }, setAll);
    }
  }
}

// ------------------------------------------------------------------ name references

const POD_PATHS: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec/template/spec',
  ReplicaSet: 'spec/template/spec',
  DaemonSet: 'spec/template/spec',
  StatefulSet: 'spec/template/spec',
  Job: 'spec/template/spec',
  ReplicationController: 'spec/template/spec',
  PodTemplate: 'template/spec',
  CronJob: 'spec/jobTemplate/spec/template/spec',
};

function podRefs(sub: string[], kinds = Object.keys(POD_PATHS)): FieldSpec[] {
  return kinds.flatMap((kind) => sub.map((s) => ({ path: `${own(POD_PATHS, kind)}/${s}`, kind })));
}

export const DEFAULT_NAME_REFS: NameRefConfig[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({ kind, fieldSpecs: [{ path: 'spec/scaleTargetRef/name', kind: 'HorizontalPodAutoscaler' }] })),
  {
    kind: 'ConfigMap',
    fieldSpecs: [
      ...podRefs(['volumes/configMap/name', 'containers/env/valueFrom/configMapKeyRef/name', 'initContainers/env/valueFrom/configMapKeyRef/name', 'containers/envFrom/configMapRef/name', 'initContainers/envFrom/configMapRef/name', 'volumes/projected/sources/configMap/name']),
      { path: 'spec/configSource/configMap', kind: 'Node' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', kind: 'Ingress' },
    ],
  },
  {
    kind: 'Secret',
    fieldSpecs: [
      ...podRefs(['volumes/secret/secretName', 'containers/env/valueFrom/secretKeyRef/name', 'initContainers/env/valueFrom/secretKeyRef/name', 'containers/envFrom/secretRef/name', 'initContainers/envFrom/secretRef/name', 'imagePullSecrets/name', 'volumes/projected/sources/secret/name']),
      { path: 'spec/tls/secretName', kind: 'Ingress' },
      { path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', kind: 'Ingress' },
      { path: 'imagePullSecrets/name', kind: 'ServiceAccount' },
      { path: 'parameters/secretName', kind: 'StorageClass' },
      { path: 'parameters/adminSecretName', kind: 'StorageClass' },
      { path: 'parameters/userSecretName', kind: 'StorageClass' },
      { path: 'parameters/secretRef', kind: 'StorageClass' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      { path: 'spec/azureFile/secretName', kind: 'PersistentVolume' },
    ],
  },
  {
    kind: 'Service',
    fieldSpecs: [
      { path: 'spec/serviceName', kind: 'StatefulSet' },
      { path: 'spec/rules/http/paths/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/rules/http/paths/backend/service/name', kind: 'Ingress' },
      { path: 'spec/defaultBackend/service/name', kind: 'Ingress' },
      { path: 'spec/service/name', kind: 'APIService' },
      { path: 'webhooks/clientConfig/service', kind: 'ValidatingWebhookConfiguration' },
      { path: 'webhooks/clientConfig/service', kind: 'MutatingWebhookConfiguration' },
      { path: 'spec/rules/backendRefs/name', kind: 'HTTPRoute' },
    ],
  },
  { kind: 'ValidatingAdmissionPolicy', fieldSpecs: [{ path: 'spec/policyName', kind: 'ValidatingAdmissionPolicyBinding' }] },
  { kind: 'Role', fieldSpecs: [{ path: 'roleRef/name', kind: 'RoleBinding' }] },
  { kind: 'ClusterRole', fieldSpecs: [{ path: 'roleRef/name', kind: 'RoleBinding' }, { path: 'roleRef/name', kind: 'ClusterRoleBinding' }] },
  {
    kind: 'ServiceAccount',
    fieldSpecs: [
      { path: 'subjects', kind: 'RoleBinding' },
      { path: 'subjects', kind: 'ClusterRoleBinding' },
      ...podRefs(['serviceAccountName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']),
    ],
  },
  { kind: 'PersistentVolumeClaim', fieldSpecs: podRefs(['volumes/persistentVolumeClaim/claimName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']) },
  { kind: 'PersistentVolume', fieldSpecs: [{ path: 'spec/volumeName', kind: 'PersistentVolumeClaim' }, { path: 'rules/resourceNames', kind: 'ClusterRole' }] },
  {
    kind: 'StorageClass',
    fieldSpecs: [
      { path: 'spec/storageClassName', kind: 'PersistentVolume' },
      { path: 'spec/storageClassName', kind: 'PersistentVolumeClaim' },
      { path: 'spec/volumeClaimTemplates/spec/storageClassName', kind: 'StatefulSet' },
    ],
  },
  { kind: 'PriorityClass', fieldSpecs: podRefs(['priorityClassName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']) },
  { kind: 'IngressClass', fieldSpecs: [{ path: 'spec/ingressClassName', kind: 'Ingress' }] },
];

/**
 * Rewrite references to renamed objects (prefix/suffix, generator hashes): a referring
 * field that names an earlier name of exactly one object of the referenced kind in the
 * referrer's namespace gets that object's final name.
 */
export function fixNameReferences(res: Res[], extra: NameRefConfig[]): void {
  const configs = [...DEFAULT_NAME_REFS, ...extra];
  const renamed = res.filter((r) => r.ids.some((id) => id.name !== r.body.metadata?.name));
  if (renamed.length === 0) return;
  for (const cfg of configs) {
    const targets = renamed.filter((r) => r.body.kind === cfg.kind && (cfg.group === undefined || groupOf(r.body.apiVersion) === cfg.group));
    if (!targets.length) continue;
    for (const referrer of res) {
      for (const fs of cfg.fieldSpecs) {
        if (fs.kind && fs.kind !== referrer.body.kind) continue;
        const refNs = referrer.body.metadata?.namespace as string | undefined;
        const find = (name: string, ns: string | undefined): string | undefined => {
          const cands = targets.filter((t) => t.ids.some((id) => id.name === name) && (CLUSTER_SCOPED.has(t.body.kind) || CLUSTER_SCOPED.has(referrer.body.kind) && ns === undefined || nsEff(t.body.metadata?.namespace) === nsEff(ns)));
          const names = new Set(cands.map((c) => c.body.metadata.name as string));
          return names.size === 1 ? [...names][0] : undefined;
        };
        applyFieldSpec(
          referrer.body,
          { ...fs, create: false },
          (m, key) => {
            const v = m[key];
            if (typeof v === 'string') {
              const n = find(v, refNs);
              if (n !== undefined && n !== v) m[key] = n;
            } else if (Array.isArray(v)) {
              v.forEach((x, i) => {
                if (typeof x === 'string') {
                  const n = find(x, refNs);
                  if (n !== undefined && n !== x) v[i] = n;
                } else if (isMap(x) && typeof x.name === 'string' && (x.kind === undefined || x.kind === cfg.kind)) {
                  const n = find(x.name, (x.namespace as string | undefined) ?? refNs);
                  if (n !== undefined) x.name = n;
                }
              });
            } else if (isMap(v) && typeof v.name === 'string') {
              const n = find(v.name, (v.namespace as string | undefined) ?? refNs);
              if (n !== undefined) v.name = n;
            }
          },
          false,
        );
      }
    }
  }
}
