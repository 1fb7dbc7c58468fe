/**
 * Shared set-up for the security suite: a sandbox directory that stands for the machine
 * (its own TMPDIR, HOME and keydrift cache), git trees built object by object (`git mktree`
 * writes entries `git add` never would), fake `kubectl`/`kustomize`/`helm` on PATH, and a walk
 * that lists every file under a directory (to prove nothing was written where it must not be).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resetKustomizeTool } from '../../src/render/kustomize/delegate.js';

export const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
};

export function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', ...(input !== undefined ? { input } : {}) }).trim();
}

/** A tree of git objects: a string is a blob's text, an object a sub-tree; names are taken as written. */
export type GitObj = string | { [name: string]: GitObj };

export function writeGitTree(repo: string, t: GitObj): string {
  if (typeof t === 'string') return git(repo, ['hash-object', '-w', '--stdin'], t);
  const lines = Object.entries(t).map(([name, v]) => {
    const sha = writeGitTree(repo, v);
    return typeof v === 'string' ? `100644 blob ${sha}\t${name}` : `040000 tree ${sha}\t${name}`;
  });
  return git(repo, ['mktree'], lines.join('\n') + '\n');
}

/** A repository whose HEAD commit has exactly the tree `t`, built with mktree + commit-tree. */
export function repoWithTree(dir: string, t: GitObj): string {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '--initial-branch=main']);
  const tree = writeGitTree(dir, t);
  const commit = git(dir, ['commit-tree', tree, '-m', 'crafted']);
  git(dir, ['update-ref', 'refs/heads/main', commit]);
  return commit;
}

/** Every file (and symlink) under `dir`, as paths relative to it. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const rec = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) rec(p);
      else out.push(path.relative(dir, p));
    }
  };
  rec(dir);
  return out.sort();
}

export interface Sandbox {
  root: string;
  /** TMPDIR for the run: keydrift's own temp dirs are made here. */
  tmp: string;
  /** A directory of fake tools, first on PATH. */
  bin: string;
  /** Put an executable shell script on PATH under `name`. */
  tool(name: string, script: string): void;
  /** Run `fn` with TMPDIR, PATH (and `env`) set for the process; restores them after. */
  with<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T>;
  cleanup(): void;
}

export function sandbox(prefix = 'kd-sec-'): Sandbox {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  const tmp = path.join(root, 'tmp');
  const bin = path.join(root, 'bin');
  mkdirSync(tmp);
  mkdirSync(bin);
  return {
    root,
    tmp,
    bin,
    tool(name, script) {
      const p = path.join(bin, name);
      writeFileSync(p, `#!/bin/sh\n${script}\n`);
      chmodSync(p, 0o755);
    },
    async with(env, fn) {
      const all = { TMPDIR: tmp, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, KEYDRIFT_CACHE_DIR: path.join(root, 'cache'), ...env };
      const saved: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(all)) {
        saved[k] = process.env[k];
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetKustomizeTool();
      try {
        return await fn();
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        resetKustomizeTool();
      }
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  A: "1"\n';
/** A kustomization the native renderer delegates (non-empty `replacements:`). */
export const DELEGATED_KUSTOMIZATION = 'resources:\n- cm.yaml\nreplacements:\n- source: {kind: ConfigMap, name: cm, fieldPath: data.A}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.B]\n    options: {create: true}\n';
