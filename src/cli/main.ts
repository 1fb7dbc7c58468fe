/**
 * The command line: parses arguments, calls the core, prints, and maps outcomes to exit
 * codes — 0 nothing at or above the failure threshold, 1 findings at or above it, 2 keydrift
 * could not do its job (one line on stderr saying why, nothing on stdout).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { KeydriftError, isKeydriftError } from '../errors.js';
import { SEVERITY_RANK, type Report, type Severity } from '../model.js';
import { oneLine } from '../report/escape.js';
import { VERSION } from '../version.js';
import type { RegistryOptions } from '../images/registry.js';
// Start-up: each command loads its modules when it runs (`await import()` below), so that
// `--help` and a bad argument load neither the TypeScript compiler nor the Kubernetes client.
// test/cli/startup.test.ts keeps it so; bench/startup.bench.js measures it.

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** Is stderr a terminal: a one-line progress indicator goes there (never off a TTY). */
  stderrIsTTY?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const USAGE = `keydrift ${VERSION} — configuration keys an image reads vs what its containers get

Usage:
  keydrift check [--repo DIR] [--base REF] [--head REF] [--source IMAGE_REPO=PATH_OR_URL]... [--source-root DIR]... [--quiet] [--fetch-charts]
                 [--deployment NAME=PATH]...   (in an app repository whose .keydrift.yaml names deployments)
                 [--format text|json|sarif|markdown|html] [--fail-on error|warning|info|never]
                 [--cluster [--kubeconfig FILE] [--context NAME] | --in-cluster | --cluster-dump PATH] [--namespace NS]...
                 [--registry [--insecure-registry HOST[:PORT]]... [--platform OS/ARCH]]
  keydrift audit --image IMAGE:TAG [--repo DIR] [--ref REF] [--workload KIND/NS/NAME]
                 [--source IMAGE_REPO=PATH_OR_URL]... [--source-root DIR]... [--format text|json|sarif|markdown|html] [--fail-on …]
                 [--registry [--insecure-registry HOST[:PORT]]... [--platform OS/ARCH]]
  keydrift contract PATH[@REF] [--format text|json|label] [--push IMAGE_REF [--insecure-registry HOST[:PORT]]...]
  keydrift contract IMAGE_REF [--insecure-registry HOST[:PORT]]... [--platform OS/ARCH[/VARIANT]]
                    [--source IMAGE_REPO=PATH_OR_URL]... [--format text|json]
  keydrift drift [--repo DIR] [--ref REF] (--kubeconfig FILE [--context NAME] | --in-cluster | --cluster-dump PATH)
                 [--namespace NS]... [--format text|json|sarif|markdown|html] [--fail-on error|warning|info|never]
  keydrift explain WORKLOAD (--kubeconfig FILE [--context NAME] | --in-cluster | --cluster-dump PATH) [--namespace NS]
                 [--repo DIR [--ref REF]] [--source IMAGE_REPO=PATH_OR_URL]... [--registry …] [--format text|json|html]
                 (why is it failing: WORKLOAD is Kind/namespace/name, Kind/name or a pod name; exit 1 when failing or a likely cause is found)
  keydrift render [PATH] [--ref REF] [--format yaml|json] [--fetch-charts]
                 (what keydrift sees: Kustomize, Helm and ArgoCD/Flux apps rendered; Secret values redacted)

--fetch-charts: helm pull pinned remote charts (HelmRelease of a HelmRepository/OCIRepository, ArgoCD repoURL+chart) into the cache and render them.

Exit codes: 0 no findings at or above --fail-on, 1 findings at or above it, 2 keydrift could not do its job.
`;

type Fail = 'error' | 'warning' | 'info' | 'never';
const FORMATS = ['text', 'json'] as const;
const CONTRACT_FORMATS = ['text', 'json', 'label'] as const;
const CHECK_FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const;

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new KeydriftError((e as Error).message.split('\n')[0]!.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

function oneOf<T extends string>(flag: string, v: unknown, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new KeydriftError(`--${flag} must be one of ${allowed.join(', ')} (got '${String(v)}')`);
  return v as T;
}

export function exitCodeFor(report: Report, failOn: Fail): number {
  if (failOn === 'never') return 0;
  const t = SEVERITY_RANK[failOn as Severity];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= t) ? 1 : 0;
}

function useColor(io: Io): boolean {
  return io.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
}

/** One report, any of the report formats: the same pure reporters the Action uses. */
async function renderReport(report: Report, format: (typeof CHECK_FORMATS)[number], io: Io): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(report);
    case 'sarif':
      return (await import('../report/sarif.js')).renderSarif(report);
    case 'markdown':
      return (await import('../report/markdown.js')).renderMarkdown(report);
    case 'html':
      return (await import('../report/html.js')).renderHtml(report);
    case 'text':
      return (await import('../report/text.js')).renderText(report, { color: useColor(io) });
  }
}

const REGISTRY_FLAGS = {
  registry: { type: 'boolean' },
  'insecure-registry': { type: 'string', multiple: true },
  platform: { type: 'string' },
} as const;

/** `--registry` turns on image-config reads; the other registry flags need it. */
function registryOptions(values: Values, io: Io): { registry?: RegistryOptions } {
  if (!values.registry) {
    if (values['insecure-registry'] || values.platform) throw new KeydriftError('--insecure-registry and --platform need --registry (read image configs from their registry)');
    return {};
  }
  return {
    registry: {
      insecureRegistries: (values['insecure-registry'] as string[] | undefined) ?? [],
      ...(values.platform ? { platform: values.platform as string } : {}),
      env: io.env,
    },
  };
}

/** Where the live objects come from: a kubeconfig (and context), the pod's service account, or a dump. */
const CLUSTER_FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'in-cluster': { type: 'boolean' },
  'cluster-dump': { type: 'string' },
} as const;

function clusterOptions(values: Values): { kubeconfig?: string; context?: string; inCluster?: true; clusterDump?: string } {
  return {
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig as string } : {}),
    ...(values.context ? { context: values.context as string } : {}),
    ...(values['in-cluster'] ? { inCluster: true as const } : {}),
    ...(values['cluster-dump'] ? { clusterDump: values['cluster-dump'] as string } : {}),
  };
}

async function cmdCheck(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    repo: { type: 'string' },
    base: { type: 'string' },
    head: { type: 'string' },
    source: { type: 'string', multiple: true },
    deployment: { type: 'string', multiple: true },
    'source-root': { type: 'string', multiple: true },
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    cluster: { type: 'boolean' },
    ...CLUSTER_FLAGS,
    namespace: { type: 'string', multiple: true, short: 'n' },
    quiet: { type: 'boolean', short: 'q' },
    'fetch-charts': { type: 'boolean' },
    ...REGISTRY_FLAGS,
  });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length) throw new KeydriftError(`check: unexpected argument '${positionals[0]}'`);
  const wantsCluster = !!(values.cluster || values.kubeconfig || values['cluster-dump'] || values['in-cluster']);
  const format = oneOf('format', values.format, CHECK_FORMATS, 'text');
  const failOn = oneOf<Fail>('fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'error');
  const { runCheck } = await import('../commands/check.js');
  const { Progress } = await import('../progress.js');
  const progress = new Progress({ write: io.stderr, isTTY: !!io.stderrIsTTY }, { quiet: !!values.quiet });
  const report = await runCheck({
    progress,
    repo: (values.repo as string | undefined) ?? '.',
    ...(values.base ? { base: values.base as string } : {}),
    ...(values.head ? { head: values.head as string } : {}),
    sources: (values.source as string[] | undefined) ?? [],
    deployments: (values.deployment as string[] | undefined) ?? [],
    ...(values['source-root'] ? { sourceRoots: values['source-root'] as string[] } : {}),
    cwd: io.cwd,
    ...(values['fetch-charts'] ? { fetchCharts: true } : {}),
    ...registryOptions(values, io),
    ...(wantsCluster
      ? {
          cluster: {
            ...clusterOptions(values),
            namespaces: (values.namespace as string[] | undefined) ?? [],
          },
        }
      : {}),
  }).finally(() => progress.end()); // never leave the progress line under an error
  io.stdout(await renderReport(report, format, io));
  return exitCodeFor(report, failOn);
}

async function cmdDrift(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    repo: { type: 'string' },
    ref: { type: 'string' },
    ...CLUSTER_FLAGS,
    namespace: { type: 'string', multiple: true, short: 'n' },
    format: { type: 'string' },
    'fail-on': { type: 'string' },
  });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length) throw new KeydriftError(`drift: unexpected argument '${positionals[0]}'`);
  const format = oneOf('format', values.format, CHECK_FORMATS, 'text');
  // A live key only in the cluster is a warning: a drift report fails on warnings by default.
  const failOn = oneOf<Fail>('fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'warning');
  const { runDrift } = await import('../commands/drift.js');
  const report = await runDrift({
    repo: (values.repo as string | undefined) ?? '.',
    ...(values.ref ? { ref: values.ref as string } : {}),
    ...clusterOptions(values),
    namespaces: (values.namespace as string[] | undefined) ?? [],
    cwd: io.cwd,
  });
  io.stdout(format === 'text' ? (await import('../drift/text.js')).renderDriftText(report, { color: useColor(io) }) : format === 'html' ? (await import('../report/html.js')).renderHtml(report, report.sources ? { sources: report.sources } : {}) : await renderReport(report, format, io));
  return exitCodeFor(report, failOn);
}

async function cmdAudit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    repo: { type: 'string' },
    ref: { type: 'string' },
    image: { type: 'string' },
    workload: { type: 'string' },
    source: { type: 'string', multiple: true },
    'source-root': { type: 'string', multiple: true },
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    'fetch-charts': { type: 'boolean' },
    ...REGISTRY_FLAGS,
  });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length) throw new KeydriftError(`audit: unexpected argument '${positionals[0]}'`);
  if (!values.image) throw new KeydriftError('audit: --image IMAGE:TAG is required');
  const format = oneOf('format', values.format, CHECK_FORMATS, 'text');
  const failOn = oneOf<Fail>('fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'error');
  const { runAudit } = await import('../commands/audit.js');
  const report = await runAudit({
    repo: (values.repo as string | undefined) ?? '.',
    image: values.image as string,
    ...(values.ref ? { ref: values.ref as string } : {}),
    ...(values.workload ? { workload: values.workload as string } : {}),
    sources: (values.source as string[] | undefined) ?? [],
    ...(values['source-root'] ? { sourceRoots: values['source-root'] as string[] } : {}),
    ...registryOptions(values, io),
    ...(values['fetch-charts'] ? { fetchCharts: true } : {}),
    cwd: io.cwd,
  });
  io.stdout(await renderReport(report, format, io));
  return exitCodeFor(report, failOn);
}

async function cmdExplain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    repo: { type: 'string' },
    ref: { type: 'string' },
    ...CLUSTER_FLAGS,
    namespace: { type: 'string', short: 'n' },
    source: { type: 'string', multiple: true },
    format: { type: 'string' },
    ...REGISTRY_FLAGS,
  });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length !== 1) throw new KeydriftError('explain: expected one WORKLOAD (Kind/namespace/name, Kind/name or a pod name)');
  if (values.ref && !values.repo) throw new KeydriftError('explain: --ref needs --repo');
  const format = oneOf('format', values.format, ['text', 'json', 'html'] as const, 'text');
  const { runExplain } = await import('../commands/explain.js');
  const x = await runExplain({
    workload: positionals[0]!,
    ...(values.repo ? { repo: values.repo as string } : {}),
    ...(values.ref ? { ref: values.ref as string } : {}),
    ...clusterOptions(values),
    namespaces: values.namespace ? [values.namespace as string] : [],
    sources: (values.source as string[] | undefined) ?? [],
    ...registryOptions(values, io),
    cwd: io.cwd,
  });
  io.stdout(
    format === 'json'
      ? (await import('../report/explain-json.js')).renderExplainJson(x)
      : format === 'html'
        ? (await import('../report/html.js')).renderExplainHtml(x)
        : (await import('../report/explain-text.js')).renderExplainText(x, { color: useColor(io) }),
  );
  // 1: failing now, or a likely cause (one that is more than history) was found.
  return x.failing || x.causes.some((c) => c.score >= 40) ? 1 : 0;
}

async function cmdContract(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string' },
    'insecure-registry': { type: 'string', multiple: true },
    platform: { type: 'string' },
    source: { type: 'string', multiple: true },
    push: { type: 'string' },
  });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length !== 1) throw new KeydriftError('contract: expected one PATH[@REF] or IMAGE_REF');
  const format = oneOf('format', values.format, CONTRACT_FORMATS, 'text');
  const spec = positionals[0]!;
  const { imageContractJson, isImageSpec, renderImageContractText, runContract, runImageContract } = await import('../commands/contract.js');
  const { contractToJson, renderContractText } = await import('../report/contract.js');
  if (isImageSpec(spec, io.cwd)) {
    if (values.push) throw new KeydriftError('contract: --push takes the contract of a source PATH[@REF], not of an image');
    if (format === 'label') throw new KeydriftError('contract: --format label prints the contract of a source PATH[@REF]');
    const r = await runImageContract({
      image: spec,
      insecureRegistries: (values['insecure-registry'] as string[] | undefined) ?? [],
      ...(values.platform ? { platform: values.platform as string } : {}),
      sources: (values.source as string[] | undefined) ?? [],
      cwd: io.cwd,
      env: io.env,
    });
    io.stdout(format === 'json' ? JSON.stringify(imageContractJson(spec, r, contractToJson(r.contract)), null, 2) + '\n' : renderImageContractText(spec, r, renderContractText(r.contract)));
    return 0;
  }
  if (values.platform || values.source || (values['insecure-registry'] && !values.push)) {
    throw new KeydriftError('contract: --platform and --source apply to an IMAGE_REF only; --insecure-registry to an IMAGE_REF or --push');
  }
  let target = spec;
  let ref: string | undefined;
  const at = spec.lastIndexOf('@');
  if (at > 0 && !existsSync(path.resolve(io.cwd, spec))) {
    target = spec.slice(0, at);
    ref = spec.slice(at + 1);
  }
  const contract = await runContract({ path: path.resolve(io.cwd, target), ...(ref ? { ref } : {}) });
  if (values.push) {
    const { pushContractTo } = await import('../commands/contract.js');
    const pushed = await pushContractTo(values.push as string, contract, { insecureRegistries: (values['insecure-registry'] as string[] | undefined) ?? [], env: io.env });
    io.stdout(
      `pushed the contract of ${contract.source.label} (${contract.entries.size} variable${contract.entries.size === 1 ? '' : 's'}) to ${values.push} as ${pushed.digest}` +
        ` (subject ${pushed.subject}${pushed.tagSchema ? '; the registry has no referrers API: indexed under the referrers tag too' : ''})\n`,
    );
    return 0;
  }
  io.stdout(format === 'json' ? JSON.stringify(contractToJson(contract), null, 2) + '\n' : format === 'label' ? (await import('../report/contract.js')).contractToLabel(contract) + '\n' : renderContractText(contract));
  return 0;
}

async function cmdRender(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ref: { type: 'string' }, format: { type: 'string' }, 'fetch-charts': { type: 'boolean' } });
  if (values.help) return io.stdout(USAGE), 0;
  if (positionals.length > 1) throw new KeydriftError(`render: unexpected argument '${positionals[1]}'`);
  const format = oneOf('format', values.format, ['yaml', 'json'] as const, 'yaml');
  const { renderCommand } = await import('../commands/render.js');
  const r = await renderCommand({
    path: positionals[0] ?? '.',
    ...(values.ref ? { ref: values.ref as string } : {}),
    format,
    ...(values['fetch-charts'] ? { fetchCharts: true } : {}),
    cwd: io.cwd,
  });
  io.stdout(r.text);
  // A kustomization that includes itself cannot be built at all: keydrift could not do its job.
  const cycles = r.problems.filter((p) => p.code === 'cycle');
  for (const p of cycles) io.stderr(`keydrift: ${p.file}:${p.line}: ${p.message}\n`);
  return cycles.length ? 2 : 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'check':
        return await cmdCheck(rest, io);
      case 'drift':
        return await cmdDrift(rest, io);
      case 'audit':
        return await cmdAudit(rest, io);
      case 'contract':
        return await cmdContract(rest, io);
      case 'render':
        return await cmdRender(rest, io);
      case 'explain':
        return await cmdExplain(rest, io);
      case '--version':
      case '-v':
        io.stdout(VERSION + '\n');
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new KeydriftError(`unknown command '${cmd}' (try: keydrift --help)`);
    }
  } catch (e) {
    // One line, whatever the message quotes (paths and names come from input).
    if (isKeydriftError(e)) {
      io.stderr(`keydrift: ${oneLine(e.message)}\n`);
    } else {
      // Never a stack trace: one line, and the stack only on request.
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      io.stderr(`keydrift: internal error: ${oneLine(msg)}\n`);
      if (io.env.KEYDRIFT_DEBUG) io.stderr(String((e as Error)?.stack ?? e) + '\n');
    }
    return 2;
  }
}
