// The contract engine (issue 9): per language, the hand-written lexer extractor against the
// tree-sitter engine on the files of real application trees, and ripgrep over the same files
// for the same patterns. Shell is ported (the `shell` extractor is the tree-sitter adapter, the
// former one is `shell-lexer`); for Python and Ruby, not ported yet, the tree-sitter column is
// the parse alone (what an adapter would start from).
// Trees come from repositories fetched into /work/.mirror (KEYDRIFT_EVAL_MIRROR); each one
// absent is skipped, saying so. KEYDRIFT_BENCH_ROUNDS sets the runs (default 5).
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { skipReason } from '../lib/contract/build.js';
import { prepareGrammars, wasmDir } from '../lib/contract/engine/grammars.js';
import { clearReadsMemo } from '../lib/contract/engine/reads.js';
import { shellExtractor } from '../lib/contract/extractors/shell.js';
import { shellLexerExtractor } from '../lib/contract/extractors/shell-lexer.js';
import { pythonExtractor } from '../lib/contract/extractors/python.js';
import { rubyExtractor } from '../lib/contract/extractors/ruby.js';

const TREES = [
  { repo: 'docker-library/postgres', ref: 'HEAD', lang: 'shell' },
  { repo: 'MariaDB/mariadb-docker', ref: 'HEAD', lang: 'shell' },
  { repo: 'docker-mailserver/docker-mailserver', ref: 'v14.0.0', lang: 'shell' },
  { repo: 'healthchecks/healthchecks', ref: 'v3.0', lang: 'python' },
  { repo: 'mealie-recipes/mealie', ref: 'HEAD', lang: 'python' },
  { repo: 'postalserver/postal', ref: 'HEAD', lang: 'ruby' },
  { repo: 'maybe-finance/maybe', ref: 'HEAD', lang: 'ruby' },
];

const LANGS = {
  shell: { lexer: shellLexerExtractor, engine: shellExtractor, grammar: 'tree-sitter-bash.wasm', rg: [String.raw`\$\{?[A-Za-z_!#]`, String.raw`\bprintenv\b`, String.raw`\beval\b`] },
  python: { lexer: pythonExtractor, grammar: 'tree-sitter-python.wasm', rg: [String.raw`os\.environ`, String.raw`os\.getenv`, String.raw`getenv\(`] },
  ruby: { lexer: rubyExtractor, grammar: 'tree-sitter-ruby.wasm', rg: [String.raw`ENV\[`, String.raw`ENV\.fetch`, String.raw`ENV\.key\?`] },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `rounds` runs after one warm-up run. */
function time(fn, rounds) {
  fn();
  const ms = [];
  let result;
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(ms), result };
}

function walk(dir, rel = '', out = []) {
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name !== '.git') walk(dir, p, out);
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

function rgOn(dir, files, patterns) {
  // The same files, the same patterns; rg's start is part of its cost, as it is of ours.
  const args = ['--no-heading', '--line-number', '--no-messages', '--no-config', ...patterns.flatMap((p) => ['-e', p]), '--', ...files];
  const r = spawnSync('rg', args, { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed: ${r.stderr}`);
  return r.stdout.length ? r.stdout.split('\n').length - 1 : 0;
}

function key(r) {
  return [...r.reads.map((x) => `${x.evidence.file}:${x.evidence.line} ${x.name} ${x.kind}`), ...r.unresolved.map((u) => `${u.evidence.file}:${u.evidence.line} ? ${u.reason}`)];
}

export default async function () {
  const rounds = Number(process.env.KEYDRIFT_BENCH_ROUNDS ?? 5);
  const mirror = process.env.KEYDRIFT_EVAL_MIRROR ?? '/work/.mirror';
  const hasRg = spawnSync('rg', ['--version']).status === 0;
  if (!hasRg) console.log('rg: not installed, its column is skipped');
  // The engine's one-time cost: the runtime and the bash grammar (once per process).
  const t0 = process.hrtime.bigint();
  await prepareGrammars(['bash']);
  console.log(`engine start (runtime + bash grammar, once per process): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
  const TS = createRequire(import.meta.url)('@vscode/tree-sitter-wasm');
  const parsers = {};
  for (const t of TREES) {
    const gitDir = path.join(mirror, t.repo.replace('/', '+'), 'repo');
    if (!existsSync(gitDir)) {
      console.log(`${t.repo}: skipped (not fetched into ${mirror})`);
      continue;
    }
    const L = LANGS[t.lang];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-bench-engine-'));
    try {
      try {
        execSync(`git --git-dir=${JSON.stringify(gitDir)} archive ${t.ref} | tar -x -C ${JSON.stringify(dir)}`, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch {
        console.log(`${t.repo}@${t.ref}: skipped (the fetched copy is incomplete: git archive failed)`);
        continue;
      }
      const files = walk(dir)
        .filter((p) => L.lexer.matches(p) && !skipReason(p, new Set()) && statSync(path.join(dir, p)).size <= 1024 * 1024)
        .map((p) => ({ path: p, text: readFileSync(path.join(dir, p), 'utf8') }))
        .filter((f) => !f.text.slice(0, 8000).includes('\0'));
      const kb = files.reduce((a, f) => a + f.text.length, 0) / 1024;
      const lexer = time(() => files.map((f) => L.lexer.extract(f)), rounds);
      let engineCol;
      if (L.engine) {
        // Each run starts with an empty memo, as one build in a fresh process does (texts repeated
        // within the tree, like one entrypoint per image variant, are parsed once).
        const eng = time(() => (clearReadsMemo(), files).map((f) => (L.engine.quick && !L.engine.quick.test(f.text) ? { reads: [], unresolved: [] } : L.engine.extract(f))), rounds);
        const a = new Set(lexer.result.flatMap(key));
        const b = new Set(eng.result.flatMap(key));
        const only = (x, y) => [...x].filter((k) => !y.has(k)).length;
        const parsed = files.filter((f) => !L.engine.quick || L.engine.quick.test(f.text)).length;
        engineCol = `tree-sitter adapter ${eng.ms.toFixed(1)} ms (${parsed} parsed; ${b.size} reads+unresolved, ${only(b, a)} not in the lexer's, ${only(a, b)} of the lexer's not here)`;
      } else {
        if (!parsers[t.lang]) {
          await TS.Parser.init();
          const lang = await TS.Language.load(readFileSync(path.join(wasmDir(), L.grammar)));
          parsers[t.lang] = new TS.Parser();
          parsers[t.lang].setLanguage(lang);
        }
        const p = parsers[t.lang];
        const parse = time(() => files.map((f) => (p.parse(f.text).delete(), 0)), rounds);
        engineCol = `tree-sitter parse alone ${parse.ms.toFixed(1)} ms (adapter not written yet)`;
      }
      if (L.engine) {
        // What one CLI run pays: a fresh process (V8 compiles WebAssembly lazily, so the first
        // parses of a process run on baseline code), grammar load included.
        const fresh = (mod, name, prepare) => {
          const list = path.join(dir, '.kd-bench-files.json');
          writeFileSync(list, JSON.stringify(files.map((f) => f.path)));
          const code = `const { readFileSync } = await import('node:fs'); const t0 = performance.now(); ${prepare} const m = await import(${JSON.stringify(new URL(mod, import.meta.url).href)}); const files = JSON.parse(readFileSync(${JSON.stringify(list)}, 'utf8')); for (const p of files) m.${name}.extract({ path: p, text: readFileSync(${JSON.stringify(dir)} + '/' + p, 'utf8') }); console.log(performance.now() - t0);`;
          const ms = [];
          for (let i = 0; i < Math.max(3, Math.ceil(rounds / 2)); i++) ms.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).trim()));
          return median(ms);
        };
        const prep = `await (await import(${JSON.stringify(new URL('../lib/contract/engine/grammars.js', import.meta.url).href)})).prepareGrammars(['bash']);`;
        console.log(`  fresh process, all ${files.length} files once: lexer ${fresh('../lib/contract/extractors/shell-lexer.js', 'shellLexerExtractor', '').toFixed(0)} ms; tree-sitter (grammar load included) ${fresh('../lib/contract/extractors/shell.js', 'shellExtractor', prep).toFixed(0)} ms`);
      }
      const rg = hasRg ? time(() => rgOn(dir, files.map((f) => f.path), L.rg), rounds) : undefined;
      console.log(
        `${t.repo}@${t.ref} ${t.lang}: ${files.length} files, ${kb.toFixed(0)} KiB — lexer ${lexer.ms.toFixed(1)} ms; ${engineCol}` +
          (rg ? `; rg ${rg.ms.toFixed(1)} ms (${rg.result} lines); lexer/rg ${(lexer.ms / rg.ms).toFixed(1)}×` : ''),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
