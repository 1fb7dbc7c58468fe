/**
 * A snapshot: the Kubernetes objects of one place (a directory, or git at a ref), with
 * the texts of the files they came from (for suggested patches) and the YAML problems met.
 */
import type { FileTree } from './tree.js';
import { parseManifests, type KObject, type YamlProblem } from './yaml.js';

export interface Snapshot {
  origin: { type: 'git' | 'dir'; label: string; root: string; ref?: string; commit?: string };
  objects: KObject[];
  problems: YamlProblem[];
  /** Text of every manifest file read, by repo-relative path. */
  texts: Map<string, string>;
  /** Files left out, and why (Helm chart templates are rendered, not read). */
  skipped: { file: string; reason: string }[];
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
      skipped.push({ file: p, reason: `Helm chart template (chart ${chart || '.'}): rendered, not read as YAML` });
      continue;
    }
    files.push(p);
  }
  return { files, skipped };
}

export async function loadSnapshot(tree: FileTree): Promise<Snapshot> {
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
  return {
    origin: {
      type: tree.commit ? 'git' : 'dir',
      label: tree.label,
      root: tree.root,
      ...(tree.ref ? { ref: tree.ref } : {}),
      ...(tree.commit ? { commit: tree.commit } : {}),
    },
    objects,
    problems,
    texts,
    skipped,
  };
}
