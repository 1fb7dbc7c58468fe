// Contract build over a large generated multi-language tree, against ripgrep searching the
// same tree for the same read patterns. Goal (issue 3): keydrift ≤ 2× rg.
// KEYDRIFT_BENCH_FILES sets the tree size (default 4000 files); KEYDRIFT_BENCH_ROUNDS the runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildContract } from '../lib/contract/build.js';
import { EXTRACTORS } from '../lib/contract/extractors/index.js';
import { DirTree } from '../lib/sources/tree.js';

/** The read patterns keydrift recognises, as ripgrep regexes. */
export const RG_PATTERNS = [
  String.raw`process\.env`,
  String.raw`import\.meta\.env`,
  String.raw`Deno\.env\.get`,
  String.raw`Bun\.env`,
  String.raw`os\.environ`,
  String.raw`os\.getenv`,
  String.raw`os\.Getenv`,
  String.raw`os\.LookupEnv`,
  String.raw`ENV\[`,
  String.raw`ENV\.fetch`,
  String.raw`System\.getenv`,
  String.raw`env::var`,
  String.raw`getenv\(`,
  String.raw`\$_ENV`,
  String.raw`\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?=+])?`,
  String.raw`^\s*ENV\s`,
];

// A small deterministic PRNG, so that every run scans the same tree.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

const STEMS = ['DATABASE', 'REDIS', 'KAFKA', 'S3', 'SMTP', 'OAUTH', 'STRIPE', 'SENTRY', 'OTEL', 'FEATURE', 'CACHE', 'QUEUE'];
const SUFFIXES = ['URL', 'HOST', 'PORT', 'TIMEOUT_MS', 'ENABLED', 'TOKEN', 'REGION', 'POOL_SIZE', 'LEVEL'];

function name(r) {
  return `${STEMS[Math.floor(r() * STEMS.length)]}_${SUFFIXES[Math.floor(r() * SUFFIXES.length)]}`;
}

/** Per language: file extension, a filler line maker, and read makers. */
const LANGS = {
  js: {
    ext: 'js',
    head: "import { createServer } from 'node:http';\nimport { compute } from './util.js';\n",
    filler: (i) => [
      `export function handler${i}(req, res) {`,
      `  const items = (req.body?.items ?? []).map((x) => compute(x, ${i}));`,
      `  // sum the weights of the items and answer with them`,
      `  const total = items.reduce((a, b) => a + b.weight * ${i % 7}, 0);`,
      `  res.end(JSON.stringify({ total, at: Date.now(), id: 'h${i}' }));`,
      `}`,
    ],
    reads: [(n) => `const v_${n} = process.env.${n};`, (n) => `const d_${n} = process.env.${n} ?? 'default-${n.toLowerCase()}';`, (n) => `const { ${n} } = process.env;`],
  },
  ts: {
    ext: 'ts',
    head: "import type { Request, Response } from 'express';\n\ninterface Item { weight: number; name: string }\n",
    filler: (i) => [
      `export async function route${i}(req: Request, res: Response): Promise<void> {`,
      `  const items: Item[] = (req.body as { items?: Item[] }).items ?? [];`,
      `  const names = items.filter((it) => it.weight > ${i % 5}).map((it) => it.name.toUpperCase());`,
      `  /* keep the answer small */`,
      `  res.json({ names: names.slice(0, ${10 + (i % 10)}) });`,
      `}`,
    ],
    reads: [(n) => `const t_${n}: string | undefined = process.env.${n};`, (n) => `const n_${n} = Number(process.env.${n} || '${n.length}');`, (n) => `const m_${n} = import.meta.env.VITE_${n};`],
  },
  py: {
    ext: 'py',
    head: 'import os\nimport json\nfrom dataclasses import dataclass\n',
    filler: (i) => [
      `def handler_${i}(event, context):`,
      `    items = [x for x in event.get("items", []) if x.get("weight", 0) > ${i % 5}]`,
      `    # sum the weights and answer`,
      `    total = sum(x["weight"] * ${i % 7} for x in items)`,
      `    return json.dumps({"total": total, "id": "h${i}"})`,
      ``,
    ],
    reads: [(n) => `V_${n} = os.environ["${n}"]`, (n) => `D_${n} = os.getenv("${n}", "default")`, (n) => `G_${n} = os.environ.get("${n}")`],
  },
  go: {
    ext: 'go',
    head: 'package svc\n\nimport (\n\t"encoding/json"\n\t"os"\n)\n',
    filler: (i) => [
      `func Handler${i}(items []Item) ([]byte, error) {`,
      `\ttotal := 0`,
      `\tfor _, it := range items { if it.Weight > ${i % 5} { total += it.Weight * ${i % 7} } }`,
      `\t// answer with the total`,
      `\treturn json.Marshal(map[string]int{"total": total, "id": ${i}})`,
      `}`,
    ],
    reads: [(n) => `var v${n.replace(/_/g, '')} = os.Getenv("${n}")`, (n) => `func look${n.replace(/_/g, '')}() (string, bool) { return os.LookupEnv("${n}") }`],
  },
  sh: {
    ext: 'sh',
    head: '#!/bin/sh\nset -eu\n',
    filler: (i) => [`log_${i}() {`, `  printf '%s step ${i}\\n' "$(date +%s)" >&2`, `}`, `for f in /etc/app/*.conf; do log_${i} "$f"; done`, ``],
    reads: [(n) => `: "\${${n}:?${n} is required}"`, (n) => `echo "using \${${n}:-none}"`],
  },
  rb: {
    ext: 'rb',
    head: "require 'json'\n\nmodule Svc\n",
    filler: (i) => [`  def self.handler_${i}(items)`, `    total = items.select { |x| x[:weight] > ${i % 5} }.sum { |x| x[:weight] * ${i % 7} }`, `    # answer`, `    JSON.dump(total: total, id: 'h${i}')`, `  end`],
    reads: [(n) => `  V_${n} = ENV.fetch("${n}")`, (n) => `  D_${n} = ENV["${n}"] || "default"`],
  },
  java: {
    ext: 'java',
    head: 'package com.acme.svc;\n\nimport java.util.List;\n\npublic class Handlers {\n',
    filler: (i) => [`  public static int handler${i}(List<Integer> items) {`, `    int total = 0;`, `    for (int x : items) { if (x > ${i % 5}) total += x * ${i % 7}; }`, `    return total; // answer`, `  }`],
    reads: [(n) => `  static final String V_${n} = System.getenv("${n}");`],
  },
  rs: {
    ext: 'rs',
    head: 'use std::env;\n\n',
    filler: (i) => [`pub fn handler_${i}(items: &[u32]) -> u32 {`, `    items.iter().filter(|x| **x > ${i % 5}).map(|x| x * ${i % 7}).sum()`, `}`, `// answer`],
    reads: [(n) => `pub fn v_${n.toLowerCase()}() -> String { env::var("${n}").unwrap() }`, (n) => `pub fn o_${n.toLowerCase()}() -> Option<String> { env::var("${n}").ok() }`],
  },
  php: {
    ext: 'php',
    head: '<?php\n\nnamespace Acme\\Svc;\n\n',
    filler: (i) => [`function handler_${i}(array $items): int {`, `    $total = 0;`, `    foreach ($items as $x) { if ($x > ${i % 5}) { $total += $x * ${i % 7}; } }`, `    return $total; // answer`, `}`],
    reads: [(n) => `$v_${n} = getenv('${n}');`, (n) => `$e_${n} = $_ENV['${n}'] ?? 'd';`],
  },
};

// Share of files per language, roughly what a polyglot platform repository looks like.
const MIX = [['ts', 26], ['js', 16], ['py', 18], ['go', 16], ['sh', 5], ['rb', 6], ['java', 6], ['rs', 4], ['php', 3]];

/** Write the tree; returns { dir, files, bytes }. */
export function generateTree(nFiles, seed = 42) {
  const r = rng(seed);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keydrift-scan-'));
  const total = MIX.reduce((a, [, w]) => a + w, 0);
  let files = 0;
  let bytes = 0;
  const put = (rel, text) => {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    files++;
    bytes += text.length;
  };
  let k = 0;
  for (const [lang, w] of MIX) {
    const L = LANGS[lang];
    const count = Math.round((nFiles * 0.95 * w) / total);
    for (let i = 0; i < count; i++, k++) {
      const lines = [L.head];
      const blocks = 12 + Math.floor(r() * 16); // ~60–170 lines per file
      // As in real code, reads gather in config modules (1 file in 6); elsewhere they are rare.
      const readChance = r() < 1 / 6 ? 0.5 : 0.02;
      for (let b = 0; b < blocks; b++) {
        lines.push(...L.filler(k * 100 + b));
        if (r() < readChance) lines.push(L.reads[Math.floor(r() * L.reads.length)](name(r)));
      }
      if (lang === 'rb') lines.push('end');
      if (lang === 'java') lines.push('}');
      put(`services/svc${String(k % 40).padStart(2, '0')}/src/${lang}/mod${i}.${L.ext}`, lines.join('\n') + '\n');
    }
  }
  // Non-code files both tools walk over: docs, JSON and YAML config, Dockerfiles.
  for (let i = 0; files < nFiles; i++) {
    const svc = `services/svc${String(i % 40).padStart(2, '0')}`;
    if (i < 40) put(`${svc}/Dockerfile`, `FROM node:22-alpine\nENV NODE_ENV=production PORT=8080\nENV ${name(r)}=x\nCOPY . /app\nCMD ["node", "/app/index.js"]\n`);
    else if (i % 3 === 0) put(`${svc}/config/app${i}.json`, JSON.stringify({ name: `svc${i}`, replicas: i % 5, features: Array.from({ length: 20 }, (_, j) => `f${j}`) }, null, 2) + '\n');
    else if (i % 3 === 1) put(`${svc}/README${i}.md`, `# Service ${i}\n\n` + 'Runs the thing. Configure it with environment variables documented below.\n'.repeat(20));
    else put(`${svc}/deploy/values${i}.yaml`, `replicas: ${i % 5}\nimage: acme/svc${i}:1.0.${i}\nresources:\n  limits:\n    cpu: 500m\n`.repeat(5));
  }
  return { dir, files, bytes };
}

async function time(fn, rounds) {
  await fn(); // warm-up (page cache, JIT)
  const ms = [];
  let result;
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    result = await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)], result }; // median
}

function rgAvailable() {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

function runRg(dir, threads) {
  const args = ['--no-heading', '--line-number', '--no-messages', '--no-config', ...(threads ? ['-j', String(threads)] : []), ...RG_PATTERNS.flatMap((p) => ['-e', p]), dir];
  const r = spawnSync('rg', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed: ${r.stderr}`);
  return r.stdout.length ? r.stdout.split('\n').length - 1 : 0;
}

export default async function () {
  const n = Number(process.env.KEYDRIFT_BENCH_FILES ?? 4000);
  const rounds = Number(process.env.KEYDRIFT_BENCH_ROUNDS ?? 5);
  const { dir, files, bytes } = generateTree(n);
  try {
    const tree = await DirTree.open(dir);
    const ours = await time(() => buildContract(tree, { label: 'bench', location: dir }), rounds);
    const c = ours.result;
    const s = ours.ms / 1000;
    console.log(`tree: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB (TS/JS/Python/Go/shell/Ruby/Java/Rust/PHP, JSON/YAML/Markdown, Dockerfiles)`);
    console.log(
      `keydrift buildContract ${ours.ms.toFixed(0)} ms/run  ${(files / s).toFixed(0)} files/s (${(c.filesScanned / s).toFixed(0)} scanned files/s; ${c.filesScanned} scanned, ${c.entries.size} names, ${c.unresolved.length} unresolved)`,
    );
    // Where keydrift's time goes: reading, and each extractor over the files it is given
    // (after its cheap `quick` text test, as buildContract does; one warm pass, approximate).
    const paths = await tree.list();
    let t0 = process.hrtime.bigint();
    const texts = await tree.readMany(paths);
    const readMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const per = new Map();
    for (const [p, text] of texts) {
      for (const ex of EXTRACTORS) {
        if (!ex.matches(p)) continue;
        const e = per.get(ex.id) ?? { ms: 0, files: 0, skipped: 0 };
        per.set(ex.id, e);
        t0 = process.hrtime.bigint();
        if (ex.quick && !ex.quick.test(text)) {
          e.skipped++;
        } else {
          ex.extract({ path: p, text });
          e.files++;
        }
        e.ms += Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }
    const parts = [...per]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([id, e]) => `${id} ${e.ms.toFixed(0)} ms/${e.files} files${e.skipped ? ` (+${e.skipped} passed over by its quick test)` : ''}`);
    console.log(`  breakdown: read ${readMs.toFixed(0)} ms; ${parts.join('; ')}`);
    const rgv = rgAvailable();
    if (!rgv) {
      console.log('rg comparison skipped: ripgrep (rg) not installed (Debian package ripgrep; scripts/setup.sh installs it)');
      return;
    }
    const rgAll = await time(() => runRg(dir), rounds);
    const rg1 = await time(() => runRg(dir, 1), rounds);
    console.log(`${rgv}, ${RG_PATTERNS.length} patterns: ${rgAll.result} matching lines`);
    console.log(`rg (default threads)  ${rgAll.ms.toFixed(0)} ms/run  ${(files / (rgAll.ms / 1000)).toFixed(0)} files/s`);
    console.log(`rg -j1                ${rg1.ms.toFixed(0)} ms/run  ${(files / (rg1.ms / 1000)).toFixed(0)} files/s`);
    console.log(
      `ratio keydrift/rg ${(ours.ms / rgAll.ms).toFixed(1)}× (rg -j1: ${(ours.ms / rg1.ms).toFixed(1)}×); goal ≤ 2×; median of ${rounds} runs after a warm-up, ${os.cpus().length} CPUs`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
