/**
 * Write files of a FileTree into a fresh temporary directory, for the outside tools that need
 * a directory (`kubectl kustomize`, `helm template`). Every path is checked to be a normal
 * relative path (see paths.ts) and every file is created inside the directory: the resolved
 * parent must lie under the temporary root, files are created exclusively (an existing name,
 * or a symlink, is never followed or overwritten). The directory is registered for removal on
 * SIGINT/SIGTERM and must be removed with `removeTemp` when done.
 */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeydriftError } from '../errors.js';
import { trackTemp } from '../cleanup.js';
import { confinedJoin, isInside, PathError } from './paths.js';

/** A private temporary directory (mode 0700), registered for clean-up. */
export function makeTemp(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  trackTemp(dir);
  return dir;
}

/**
 * Write `texts` (repo-relative path → text or bytes) under `root`, each path taken relative to
 * `strip` (a directory prefix without trailing slash, '' for none). Throws a KeydriftError
 * naming the first path that is not a normal relative path or would land outside `root`.
 */
export function writeConfined(root: string, texts: Map<string, string | Buffer>, strip = '', label = 'the repository'): void {
  const realRoot = realpathSync(root);
  const made = new Set<string>();
  for (const [f, t] of texts) {
    if (strip && !f.startsWith(strip + '/')) continue;
    const rel = strip ? f.slice(strip.length + 1) : f;
    let p: string;
    try {
      p = confinedJoin(realRoot, rel);
    } catch (e) {
      if (e instanceof PathError) throw new KeydriftError(`${label}: refusing to write ${e.message} (a file name must be a normal relative path)`);
      throw e;
    }
    const dir = path.dirname(p);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!isInside(realRoot, realpathSync(dir))) throw new KeydriftError(`${label}: refusing to write ${JSON.stringify(rel)}: its directory resolves outside ${realRoot}`);
      made.add(dir);
    }
    try {
      writeFileSync(p, t, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      throw new KeydriftError(`${label}: cannot write ${JSON.stringify(rel)} into a temporary directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
