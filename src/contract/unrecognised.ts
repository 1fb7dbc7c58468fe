/**
 * The safety net of issue 9 class 7: a runtime file that plainly touches the environment
 * (`os.environ`, `process.env`, `System.getenv`, `ENV[`, …) but from which no extractor
 * produced anything at all — no read, no unresolved read, no helper, no constant, no schema —
 * is a construct keydrift does not understand, not a file that reads nothing. It is listed as
 * one unresolved read at the first such line, so the gap is visible (contract command,
 * `unresolved-read`) instead of an empty contract that looks complete.
 *
 * Shell and Dockerfiles are not netted here (every `$X` would count); the shell adapter lists
 * its own unresolved reads.
 */
import type { ContractRead, ExtractResult, SourceFile, UnresolvedRead } from './model.js';

interface Net {
  ext: RegExp;
  /** Whole-line comments of the language. */
  comment: RegExp;
  access: RegExp;
}

const NETS: Net[] = [
  { ext: /\.pyw?$/, comment: /^\s*#/, access: /\bos\.(?:environ|getenv)\b|\bfrom\s+os\s+import\s+[^\n]*\b(?:environ|getenv)\b/ },
  { ext: /\.(?:[cm]?[jt]sx?)$/, comment: /^\s*(?:\/\/|\/?\*)/, access: /\bprocess\.env\b|\b(?:Deno|Bun)\.env\b/ },
  { ext: /\.go$/, comment: /^\s*\/\//, access: /\b(?:os|syscall)\.(?:Getenv|LookupEnv|Environ|ExpandEnv)\b/ },
  { ext: /\.(?:java|kts?)$/, comment: /^\s*(?:\/\/|\/?\*)/, access: /\bSystem(?:\.|::)getenv\b/ },
  { ext: /\.(?:rb|rake|ru)$|(?:^|\/)Rakefile$/, comment: /^\s*#/, access: /\bENV\s*(?:\[|\.(?:fetch|key\?|to_h|slice|values_at|each))/ },
  { ext: /\.rs$/, comment: /^\s*\/\//, access: /\benv::(?:var|var_os|vars)\b/ },
  { ext: /\.cs$/, comment: /^\s*(?:\/\/|\/?\*)/, access: /\bEnvironment\.GetEnvironmentVariables?\b/ },
  { ext: /\.php$/, comment: /^\s*(?:\/\/|#|\/?\*)/, access: /\bgetenv\s*\(|\$_ENV\b/ },
];

/** A line that sets or deletes a variable (`ENV["X"] = "1"`, `delete process.env.X`, `os.environ["X"] = v`): not a read. */
const WRITE = /^\s*(?:delete\s+)?(?:process\.env|os\.environ|ENV|\$_ENV)(?:\.\w+|\[[^\]]*\])\s*(?:=(?!=)|;|$)|\b(?:putenv|setenv|Setenv|Unsetenv|set_var|remove_var|SetEnvironmentVariable)\s*\(/;

/**
 * Candidate calls of helpers (`get("A")` that may be a helper of another file) are not something
 * recognised until link.ts resolves them, which then shows as a read or an unresolved read.
 */
const CANDIDATES = new Set(['helperCalls', 'scopedHelperCalls']);

/** Every file named by an `evidence` anywhere in extractors' results (candidate calls aside). */
function filesOf(results: unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    const e = o.evidence as { file?: unknown } | undefined;
    if (e && typeof e.file === 'string') out.add(e.file);
    for (const k of Object.keys(o)) if (k !== 'evidence' && !CANDIDATES.has(k)) walk(o[k], depth + 1);
  };
  walk(results, 0);
  return out;
}

/** Single-line string literals blanked out: a message that mentions `process.env` is not an access. */
const STRINGS = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\\n$]|\\.)*`/g;

/**
 * `reads`/`unresolved`: the contract's, after link.ts joined what spans files; `tooling`: files
 * whose reads are build configuration (vite.config.ts), not netted.
 */
export function unrecognisedAccess(files: SourceFile[], results: ExtractResult[], reads: ContractRead[], unresolved: UnresolvedRead[], tooling: (path: string) => boolean): UnresolvedRead[] {
  const seen = filesOf([results, reads, unresolved]);
  const out: UnresolvedRead[] = [];
  for (const f of files) {
    if (seen.has(f.path) || tooling(f.path)) continue;
    const net = NETS.find((n) => n.ext.test(f.path));
    if (!net || !net.access.test(f.text)) continue;
    const lines = f.text.split('\n').map((l) => l.replace(STRINGS, '""'));
    const i = lines.findIndex((l) => net.access.test(l) && !net.comment.test(l) && !WRITE.test(l));
    if (i < 0) continue;
    const m = net.access.exec(lines[i]!)!;
    const original = f.text.split('\n')[i]!;
    out.push({
      evidence: { file: f.path, line: i + 1, pattern: original.trim().slice(0, 80) },
      reason: `the file uses ${m[0].replace(/\s+/g, ' ').replace(/[([]$/, '')} but keydrift recognised no read in it: a construct it does not understand, so this file's variables are not in the contract`,
    });
  }
  return out;
}
