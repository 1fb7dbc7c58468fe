import { main } from './main.js';
import { installSignalCleanup } from '../cleanup.js';

// Stopped (Ctrl-C, a CI cancel): kill kubectl/helm and remove materialised repositories first.
installSignalCleanup();

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
  stderrIsTTY: !!process.stderr.isTTY,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
