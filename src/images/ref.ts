/** Docker/OCI image references: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** Registry host as written, or 'docker.io' when none is. */
  registry: string;
  /** Repository path, with `library/` for official Docker Hub images. */
  path: string;
  /** `registry/path` as the user would write it for mapping (no tag, no digest). */
  repository: string;
  tag?: string;
  digest?: string;
  raw: string;
}

export function parseImageRef(raw: string): ImageRef | undefined {
  const s = raw.trim();
  if (!s || /\s/.test(s)) return undefined;
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  if (!rest) return undefined;
  const first = rest.split('/')[0]!;
  const hasRegistry = rest.includes('/') && (/^[^:]*\.[^:]*(:\d+)?$/.test(first) || /^localhost(:\d+)?$/.test(first) || /^[\w-]+:\d+$/.test(first));
  const registry = hasRegistry ? first : 'docker.io';
  let p = hasRegistry ? rest.slice(first.length + 1) : rest;
  if (!hasRegistry && !p.includes('/')) p = `library/${p}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(p)) return undefined;
  return { registry, path: p, repository: hasRegistry ? rest : rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), raw: s };
}

/** Canonical form for comparing repositories: `docker.io/library/redis` ~ `redis`. */
export function canonicalRepository(r: string): string {
  const p = parseImageRef(r);
  return p ? `${p.registry}/${p.path}` : r;
}
