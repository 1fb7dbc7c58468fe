/**
 * Which files nobody renders are still deployed as plain manifests. A directory governed by
 * a kustomization is what the kustomization lists, nothing else; a plain directory is applied
 * only when something applies it: an ArgoCD/Flux app pointing at it (rendered as that app),
 * the directory of a root app manifest (the bootstrap, applied by hand), or the repository
 * root when the repository declares no app at all. Even then, documentation, hidden directories,
 * templates and files that are not manifests are never read as deployed objects, and a
 * kustomization there that nothing renders is not an app of its own.
 */
import * as posix from 'node:path/posix';

/** Directory names that hold documentation and examples, not deployed manifests. */
const DOC_DIRS = new Set(['docs', 'doc', 'documentation', 'website', 'examples', 'example', '.github', '.gitlab', '.circleci']);

/**
 * Is the file below a documentation or examples directory (`website/docs/x.yaml`, `docs/`,
 * `examples/`) or a hidden one (`.archive/`, `.github/`, `.taskfiles/`)? Nothing applies those
 * unless an app points into them.
 */
export function inDocsDir(file: string): boolean {
  const segs = file.split('/');
  segs.pop();
  return segs.some((s) => DOC_DIRS.has(s.toLowerCase()) || (s.startsWith('.') && s !== '.' && s !== '..'));
}

/** The nearest directory at or above the file's directory that holds a kustomization ('' is the root), if any. */
export function governingKustomization(file: string, isKustomizationDir: (dir: string) => boolean): string | undefined {
  let d = posix.dirname(file);
  for (;;) {
    const dir = d === '.' ? '' : d;
    if (isKustomizationDir(dir)) return dir;
    if (dir === '') return undefined;
    d = posix.dirname(d);
  }
}

/**
 * Why a file is a template rather than a manifest (Jinja/Ansible `{% %}`, `{# #}`, a `{{ }}`
 * file that is not valid YAML, or a `{{ }}` file under a `templates/` directory), or undefined.
 * A manifest that merely carries a Go template in a value (an alert rule's `{{ $labels.x }}`)
 * parses and is not a template.
 */
export function templateReason(file: string, text: string, parses: boolean, bodies: unknown[] = []): string | undefined {
  if (/\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/.test(text)) return 'a Jinja/Ansible template ({% %}), not a manifest';
  if (!text.includes('{{')) return undefined;
  if (!parses) return 'a template ({{ }}) that is not YAML until rendered, not a manifest';
  if (file.split('/').slice(0, -1).includes('templates')) return 'a template ({{ }}) under templates/, not a manifest';
  // An unquoted `{{ x }}` parses as a map whose only key is the map `{ x }`.
  if (bodies.some(hasTemplateKey)) return 'a template (unquoted {{ }}), not a manifest';
  return undefined;
}

function hasTemplateKey(v: unknown, depth = 0): boolean {
  if (!v || typeof v !== 'object' || depth > 64) return false;
  if (Array.isArray(v)) return v.some((x) => hasTemplateKey(x, depth + 1));
  for (const [k, x] of Object.entries(v)) {
    if (x === null && /^\{.*\}$/s.test(k)) return true;
    if (hasTemplateKey(x, depth + 1)) return true;
  }
  return false;
}

/** Does the text look like a Kubernetes manifest (top-level `apiVersion:` and `kind:`)? */
export function looksLikeManifest(text: string): boolean {
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text);
}
