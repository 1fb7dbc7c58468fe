/**
 * Issue 15.5: a Secret value that is itself invalid YAML, a secretGenerator literal written as
 * an alias, and the message of a failed delegated build that includes a Secret never appear in
 * any output: text, JSON, SARIF, Markdown, `render`, and the Action's annotations, job summary,
 * PR comment and report files. One canary per case.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { parseManifests } from '../../src/sources/yaml.js';
import { FakeGitHub } from '../action/fake-github.js';
import { pullRequestEvent, runAction } from '../action/runner.js';
import { bundleAction, expectNoCanary, prRepo } from './output-helpers.js';

const secret = (name: string, body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: prod\ntype: Opaque\n${body}`;

/** [case, file, text, canary]: each text quotes its canary in the yaml library's message. */
const CASES: [string, string, string, string][] = [
  ['stringData value written as an alias', 'apps/a/secret.yaml', secret('a', 'stringData:\n  password: *QZalias7Hq2\n'), 'QZalias7Hq2'],
  ['data value written as an alias', 'apps/b/secret.yaml', secret('b', 'data:\n  password: *QZdata5Kp1\n'), 'QZdata5Kp1'],
  ['value starting with |', 'apps/c/secret.yaml', secret('c', 'stringData:\n  password: |QZpipe3Lm8\n'), 'QZpipe3Lm8'],
  ['value starting with >', 'apps/d/secret.yaml', secret('d', 'stringData:\n  password: >QZfold9Rt4\n'), 'QZfold9Rt4'],
  ['value starting with a tag', 'apps/e/secret.yaml', secret('e', 'stringData:\n  password: !a!QZtag2Wn6\n'), 'QZtag2Wn6'],
  ['bad \\U escape', 'apps/f/secret.yaml', secret('f', 'stringData:\n  password: "\\UQZesc4Vb rest"\n'), 'QZesc4Vb'],
  ['in a flow map', 'apps/g/secret.yaml', secret('g', 'stringData: {password: !x!QZflow8Jd3}\n'), 'QZflow8Jd3'],
  ['secretGenerator literal written as an alias', 'apps/h/kustomization.yaml', 'resources: []\nsecretGenerator:\n- name: h\n  literals:\n  - *QZgen6Tc5\n', 'QZgen6Tc5'],
  ['a document that names no kind', 'apps/i/values.yaml', 'password: !a!QZnokind1Fs\n', 'QZnokind1Fs'],
];
const CANARIES = CASES.map((c) => c[3]);

describe('parse errors of documents that are or may be Secrets', () => {
  it.each(CASES)('%s: position and a generic description only', (_name, file, text, canary) => {
    const p = parseManifests(file, text).problems;
    expect(p).toHaveLength(1);
    expect(p[0]!.line).toBeGreaterThanOrEqual(1);
    expect(p[0]!.column).toBeGreaterThan(0);
    expectNoCanary(JSON.stringify(p), canary);
  });

  it('a ConfigMap keeps the detailed message (only what may be a Secret loses it)', () => {
    const p = parseManifests('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: !a!visible\n').problems;
    expect(p[0]!.message).toContain('!a!visible');
  });

  it('a circular alias is a problem at its position, not a cyclic object', () => {
    const r = parseManifests('c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: c\n  labels: *m\n');
    expect(r.objects).toEqual([]);
    expect(r.problems).toEqual([{ file: 'c.yaml', line: 5, column: 11, message: expect.stringMatching(/circular/) }]);
  });
});

describe('every output of the CLI', () => {
  let repo: ReturnType<typeof prRepo>;
  beforeAll(() => {
    repo = prRepo({}, Object.fromEntries(CASES.map(([, f, t]) => [f, t])));
  });
  afterAll(() => repo.rm());

  it.each(['text', 'json', 'sarif', 'markdown'])('check --format %s, at head and as a PR', async (format) => {
    for (const args of [[], ['--base', repo.base, '--head', repo.head]]) {
      const r = await runCli(['check', '--repo', repo.dir, '--format', format, ...args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      // Every broken Secret is reported, by file and line; a YAML file that names no kind is
      // not a manifest (values, docs): never read as deployed, never invalid-yaml (issue 10).
      for (const [, file] of CASES) if (file === 'apps/i/values.yaml') expect(r.stdout).not.toContain(file);
      else expect(r.stdout).toContain(file);
      expectNoCanary(r.stdout + r.stderr, ...CANARIES);
    }
  });

  it.each(['yaml', 'json'])('render --format %s', async (format) => {
    const r = await runCli(['render', repo.dir, '--format', format], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('apps/a/secret.yaml');
    expectNoCanary(r.stdout + r.stderr, ...CANARIES);
  });
});

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('a delegated build that includes a Secret and fails', () => {
  // `replacements:` is delegated to kubectl; a target path below a scalar makes kubectl quote the
  // scalar ("node contents: <value>") — a Secret's value here.
  const KUBECTL_CANARY = 'QZkubectl4Gm7';
  const files = {
    'apps/k/kustomization.yaml': 'resources: [secret.yaml]\nreplacements:\n- source: {kind: Secret, name: k, fieldPath: stringData.password}\n  targets:\n  - select: {kind: Secret, name: k}\n    fieldPaths: [stringData.password.deeper]\n',
    'apps/k/secret.yaml': secret('k', `stringData:\n  password: ${KUBECTL_CANARY}\n`),
  };
  (kubectl ? it : it.skip)('never shows the tool message, in git and working-tree mode, in any format (skipped without kubectl)', async () => {
    const repo = prRepo({}, files);
    try {
      let seen = 0;
      for (const format of ['text', 'json', 'sarif', 'markdown']) {
        for (const args of [[], ['--head', repo.head]]) {
          const r = await runCli(['check', '--repo', repo.dir, '--format', format, ...args]);
          if (/kubectl kustomize failed: details not shown/.test(r.stdout)) seen++;
          expectNoCanary(r.stdout + r.stderr, KUBECTL_CANARY);
        }
      }
      for (const args of [['--format', 'yaml'], ['--format', 'json'], ['--ref', 'HEAD']]) {
        const r = await runCli(['render', repo.dir, ...args], { cwd: repo.dir });
        expectNoCanary(r.stdout + r.stderr, KUBECTL_CANARY);
      }
      // The failure is reported (without its words) — the test is not passing by building nothing.
      expect(seen).toBeGreaterThan(0);
    } finally {
      repo.rm();
    }
  });
});

describe('the Action: annotations, job summary, PR comment, report files', () => {
  const TOKEN = 'ghs_sec_test_token';
  let gh: FakeGitHub;
  let bundle: ReturnType<typeof bundleAction>;
  let repo: ReturnType<typeof prRepo>;
  beforeAll(async () => {
    bundle = bundleAction();
    gh = new FakeGitHub('acme', 'gitops', TOKEN);
    await gh.start();
    repo = prRepo({}, Object.fromEntries(CASES.map(([, f, t]) => [f, t])));
  }, 180000);
  afterAll(async () => {
    await gh.stop();
    bundle.rm();
    repo.rm();
  });

  it('leaks no canary anywhere the step writes', async () => {
    const r = await runAction({
      dist: bundle.file,
      workspace: repo.dir,
      apiUrl: gh.url,
      event: pullRequestEvent({ number: 15, base: repo.base, head: repo.head }),
      inputs: { token: TOKEN, 'sarif-file': 'keydrift.sarif' },
    });
    expect(r.code).toBe(1);
    expect(r.annotations.filter((a) => a.props.title === 'keydrift/invalid-yaml').length).toBeGreaterThan(0);
    const comments = (gh.comments.get(15) ?? []).map((c) => c.body).join('\n');
    expect(comments).toContain('invalid-yaml');
    expectNoCanary(r.everything + comments + r.summary, ...CANARIES);
  });
});
