/** The suite refuses any kubeconfig context that is not explicitly named for it. */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { e2eTarget } from './guard.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keydrift-e2e-guard-'));
const kc = path.join(dir, 'kubeconfig');
writeFileSync(
  kc,
  ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: prod', '  cluster: {server: "https://prod.example.invalid:6443"}', '- name: kind', '  cluster: {server: "https://127.0.0.1:6443"}', 'users:', '- name: u', '  user: {token: t}', 'contexts:', '- name: prod', '  context: {cluster: prod, user: u}', '- name: kind-e2e', '  context: {cluster: kind, user: u}', 'current-context: prod', ''].join('\n'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('e2eTarget', () => {
  it.each([
    ['no kubeconfig: skipped', {}, { skip: 'KEYDRIFT_E2E_KUBECONFIG is not set' }],
    ['the named context', { KEYDRIFT_E2E_KUBECONFIG: kc, KEYDRIFT_E2E_CONTEXT: 'kind-e2e' }, { kubeconfig: kc, context: 'kind-e2e' }],
  ])('%s', (_n, env, want) => {
    expect(e2eTarget(env as NodeJS.ProcessEnv)).toEqual(want);
  });
  it.each([
    ['a kubeconfig without a named context: the current context (prod) is never assumed', { KEYDRIFT_E2E_KUBECONFIG: kc }, /KEYDRIFT_E2E_CONTEXT is not/],
    ['a context the kubeconfig does not have', { KEYDRIFT_E2E_KUBECONFIG: kc, KEYDRIFT_E2E_CONTEXT: 'kind' }, /no such context in .* \(it has: prod, kind-e2e\)/],
    ['an unreadable kubeconfig', { KEYDRIFT_E2E_KUBECONFIG: path.join(dir, 'nope'), KEYDRIFT_E2E_CONTEXT: 'x' }, /KEYDRIFT_E2E_KUBECONFIG .*nope/],
  ])('refuses %s', (_n, env, re) => {
    expect(() => e2eTarget(env as NodeJS.ProcessEnv)).toThrow(re);
  });
});
