/**
 * Failure class 6: renames inside one hunk, paired by shape and position; unrelated names that
 * share a product prefix never pair. Fixtures patterned on clap `env =` attributes in one
 * struct (miniserve, lldap) and on Node config modules.
 */
import { describe, expect, it } from '@jest/globals';
import { renameShape } from '../../../src/contract/compare.js';
import { compareVersions } from './compare-helpers.js';

describe('renameShape', () => {
  it.each([
    ['OVERWRITE_FILES', 'MINISERVE_OVERWRITE_FILES', true], // prefix insertion
    ['REDIS_HOST', 'APP_REDIS_HOST', true],
    ['API_KEY', 'API_KEYS', true], // pluralisation
    ['REDIS_HOST', 'REDIS_URL', true], // merge into a connection string
    ['APP_CONFIG_SERVICE_EXCLUSIVE', 'APP_CONFIG_EXTENSION_EXCLUSIVE', true],
    ['DB_HOST', 'DB_NAME', false], // an address is not a name
    ['SMTP_PORT', 'SMTP_PASSWORD', false],
    ['APP_HOST', 'APP_SECRET', false],
  ])('%s → %s pairs: %s', (from, to, pairs) => {
    expect(renameShape(from, to) > 0).toBe(pairs);
  });

  it('prefers the name of the same setting among several in a hunk', () => {
    const from = 'APP_CONFIG_SERVICE_EXCLUSIVE';
    const cands = ['APP_CONFIG_EXTENSION_EXCLUSIVE', 'APP_CONFIG_EXTENSION_NETRC', 'APP_REGISTRY_EXTENSION_ENDPOINT'];
    const best = [...cands].sort((a, b) => renameShape(from, b) - renameShape(from, a))[0];
    expect(best).toBe('APP_CONFIG_EXTENSION_EXCLUSIVE');
  });
});

const rs = (attrs: string[]) =>
  ['use clap::Parser;', '', '#[derive(Parser)]', 'pub struct Opts {', ...attrs.flatMap((a, i) => [`    #[arg(long, env = "${a}")]`, `    pub f${i}: Option<String>,`]), '}', ''].join('\n');
const js = (names: string[]) => names.map((n, i) => `export const v${i} = process.env.${n};`).join('\n') + '\n';

const table: { title: string; old: Record<string, string>; next: Record<string, string>; renames: string[] }[] = [
  {
    title: 'clap: one name gains the product prefix among unchanged ones',
    old: { 'src/args.rs': rs(['MINISERVE_PORT', 'OVERWRITE_FILES', 'MINISERVE_VERBOSE']) },
    next: { 'src/args.rs': rs(['MINISERVE_PORT', 'MINISERVE_OVERWRITE_FILES', 'MINISERVE_VERBOSE']) },
    renames: ['OVERWRITE_FILES→MINISERVE_OVERWRITE_FILES'],
  },
  {
    title: 'two renames in one hunk pair by shape, not by order',
    old: { 'src/config.ts': js(['APP_CACHE_DIR', 'APP_API_KEY']) },
    next: { 'src/config.ts': js(['APP_API_KEYS', 'APP_DATA_CACHE_DIR']) },
    renames: ['APP_API_KEY→APP_API_KEYS', 'APP_CACHE_DIR→APP_DATA_CACHE_DIR'],
  },
  {
    title: 'HOST and PORT replaced by an unrelated …_NAME: no rename',
    old: { 'src/db.ts': js(['DB_HOST']) },
    next: { 'src/db.ts': js(['DB_NAME']) },
    renames: [],
  },
  {
    title: 'HOST + PORT → URL in one hunk: one rename of both',
    old: { 'src/redis.ts': js(['REDIS_HOST', 'REDIS_PORT']) },
    next: { 'src/redis.ts': js(['REDIS_URL']) },
    renames: ['REDIS_HOST+REDIS_PORT→REDIS_URL'],
  },
];

describe('class 6: renames inside one hunk', () => {
  it.each(table)('$title', async ({ old, next, renames }) => {
    const r = await compareVersions(old, next);
    expect(r.renames.map((x) => `${x.from.join('+')}→${x.to}`).sort()).toEqual(renames);
  });
});
