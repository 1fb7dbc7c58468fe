/**
 * Patch targets as kustomize selects them (types.SelectorRegex): `group`, `version`, `kind`,
 * `name` and `namespace` are each an anchored regular expression (`Cluster(Role|RoleBinding)`,
 * `tekton-results-.*`), an empty or absent one matches everything; name and namespace match the
 * object's original or current value; `labelSelector`/`annotationSelector` take equality and
 * set-based terms (`app in (a, b)`, `notin`, `!key`).
 *
 * Checked against every real kubectl available in test/render/kustomize-select.test.ts.
 */
import type { Res } from './build.js';

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: unknown) => String(apiVersion ?? '').split('/').pop() ?? '';
const nsEff = (ns: string | undefined) => ns || 'default';

/** kustomize's anchorRegex: undefined (match all) for an empty pattern. */
function rx(s: unknown): RegExp | undefined {
  if (s === undefined || s === null || s === '') return undefined;
  try {
    return new RegExp(`^(?:${String(s)})$`);
  } catch {
    return /(?!)/; // kustomize fails to compile it; nothing is selected natively
  }
}

export function selectTargets(res: Res[], t: Record<string, any>): Res[] {
  const group = rx(t.group);
  const version = rx(t.version);
  const kind = rx(t.kind);
  const name = rx(t.name);
  const ns = rx(t.namespace);
  const lsel = parseSelector(t.labelSelector);
  const asel = parseSelector(t.annotationSelector);
  return res.filter((r) => {
    const b = r.body;
    if (kind && !kind.test(String(b.kind))) return false;
    if (group && !group.test(groupOf(b.apiVersion))) return false;
    if (version && !version.test(versionOf(b.apiVersion))) return false;
    const org = r.ids[0]!;
    if (name && !name.test(org.name) && !name.test(b.metadata?.name)) return false;
    if (ns && !ns.test(nsEff(org.ns)) && !ns.test(nsEff(b.metadata?.namespace))) return false;
    if (lsel && !lsel(b.metadata?.labels ?? {})) return false;
    if (asel && !asel(b.metadata?.annotations ?? {})) return false;
    return true;
  });
}

export function parseSelector(s: unknown): ((m: Record<string, string>) => boolean) | undefined {
  if (typeof s !== 'string' || !s.trim()) return undefined;
  // Commas inside `in (a, b)` / `notin (a, b)` belong to the set, not between requirements.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      terms.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  terms.push(cur.trim());
  const preds = terms.map((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term))) {
      const [, k, op, v] = m;
      return (l: Record<string, string>) => (op === '!=' ? l[k!] !== v : l[k!] === v);
    }
    if ((m = /^([^\s(]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const [, k, op, vs] = m;
      const set = vs!.split(',').map((x) => x.trim());
      return (l: Record<string, string>) => (op === 'in' ? set.includes(l[k!]!) : !set.includes(l[k!]!));
    }
    if (term.startsWith('!')) return (l: Record<string, string>) => !(term.slice(1).trim() in l);
    return (l: Record<string, string>) => term in l;
  });
  return (l) => preds.every((p) => p(l));
}

