/**
 * The grammar loader of the contract engine (issue 9): maintained tree-sitter grammars, run as
 * WebAssembly (`@vscode/tree-sitter-wasm`), so the same parser runs in the CLI and inside the
 * Action bundle on every runner, without native bindings.
 *
 * Loading is asynchronous (WebAssembly instantiation) and extraction is synchronous, so
 * `prepareGrammars` loads what the files of a build need before they are extracted
 * (`buildContract` does it), and `parserFor` hands the loaded parser to an adapter. Each
 * grammar is loaded at most once per process, only when a file needs it.
 *
 * Where the WebAssembly files come from: next to the bundle (`dist/grammars/`, copied there by
 * scripts/bundle.js — only the grammars listed in GRAMMAR_FILES) when that folder exists,
 * otherwise from the installed `@vscode/tree-sitter-wasm` package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import TreeSitter from '@vscode/tree-sitter-wasm';

export type Parser = TreeSitter.Parser;
export type Node = TreeSitter.Node;
export type Tree = TreeSitter.Tree;

/** Grammars the engine uses, by id, with their file in `@vscode/tree-sitter-wasm/wasm/`. */
export const GRAMMAR_FILES = {
  bash: 'tree-sitter-bash.wasm',
} as const;
export type GrammarId = keyof typeof GRAMMAR_FILES;
/** The runtime itself. */
export const RUNTIME_FILE = 'tree-sitter.wasm';

/** The folder holding the WebAssembly files (see the module comment). */
export function wasmDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'grammars');
  if (existsSync(path.join(bundled, RUNTIME_FILE))) return bundled;
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@vscode/tree-sitter-wasm'));
  } catch {
    throw new Error(`the contract engine's grammars are missing: neither ${bundled} nor the @vscode/tree-sitter-wasm package is there`);
  }
}

let runtime: Promise<void> | undefined;
const loading = new Map<GrammarId, Promise<void>>();
const parsers = new Map<GrammarId, Parser>();

function initRuntime(dir: string): Promise<void> {
  runtime ??= TreeSitter.Parser.init({ locateFile: () => path.join(dir, RUNTIME_FILE) });
  return runtime;
}

/** Loads the given grammars (each once per process); resolves when `parserFor` can hand them out. */
export async function prepareGrammars(ids: Iterable<GrammarId>): Promise<void> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return;
  const dir = wasmDir();
  await initRuntime(dir);
  await Promise.all(
    wanted.map((id) => {
      let p = loading.get(id);
      if (!p) {
        p = TreeSitter.Language.load(readFileSync(path.join(dir, GRAMMAR_FILES[id]))).then((lang) => {
          const parser = new TreeSitter.Parser();
          parser.setLanguage(lang);
          parsers.set(id, parser);
        });
        // A failed load may be retried by a later build.
        p.catch(() => loading.delete(id));
        loading.set(id, p);
      }
      return p;
    }),
  );
}

/** Thrown when an adapter runs before its grammar was prepared (a programming error). */
export class GrammarNotLoaded extends Error {
  constructor(id: GrammarId) {
    super(`the ${id} grammar is not loaded (prepareGrammars was not awaited before extracting)`);
  }
}

/** The parser of a prepared grammar. */
export function parserFor(id: GrammarId): Parser {
  const p = parsers.get(id);
  if (!p) throw new GrammarNotLoaded(id);
  return p;
}

/**
 * Parses `text` and runs `fn` on the tree, freeing the tree after (its memory lives in the
 * WebAssembly heap, not in the JavaScript one).
 */
export function withTree<T>(id: GrammarId, text: string, fn: (root: Node) => T): T {
  const tree = parserFor(id).parse(text);
  if (!tree) throw new Error(`the ${id} parser gave no tree`);
  try {
    return fn(tree.rootNode);
  } finally {
    tree.delete();
  }
}
