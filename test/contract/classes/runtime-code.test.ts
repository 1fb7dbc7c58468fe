/**
 * Failure class 5: which code the image runs. Tooling directory names (infra/, deploy/, ci/…)
 * beside the app are not the app, but inside a source tree they are one of its packages
 * (lldap's `server/src/infra/cli.rs`); `target/` is build output only beside a build manifest
 * (docker-mailserver ships its scripts from `target/`).
 */
import { describe, expect, it } from '@jest/globals';
import { skipReason } from '../../../src/contract/build.js';

describe('class 5: which code the image runs', () => {
  const rust = new Set(['']); // Cargo.toml at the root
  it.each([
    ['infra/terraform/main.sh', undefined, 'in infra/ (not the shipped app)'],
    ['deploy/entrypoint.sh', undefined, 'in deploy/ (not the shipped app)'],
    ['server/src/infra/cli.rs', undefined, undefined],
    ['internal/deploy/flags.go', undefined, undefined],
    ['src/ci/run.ts', undefined, undefined],
    ['server/src/tests/x.rs', undefined, 'in tests/ (not the shipped app)'],
    ['target/release/build.rs', rust, 'in target/ (build output)'],
    ['target/scripts/startup/check-stack.sh', new Set<string>(), undefined],
    ['target/scripts/startup/check-stack.sh', undefined, 'in target/ (build output)'],
    ['app/target/x.sh', new Set(['app']), 'in target/ (build output)'],
  ])('%s (%p) → %p', (p, roots, why) => {
    expect(skipReason(p, roots as ReadonlySet<string> | undefined)).toBe(why);
  });
});
