#!/usr/bin/env node
// The incident of DESIGN.md on real git repos built in a temp folder.
//   npm run example                 keydrift check on the deploy commit, as a PR check would (exit 1)
//   npm run example -- --fixed      the same with the ConfigMap fixed in the deploy commit (exit 0)
//   npm run example -- drift        the second half: keydrift drift against a dump of the live
//                                   cluster, where REDIS_URL was added by kubectl patch
//   npm run example -- explain      keydrift explain on the crash-looping pods (a dump with pods
//                                   and events, before anyone patched): the rename, most likely
// Other arguments (--format json, --fail-on …) go to keydrift. Exits with keydrift's code.
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIncident } from '../lib/example/incident.js';
import { writeIncidentDump } from '../lib/example/incident-live.js';
import { writeIncidentExplainDump } from '../lib/example/incident-explain.js';
import { main } from '../lib/cli/main.js';

const argv = process.argv.slice(2);
const drift = argv[0] === 'drift';
const explain = argv[0] === 'explain';
const fixed = argv.includes('--fixed');
const rest = argv.filter((a, i) => a !== '--fixed' && !((drift || explain) && i === 0));
const root = path.join(os.tmpdir(), `keydrift-example${fixed ? '-fixed' : ''}`);
const repos = await buildIncident(root, { fixed });
let args;
if (explain) {
  const dump = path.join(root, 'cluster-dump-crashloop.yaml');
  await writeIncidentExplainDump(dump);
  args = ['explain', 'Deployment/prod/user-auth', '--cluster-dump', dump, '--repo', repos.gitops, ...rest];
} else if (drift) {
  const dump = path.join(root, 'cluster-dump.yaml');
  await writeIncidentDump(dump);
  args = ['drift', '--repo', repos.gitops, '--ref', 'HEAD', '--cluster-dump', dump, ...rest];
} else {
  args = ['check', '--repo', repos.gitops, '--base', repos.base, '--head', repos.head, ...rest];
}
process.stdout.write(`$ keydrift ${args.join(' ').replaceAll(root, '$EXAMPLE')}   # EXAMPLE=${root}\n\n`);
process.exitCode = await main(args, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  env: process.env,
  cwd: process.cwd(),
});
