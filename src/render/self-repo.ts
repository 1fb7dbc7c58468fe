/**
 * Which app sources are this repository. A Flux `OCIRepository`, `Bucket` or `ExternalArtifact`
 * is an artifact built elsewhere; a `GitRepository` of another URL or branch than the one Flux
 * syncs this repository from (`flux-system`, written by `flux bootstrap`), and an ArgoCD `repoURL`
 * that is not the one this repository's own apps use, are other repositories. Their apps are
 * "Not checked" with the reason, never rendered from this checkout, which holds other files.
 * Without a `flux-system` GitRepository, the one most Flux Kustomizations use with a path that
 * exists here is this repository. Only what the repository itself says decides it; when it says
 * nothing, the source is assumed to be this repository (as before).
 */
import type { KObject } from '../sources/yaml.js';

/** `https://github.com/Org/Repo.git`, `git@github.com:org/repo`, `ssh://git@github.com/org/repo/` → `github.com/org/repo`. */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim().toLowerCase();
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''); // scheme
  u = u.replace(/^[^@/]+@/, ''); // user
  u = u.replace(/^([^/:]+):(?!\d+\/)/, '$1/'); // scp-like host:path
  u = u.replace(/^([^/:]+):\d+\//, '$1/'); // port
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** A git URL over the network (`https://`, `ssh://`, `git://`, `git@host:`); others (`cnoe://`, `file://`, paths) are local and never judged. */
export const isNetworkRepoUrl = (u: string): boolean => /^(?:https?|ssh|git):\/\/[^/\s]|^[\w.-]+@[\w.-]+:/i.test(u.trim());

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A GitRepository's ref in words (`branch main`), or undefined when it names none. */
function refOf(spec: Record<string, any>): string | undefined {
  const r = isMap(spec.ref) ? spec.ref : {};
  for (const k of ['name', 'commit', 'semver', 'tag', 'branch']) if (typeof r[k] === 'string' && r[k]) return `${k} ${r[k]}`;
  return undefined;
}

export class SelfRepo {
  /** Normalized URLs known to be this repository (empty: unknown). */
  readonly urls = new Set<string>();
  private fluxSelf?: { ns: string | undefined; name: string; url?: string; ref?: string };

  /**
   * @param apps the repository's app objects (Application, ApplicationSet, Kustomization, HelmRelease)
   * @param lookup finds an object of the repository by kind, namespace and name
   * @param isDir whether a path is a directory of this repository
   */
  constructor(apps: KObject[], private readonly lookup: (kind: string, ns: string | undefined, name: string) => KObject | undefined, isDir: (p: string) => boolean) {
    const fs = lookup('GitRepository', 'flux-system', 'flux-system');
    if (fs && isMap(fs.body.spec)) {
      this.fluxSelf = { ns: fs.namespace, name: fs.name, ...(typeof fs.body.spec.url === 'string' ? { url: normalizeRepoUrl(fs.body.spec.url) } : {}), ...(refOf(fs.body.spec) ? { ref: refOf(fs.body.spec) } : {}) };
      if (this.fluxSelf.url) this.urls.add(this.fluxSelf.url);
    }
    // No `flux-system` GitRepository (bootstrapped under another name, or not committed): this
    // repository is the GitRepository most Flux Kustomizations use with a path (not the root) that
    // exists here, when one has more of them than any other.
    if (!this.fluxSelf) {
      const byUrl = new Map<string, { n: number; repo: KObject }>();
      for (const o of apps) {
        if (o.kind !== 'Kustomization' || !String(o.body.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/') || !isMap(o.body.spec)) continue;
        const ref = o.body.spec.sourceRef;
        const p = typeof o.body.spec.path === 'string' ? o.body.spec.path.replace(/^\.?\/+/, '').replace(/\/+$/, '') : '';
        if (!isMap(ref) || ref.kind !== 'GitRepository' || p === '' || p === '.' || p.includes('${') || !isDir(p)) continue;
        const repo = lookup('GitRepository', typeof ref.namespace === 'string' ? ref.namespace : o.namespace, String(ref.name ?? ''));
        if (!repo || !isMap(repo.body.spec) || typeof repo.body.spec.url !== 'string' || !isNetworkRepoUrl(repo.body.spec.url)) continue;
        const u = normalizeRepoUrl(repo.body.spec.url);
        const c = byUrl.get(u) ?? { n: 0, repo };
        c.n++;
        byUrl.set(u, c);
      }
      const ranked = [...byUrl.entries()].sort((a, b) => b[1].n - a[1].n);
      if (ranked[0] && (!ranked[1] || ranked[1][1].n < ranked[0][1].n)) {
        const [url, { repo }] = ranked[0];
        this.fluxSelf = { ns: repo.namespace, name: repo.name, url, ...(refOf(repo.body.spec) ? { ref: refOf(repo.body.spec) } : {}) };
        this.urls.add(url);
      }
    }
    // ArgoCD: the repoURL most of the repository's own app sources use with a path that exists here.
    const counts = new Map<string, number>();
    for (const o of apps) {
      if (o.kind !== 'Application' && o.kind !== 'ApplicationSet') continue;
      const spec = o.kind === 'ApplicationSet' ? o.body.spec?.template?.spec : o.body.spec;
      if (!isMap(spec)) continue;
      const srcs: unknown[] = Array.isArray(spec.sources) ? spec.sources : [spec.source];
      for (const s of srcs) {
        if (!isMap(s) || typeof s.repoURL !== 'string' || !isNetworkRepoUrl(s.repoURL) || s.repoURL.includes('{{') || typeof s.path !== 'string' || s.path.includes('{{')) continue;
        const p = s.path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
        if (p === '.' || p === '' ? false : !isDir(p)) continue;
        const u = normalizeRepoUrl(s.repoURL);
        counts.set(u, (counts.get(u) ?? 0) + 1);
      }
    }
    const max = Math.max(0, ...counts.values());
    if (max > 0) for (const [u, n] of counts) if (n === max) this.urls.add(u);
  }

  /** Why an ArgoCD source's repoURL is not this repository, or undefined. */
  argoSource(repoURL: unknown): string | undefined {
    if (typeof repoURL !== 'string' || !this.urls.size || !isNetworkRepoUrl(repoURL) || repoURL.includes('{{')) return undefined;
    if (this.urls.has(normalizeRepoUrl(repoURL))) return undefined;
    return `source repoURL ${repoURL} is not this repository (${[...this.urls].sort().join(', ')}): not rendered from this checkout`;
  }

  /** Why a Flux sourceRef is not this repository, or undefined. */
  fluxSource(sourceRef: unknown, appNs: string | undefined): string | undefined {
    if (!isMap(sourceRef)) return undefined;
    const kind = String(sourceRef.kind ?? '');
    const name = String(sourceRef.name ?? '');
    const ns = typeof sourceRef.namespace === 'string' ? sourceRef.namespace : appNs;
    if (kind === 'OCIRepository' || kind === 'Bucket' || kind === 'ExternalArtifact') {
      const obj = this.lookup(kind, ns, name);
      const url = obj && isMap(obj.body.spec) && typeof obj.body.spec.url === 'string' ? ` (${obj.body.spec.url})` : '';
      return `source ${kind}/${name}${url} is an artifact built elsewhere, not this repository: not rendered from this checkout`;
    }
    if (kind !== 'GitRepository' || !this.fluxSelf || (name === this.fluxSelf.name && (ns === undefined || ns === this.fluxSelf.ns))) return undefined;
    const obj = this.lookup('GitRepository', ns, name);
    if (!obj || !isMap(obj.body.spec)) return undefined;
    const url = typeof obj.body.spec.url === 'string' ? normalizeRepoUrl(obj.body.spec.url) : undefined;
    if (url && this.fluxSelf.url && url !== this.fluxSelf.url) return `source GitRepository/${name} is ${obj.body.spec.url}, not this repository: not rendered from this checkout`;
    const ref = refOf(obj.body.spec);
    if (url && url === this.fluxSelf.url && ref && this.fluxSelf.ref && ref !== this.fluxSelf.ref) {
      return `source GitRepository/${name} follows ${ref} of this repository, not the ${this.fluxSelf.ref} checked here: not rendered from this checkout`;
    }
    return undefined;
  }
}
