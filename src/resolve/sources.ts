/**
 * Config sources: what a ConfigMap or Secret reference can resolve to. ConfigMaps and
 * Secrets, and the objects that become Secrets (SealedSecret, ExternalSecret). Secret
 * values are never copied here: only key names and where they are declared.
 */
import type { KObject, PathSeg } from '../sources/yaml.js';

export type SourceKind = 'ConfigMap' | 'Secret';

export interface ConfigKey {
  key: string;
  /** Path of the key in its object, for positions. */
  path: PathSeg[];
  /** ConfigMap values only; undefined for Secrets and binary data. */
  value?: string;
}

export interface ConfigSource {
  kind: SourceKind;
  name: string;
  namespace?: string;
  /** The object in git that declares it (a Secret may be declared by a SealedSecret). */
  object: KObject;
  keys: Map<string, ConfigKey>;
  /**
   * False when some keys cannot be known from git (ExternalSecret `dataFrom`): a key not
   * listed may still exist, so it is never reported missing.
   */
  keysComplete: boolean;
  /** Why the keys are incomplete, in words. */
  incompleteReason?: string;
  /** Path where new keys are added (`data` for ConfigMaps). */
  dataPath: PathSeg[];
}

function mapKeys(obj: KObject, field: string, keepValues: boolean): ConfigKey[] {
  const m = obj.body[field];
  if (!m || typeof m !== 'object' || Array.isArray(m)) return [];
  return Object.keys(m).map((k) => ({
    key: k,
    path: [field, k],
    ...(keepValues && typeof m[k] !== 'object' ? { value: String(m[k]) } : {}),
  }));
}

function nestedKeys(obj: KObject, path: string[]): ConfigKey[] {
  let m: any = obj.body;
  for (const p of path) m = m?.[p];
  if (!m || typeof m !== 'object' || Array.isArray(m)) return [];
  return Object.keys(m).map((k) => ({ key: k, path: [...path, k] }));
}

/** The config source an object declares, if it declares one. */
export function configSourceOf(o: KObject): ConfigSource | undefined {
  const base = { name: o.name, object: o, ...(o.namespace ? { namespace: o.namespace } : {}) };
  if (o.kind === 'ConfigMap' && o.apiVersion === 'v1') {
    const keys = [...mapKeys(o, 'data', true), ...mapKeys(o, 'binaryData', false)];
    return { ...base, kind: 'ConfigMap', keys: new Map(keys.map((k) => [k.key, k])), keysComplete: true, dataPath: ['data'] };
  }
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    const keys = [...mapKeys(o, 'data', false), ...mapKeys(o, 'stringData', false)];
    return { ...base, kind: 'Secret', keys: new Map(keys.map((k) => [k.key, k])), keysComplete: true, dataPath: ['stringData'] };
  }
  if (o.kind === 'SealedSecret' && o.apiVersion.startsWith('bitnami.com/')) {
    const keys = [...nestedKeys(o, ['spec', 'encryptedData']), ...nestedKeys(o, ['spec', 'template', 'data'])];
    const name = o.body.spec?.template?.metadata?.name ?? o.name;
    return { ...base, name, kind: 'Secret', keys: new Map(keys.map((k) => [k.key, k])), keysComplete: true, dataPath: ['spec', 'encryptedData'] };
  }
  if (o.kind === 'ExternalSecret' && o.apiVersion.startsWith('external-secrets.io/')) {
    const spec = o.body.spec ?? {};
    const keys: ConfigKey[] = [];
    if (Array.isArray(spec.data)) {
      spec.data.forEach((d: any, i: number) => {
        if (d && typeof d.secretKey === 'string') keys.push({ key: d.secretKey, path: ['spec', 'data', i, 'secretKey'] });
      });
    }
    const tmpl = spec.target?.template?.data;
    if (tmpl && typeof tmpl === 'object') {
      for (const k of Object.keys(tmpl)) keys.push({ key: k, path: ['spec', 'target', 'template', 'data', k] });
    }
    const dataFrom = Array.isArray(spec.dataFrom) && spec.dataFrom.length > 0;
    const name = spec.target?.name ?? o.name;
    return {
      ...base,
      name,
      kind: 'Secret',
      keys: new Map(keys.map((k) => [k.key, k])),
      keysComplete: !dataFrom,
      ...(dataFrom
        ? { incompleteReason: `ExternalSecret ${o.name} uses dataFrom: its keys come from the secret store and cannot be known from git` }
        : {}),
      dataPath: ['spec', 'data'],
    };
  }
  return undefined;
}

/** Index of config sources by kind, namespace and name. */
export class SourceIndex {
  private byKey = new Map<string, ConfigSource[]>();

  constructor(objects: Iterable<KObject>) {
    for (const o of objects) {
      const s = configSourceOf(o);
      if (!s) continue;
      const k = `${s.kind}/${s.name}`;
      const list = this.byKey.get(k) ?? [];
      list.push(s);
      this.byKey.set(k, list);
    }
  }

  /**
   * The source a reference resolves to. Objects resolve only within a namespace; a
   * manifest that does not state its namespace takes the one it is deployed to, which git
   * alone may not tell: an unspecified namespace on either side matches any.
   */
  find(kind: SourceKind, name: string, namespace: string | undefined): ConfigSource | undefined {
    const list = this.byKey.get(`${kind}/${name}`);
    if (!list) return undefined;
    return (
      list.find((s) => s.namespace === namespace) ??
      list.find((s) => s.namespace === undefined || namespace === undefined)
    );
  }

  /** Same name in other namespaces: used to explain a namespace mismatch. */
  elsewhere(kind: SourceKind, name: string): ConfigSource[] {
    return this.byKey.get(`${kind}/${name}`) ?? [];
  }
}
