// Bundle the GitHub Action (src/action/index.ts) into one ESM file, dist/index.js, which
// action.yml runs on node24. `npm run bundle`; test/action/dist.test.ts rebuilds to a temp
// file and fails when the committed dist/ is out of date.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function bundle(outfile = path.join(root, 'dist', 'index.js')) {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/action/index.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // CommonJS dependencies (@actions/*, typescript) call require() and read __filename.
    banner: {
      js: [
        "import { createRequire as __kdCreateRequire } from 'node:module';",
        "import { fileURLToPath as __kdFileURLToPath } from 'node:url';",
        "import { dirname as __kdDirname } from 'node:path';",
        'const require = __kdCreateRequire(import.meta.url);',
        'const __filename = __kdFileURLToPath(import.meta.url);',
        'const __dirname = __kdDirname(__filename);',
        // Dependencies of @kubernetes/client-node (node-fetch 2, whatwg-url) use the punycode
        // module and url.parse(): Node's deprecation warnings about them would be the only lines
        // on the step's stderr, about code the user cannot change. Silence those two only.
        '{ const __kdEmit = process.emitWarning; process.emitWarning = function (w, ...a) { const t = typeof a[0] === "object" ? a[0]?.type : a[0]; const c = typeof a[0] === "object" ? a[0]?.code : a[1]; if (t === "DeprecationWarning" && (c === "DEP0040" || c === "DEP0169")) return; return __kdEmit.call(this, w, ...a); }; }',
      ].join('\n'),
    },
    // TypeScript (the JS/TS contract extractor reads the AST) is most of the bundle: minify to keep
    // the committed file near 4 MB instead of 12.
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
  });
  copyGrammars(path.join(path.dirname(outfile), 'grammars'));
}

/**
 * The contract engine's WebAssembly files (src/contract/engine/grammars.ts looks for them in
 * `grammars/` next to the bundle): the tree-sitter runtime and only the grammars the engine
 * uses (GRAMMAR_FILES), read from the source so that the list has one home.
 */
export function copyGrammars(dir) {
  const src = readFileSync(path.join(root, 'src', 'contract', 'engine', 'grammars.ts'), 'utf8');
  const table = /GRAMMAR_FILES = \{([^}]*)\}/.exec(src);
  const runtime = /RUNTIME_FILE = '([^']+)'/.exec(src);
  if (!table || !runtime) throw new Error('src/contract/engine/grammars.ts: GRAMMAR_FILES or RUNTIME_FILE not found');
  const files = [runtime[1], ...[...table[1].matchAll(/'([^']+\.wasm)'/g)].map((m) => m[1])];
  const from = path.dirname(createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(path.join(from, f), path.join(dir, f));
  return readdirSync(dir).sort();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
