/**
 * `keydrift render DIR` renders DIR as its own kustomization (its `../base` read from the
 * repository, or from the filesystem around it outside git), never the app that merely
 * contains DIR; what cannot be built exits 2 with the cause on one line.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeTree } from './helpers.js';
import { renderCommand, reachRoot } from '../../src/commands/render.js';
import { runCli } from '../helpers/cli.js';

const cm = (name: string, ns?: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data:\n  A: "1"\n`;
const overlay = {
  'base/kustomization.yaml': 'resources: [cm.yaml]\n',
  'base/cm.yaml': cm('conf'),
  'overlays/prod/kustomization.yaml': 'namespace: prod\nnamePrefix: prod-\nresources: [../../base]\n',
};
const names = (r: Awaited<ReturnType<typeof renderCommand>>) => r.objects.map((o) => `${o.object.kind}/${(o.object as any).metadata.namespace ?? ''}/${(o.object as any).metadata.name}`).sort();

describe('render DIR outside a git repository', () => {
  test('an overlay rendered from its own directory reads ../../base around it', async () => {
    const t = writeTree(overlay);
    try {
      const here = await renderCommand({ cwd: path.join(t.dir, 'overlays/prod'), path: '.', helm: false });
      expect(names(here)).toEqual(['ConfigMap/prod/prod-conf']);
      // Given by absolute path from an unrelated working directory, the same.
      const abs = await renderCommand({ cwd: os.tmpdir(), path: path.join(t.dir, 'overlays/prod'), helm: false });
      expect(names(abs)).toEqual(['ConfigMap/prod/prod-conf']);
      expect(abs.objects[0]!.source).toMatchObject({ file: 'base/cm.yaml' });
    } finally {
      t.cleanup();
    }
  });

  test('the root widens only as far as the kustomizations reach, never to the filesystem root or the home directory', async () => {
    const t = writeTree({ ...overlay, 'deep/a/b/kustomization.yaml': 'resources:\n- ../../../../../../../../../../etc\n- ../../x\n', 'deep/x/kustomization.yaml': 'resources: [cm.yaml]\n', 'deep/x/cm.yaml': cm('x') });
    try {
      expect(await reachRoot(path.join(t.dir, 'overlays/prod'), path.join(t.dir, 'overlays/prod'))).toBe(t.dir);
      // /etc exists, but the root stops below the "home" (here: the temp dir's parent).
      expect(await reachRoot(path.join(t.dir, 'deep/a/b'), path.join(t.dir, 'deep/a/b'), path.dirname(t.dir))).toBe(t.dir);
      expect(await reachRoot(path.join(t.dir, 'deep/a/b'), path.join(t.dir, 'deep/a/b'), '/nonexistent-home')).not.toBe('/');
    } finally {
      t.cleanup();
    }
  });
});

describe('render DIR inside a repository', () => {
  const flux = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  targetNamespace: everything
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;
  const files = {
    'clusters/prod/apps.yaml': flux,
    'apps/web/kustomization.yaml': 'namespace: web\nresources: [cm.yaml]\n',
    'apps/web/cm.yaml': cm('web-conf'),
    'apps/web/unlisted.yaml': cm('not-listed'),
    'apps/db/kustomization.yaml': 'resources: [cm.yaml]\n',
    'apps/db/cm.yaml': cm('db-conf'),
  };
  const inGit = (dir: string) => {
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'a']]) execFileSync('git', a, { cwd: dir, env, stdio: 'ignore' });
  };

  test('a kustomization inside a larger app renders as itself, as kubectl kustomize would', async () => {
    const t = writeTree(files);
    try {
      inGit(t.dir);
      const r = await renderCommand({ cwd: t.dir, path: 'apps/web', helm: false });
      // Not the Flux app's targetNamespace, not apps/db, not the unlisted file.
      expect(names(r)).toEqual(['ConfigMap/web/web-conf']);
      // The app that deploys exactly a directory still renders as that app.
      const whole = await renderCommand({ cwd: t.dir, path: 'apps', helm: false });
      expect(names(whole)).toEqual(['ConfigMap/everything/db-conf', 'ConfigMap/everything/web-conf']);
    } finally {
      t.cleanup();
    }
  });

  test('a build that fails exits 2 with the cause on one line, no temp path, nothing on stdout', async () => {
    const t = writeTree({ ...files, 'apps/broken/kustomization.yaml': 'resources: [missing.yaml]\n', 'apps/empty/README.md': '# nothing\n' });
    try {
      inGit(t.dir);
      const bad = await runCli(['render', 'apps/broken'], { cwd: t.dir });
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/apps\/broken: nothing rendered: .*missing\.yaml/);
      expect(bad.stderr).not.toMatch(/\/tmp\/|keydrift-render-test/);
      const none = await runCli(['render', 'apps/empty'], { cwd: t.dir });
      expect(none).toMatchObject({ code: 2, stdout: '' });
      expect(none.stderr).toMatch(/apps\/empty: nothing rendered: no manifests, kustomization or chart here/);
    } finally {
      t.cleanup();
    }
  });

  test('outside git, a failing overlay is exit 2 too', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'keydrift-nogit-'));
    try {
      mkdirSync(path.join(root, 'o'));
      writeFileSync(path.join(root, 'o/kustomization.yaml'), 'resources: [../nowhere]\n');
      const bad = await runCli(['render', 'o'], { cwd: root });
      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).not.toContain(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
