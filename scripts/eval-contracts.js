#!/usr/bin/env node
/**
 * Real-application evaluation of keydrift's contracts (issue 9).
 *
 * For each case of eval/contracts/cases.yaml whose repository has been fetched into the mirror
 * directory (default /work/.mirror, `KEYDRIFT_EVAL_MIRROR` to change it; `owner+name/repo` is a
 * bare git dir), this builds what a deploy PR looks like:
 *
 *   - a GitOps repo with a Deployment running `registry.example/OWNER/NAME:OLD` and a ConfigMap
 *     (taken with envFrom) holding the names the OLD version needs: what keydrift's contract of
 *     OLD calls required, plus the case's `provide` list (the old names of the renames, and
 *     whatever the app's documentation says a deployment sets);
 *   - a commit that bumps the image tag to NEW, and nothing else;
 *   - a .keydrift.yaml mapping the image to a shared, checkout-less clone of the fetched repo;
 *
 * runs `keydrift check --base BASE --head HEAD --format json` in-process (lib/, so run
 * `npm run build` first: `npm run eval:contracts` does) and scores the findings against the
 * case's expectations:
 *
 *   renames:   [{ from: [OLD...], to: NEW, severity: error|warning|info }]
 *   requires:  [NAME...]  new names the NEW version cannot start without (missing-key errors)
 *   not_missing: [NAME...] names that must not be missing-key errors (optional, defaulted,
 *              conditional, tooling-only, …)
 *
 * A missing-key error is a true positive when its name is in `requires`, neutral when it is the
 * target of an expected rename of severity error (one cause), and false otherwise. Scored per
 * case and in totals, apart: requirements found (recall: `requires` names reported as
 * missing-key errors; one reported only as a warning is missed, and listed as such) and false
 * missing-key errors (precision), with the `not_missing` names among the false ones counted on
 * their own line; then a line per stack. A rename
 * finding (renamed-key, or any finding whose details say from/to) is found when its `to` is an
 * expected rename's `to` and one of its `from` names is expected; its severity must match.
 *
 * Cases whose repository is not fetched, or whose tags are absent, are skipped, saying so:
 * the script then exits 0 (CI stays green without fetched material). Fetched code is never
 * copied anywhere but a temporary directory that is removed afterwards.
 *
 * Usage: node scripts/eval-contracts.js [--case ID]... [--json FILE] [--verbose]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const only = [];
let jsonOut;
let verbose = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--case') only.push(args[++i]);
  else if (args[i] === '--json') jsonOut = args[++i];
  else if (args[i] === '--verbose' || args[i] === '-v') verbose = true;
  else {
    process.stderr.write(`eval-contracts: unknown argument ${args[i]}\n`);
    process.exit(2);
  }
}

const mainPath = path.join(root, 'lib', 'cli', 'main.js');
if (!existsSync(mainPath)) {
  process.stderr.write('eval-contracts: lib/ is not built: run `npm run build` first\n');
  process.exit(2);
}
const { main } = await import(mainPath);

const mirror = process.env.KEYDRIFT_EVAL_MIRROR ?? '/work/.mirror';
const casesFile = path.join(root, 'eval', 'contracts', 'cases.yaml');
const cases = parse(readFileSync(casesFile, 'utf8')).cases;

const git = (cwd, ...a) => execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const gitEnv = { GIT_AUTHOR_NAME: 'eval', GIT_AUTHOR_EMAIL: 'eval@example.invalid', GIT_COMMITTER_NAME: 'eval', GIT_COMMITTER_EMAIL: 'eval@example.invalid' };
const commit = (cwd, msg) => {
  execFileSync('git', ['add', '-A'], { cwd });
  execFileSync('git', ['commit', '-qm', msg], { cwd, env: { ...process.env, ...gitEnv } });
  return git(cwd, 'rev-parse', 'HEAD');
};

async function cli(argv, cwd) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: {}, cwd });
  return { code, stdout, stderr };
}

function hasRef(gitDir, ref) {
  try {
    execFileSync('git', ['--git-dir', gitDir, 'rev-parse', '-q', '--verify', `${ref}^{commit}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const VALID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const yamlStr = (s) => JSON.stringify(s);

async function runCase(c, tmp) {
  const gitDir = path.join(mirror, c.repo.replace('/', '+'), 'repo');
  if (!existsSync(gitDir)) return { id: c.id, skipped: `${c.repo} is not fetched (${gitDir})` };
  for (const t of [c.old, c.new]) if (!hasRef(gitDir, t)) return { id: c.id, skipped: `${c.repo} has no ref ${t}` };
  const work = path.join(tmp, c.id);
  mkdirSync(work, { recursive: true });
  const app = path.join(work, 'app');
  execFileSync('git', ['clone', '-q', '--no-checkout', '--shared', gitDir, app], { stdio: 'ignore' });
  // `keydrift contract DIR@REF` needs the sub-directory to exist in the work tree.
  if (c.dir) execFileSync('git', ['checkout', '-q', '--detach', c.old], { cwd: app, stdio: 'ignore' });

  // The old version's needs, as keydrift reads them, so the old version would start.
  const oldContract = await cli(['contract', `${app}${c.dir ? '/' + c.dir : ''}@${c.old}`, '--format', 'json'], work);
  if (oldContract.code !== 0) return { id: c.id, error: `contract of ${c.old}: ${oldContract.stderr.trim()}` };
  const oldEntries = JSON.parse(oldContract.stdout).entries;
  const provide = new Set(c.provide ?? []);
  for (const r of c.renames ?? []) for (const f of r.from) provide.add(f);
  for (const e of oldEntries) if (e.kind === 'required' && VALID.test(e.name)) provide.add(e.name);
  const keys = [...provide].filter((k) => VALID.test(k)).sort();

  const gitops = path.join(work, 'gitops');
  mkdirSync(path.join(gitops, 'apps', 'app'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', gitops]);
  const image = `registry.example/${c.repo.toLowerCase()}`;
  const deployment = (tag) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: app',
      '  namespace: prod',
      'spec:',
      '  selector:',
      '    matchLabels: { app: app }',
      '  template:',
      '    metadata:',
      '      labels: { app: app }',
      '    spec:',
      '      containers:',
      '        - name: app',
      `          image: ${image}:${tag}`,
      '          envFrom:',
      '            - configMapRef:',
      '                name: app-config',
      '',
    ].join('\n');
  writeFileSync(path.join(gitops, 'apps', 'app', 'deployment.yaml'), deployment(c.old));
  writeFileSync(
    path.join(gitops, 'apps', 'app', 'configmap.yaml'),
    ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: app-config', '  namespace: prod', 'data:', ...keys.map((k) => `  ${k}: ${yamlStr('configured')}`), ...(keys.length ? [] : ['  {}']), ''].join('\n').replace('data:\n  {}', 'data: {}'),
  );
  writeFileSync(
    path.join(gitops, '.keydrift.yaml'),
    ['sources:', `  ${image}:`, `    path: ${yamlStr(app)}`, '    ref: "{tag}"', ...(c.dir ? [`    dir: ${yamlStr(c.dir)}`] : []), ''].join('\n'),
  );
  const base = commit(gitops, `deploy ${c.old}`);
  writeFileSync(path.join(gitops, 'apps', 'app', 'deployment.yaml'), deployment(c.new));
  const head = commit(gitops, `bump to ${c.new}`);

  const r = await cli(['check', '--repo', gitops, '--base', base, '--head', head, '--format', 'json', '--fail-on', 'never'], gitops);
  if (r.code === 2) return { id: c.id, error: r.stderr.trim() };
  const findings = JSON.parse(r.stdout).findings ?? [];
  return { id: c.id, ...score(c, findings), provided: keys.length };
}

function renameOf(f) {
  const d = f.details ?? {};
  if (Array.isArray(d.from) && typeof d.to === 'string') return { from: d.from, to: d.to };
  if (f.check === 'renamed-key' && f.key) return { from: [], to: f.key };
  return undefined;
}

function score(c, findings) {
  const requires = new Set(c.requires ?? []);
  const notMissing = new Set(c.not_missing ?? []);
  const expRenames = c.renames ?? [];
  const errorRenameTargets = new Set(expRenames.filter((r) => (r.severity ?? 'error') === 'error').map((r) => r.to));
  const out = {
    missingTP: [],
    missingFN: [],
    missingFP: [],
    missingWeak: [],
    renamesFound: [],
    renamesMissed: [],
    renamesExtra: [],
    wrongSeverity: [],
    notMissingViolated: [],
  };
  const missing = findings.filter((f) => f.check === 'missing-key' && f.severity === 'error' && !renameOf(f));
  for (const f of missing) {
    if (requires.has(f.key)) out.missingTP.push(f.key);
    else if (errorRenameTargets.has(f.key)) continue; // the same cause as an expected rename
    else out.missingFP.push(f.key);
    if (notMissing.has(f.key)) out.notMissingViolated.push(f.key);
  }
  for (const n of requires) if (!out.missingTP.includes(n)) out.missingFN.push(n);
  // A requirement reported below error (a warning that the start may fail) is still missed, but say so.
  out.missingWeak = findings.filter((f) => f.check === 'missing-key' && f.severity !== 'error' && requires.has(f.key)).map((f) => `${f.key} (${f.severity})`);
  const renameFindings = findings.map((f) => ({ f, r: renameOf(f) })).filter((x) => x.r);
  const matched = new Set();
  for (const exp of expRenames) {
    const hit = renameFindings.find(({ r }) => r.to === exp.to && (r.from.length === 0 || r.from.some((x) => exp.from.includes(x))));
    const label = `${exp.from.join('+')}→${exp.to}`;
    if (!hit) {
      out.renamesMissed.push(label);
      continue;
    }
    matched.add(hit.f);
    out.renamesFound.push(label);
    const want = exp.severity ?? 'error';
    if (hit.f.severity !== want) out.wrongSeverity.push(`${label}: ${hit.f.severity}, expected ${want}`);
  }
  for (const { f, r } of renameFindings) if (!matched.has(f) && f.severity !== 'info') out.renamesExtra.push(`${r.from.join('+')}→${r.to} (${f.severity})`);
  out.right =
    out.missingFN.length === 0 &&
    out.missingFP.length === 0 &&
    out.renamesMissed.length === 0 &&
    out.renamesExtra.length === 0 &&
    out.wrongSeverity.length === 0;
  out.notMissingChecked = notMissing.size;
  out.findings = findings.map((f) => `${f.severity} ${f.check} ${f.key ?? ''}`.trim());
  return out;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kd-eval-'));
const results = [];
try {
  for (const c of cases) {
    if (only.length && !only.includes(c.id)) continue;
    try {
      results.push({ stack: c.stack, ...(await runCase(c, tmp)) });
    } catch (e) {
      results.push({ id: c.id, stack: c.stack, error: String(e.message ?? e).split('\n')[0] });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const pct = (a, b) => (b === 0 ? 'n/a' : `${Math.round((100 * a) / b)}%`);
const ran = results.filter((r) => !r.skipped && !r.error);
const lines = [];
for (const r of results) {
  if (r.skipped) {
    lines.push(`SKIP  ${r.id}: ${r.skipped}`);
    continue;
  }
  if (r.error) {
    lines.push(`ERROR ${r.id}: ${r.error}`);
    continue;
  }
  const parts = [
    `renames ${r.renamesFound.length}/${r.renamesFound.length + r.renamesMissed.length}`,
    `requires ${r.missingTP.length}/${r.missingTP.length + r.missingFN.length}`,
    `false-missing ${r.missingFP.length}`,
    `wrong-severity ${r.wrongSeverity.length}`,
    `extra-renames ${r.renamesExtra.length}`,
  ];
  lines.push(`${r.right ? 'RIGHT' : 'WRONG'} ${r.id} [${r.stack}]: ${parts.join(', ')}`);
  const detail = [
    ['missed renames', r.renamesMissed],
    ['missed requirements', r.missingFN],
    ['requirements reported below error', r.missingWeak],
    ['not_missing names reported missing', r.notMissingViolated],
    ['false missing-key errors', r.missingFP],
    ['wrong severities', r.wrongSeverity],
    ['unexpected renames', r.renamesExtra],
  ];
  for (const [k, v] of detail) if (v.length) lines.push(`      ${k}: ${v.join(', ')}`);
  if (verbose) lines.push(`      findings: ${r.findings.join('; ') || 'none'}`);
}
const sum = (k) => ran.reduce((n, r) => n + r[k].length, 0);
const tp = sum('missingTP');
const fp = sum('missingFP');
const fn = sum('missingFN');
const rf = sum('renamesFound');
const rm = sum('renamesMissed');
const rx = sum('renamesExtra');
const stacks = new Set(ran.map((r) => r.stack));
lines.push('');
lines.push(`cases: ${results.length} listed, ${ran.length} run (${stacks.size} stacks), ${results.filter((r) => r.skipped).length} skipped, ${results.filter((r) => r.error).length} errors`);
if (ran.length) {
  lines.push(`right: ${ran.filter((r) => r.right).length}/${ran.length} (${pct(ran.filter((r) => r.right).length, ran.length)})`);
  lines.push(`renames found: ${rf}/${rf + rm}; unexpected renames: ${rx}; rename precision ${pct(rf, rf + rx)}, recall ${pct(rf, rf + rm)}`);
  lines.push(`requirements found: ${tp}/${tp + fn}; false missing-key errors: ${fp}; missing-key precision ${pct(tp, tp + fp)}, recall ${pct(tp, tp + fn)}`);
  lines.push(`wrong severities: ${sum('wrongSeverity')}; not_missing names reported missing: ${sum('notMissingViolated')} (of ${ran.reduce((n, r) => n + r.notMissingChecked, 0)} listed)`);
  lines.push('per stack (right cases; renames found/expected; requirements found/expected; false missing-key):');
  for (const st of [...stacks].sort()) {
    const rs = ran.filter((r) => r.stack === st);
    const s2 = (k) => rs.reduce((n, r) => n + r[k].length, 0);
    lines.push(`  ${st.padEnd(7)} ${rs.filter((r) => r.right).length}/${rs.length}; ${s2('renamesFound')}/${s2('renamesFound') + s2('renamesMissed')}; ${s2('missingTP')}/${s2('missingTP') + s2('missingFN')}; ${s2('missingFP')}`);
  }
} else {
  lines.push('no case ran: fetch the repositories listed in eval/contracts/cases.yaml to evaluate');
}
process.stdout.write(lines.join('\n') + '\n');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
