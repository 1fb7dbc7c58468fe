import * as path from 'node:path';
import * as os from 'node:os';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { writeTree } from './helpers.js';
import { renderCommand, REDACTED } from '../../src/commands/render.js';

describe('keydrift render', () => {
  const files = {
    'app/kustomization.yaml': 'resources:\n- deploy.yaml\n- secret.yaml\nsecretGenerator:\n- name: creds\n  literals:\n  - PASSWORD=hunter2-super-secret\n',
    'app/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          envFrom:\n            - secretRef:\n                name: creds\n',
    'app/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  TOKEN: plain-token-value\ndata:\n  KEY: c2VjcmV0LWtleS12YWx1ZQ==\n',
  };

  test.each(['yaml', 'json'] as const)('--format %s prints rendered objects and never a secret value', async (format) => {
    const t = writeTree(files);
    try {
      const r = await renderCommand({ path: t.dir, format });
      for (const needle of ['hunter2', 'aHVudGVyMi', 'plain-token-value', 'c2VjcmV0LWtleS12YWx1ZQ', 'secret-key-value']) expect(r.text).not.toContain(needle);
      const objs = format === 'json' ? JSON.parse(r.text).objects.map((i: any) => i.object) : parseAllDocuments(r.text).map((d) => d.toJS());
      const gen = objs.find((o: any) => o.kind === 'Secret' && o.metadata.name.startsWith('creds-'));
      expect(gen.data).toEqual({ PASSWORD: REDACTED });
      const plain = objs.find((o: any) => o.metadata.name === 'plain');
      expect(plain.stringData).toEqual({ TOKEN: REDACTED });
      expect(plain.data).toEqual({ KEY: REDACTED });
      const d = objs.find((o: any) => o.kind === 'Deployment');
      expect(d.spec.template.spec.containers[0].envFrom[0].secretRef.name).toBe(gen.metadata.name);
      if (format === 'yaml') expect(r.text).toContain('# Source: app/deploy.yaml:1 (app kustomize/app)');
    } finally {
      t.cleanup();
    }
  });

  test('a directory of the incident repo renders that app only; a base renders on its own', async () => {
    // A copy outside any git repository, rendered from its root as the working directory.
    const root = mkdtempSync(path.join(os.tmpdir(), 'keydrift-incident-'));
    cpSync(path.resolve('test/fixtures/render/incident'), root, { recursive: true });
    const r = await renderCommand({ cwd: root, path: 'overlays/prod', helm: false });
    expect(r.apps.map((a) => a.id)).toEqual(['Application/argocd/user-auth']);
    expect(r.objects.map((o) => `${o.object.kind}/${(o.object as any).metadata.name}`).sort()).toEqual(['ConfigMap/user-auth-config-cdhd28mg5f', 'Deployment/user-auth']);
    const cm = r.objects.find((o) => o.object.kind === 'ConfigMap')!;
    expect(cm.generated).toMatchObject({ file: 'overlays/prod/kustomization.yaml', hashed: true });
    const b = await renderCommand({ cwd: root, path: 'base', format: 'json', helm: false });
    expect(b.objects.map((o) => (o.object as any).metadata.name)).toEqual(['user-auth']);
    expect((b.objects[0]!.object as any).metadata.namespace).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
  });

  test('a file renders the apps it declares; --ref renders a git ref without checkout', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'keydrift-incident-'));
    cpSync(path.resolve('test/fixtures/render/incident'), root, { recursive: true });
    const { execFileSync } = await import('node:child_process');
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
    const git = (...a: string[]) => execFileSync('git', a, { cwd: root, env, stdio: 'ignore' });
    try {
      const f = await renderCommand({ cwd: root, path: 'argocd/user-auth.yaml', helm: false });
      expect(f.apps.map((a) => a.id)).toEqual(['Application/argocd/user-auth']);
      expect(f.objects.map((o) => o.object.kind).sort()).toEqual(['Application', 'ConfigMap', 'Deployment']);
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'a');
      const { writeFileSync, readFileSync } = await import('node:fs');
      const k = path.join(root, 'overlays/prod/kustomization.yaml');
      writeFileSync(k, readFileSync(k, 'utf8').replace('newTag: 3.14.0', 'newTag: 3.15.0'));
      const now = await renderCommand({ cwd: root, path: 'overlays/prod', helm: false });
      const before = await renderCommand({ cwd: root, path: 'overlays/prod', ref: 'HEAD', helm: false });
      const img = (r: typeof now) => (r.objects.find((o) => o.object.kind === 'Deployment')!.object as any).spec.template.spec.containers[0].image;
      expect(img(now)).toBe('ghcr.io/example/user-auth:3.15.0');
      expect(img(before)).toBe('ghcr.io/example/user-auth:3.14.0');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a bad --format and a missing directory are KeydriftErrors', async () => {
    await expect(renderCommand({ path: '.', format: 'xml' as any })).rejects.toThrow(/--format must be yaml or json/);
    await expect(renderCommand({ path: '/nonexistent/dir' })).rejects.toThrow(/no such directory/);
  });
});

describe('keydrift render on the command line', () => {
  test('prints YAML and exits 0; a bad flag is one line on stderr and exit 2', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const root = mkdtempSync(path.join(os.tmpdir(), 'keydrift-incident-'));
    cpSync(path.resolve('test/fixtures/render/incident'), root, { recursive: true });
    try {
      const ok = await runCli(['render', 'overlays/prod'], { cwd: root });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('name: user-auth-config-cdhd28mg5f');
      const json = await runCli(['render', '--format', 'json'], { cwd: root });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).apps.map((a: any) => a.id).sort()).toEqual(['Application/argocd/user-auth', 'Application/argocd/user-auth-helm']);
      const bad = await runCli(['render', '--format', 'xml'], { cwd: root });
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      const missing = await runCli(['render', 'nope'], { cwd: root });
      expect(missing).toMatchObject({ code: 2, stdout: '' });
      expect(missing.stderr).toMatch(/nope: no such directory/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
