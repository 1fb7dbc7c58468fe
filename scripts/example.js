#!/usr/bin/env node
// Builds the incident of DESIGN.md as real git repos in a temp folder and runs
// `keydrift check` on the deploy commit, as a PR check would. Exits with keydrift's code.
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident } from '../lib/example/incident.js';
import { main } from '../lib/cli/main.js';

const fixed = process.argv.includes('--fixed');
const root = path.join(os.tmpdir(), `keydrift-example${fixed ? '-fixed' : ''}`);
const repos = await buildIncident(root, { fixed });
const args = ['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head, ...process.argv.slice(2).filter((a) => a !== '--fixed')];
process.stdout.write(`$ keydrift ${args.join(' ').replaceAll(root, '$EXAMPLE')}   # EXAMPLE=${root}\n\n`);
process.exitCode = await main(args, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  env: process.env,
  cwd: process.cwd(),
});
