/** The README's example workflows parse and use only inputs and outputs the Action really has. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './runner.js';
import { INPUT_NAMES, OUTPUT_NAMES } from '../../src/action/inputs.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## GitHub Action'), readme.indexOf('\n## ', readme.indexOf('## GitHub Action') + 5));
const workflows = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
const steps = (wf: any) => Object.values(wf.jobs).flatMap((j: any) => j.steps);
const keydriftSteps = (wf: any) => steps(wf).filter((s: any) => /\/keydrift@/.test(s.uses ?? ''));

describe('README: GitHub Action', () => {
  it('has three workflows: a PR check, a workflow_dispatch audit, a scheduled drift report', () => {
    expect(workflows).toHaveLength(3);
    const [pr, audit, drift] = workflows;
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(Object.keys(audit.on)).toEqual(['workflow_dispatch']);
    expect(Object.keys(drift.on)).toContain('schedule');
    expect(keydriftSteps(audit)[0].with.mode).toBe('audit');
    expect(keydriftSteps(drift)[0].with.mode).toBe('drift');
  });

  it('every with: key of a keydrift step is an input the code reads', () => {
    for (const wf of workflows) {
      const ks = keydriftSteps(wf);
      expect(ks).toHaveLength(1);
      for (const k of Object.keys(ks[0].with ?? {})) expect(INPUT_NAMES).toContain(k);
    }
  });

  it('outputs referenced are outputs the Action sets; the PR check uploads SARIF with least privilege', () => {
    const text = section;
    for (const m of text.matchAll(/steps\.keydrift\.outputs\.([a-z-]+)/g)) expect(OUTPUT_NAMES).toContain(m[1]);
    const pr = workflows[0];
    expect(pr.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
    expect(steps(pr).some((s: any) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
    expect(keydriftSteps(pr)[0].with['sarif-file']).toBeTruthy();
    expect(steps(pr)[0].with['fetch-depth']).toBe(0);
    for (const wf of workflows.slice(1)) expect(wf.permissions).toEqual({ contents: 'read' });
  });
});
