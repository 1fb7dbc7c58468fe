/**
 * The GitHub Action: maps inputs to options, runs the mode, and turns the report into what a
 * pull request shows — annotations on the lines, a job summary, a sticky comment, SARIF, and
 * outputs. Anything that stops keydrift from doing its job ends in `core.setFailed` with one line.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEVERITY_RANK, type Finding, type Report } from '../model.js';
import { isKeydriftError } from '../errors.js';
import { renderJson, summarize } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import { renderHtml } from '../report/html.js';
import { escapeMd, renderMarkdown } from '../report/markdown.js';
import { renderSummary, splitComments } from '../report/comments.js';
import { mdCode, mdLinkTarget } from '../report/escape.js';
import { ANNOTATION_CAP, planAnnotations } from './annotations.js';
import { markerFor, upsertComments, type CommentApi, type CommentResult } from './comment.js';
import { readInputs, type ActionInputs, type FailOn } from './inputs.js';
import { runMode, type PullRequestRefs } from './modes.js';
import { gitTopLevel } from '../sources/tree.js';
import { removeTemp, trackTemp } from '../cleanup.js';

export function failingCount(report: Report, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  return report.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]).length;
}

/**
 * What to put before the report's paths so that they are relative to the root of the git
 * repository they live in — what annotations and code scanning expect. Paths read from git are
 * already relative to its top level (prefix ''); paths of a working tree in a sub-directory of a
 * repository get that sub-directory. `outside`: neither in a git repository nor in the workspace.
 */
export async function prefixFor(workspace: string, root: string): Promise<{ prefix: string; outside: boolean }> {
  const real = (p: string) => fs.realpath(p).catch(() => path.resolve(p));
  const top = await real((await gitTopLevel(root)) ?? workspace);
  const rel = path.relative(top, await real(root));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { prefix: '', outside: true };
  return { prefix: rel.split(path.sep).filter(Boolean).join('/'), outside: false };
}

function pullRequest(): (PullRequestRefs & { fork: boolean }) | undefined {
  const pr = github.context.payload.pull_request as
    | { number: number; base?: { sha?: string; repo?: { full_name?: string } }; head?: { sha?: string; repo?: { full_name?: string } | null } }
    | undefined;
  if (!pr) return undefined;
  const baseRepo = pr.base?.repo?.full_name;
  const headRepo = pr.head?.repo?.full_name;
  return {
    number: pr.number,
    ...(pr.base?.sha ? { baseSha: pr.base.sha } : {}),
    ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
    fork: !!baseRepo && headRepo !== baseRepo,
  };
}

function octokitApi(token: string, issueNumber: number): CommentApi {
  const octokit = github.getOctokit(token);
  const { owner, repo } = github.context.repo;
  return {
    listAll: () => octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 }),
    create: async (body) => (await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })).data,
    update: async (id, body) => (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
    remove: async (id) => void (await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id })),
  };
}

function commentNote(r: CommentResult | undefined, why: string | undefined, fork: boolean): string | undefined {
  if (why) return `ℹ️ No PR comment: ${why}.`;
  if (!r) return undefined;
  switch (r.status) {
    case 'posted': {
      const [one] = r.parts;
      const gone = r.deleted ? `; ${r.deleted} left from an earlier, longer report deleted` : '';
      if (r.parts.length === 1 && one) return `💬 PR comment ${one.status}${one.url ? `: ${one.url}` : ''}${gone}.`;
      const created = r.parts.filter((p) => p.status === 'created').length;
      const how = [created ? `${created} created` : '', r.parts.length - created ? `${r.parts.length - created} updated` : ''].filter(Boolean).join(', ');
      return `💬 The report is in ${r.parts.length} PR comments (${how}${gone})${one?.url ? `, starting at ${one.url}` : ''}.`;
    }
    case 'forbidden':
      return fork
        ? `⚠️ Could not comment on this pull request: it comes from a fork, whose token is read-only (${escapeMd(r.reason)}). The result is in this summary, the annotations and the check status.`
        : `⚠️ Could not comment on this pull request: the token may not write comments (${escapeMd(r.reason)}); give the job \`pull-requests: write\` for the sticky comment. The result is in this summary and the check status.`;
    case 'failed':
      return `⚠️ Could not comment on this pull request (${escapeMd(r.reason)})${r.parts.length ? ` after writing ${r.parts.length} of its comments` : ''}. The result is in this summary and the check status.`;
  }
}

/** At most this many findings are listed by name in the overflow note; all are in the tables. */
const OVERFLOW_LISTED = 100;

function overflowNote(overflow: Finding[], prefix: string): string | undefined {
  if (!overflow.length) return undefined;
  const where = (f: Finding) => {
    const l = f.locations.find((x) => x.file && (!x.repo || x.repo === 'gitops'));
    return l ? ` (${[prefix, l.file].filter(Boolean).join('/')}${l.line ? `:${l.line}` : ''})` : '';
  };
  const listed = overflow.slice(0, OVERFLOW_LISTED);
  return [
    `GitHub shows at most ${ANNOTATION_CAP} annotations of each level per step; ${overflow.length} more finding${overflow.length === 1 ? ' is' : 's are'} listed here only:`,
    '',
    ...listed.map((f) => `- ${f.severity} ${mdCode(f.check)}${f.key ? ` ${mdCode(f.key)}` : ''}${escapeMd(where(f))}`),
    ...(overflow.length > listed.length ? [`- … and ${overflow.length - listed.length} more, in the tables below`] : []),
  ].join('\n');
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let kubeconfigDir: string | undefined;
  try {
    const inputs: ActionInputs = readInputs((n) => core.getInput(n));
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const pr = pullRequest();
    let kubeconfigPath: string | undefined;
    if (inputs.kubeconfig) {
      kubeconfigDir = await fs.mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'keydrift-kube-'));
      // Removed on SIGINT/SIGTERM and at any exit too, not only at the end of run() (src/cleanup.ts).
      trackTemp(kubeconfigDir);
      kubeconfigPath = path.join(kubeconfigDir, 'config');
      await fs.writeFile(kubeconfigPath, inputs.kubeconfig, { mode: 0o600 });
    }

    const { report, root, headRef, notes } = await runMode(inputs, {
      workspace,
      ...(pr ? { pr } : {}),
      ...(kubeconfigPath ? { kubeconfigPath } : {}),
    });
    const { prefix, outside } = await prefixFor(workspace, root);
    if (outside) notes.push('`repo-path` is neither in a git repository nor in `GITHUB_WORKSPACE`: file paths are relative to it, and annotations may not land on the files.');

    // Files and outputs first: they are what later steps read. The full reports go to the
    // artifact directory, for actions/upload-artifact: the comments and the summary may be cut.
    const artifactDir = inputs.artifactDir ? path.resolve(workspace, inputs.artifactDir) : path.join(env.RUNNER_TEMP || os.tmpdir(), 'keydrift');
    await fs.mkdir(artifactDir, { recursive: true });
    const reportPath = path.join(artifactDir, `keydrift-${inputs.mode}-report.json`);
    const reportSarif = path.join(artifactDir, `keydrift-${inputs.mode}.sarif`);
    const reportMarkdown = path.join(artifactDir, `keydrift-${inputs.mode}-report.md`);
    await fs.writeFile(reportPath, renderJson(report));
    const sarifText = renderSarif(report, { pathPrefix: prefix });
    await fs.writeFile(reportSarif, sarifText);
    let sarifPath: string | undefined;
    if (inputs.sarifFile) {
      sarifPath = path.resolve(workspace, inputs.sarifFile);
      await fs.mkdir(path.dirname(sarifPath), { recursive: true });
      await fs.writeFile(sarifPath, sarifText);
    }
    let htmlPath: string | undefined;
    if (inputs.htmlReport) {
      htmlPath = path.resolve(workspace, inputs.htmlReport);
      await fs.mkdir(path.dirname(htmlPath), { recursive: true });
      const sources = (report as { sources?: { git: string; live: string } }).sources;
      await fs.writeFile(htmlPath, renderHtml(report, sources ? { sources } : {}));
    }
    const counts = summarize(report.findings);
    core.setOutput('findings', String(report.findings.length));
    core.setOutput('errors', String(counts.error));
    core.setOutput('report-json', reportPath);
    core.setOutput('sarif-file', sarifPath ?? '');
    core.setOutput('html-report', htmlPath ?? '');
    core.setOutput('artifact-dir', artifactDir);
    core.setOutput('report-sarif', reportSarif);
    core.setOutput('report-markdown', reportMarkdown);

    // Annotations: setFailed adds one error annotation of its own, so keep a slot for it.
    const failing = failingCount(report, inputs.failOn);
    const { shown, overflow } = planAnnotations(report.findings, prefix, ANNOTATION_CAP, failing ? { error: ANNOTATION_CAP - 1 } : {});
    for (const a of shown) {
      core[a.level](a.message, { title: a.title, ...(a.file ? { file: a.file } : {}), ...(a.startLine ? { startLine: a.startLine } : {}) });
    }

    const { serverUrl } = github.context;
    const repoFull = env.GITHUB_REPOSITORY;
    const runUrl = repoFull && env.GITHUB_RUN_ID ? `${serverUrl}/${repoFull}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    const commit = headRef && /^[0-9a-f]{7,40}$/i.test(headRef) ? headRef : pr?.headSha ?? github.context.sha;
    const fileUrl = repoFull && commit && !outside ? (file: string, line?: number) => `${serverUrl}/${repoFull}/blob/${commit}/${file}${line ? `#L${line}` : ''}` : undefined;
    const title = `keydrift ${inputs.mode}`;
    const md = { title, pathPrefix: prefix, ...(fileUrl ? { fileUrl } : {}) };
    // The whole report, never cut, beside the JSON and SARIF.
    await fs.writeFile(reportMarkdown, renderMarkdown(report, { ...md, notes }));
    const artifactFiles = [reportPath, reportSarif, reportMarkdown].map((f) => mdCode(path.basename(f))).join(', ');
    const inArtifact = `the full report is in ${artifactFiles} (the \`artifact-dir\` output, for actions/upload-artifact)`;

    // The sticky comments, on pull requests only.
    let commented: CommentResult | undefined;
    let noComment: string | undefined;
    if (!inputs.comment) {
      // Asked for no comment: nothing to say about it.
    } else if (!pr) noComment = 'this run is not for a pull request';
    else if (!inputs.token) noComment = 'no `token` input';
    else {
      const runLink = runUrl ? mdLinkTarget(runUrl) : undefined;
      const bodies = splitComments(report, {
        ...md,
        marker: markerFor(inputs.mode),
        notes,
        failOn: inputs.failOn,
        fullReport: `${runLink ? `the [job summary](${runLink}) has more, and ` : ''}${inArtifact}`,
      });
      commented = await upsertComments(octokitApi(inputs.token, pr.number), markerFor(inputs.mode), bodies);
      if (commented.status === 'forbidden' || commented.status === 'failed') core.info(`keydrift: could not comment on the pull request (${commented.reason})`);
    }
    core.setOutput('comments', String(commented?.parts.length ?? 0));

    const summaryNotes = [...notes, commentNote(commented, noComment, pr?.fork ?? false), overflowNote(overflow, prefix)].filter((n): n is string => !!n);
    const summary = renderSummary(report, { ...md, notes: summaryNotes, failOn: inputs.failOn, fullReport: inArtifact });
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();
    else core.info(summary);

    if (failing) {
      core.setFailed(`keydrift ${inputs.mode}: ${failing} finding${failing === 1 ? '' : 's'} at or above '${inputs.failOn}'`);
    } else {
      core.info(`keydrift ${inputs.mode}: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}, none at or above '${inputs.failOn}'`);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const line = isKeydriftError(e) ? `keydrift: ${msg}` : `keydrift: internal error: ${msg}`;
    core.setFailed(line);
    // As the CLI: 2 means keydrift could not do its job.
    process.exitCode = 2;
    if (env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addRaw(`## keydrift\n\n❌ keydrift could not do its job: ${escapeMd(line.replace(/^keydrift: /, ''))}\n`)
        .write()
        .catch(() => undefined);
    }
  } finally {
    if (kubeconfigDir) removeTemp(kubeconfigDir);
  }
}
