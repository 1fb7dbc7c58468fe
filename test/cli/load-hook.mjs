// Preloaded with `node --import`: records every module the process resolves and writes the
// list to KD_LOADED_OUT when it exits (test/cli/startup.test.ts).
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    seen.add(r.url);
    return r;
  },
});
process.on('exit', () => writeFileSync(process.env.KD_LOADED_OUT, [...seen].join('\n')));
