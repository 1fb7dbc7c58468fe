/**
 * A snapshot: the Kubernetes objects of one place (a directory, or git at a ref), with
 * the texts of the files they came from (for suggested patches) and the YAML problems met.
 */
import type { FileTree } from './tree.js';
import { parseManifests, type KObject, type YamlProblem } from './yaml.js';
import { renderTree, type AppInfo, type RenderOptions } from '../render/index.js';

export type { AppInfo } from '../render/index.js';

export interface Snapshot {
  origin: { type: 'git' | 'dir'; label: string; root: string; ref?: string; commit?: string };
  objects: KObject[];
  problems: YamlProblem[];
  /** Text of every manifest file read, by repo-relative path. */
  texts: Map<string, string>;
  /** Files left out, and why (Helm chart templates are rendered, not read; apps that could not be rendered). */
  skipped: { file: string; reason: string }[];
  /**
   * The apps found and rendered: ArgoCD Applications (and ApplicationSet instances), Flux
   * Kustomizations and HelmReleases, and top-level kustomization directories no app
   * renders. Always set by loadSnapshot (empty with `{ render: false }`); optional so
   * snapshots built by hand (tests, cluster dumps) need not list apps.
   */
  apps?: AppInfo[];
}

/** A snapshot loadSnapshot made: its apps are always listed. */
export type LoadedSnapshot = Snapshot & { apps: AppInfo[] };

export interface LoadOptions extends RenderOptions {
  /**
   * Render Kustomize directories and GitOps apps (default). `false` reads every YAML file
   * as plain manifests, as keydrift did before rendering existed.
   */
  render?: boolean;
}

const YAML_RE = /\.ya?ml$/i;

/**
 * Which YAML files hold manifests keydrift reads directly. Helm chart templates are Go
 * templates, not YAML: they are left for the renderer, with a reason.
 */
export function selectManifestFiles(paths: string[]): { files: string[]; skipped: Snapshot['skipped'] } {
  const chartDirs = paths
    .filter((p) => p === 'Chart.yaml' || p.endsWith('/Chart.yaml'))
    .map((p) => p.slice(0, p.length - 'Chart.yaml'.length));
  const files: string[] = [];
  const skipped: Snapshot['skipped'] = [];
  for (const p of paths) {
    if (!YAML_RE.test(p)) continue;
    const chart = chartDirs.find((d) => p.startsWith(d + 'templates/') || p.startsWith(d + 'charts/'));
    if (chart !== undefined) {
      skipped.push({ file: p, reason: `Helm chart template (chart ${chart || '.'}): a Go template, not a manifest, and rendering is off: not checked` });
      continue;
    }
    files.push(p);
  }
  return { files, skipped };
}

function originOf(tree: FileTree): Snapshot['origin'] {
  return {
    type: tree.commit ? 'git' : 'dir',
    label: tree.label,
    root: tree.root,
    ...(tree.ref ? { ref: tree.ref } : {}),
    ...(tree.commit ? { commit: tree.commit } : {}),
  };
}

/**
 * The objects of a tree as the GitOps engine would apply them: Kustomize directories
 * rendered natively (objects keep where a person edits each field), ArgoCD/Flux apps into
 * their namespaces, Helm charts with `helm template` when available, other YAML as is.
 */
export async function loadSnapshot(tree: FileTree, opts: LoadOptions = {}): Promise<LoadedSnapshot> {
  if (opts.render === false) return loadPlainSnapshot(tree);
  const r = await renderTree(tree, opts);
  return { origin: originOf(tree), objects: r.objects, problems: r.problems, texts: r.texts, skipped: r.skipped, apps: r.apps };
}

/** Every YAML file read as plain manifests (Helm chart templates skipped), no rendering. */
export async function loadPlainSnapshot(tree: FileTree): Promise<LoadedSnapshot> {
  const { files, skipped } = selectManifestFiles(await tree.list());
  const texts = await tree.readMany(files);
  const objects: KObject[] = [];
  const problems: YamlProblem[] = [];
  for (const f of files) {
    const text = texts.get(f);
    if (text === undefined) continue;
    const parsed = parseManifests(f, text);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  return { origin: originOf(tree), objects, problems, texts, skipped, apps: [] };
}
