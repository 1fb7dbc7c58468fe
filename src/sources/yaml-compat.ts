/**
 * YAML as the GitOps engines read it. Kustomize (kyaml) and kubectl/ArgoCD (sigs.k8s.io/yaml)
 * parse with go-yaml, which differs from the YAML 1.2 core schema of the `yaml` package:
 *
 * - a plain `0644` is octal (420), as in YAML 1.1 (`defaultMode: 0644`);
 * - merge keys (`<<: *anchor`) are merged;
 * - a folded scalar (`>`, `>-`) keeps one more line break before a run of more-indented
 *   lines than the spec says (go-yaml's scanner; `kubectl kustomize` shows it) — except in an
 *   object's own `metadata.annotations`, whose values kustomize reads again and gets as the spec
 *   says (labels and a template's annotations keep the extra break);
 * - a block scalar that ends the file without a final newline has no final line break.
 *
 * Checked against `kubectl kustomize` (kustomize v5.5–v5.7) in test/sources/yaml-compat.test.ts.
 */
import { isMap, isPair, isScalar, visit, type Document, type ScalarTag, type Tags } from 'yaml';

/** go-yaml's int: a plain scalar of a leading 0 and octal digits. */
const octal11: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0[0-7]+$/,
  resolve: (s: string) => {
    const neg = s.startsWith('-');
    const n = parseInt(s.replace(/^[-+]/, ''), 8);
    return neg ? -n : n;
  },
};

/** Options for `new Composer(...)` (document options) that read like go-yaml. */
export const GO_YAML_OPTIONS: { merge: boolean; customTags: (tags: Tags) => Tags } = { merge: true, customTags: (tags) => [octal11, ...tags] };

/** Insert go-yaml's extra line break before each run of more-indented lines of a folded scalar's value. */
export function goFolded(value: string): string {
  const lines = value.split('\n');
  const out: string[] = [];
  let prevNormal = false;
  for (const l of lines) {
    const more = l.startsWith(' ') || l.startsWith('\t');
    if (more && prevNormal) out.push('');
    if (l !== '') prevNormal = !more;
    out.push(l);
  }
  return out.join('\n');
}

/** Apply the block-scalar rules to a composed document of `text` (before toJS). */
export function goBlockScalars(doc: Document, text: string): void {
  const endsBare = text.length > 0 && !text.endsWith('\n') && /\S/.test(text.slice(text.lastIndexOf('\n') + 1));
  // Where the content ends (before trailing whitespace), scanned from the end: `/\s+$/` is
  // quadratic on a large file with many whitespace runs, and this runs once per document.
  let contentEnd = text.length;
  if (endsBare) while (contentEnd > 0 && /\s/.test(text[contentEnd - 1]!)) contentEnd--;
  visit(doc, {
    Scalar(k, node, path) {
      if (!isScalar(node) || typeof node.value !== 'string') return;
      let v: string = node.value;
      if (node.type === 'BLOCK_FOLDED' && !(k === 'value' && isOwnAnnotation(path))) v = goFolded(v);
      if (endsBare && (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') && node.range && node.range[1] >= contentEnd && v.endsWith('\n')) v = v.slice(0, -1);
      if (v !== node.value) node.value = v;
    },
  });
}

const keyIs = (n: unknown, name: string) => isPair(n) && isScalar(n.key) && n.key.value === name;

/** Is the scalar (a pair's value, ancestors `path`) a value of the document's own `metadata.annotations`? */
function isOwnAnnotation(path: readonly unknown[]): boolean {
  // Document → root map → metadata pair → map → annotations pair → map → the annotation's pair.
  return path.length === 7 && isMap(path[1]) && keyIs(path[2], 'metadata') && isMap(path[3]) && keyIs(path[4], 'annotations') && isMap(path[5]) && isPair(path[6]);
}
