import { describe, expect, it } from '@jest/globals';
import { canonicalRepository, parseImageRef } from '../../src/images/ref.js';
import { findMapping, parseConfig, parseSourceArg } from '../../src/images/mapping.js';

describe('parseImageRef', () => {
  it.each([
    ['redis', { registry: 'docker.io', path: 'library/redis', repository: 'redis' }],
    ['redis:7.2', { registry: 'docker.io', path: 'library/redis', tag: '7.2' }],
    ['bitnami/redis:7', { registry: 'docker.io', path: 'bitnami/redis', tag: '7' }],
    ['ghcr.io/acme/user-auth:3.14.0', { registry: 'ghcr.io', path: 'acme/user-auth', repository: 'ghcr.io/acme/user-auth', tag: '3.14.0' }],
    ['localhost:5000/app:v1', { registry: 'localhost:5000', path: 'app', tag: 'v1' }],
    ['127.0.0.1:5000/team/app@sha256:' + 'a'.repeat(64), { registry: '127.0.0.1:5000', path: 'team/app', digest: 'sha256:' + 'a'.repeat(64) }],
  ])('%s', (raw, expected) => {
    expect(parseImageRef(raw)).toMatchObject(expected);
  });

  it.each([[''], ['UPPER/case:1'], ['a b'], ['app:'], ['app@sha256:'], ['app:bad/tag']])('rejects %j', (raw) => {
    expect(parseImageRef(raw)).toBeUndefined();
  });

  it('compares repositories canonically', () => {
    expect(canonicalRepository('redis')).toBe(canonicalRepository('docker.io/library/redis'));
  });
});

describe('.keydrift.yaml and --source', () => {
  it('maps an image to a path relative to the GitOps repo, with ref templates', () => {
    const c = parseConfig('sources:\n  ghcr.io/acme/a:\n    path: ../a\n    ref: "release-{tag}"\n  ghcr.io/acme/b: https://example.invalid/b.git\n', '.keydrift.yaml', '/repos/gitops');
    expect(c.sources).toEqual([
      expect.objectContaining({ image: 'ghcr.io/acme/a', location: '/repos/a', isUrl: false, refTemplates: ['release-{tag}'] }),
      expect.objectContaining({ image: 'ghcr.io/acme/b', location: 'https://example.invalid/b.git', isUrl: true, refTemplates: ['v{tag}', '{tag}'] }),
    ]);
    expect(findMapping(c.sources, parseImageRef('ghcr.io/acme/b:1.0')!)?.image).toBe('ghcr.io/acme/b');
    expect(findMapping(c.sources, parseImageRef('ghcr.io/acme/c:1.0')!)).toBeUndefined();
  });

  it.each([
    ['sources: [', /\.keydrift\.yaml:\d+: invalid YAML/],
    ['sources:\n  ghcr.io/acme/a: {}\n', /sources\.ghcr\.io\/acme\/a needs 'path' or 'git'/],
    ['sources:\n  "Not An Image": ../a\n', /is not an image repository/],
    ['- a\n', /the top level must be a mapping/],
  ])('rejects %j with one clear line', (text, msg) => {
    expect(() => parseConfig(text, '.keydrift.yaml', '/r')).toThrow(msg);
  });

  it('--source takes IMAGE_REPO=PATH_OR_URL, without a tag', () => {
    expect(parseSourceArg('ghcr.io/acme/a=../a', '/work/gitops')).toMatchObject({ location: '/work/a', isUrl: false });
    expect(parseSourceArg('ghcr.io/acme/a=file:///srv/a.git', '/w')).toMatchObject({ location: 'file:///srv/a.git', isUrl: true });
    expect(() => parseSourceArg('ghcr.io/acme/a:1.0=../a', '/w')).toThrow(/no tag or digest/);
  });
});
