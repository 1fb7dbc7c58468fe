/**
 * Which code the image runs (issue 9 class 5). Beside the directory rules of `skipReason`, a
 * file is not the app when it is
 *
 * - in a test project (`App.Tests/`, `Foo.IntegrationTests/`, `foo_tests/`);
 * - a Docker Hub build hook (`hooks/build`, `hooks/pre_build`, `hooks/post_push`, …);
 * - a maintainer script: in a top-level `bin/`, `scripts/`, `script/`, `tools/` or `dev/`
 *   folder, named for a release chore (`release_notes.py`, `bump-version.sh`, `publish.js`,
 *   `changelog.rb`, `generate_*.py`, …), or named only by a `package.json` script other than
 *   the start scripts (`"release": "node scripts/ship.js"`);
 * - a Go file excluded from every build (`//go:build ignore`, `// +build ignore`: run by
 *   `go run` from `go generate`, never compiled into the binary).
 *
 * …unless an entry point names it: Dockerfile `CMD`/`ENTRYPOINT`, a Procfile line,
 * `package.json` `main`/`bin`/`start`/`serve`, `pyproject.toml` scripts. Their reads are then
 * never `missing-key` errors: the files are recorded in `skipped` with the reason.
 */

/** Entry-point files of the repo, as the paths or path tails they name. */
export interface EntryPoints {
  refs: string[];
}

const ENTRY_FILE = /(?:^|\/)(?:Dockerfile(?:\.[\w.-]+)?|[\w.-]+\.Dockerfile|Containerfile|Procfile|package\.json|pyproject\.toml)$/;

/** Files to read to know the entry points (only those near the root or the app's folder). */
export function isEntryPointFile(path: string): boolean {
  return ENTRY_FILE.test(path) && !path.includes('node_modules/');
}

const START_SCRIPTS = /^(?:start|serve|server|prestart|poststart|start:prod|start:production|prod|production)$/;

/** Words of a command line that may name a file of the repo. */
function fileWords(cmd: string): string[] {
  const out: string[] = [];
  for (const raw of cmd.split(/[\s"'\[\],;&|()=]+/)) {
    const w = raw.replace(/^\.?\/+/, '');
    if (!w || w.startsWith('-') || w.startsWith('$')) continue;
    out.push(w);
    // `python -m scripts.release` / `gunicorn app.wsgi:application`
    const mod = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?::\w+)?$/.exec(w);
    if (mod && !/\.(?:py|js|mjs|cjs|ts|sh|rb|go|jar)$/.test(w)) out.push(`${mod[1]!.replace(/\./g, '/')}.py`);
  }
  return out;
}

export function entryPointsOf(files: Map<string, string>): EntryPoints {
  const refs: string[] = [];
  for (const [path, text] of files) {
    const base = path.split('/').pop()!;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    if (base === 'package.json') {
      let j: unknown;
      try {
        j = JSON.parse(text);
      } catch {
        continue;
      }
      if (!j || typeof j !== 'object') continue;
      const o = j as Record<string, unknown>;
      if (typeof o.main === 'string') refs.push(dir + o.main.replace(/^\.?\/+/, ''));
      if (typeof o.bin === 'string') refs.push(dir + o.bin.replace(/^\.?\/+/, ''));
      if (o.bin && typeof o.bin === 'object') for (const v of Object.values(o.bin)) if (typeof v === 'string') refs.push(dir + v.replace(/^\.?\/+/, ''));
      if (o.scripts && typeof o.scripts === 'object') {
        for (const [k, v] of Object.entries(o.scripts)) if (START_SCRIPTS.test(k) && typeof v === 'string') refs.push(...fileWords(v).map((w) => dir + w));
      }
    } else if (base === 'pyproject.toml') {
      // [project.scripts] / [tool.poetry.scripts]: name = "pkg.module:func"
      let inScripts = false;
      for (const line of text.split('\n')) {
        const sec = /^\s*\[([^\]]+)\]/.exec(line);
        if (sec) {
          inScripts = /^(?:project\.scripts|project\.gui-scripts|tool\.poetry\.scripts)$/.test(sec[1]!.trim());
          continue;
        }
        const m = inScripts ? /=\s*["']([\w.]+)(?::\w+)?["']/.exec(line) : null;
        if (m) refs.push(dir + `${m[1]!.replace(/\./g, '/')}.py`, dir + `src/${m[1]!.replace(/\./g, '/')}.py`);
      }
    } else if (base === 'Procfile') {
      for (const line of text.split('\n')) {
        const m = /^\s*[\w-]+\s*:\s*(.+)$/.exec(line);
        if (m) refs.push(...fileWords(m[1]!));
      }
    } else {
      // Dockerfile: CMD / ENTRYPOINT (with continuation lines).
      const lines = text.replace(/\\\r?\n/g, ' ').split('\n');
      for (const l of lines) {
        const m = /^\s*(?:CMD|ENTRYPOINT)\s+(.+)$/i.exec(l);
        if (m) refs.push(...fileWords(m[1]!));
      }
    }
  }
  return { refs: [...new Set(refs)] };
}

/** Does an entry point name this file (by path, path tail, or a container path ending in it)? */
export function namedByEntryPoint(path: string, ep: EntryPoints): boolean {
  const noExt = path.replace(/\.[^./]+$/, '');
  for (const r of ep.refs) {
    if (r === path || r === noExt) return true;
    if (r.endsWith('/' + path) || r.endsWith('/' + noExt)) return true;
    if (r.includes('/') && (path.endsWith('/' + r) || noExt.endsWith('/' + r))) return true;
  }
  return false;
}

/** Test projects: .NET `App.Tests`, `Foo.IntegrationTests`, `Foo.Test`; `foo_tests`, `foo-tests`. */
const TEST_PROJECT = /^(?:[\w-]+\.(?:\w+\.)*(?:Unit|Integration|Functional|Acceptance|Component|Api|E2E|Benchmark)?Tests?|[\w]+[-_](?:unit[-_]|integration[-_])?tests?)$/i;
const DEV_RUN = /^(?:dev|develop|development|watch|debug|inspect|local)(?:$|[:_-])/;
const HOOK = /^(?:pre_|post_)?(?:build|push|test|checkout)$/;
const SCRIPT_DIRS = new Set(['bin', 'scripts', 'script', 'tools', 'tooling', 'dev', 'devtools', 'utils', 'maint', 'maintenance', 'release']);
const CHORE =
  /^(?:release|bump|publish|changelog|version|tag|prepare[-_]?release|make[-_]?release|cut[-_]?release|update[-_]?(?:version|changelog|deps|dependencies|translations|locales|i18n)|sync[-_]?(?:translations|locales|i18n)|gen|generate|codegen|lint|format|fmt|check[-_]?(?:licen[cs]es?|format|style|types|deps)|dev[-_]|setup[-_]?dev|install[-_]?dev|upgrade[-_]?deps|vendor|docs?)(?:$|[-_.])/i;

/**
 * Why a file (read in full) is not code the image runs, or undefined. `path` is relative to the
 * app's folder, `repoPath` to the repository; `jsToolScripts` (repository paths) are files named
 * only by non-start package.json scripts.
 */
export function notRuntimeReason(path: string, text: string, ep: EntryPoints, jsToolScripts: ReadonlySet<string>, repoPath = path): string | undefined {
  const parts = path.split('/');
  const base = parts[parts.length - 1]!;
  const dirs = parts.slice(0, -1);
  const named = namedByEntryPoint(path, ep) || (repoPath !== path && namedByEntryPoint(repoPath, ep));
  for (const d of dirs) if (TEST_PROJECT.test(d)) return `in ${d}/ (a test project, not the app)`;
  if (named) return undefined;
  if (dirs.length >= 1 && dirs[dirs.length - 1] === 'hooks' && HOOK.test(base)) return 'a Docker build hook (runs when building, not in the image)';
  if (path.endsWith('.go') && /^\s*(?:\/\/go:build\s+ignore\b|\/\/ \+build\s+ignore\b)/m.test(text.slice(0, 2000))) return 'excluded from every Go build (//go:build ignore): a generator run by go generate, not the app';
  // A maintainer folder at the top (or below one app folder of a monorepo: `server/scripts/`).
  const top = dirs.findIndex((d) => SCRIPT_DIRS.has(d.toLowerCase()));
  if (top >= 0 && top <= 1 && CHORE.test(base)) return `a maintainer script in ${dirs.slice(0, top + 1).join('/')}/ (not run by the image)`;
  if (jsToolScripts.has(repoPath)) return 'run only by a package.json script other than start (tooling, not the app)';
  return undefined;
}

/** Files named by a package.json script other than the start scripts, and by no start script. */
export function packageToolScripts(files: Map<string, string>, all: readonly string[]): Set<string> {
  const tool = new Set<string>();
  const start = new Set<string>();
  const known = new Set(all);
  for (const [path, text] of files) {
    if (!path.endsWith('package.json') || (path !== 'package.json' && !path.endsWith('/package.json'))) continue;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!o || typeof o !== 'object' || !o.scripts || typeof o.scripts !== 'object') continue;
    for (const [k, v] of Object.entries(o.scripts as Record<string, unknown>)) {
      // Development runs of the app itself (`dev`, `watch`, `debug`) name app files, not tooling.
      if (typeof v !== 'string' || DEV_RUN.test(k)) continue;
      for (const w of fileWords(v)) {
        const p = dir + w;
        if (!known.has(p)) continue;
        (START_SCRIPTS.test(k) ? start : tool).add(p);
      }
    }
  }
  for (const s of start) tool.delete(s);
  return tool;
}
