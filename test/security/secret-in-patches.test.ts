/**
 * Issue 15.6: a suggested patch's context lines never show a Secret value — a Secret beside
 * the ConfigMap, a Secret inside a `kind: List`, a Secret document that fails to parse, a
 * secretGenerator literal beside the configMapGenerator one. Patches away from any Secret are
 * still written (the guard is not "no patches").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { configMapPatch } from '../../src/drift/patch.js';
import { envPatch } from '../../src/fix/env-patch.js';
import { containersOf } from '../../src/resolve/workloads.js';
import { parseManifests } from '../../src/sources/yaml.js';
import { loadSnapshot, type Snapshot } from '../../src/sources/snapshot.js';
import { DirTree } from '../../src/sources/tree.js';
import { runDrift } from '../../src/commands/drift.js';
import { renderDriftText } from '../../src/drift/text.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { argoApp, gitRepo, liveConfigMap, rm } from '../drift/helpers.js';
import { expectNoCanary } from './output-helpers.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: prod\ndata:\n  A: "1"\n';

/** A snapshot of plain files; broken documents are kept as problems (as loadSnapshot does). */
function snap(files: Record<string, string>): Snapshot {
  const texts = new Map(Object.entries(files));
  const parsed = Object.entries(files).map(([f, t]) => parseManifests(f, t));
  return { origin: { type: 'dir', label: 't', root: '/t' }, objects: parsed.flatMap((p) => p.objects), problems: parsed.flatMap((p) => p.problems), texts, skipped: [] };
}

const addToC = (files: Record<string, string>) => {
  const s = snap(files);
  const c = s.objects.find((o) => o.kind === 'ConfigMap')!;
  return configMapPatch(s, c, 'B', 'two', 'add')?.patch;
};

const CASES: [string, string, string][] = [
  ['a Secret document right after', `${CM}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {p: QZnext3Hw8}\n`, 'QZnext3Hw8'],
  ['a Secret inside a kind: List', `${CM}---\n{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {p: QZlist5Nb2}}]}\n`, 'QZlist5Nb2'],
  ['a Secret document that fails to parse', `${CM}---\nkind: Secret\nstringData: {p: QZbroken7Xk4, q: *nope}\n`, 'QZbroken7Xk4'],
  ['a SealedSecret template', `${CM}---\n{apiVersion: bitnami.com/v1alpha1, kind: SealedSecret, metadata: {name: s}, spec: {template: {data: {p: QZsealed1Ty6}}}}\n`, 'QZsealed1Ty6'],
];

describe('ConfigMap patches next to Secrets', () => {
  it.each(CASES)('%s: no patch that shows it', (_n, text, canary) => {
    const p = addToC({ 'c.yaml': text });
    expect(p).toBeUndefined();
    expectNoCanary(String(p), canary);
  });

  it('a Secret further away than the context: the patch is written, without it', () => {
    const far = `${CM}  F1: a\n  F2: b\n  F3: c\n  F4: d\n`.replace('data:\n  A: "1"\n', 'data:\n  A: "1"\n');
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {p: QZfar2Lp9}\n---\n${far}`;
    const s = snap({ 'c.yaml': text });
    const c = s.objects.find((o) => o.kind === 'ConfigMap')!;
    const p = configMapPatch(s, c, 'F1', 'z', 'change')?.patch;
    expect(p).toContain('+  F1: z');
    expectNoCanary(p!, 'QZfar2Lp9');
  });
});

describe('env patches in a workload file next to Secrets', () => {
  const DEP = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x:1\n          env:\n            - name: A\n              value: "1"\n';
  it.each([
    ['a Secret inside a kind: List', `${DEP}---\n{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {p: QZenvlist4Rr1}}]}\n`, 'QZenvlist4Rr1'],
    ['a Secret document that fails to parse', `${DEP}---\nkind: Secret\nstringData: {p: QZenvbroken6Mm3, q: *nope}\n`, 'QZenvbroken6Mm3'],
  ])('%s: no patch', (_n, text, canary) => {
    const s = snap({ 'd.yaml': text });
    const c = containersOf(s.objects.find((o) => o.kind === 'Deployment')!).containers[0]!;
    const p = envPatch(s, c, [{ name: 'B', value: 'two' }]);
    expect(p).toBeUndefined();
    expectNoCanary(String(p), canary);
  });
  it('the same workload without a Secret still gets its patch', () => {
    const s = snap({ 'd.yaml': DEP });
    const c = containersOf(s.objects[0]!).containers[0]!;
    expect(envPatch(s, c, [{ name: 'B', value: 'two' }])).toContain('+            - name: B');
  });
});

describe('generator literals next to secretGenerator literals', () => {
  const GEN_CANARY = 'QZgenlit8Vd5';
  const kustomization = (secretFirst: boolean) => {
    const cm = 'configMapGenerator:\n  - name: user-auth-config\n    literals:\n      - REDIS_HOST=redis.prod.svc\n';
    const sec = `secretGenerator:\n  - name: user-auth-secret\n    literals:\n      - PASSWORD=${GEN_CANARY}\n`;
    const pad = 'generatorOptions:\n  labels:\n    team: auth\n    tier: backend\n    owner: platform\n';
    // Below: in flow style, so that the literal is within the three context lines.
    const secFlow = `secretGenerator: [{name: user-auth-secret, literals: [PASSWORD=${GEN_CANARY}]}]\n`;
    return `namespace: prod\nresources:\n  - deployment.yaml\n${secretFirst ? sec + pad + cm : cm + secFlow}`;
  };
  const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: user-auth\nspec:\n  template:\n    spec:\n      containers:\n        - name: user-auth\n          image: ghcr.io/acme/user-auth:3.14.0\n          envFrom:\n            - configMapRef:\n                name: user-auth-config\n';

  async function patchFor(secretFirst: boolean) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-gen-'));
    try {
      writeFileSync(path.join(dir, 'kustomization.yaml'), kustomization(secretFirst));
      writeFileSync(path.join(dir, 'deployment.yaml'), DEPLOY);
      const s = await loadSnapshot(await DirTree.open(dir));
      const cm = s.objects.find((o) => o.kind === 'ConfigMap')!;
      expect(cm.generated?.generator).toBe('configMapGenerator');
      return configMapPatch(s, cm, 'REDIS_URL', 'redis://redis.prod.svc:6379/0', 'add')?.patch;
    } finally {
      rm(dir);
    }
  }

  it('the secretGenerator right below: no patch', async () => {
    expect(await patchFor(false)).toBeUndefined();
  });
  it('the secretGenerator well above: the patch, without the literal', async () => {
    const p = await patchFor(true);
    expect(p).toContain('+      - REDIS_URL=redis://redis.prod.svc:6379/0');
    expectNoCanary(p!, GEN_CANARY);
  });

  describe('through keydrift drift, every format', () => {
    let repo: string;
    let dumpDir: string;
    beforeAll(async () => {
      repo = gitRepo({ 'apps/user-auth/kustomization.yaml': kustomization(false), 'apps/user-auth/deployment.yaml': DEPLOY });
      const s = await loadSnapshot(await DirTree.open(repo));
      const name = s.objects.find((o) => o.kind === 'ConfigMap')!.name;
      dumpDir = mkdtempSync(path.join(tmpdir(), 'kd-sec-dump-'));
      const live = liveConfigMap({ name, data: { REDIS_HOST: 'redis.prod.svc', REDIS_URL: 'redis://redis.prod.svc:6379/0' }, patched: ['REDIS_URL'] });
      writeFileSync(path.join(dumpDir, 'all.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [live, argoApp()] }));
    });
    afterAll(() => {
      rm(repo);
      rm(dumpDir);
    });
    it('reports the drift and shows no secretGenerator literal', async () => {
      const report = await runDrift({ repo, ref: 'main', clusterDump: dumpDir });
      expect(report.findings.map((f) => f.key)).toContain('REDIS_URL');
      const out = [JSON.stringify(report), renderDriftText(report, { color: false }), renderMarkdown(report), renderSarif(report)].join('\n');
      expectNoCanary(out, GEN_CANARY);
    });
  });
});
