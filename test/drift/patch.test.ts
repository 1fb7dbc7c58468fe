import { configMapEdit, configMapPatch, patchOf, yamlScalar } from '../../src/drift/patch.js';
import { snapshotOf } from './helpers.js';

const cm = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n${body}`;

function one(text: string, key: string, value: string, mode: 'add' | 'change') {
  const snap = snapshotOf({ 'c.yaml': text });
  return configMapPatch(snap, snap.objects[0]!, key, value, mode)?.patch;
}

describe('configMap patches', () => {
  it('adds after the last key, even a block scalar', () => {
    const p = one(cm('data:\n  A: "1"\n  B: |\n    line1\n    line2\n'), 'C', 'x', 'add');
    expect(p).toContain('     line2\n+  C: x\n');
  });
  it('a file without a final newline', () => {
    const p = one(cm('data:\n  A: "1"'), 'C', 'x', 'add');
    expect(p).toContain('+  A: "1"\n+  C: x\n');
    expect(p).toContain('\\ No newline at end of file');
  });
  it('no data map yet', () => {
    expect(one(cm('  namespace: p\n'), 'C', 'x', 'add')).toContain('+data:\n+  C: x\n');
  });
  it('quotes values YAML would read as something else', () => {
    expect(yamlScalar('true')).toBe('"true"');
    expect(yamlScalar('6379')).toBe('"6379"');
    expect(yamlScalar('redis://h:6379/0')).toBe('redis://h:6379/0');
    expect(yamlScalar('a: b')).toBe('"a: b"');
    expect(yamlScalar('#x')).toBe('"#x"');
    expect(one(cm('data:\n  A: "1"\n'), 'C', 'multi\nline', 'add')).toContain('+  C: "multi\\nline"\n');
  });
  it('changes a value in place, a block scalar too', () => {
    expect(one(cm('data:\n  A: "1"\n  B: x\n'), 'A', '2', 'change')).toContain('-  A: "1"\n+  A: "2"\n');
    expect(one(cm('data:\n  B: |\n    old\n  C: y\n'), 'B', 'new', 'change')).toContain('-  B: |\n-    old\n+  B: new\n   C: y');
  });
  it('flow-style data has no safe textual edit', () => {
    expect(one(cm('data: {A: "1"}\n'), 'C', 'x', 'add')).toBeUndefined();
  });
  it('several changes of one object in one patch', () => {
    const text = cm('data:\n  A: "1"\n  B: x\n');
    const snap = snapshotOf({ 'c.yaml': text });
    const o = snap.objects[0]!;
    const p = patchOf(snap, [configMapEdit(snap, o, 'A', '2', 'change')!, configMapEdit(snap, o, 'C', 'c', 'add')!, configMapEdit(snap, o, 'D', 'd', 'add')!]);
    expect(p).toContain('-  A: "1"\n+  A: "2"\n   B: x\n+  C: c\n+  D: d\n');
  });
});
