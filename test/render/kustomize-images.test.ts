/** Kustomize `images:` (src/render/kustomize/images.ts), each case against every real kubectl available. */
import { describeKustomizeCases, getObj, type KustomizeCase } from '../support/kustomize-cases.js';
import { imageMatches, splitImage } from '../../src/render/kustomize/images.js';

const D = 'sha256:b9ef0479b57a494368a12a02886c650314c9ac7391c6228f21065865aab71c9e';
const pod = (images: string[]) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.map((im, i) => `  - name: c${i}\n    image: ${im}\n`).join('')}`;
const images = (p: any) => p.spec.containers.map((c: any) => c.image);

const CASES: KustomizeCase[] = [
  {
    name: 'newTag and digest together give name:tag@digest',
    files: { 'k/kustomization.yaml': `resources: [p.yaml]\nimages:\n- name: quay.io/org/app\n  newTag: v1\n  digest: ${D}\n`, 'k/p.yaml': pod(['quay.io/org/app:v0']) },
    dir: 'k',
    expect: (o) => expect(images(getObj(o, 'Pod', 'p'))).toEqual([`quay.io/org/app:v1@${D}`]),
  },
  {
    name: 'newTag alone drops a digest, digest alone drops a tag, newName keeps them',
    files: {
      'k/kustomization.yaml': `resources: [p.yaml]\nimages:\n- name: a\n  newTag: "2"\n- name: b\n  digest: ${D}\n- name: localhost:5000/c\n  newName: reg.io/c\n`,
      'k/p.yaml': pod([`a@${D}`, 'b:1', 'localhost:5000/c:3']),
    },
    dir: 'k',
    expect: (o) => expect(images(getObj(o, 'Pod', 'p'))).toEqual(['a:2', `b@${D}`, 'reg.io/c:3']),
  },
  {
    name: 'an image with both a tag and a digest matches its name; a longer name does not',
    files: { 'k/kustomization.yaml': 'resources: [p.yaml]\nimages:\n- name: app\n  newTag: v2\n', 'k/p.yaml': pod([`app:v1@${D}`, 'app', 'apps:1']) },
    dir: 'k',
    expect: (o) => expect(images(getObj(o, 'Pod', 'p'))).toEqual(['app:v2', 'app:v2', 'apps:1']),
  },
  {
    name: 'an empty newTag changes nothing',
    files: { 'k/kustomization.yaml': 'resources: [p.yaml]\nimages:\n- name: app\n  newTag: ""\n', 'k/p.yaml': pod(['app:v1']) },
    dir: 'k',
    expect: (o) => expect(images(getObj(o, 'Pod', 'p'))).toEqual(['app:v1']),
  },
];

describeKustomizeCases(CASES);

test('splitImage follows kustomize image.Split (a registry port is not a tag)', () => {
  expect(splitImage('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', tag: '', digest: '' });
  expect(splitImage('r.io/app:v1@sha256:x')).toEqual({ name: 'r.io/app', tag: 'v1', digest: 'sha256:x' });
  expect(splitImage('app@sha256:x')).toEqual({ name: 'app', tag: '', digest: 'sha256:x' });
  expect(imageMatches('app:v1@sha256:x', 'app')).toBe(true);
  expect(imageMatches('app@sha256:abc', 'app')).toBe(true);
  expect(imageMatches('apps:1', 'app')).toBe(false);
});
