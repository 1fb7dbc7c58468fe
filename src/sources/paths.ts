/**
 * Paths that come from a repository — git tree entries, working-tree names, paths written in
 * manifests — are data, and only a *normal relative path* may ever touch the filesystem:
 * POSIX `/`-separated segments, none empty, `.` or `..`, no leading `/`, no NUL, no backslash
 * (a separator on Windows), no drive letter, and no segment git itself would refuse as a
 * spelling of `.git` (any case, trailing dots/spaces, NTFS `git~1` and `.git:` streams, HFS+
 * ignorable code points). `git fsck` only warns about such tree entries and `git mktree`
 * writes them, so a pull request can carry them.
 */
import * as path from 'node:path';

/** Code points HFS+ ignores in names (git's `is_hfs_dotgit`): `.g\u200cit` is `.git` there. */
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

function isDotGit(seg: string): boolean {
  const s = seg.replace(HFS_IGNORABLE, '').toLowerCase();
  if (/^\.git[. ]*$/.test(s)) return true; // `.git`, `.GIT`, `.git.`, `.git ` (NTFS strips trailing dots/spaces)
  if (/^git~\d+$/.test(s)) return true; // NTFS short name of `.git`
  if (s.startsWith('.git:')) return true; // NTFS alternate data stream of `.git`
  return false;
}

/** Why `p` is not a normal relative path, or undefined when it is one. */
export function pathProblem(p: string): string | undefined {
  if (typeof p !== 'string' || p === '') return 'empty path';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (p.includes('\\')) return 'contains a backslash';
  if (p.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(p)) return 'starts with a drive letter';
  for (const seg of p.split('/')) {
    if (seg === '') return 'has an empty segment';
    if (seg === '.' || seg === '..') return `has a '${seg}' segment`;
    if (isDotGit(seg)) return `names a '.git' directory`;
  }
  return undefined;
}

export function isNormalRelPath(p: string): boolean {
  return pathProblem(p) === undefined;
}

/** A path as it may be quoted in a message: JSON-quoted, so control characters show as escapes. */
export function quotePath(p: string): string {
  return JSON.stringify(p.length > 200 ? p.slice(0, 200) + '…' : p);
}

/**
 * `rel` joined onto `root`, checked to stay inside it. `root` must be absolute. Throws when
 * `rel` is not a normal relative path or the result would leave `root`.
 */
export function confinedJoin(root: string, rel: string): string {
  const why = pathProblem(rel);
  if (why) throw new PathError(`${quotePath(rel)} ${why}`);
  const abs = path.resolve(root, ...rel.split('/'));
  if (!isInside(root, abs)) throw new PathError(`${quotePath(rel)} leaves ${root}`);
  return abs;
}

/** Is `p` equal to `root` or below it (both absolute, already resolved)? */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

export class PathError extends Error {}
