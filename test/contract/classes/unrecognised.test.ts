/**
 * Class 7 (no silent drops): a runtime file that plainly touches the environment but gave no
 * extractor anything is listed as one unresolved read at the first such line, never an empty
 * contract that looks complete. Writes, mentions in comments and strings, Vite's built-ins and
 * build tooling are not reads and are not netted. Fixtures are our own.
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf } from './contract-of.js';

const NET = /recognised no read in it/;

describe('a file that reads the environment in a way keydrift does not understand', () => {
  it.each<[string, string, string, number]>([
    ['Python: os.getenv handed to map()', 'app/config.py', 'import os\nNAMES = ["A", "B"]\nVALUES = list(map(os.getenv, NAMES))\n', 3],
    ['Go: os.Getenv bound to a variable', 'main.go', 'package main\n\nimport "os"\n\nvar get = os.Getenv\n\nfunc main() { _ = get("A") }\n', 5],
    ['Java: System::getenv as a method reference', 'src/main/java/App.java', 'class App {\n  java.util.function.Function<String, String> env = System::getenv;\n}\n', 2],
  ])('%s: one unresolved read at that line', async (_t, file, text, line) => {
    const c = await contractOf({ [file]: text });
    const net = c.unresolved.filter((u) => NET.test(u.reason));
    expect(net.map((u) => `${u.evidence.file}:${u.evidence.line}`)).toEqual([`${file}:${line}`]);
  });

  it.each<[string, Record<string, string>]>([
    ['a file with a read keydrift names', { 'app.py': 'import os\nA = os.getenv("A")\nB = list(map(os.getenv, ["B"]))\n' }],
    ['only a comment mentions it', { 'app.py': '# settings come from os.environ in deploy.py\nX = 1\n' }],
    ['only a string mentions it', { 'src/lint.ts': 'export const MESSAGE = "read process.env through the env module";\n' }],
    ['it only sets or deletes variables', { 'script/boot.rb': 'ENV["QUIET"] = "true"\n', 'src/t.ts': 'delete process.env.SSL_CERT_FILE;\n' }],
    ['build tooling', { 'vite.config.ts': 'export default { define: { x: Object.keys(process.env) } };\n' }],
    ["Vite's built-in import.meta.env.DEV", { 'src/App.tsx': 'export const base = import.meta.env.DEV ? "/" : "/app";\n' }],
  ])('%s: not netted', async (_t, files) => {
    const c = await contractOf(files);
    expect(c.unresolved.filter((u) => NET.test(u.reason))).toEqual([]);
  });
});
