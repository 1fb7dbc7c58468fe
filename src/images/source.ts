/**
 * Open the source of an image version: the mapped repository at the git ref its tag
 * maps to. Remote repositories are cloned once (bare, blob-filtered) into a cache.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { KeydriftError } from '../errors.js';
import { gitEnv, GIT_UNSAFE } from '../sources/git-env.js';
import { DirTree, GitTree, SubTree, gitTopLevel, resolveCommit, type FileTree } from '../sources/tree.js';
import type { SourceMapping } from './mapping.js';

export function cacheDir(): string {
  const base = process.env.KEYDRIFT_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'keydrift');
  return base;
}

const clones = new Map<string, Promise<string>>();

/** Clone (or refresh) a remote repository into the cache; returns the bare repo path. */
async function ensureClone(url: string): Promise<string> {
  let p = clones.get(url);
  if (!p) {
    p = (async () => {
      const dir = path.join(cacheDir(), 'git', createHash('sha256').update(url).digest('hex').slice(0, 24) + '.git');
      try {
        await fs.access(path.join(dir, 'HEAD'));
        await simpleGit({ baseDir: dir, unsafe: GIT_UNSAFE }).env(gitEnv({ GIT_TERMINAL_PROMPT: '0' })).fetch(['--tags', '--force', '--prune', 'origin', '+refs/heads/*:refs/heads/*']);
      } catch {
        await fs.rm(dir, { recursive: true, force: true });
        await fs.mkdir(path.dirname(dir), { recursive: true });
        try {
          await simpleGit({ unsafe: GIT_UNSAFE }).env(gitEnv({ GIT_TERMINAL_PROMPT: '0' })).clone(url, dir, ['--bare', '--filter=blob:none', '--quiet']);
        } catch (e) {
          await fs.rm(dir, { recursive: true, force: true });
          throw new KeydriftError(`cannot clone ${url}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      return dir;
    })();
    clones.set(url, p);
  }
  return p;
}

/** The git refs tried for a tag, in order. */
export function refsForTag(m: SourceMapping, tag: string): string[] {
  return m.refTemplates.map((t) => t.replaceAll('{tag}', tag));
}

/**
 * Open the source of `tag`. A local directory that is not a git repository is used as it
 * is (no versions: renames cannot be told). A missing path or a tag with no matching ref
 * is a KeydriftError: keydrift cannot check what it cannot read.
 */
export async function openSource(m: SourceMapping, tag: string | undefined): Promise<FileTree> {
  let repo: string;
  let sub = m.dir ?? '';
  if (m.isUrl) {
    repo = await ensureClone(m.location);
  } else {
    try {
      await fs.access(m.location);
    } catch {
      throw new KeydriftError(`source of ${m.image} (${m.declaredIn}): ${m.location}: no such directory`);
    }
    const top = await gitTopLevel(m.location);
    if (!top) {
      const t = await DirTree.open(m.location);
      return m.dir ? new SubTree(t, m.dir) : t;
    }
    repo = m.location;
    const rel = path.relative(top, m.location).split(path.sep).join('/');
    if (rel) sub = sub ? `${rel}/${sub}` : rel;
  }
  if (!tag) throw new KeydriftError(`image ${m.image} has no tag: cannot tell which version of ${m.location} it is`);
  const tried = refsForTag(m, tag);
  for (const ref of tried) {
    if (await resolveCommit(repo, ref)) {
      const t = await GitTree.open(repo, ref);
      return sub ? new SubTree(t, sub) : t;
    }
  }
  throw new KeydriftError(`source of ${m.image}:${tag}: no git ref ${tried.map((r) => `'${r}'`).join(' or ')} in ${m.location}`);
}
