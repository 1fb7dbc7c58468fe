/**
 * Count the git processes keydrift starts: a `git` on PATH ahead of the real one logs its
 * subcommand and runs the real git. keydrift gives git the PATH of its own environment
 * (git-env.ts), so setting process.env.PATH while `fn` runs is enough.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

export async function countGitProcesses<T>(dir: string, fn: () => Promise<T>): Promise<{ count: number; calls: string[]; result: T }> {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = path.join(dir, 'git-count-bin');
  const log = path.join(dir, 'git-count.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, '');
  // The first argument that is not an option (`-c k=v` pairs skipped) is the subcommand.
  writeFileSync(
    path.join(bin, 'git'),
    `#!/bin/sh\nsub=""\nskip=0\nfor a in "$@"; do\n  if [ $skip = 1 ]; then skip=0; continue; fi\n  case "$a" in -c|-C) skip=1;; -*) ;; *) sub="$a"; break;; esac\ndone\necho "$sub" >> '${log}'\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(path.join(bin, 'git'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved ?? ''}`;
  let result: T;
  try {
    result = await fn();
  } finally {
    process.env.PATH = saved;
  }
  const calls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { count: calls.length, calls, result };
}
