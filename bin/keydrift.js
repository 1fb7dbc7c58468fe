#!/usr/bin/env node
// Node's on-disk compile cache (as tsc's own bin does) makes a second start faster; it holds
// compiled code only. Then the CLI, whose commands load their modules when they run.
import module from 'node:module';
module.enableCompileCache?.();
await import('../lib/cli/index.js');
