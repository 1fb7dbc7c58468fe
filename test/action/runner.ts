/**
 * Run the bundled dist/index.js the way the Actions runner does: a fresh node process with
 * INPUT_* variables (name upper-cased, spaces to '_', hyphens kept), GITHUB_EVENT_PATH to the
 * event payload, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files to read back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = path.join(ROOT, 'dist', 'index.js');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  props: Record<string, string>;
  message: string;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Everything the step wrote anywhere: for "never leaks" assertions. */
  everything: string;
  /** RUNNER_TEMP of the run. */
  runnerTemp: string;
}

export interface RunOptions {
  inputs: Record<string, string>;
  workspace: string;
  event: { name: string; payload: object };
  apiUrl?: string;
  repository?: string;
  extraEnv?: Record<string, string>;
  /** The bundle to run (default dist/index.js): a fresh bundle of src/ in test/security. */
  dist?: string;
}

const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const m = line.match(/^::(error|warning|notice)( [^:]*)?::(.*)$/);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const kv of (m[2] ?? '').trim().split(',').filter(Boolean)) {
      const i = kv.indexOf('=');
      props[kv.slice(0, i)] = unescape(kv.slice(i + 1));
    }
    out.push({ level: m[1] as Annotation['level'], props, message: unescape(m[3]!) });
  }
  return out;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i]!.match(/^([^<=]+)<<(.+)$/);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
      out[m[1]!] = value.join('\n');
    } else if (lines[i]!.includes('=')) {
      const j = lines[i]!.indexOf('=');
      out[lines[i]!.slice(0, j)] = lines[i]!.slice(j + 1);
    }
  }
  return out;
}

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-runner-'));
  const eventPath = path.join(dir, 'event.json');
  const outputPath = path.join(dir, 'output.txt');
  const summaryPath = path.join(dir, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(o.event.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_REPOSITORY: o.repository ?? 'acme/gitops',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: o.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: dir,
    NO_PROXY: '127.0.0.1',
    ...o.extraEnv,
  };
  for (const [k, v] of Object.entries(o.inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  const child = spawn(process.execPath, [o.dist ?? DIST], { cwd: o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const outputText = readFileSync(outputPath, 'utf8');
  const summary = readFileSync(summaryPath, 'utf8');
  const outputs = parseOutputs(outputText);
  const files = ['report-json', 'report-sarif', 'report-markdown', 'sarif-file', 'html-report'].map((k) => (outputs[k] ? readFileSync(outputs[k]!, 'utf8') : '')).join('\n');
  return { code, stdout, stderr, outputs, summary, annotations: parseAnnotations(stdout), runnerTemp: dir, everything: [stdout, stderr, outputText, summary, files].join('\n') };
}

export function pullRequestEvent(opts: { number: number; base: string; head: string; fork?: boolean; repository?: string }) {
  const full = opts.repository ?? 'acme/gitops';
  const [owner, name] = full.split('/');
  const repo = { full_name: full, name, owner: { login: owner }, fork: false };
  const headRepo = opts.fork ? { full_name: `mallory/${name}`, name, owner: { login: 'mallory' }, fork: true } : repo;
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number: opts.number,
      pull_request: {
        number: opts.number,
        state: 'open',
        title: 'Bump user-auth to 3.14.0',
        base: { ref: 'main', sha: opts.base, repo },
        head: { ref: 'bump-user-auth', sha: opts.head, repo: headRepo },
      },
      repository: repo,
      sender: { login: opts.fork ? 'mallory' : 'alice', type: 'User' },
    },
  };
}
