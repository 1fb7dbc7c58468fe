/** `.keydrift.yaml` against its published JSON Schema: bad keys and types are exit 2 with file:line. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/images/mapping.js';
import { CONFIG_SCHEMA, didYouMean } from '../../src/images/config-schema.js';
import { KeydriftError } from '../../src/errors.js';

// Paths are confined to the roots (src/images/mapping.ts); here the directory around the repo.
const parse = (text: string) => parseConfig(text, '.keydrift.yaml', '/ws/repo', ['/ws']);
function failure(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(KeydriftError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('.keydrift.yaml schema', () => {
  it.each<[string, string, RegExp]>([
    ['apps: instead of sources:', `# mine\napps:\n  ghcr.io/acme/web: ../web\n`, /^\.keydrift\.yaml:2: unknown key 'apps' in the top level \(expected 'sources'\); did you mean 'sources'\?/],
    ['a spelling slip', `sorces:\n  ghcr.io/acme/web: ../web\n`, /^\.keydrift\.yaml:1: unknown key 'sorces'.*did you mean 'sources'\?/],
    ['an unknown key in a source', `sources:\n  ghcr.io/acme/web:\n    path: ../web\n    url: https://x\n`, /^\.keydrift\.yaml:4: unknown key 'url' in sources\.ghcr\.io\/acme\/web \(expected 'path', 'git', 'ref', 'dir'\); did you mean 'git'\?/],
    ['a wrong type', `sources:\n  ghcr.io/acme/web:\n    path: 3\n`, /^\.keydrift\.yaml:3: sources\.ghcr\.io\/acme\/web\.path must be a string \(got a number\)/],
    ['sources as a list', `sources:\n  - ghcr.io/acme/web\n`, /^\.keydrift\.yaml:2: sources must be a mapping \(got a list\)/],
    ['neither path nor git', `sources:\n  ghcr.io/acme/web:\n    ref: "v{tag}"\n`, /^\.keydrift\.yaml:3: sources\.ghcr\.io\/acme\/web needs 'path' or 'git'/],
    ['an unrelated key: no guess', `frobnicate: 1\n`, /unknown key 'frobnicate' in the top level \(expected 'sources'\) \(schema/],
  ])('%s', (_t, text, re) => {
    const m = failure(text);
    expect(m).toMatch(re);
    expect(m.split('\n')).toHaveLength(1);
  });

  it.each([
    ['a path string', `sources:\n  ghcr.io/acme/web: ../web\n`],
    ['a full mapping', `# yaml-language-server: $schema=https://keydrift.dev/schema/keydrift-config.v1.json\nsources:\n  ghcr.io/acme/web:\n    git: https://example.com/web.git\n    ref: ["v{tag}", "{tag}"]\n    dir: services/web\n`],
    ['an empty file', ``],
  ])('accepts %s', (_t, text) => {
    expect(() => parse(text)).not.toThrow();
  });

  it('the published schema file is the one keydrift applies', () => {
    expect(JSON.parse(readFileSync('schema/keydrift-config.v1.json', 'utf8'))).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });

  it('did you mean: aliases and near spellings, nothing for far ones', () => {
    expect(didYouMean('apps', ['sources'])).toBe('sources');
    expect(didYouMean('Source', ['sources'])).toBe('sources');
    expect(didYouMean('pth', ['path', 'git', 'ref', 'dir'])).toBe('path');
    expect(didYouMean('colour', ['path', 'git', 'ref', 'dir'])).toBeUndefined();
  });
});
