/** The Action's entry point: dist/index.js is this file bundled. */
import { run } from './main.js';
import { installSignalCleanup } from '../cleanup.js';

// A cancelled job sends SIGINT, then SIGTERM: the temp kubeconfig and copies of the repository go first.
installSignalCleanup();

await run();
