import { describe, expect, it } from '@jest/globals';
import { invalidYaml } from '../../src/checks/invalid-yaml.js';
import type { Snapshot } from '../../src/sources/snapshot.js';

const snap: Snapshot = {
  origin: { type: 'dir', label: 'x', root: '/x' },
  objects: [],
  problems: [
    { file: 'a.yaml', line: 3, message: 'bad indentation' },
    { file: 'b.yaml', line: 9, message: 'unclosed flow' },
  ],
  texts: new Map(),
  skipped: [],
};

describe('invalid-yaml', () => {
  it('reports every broken file with its line', () => {
    expect(invalidYaml.run({ snapshot: snap }).map((f) => `${f.severity} ${f.locations[0]!.file}:${f.locations[0]!.line}`)).toEqual(['error a.yaml:3', 'error b.yaml:9']);
  });
  it('in PR mode, only files the change touched', () => {
    expect(invalidYaml.run({ snapshot: snap, changedFiles: new Set(['b.yaml']) }).map((f) => f.locations[0]!.file)).toEqual(['b.yaml']);
  });
});
