import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { stringify } from 'yaml';
import { readClusterDump } from '../../src/cluster/dump.js';
import { KeydriftError } from '../../src/errors.js';

const VALUE = 'dump-Xy93Kq-value';

describe('readClusterDump', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'kd-dump-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a List, a typed list without item kinds, multi-document YAML and JSON, from a directory', async () => {
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'all.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'p' }, data: { K: 'v' } }] }));
    writeFileSync(path.join(dir, 'sub/cms.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', items: [{ metadata: { name: 'b', namespace: 'p' }, data: { K: 'w' } }] }));
    writeFileSync(path.join(dir, 'sub/more.yml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: q\ndata:\n  T: ${Buffer.from(VALUE).toString('base64')}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\n`);
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const live = await readClusterDump(dir);
    expect(live.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`).sort()).toEqual(['Application/argocd/app', 'ConfigMap/p/a', 'ConfigMap/p/b', 'Secret/q/s']);
    expect(live.objects.find((o) => o.name === 'b')!.values!.get('K')).toEqual({ type: 'text', value: 'w' });
    const s = live.objects.find((o) => o.kind === 'Secret')!;
    expect(inspect(s, { depth: 10 })).not.toContain(VALUE);
    expect(JSON.stringify([...s.values!])).not.toContain(Buffer.from(VALUE).toString('base64'));
    // --namespace keeps GitOps objects from other namespaces.
    const only = await readClusterDump(dir, { namespaces: ['q'] });
    expect(only.objects.map((o) => o.name).sort()).toEqual(['app', 's']);
  });

  it('a broken file beside good ones is a skip reason that never echoes its text', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), `apiVersion: v1\nkind: Secret\ndata:\n  T: "${VALUE}\n  x: [\n`);
    writeFileSync(path.join(dir, 'good.yaml'), `apiVersion: v1\nkind: List\nitems: []\n`);
    const live = await readClusterDump(dir);
    expect(live.skipped).toHaveLength(1);
    expect(JSON.stringify(live.skipped)).not.toContain(VALUE);
  });

  it('a missing path or an empty directory is a KeydriftError', async () => {
    await expect(readClusterDump(path.join(dir, 'nope'))).rejects.toThrow(KeydriftError);
    await expect(readClusterDump(dir)).rejects.toThrow(/no .yaml, .yml or .json files/);
  });
});
