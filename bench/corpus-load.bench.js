// Load and resolve every manifest in ../shared/corpus, against a bare `yaml` parse of the
// same files. Goal (issue 2): keydrift's load + resolve ≤ 1.5× the bare parse.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../lib/sources/yaml.js';
import { SourceIndex } from '../lib/resolve/sources.js';
import { containersOf, isWorkload } from '../lib/resolve/workloads.js';
import { resolveContainer } from '../lib/resolve/provision.js';
import { selectManifestFiles } from '../lib/sources/snapshot.js';

export function corpusDir() {
  for (const c of [process.env.KEYDRIFT_CORPUS, new URL('../../shared/corpus', import.meta.url).pathname]) {
    if (c && existsSync(c)) return c;
  }
  return undefined;
}

function walk(dir, rel = '', out = []) {
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(dir, r, out);
    else if (e.isFile()) out.push(r);
  }
  return out;
}

function time(fn, rounds) {
  fn(); // warm-up
  const t0 = process.hrtime.bigint();
  let r;
  for (let i = 0; i < rounds; i++) r = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6 / rounds, result: r };
}

export default async function () {
  const dir = corpusDir();
  if (!dir) {
    console.log('corpus not found (set KEYDRIFT_CORPUS): skipped');
    return;
  }
  const { files } = selectManifestFiles(walk(dir));
  const texts = files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]);
  const bytes = texts.reduce((n, [, t]) => n + t.length, 0);
  const rounds = 20;

  const bare = time(() => {
    let docs = 0;
    for (const [, t] of texts) for (const d of parseAllDocuments(t, { logLevel: 'error' })) (d.toJS?.() ?? null, docs++);
    return docs;
  }, rounds);

  const ours = time(() => {
    const objects = [];
    let problems = 0;
    for (const [f, t] of texts) {
      const p = parseManifests(f, t);
      objects.push(...p.objects);
      problems += p.problems.length;
    }
    const index = new SourceIndex(objects);
    let containers = 0;
    let vars = 0;
    for (const w of objects) {
      if (!isWorkload(w)) continue;
      for (const c of containersOf(w).containers) {
        const p = resolveContainer(c, index);
        containers++;
        vars += p.vars.size + p.problems.length;
      }
    }
    return { objects: objects.length, problems, containers, vars };
  }, rounds);

  const r = ours.result;
  console.log(`files ${texts.length}, ${(bytes / 1024).toFixed(0)} KiB, objects ${r.objects}, containers ${r.containers}, YAML problems ${r.problems}`);
  console.log(`bare yaml parse      ${bare.ms.toFixed(1)} ms/run  ${((r.objects / bare.ms) * 1000).toFixed(0)} objects/s`);
  console.log(`keydrift load+resolve ${ours.ms.toFixed(1)} ms/run  ${((r.objects / ours.ms) * 1000).toFixed(0)} objects/s`);
  console.log(`ratio ${(ours.ms / bare.ms).toFixed(2)}× (goal ≤ 1.5×), mean of ${rounds} runs after a warm-up`);
}
