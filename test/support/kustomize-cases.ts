/**
 * One fixture per Kustomize behaviour: the native build is checked against written-out
 * expectations and, when real kubectls are available (kube-tools.ts), equals each of them.
 */
import { isDeepStrictEqual } from 'node:util';
import { buildNative, plainBodies } from '../render/helpers.js';
import { kubeTools, kustomizeAll } from './kube-tools.js';
import { KustomizeError } from '../../src/render/kustomize/build.js';

export interface KustomizeCase {
  name: string;
  files: Record<string, string>;
  dir: string;
  /** Checks on the native objects (plain bodies). */
  expect?: (objs: any[]) => void;
  /** The native build fails with this message. */
  error?: RegExp;
  /** Behaviour of kustomize from this version on (older ones differ): compared with those kubectls only. */
  since?: string;
}

const ver = (label: string) => (/kustomize v(\d+)\.(\d+)/.exec(label) ?? []).slice(1).map(Number);
const atLeast = (label: string, since: string) => {
  const [a = 0, b = 0] = ver(label);
  const [c = 0, d = 0] = since.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

export const getObj = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const sorted = (xs: any[]) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

/** A describe per case: its native build, and equality with every real kubectl. */
export function describeKustomizeCases(cases: KustomizeCase[]): void {
  const { kubectls: all, why } = kubeTools();
  describe.each(cases)('$name', (c) => {
    const kubectls = c.since ? all.filter((k) => atLeast(k.label, c.since!)) : all;
    test('native build', async () => {
      if (c.error) {
        await expect(buildNative(c.files, c.dir)).rejects.toThrow(KustomizeError);
        await expect(buildNative(c.files, c.dir)).rejects.toThrow(c.error);
        return;
      }
      const { objects, cleanup } = await buildNative(c.files, c.dir);
      try {
        c.expect!(plainBodies(objects));
      } finally {
        cleanup();
      }
    });
    (kubectls.length ? test : test.skip)(`equals ${kubectls.map((k) => k.label).join(', ') || `real kubectl${c.since ? ` with kustomize ≥ v${c.since}` : ''} (skipped: ${all.length ? 'none that new' : why})`}`, async () => {
      const real = kustomizeAll(c.files, c.dir).filter((r) => kubectls.some((k) => k.label === r.label));
      let ours: any[] | undefined;
      try {
        const { objects, cleanup } = await buildNative(c.files, c.dir);
        ours = plainBodies(objects);
        cleanup();
      } catch {
        ours = undefined;
      }
      for (const r of real) {
        if (ours === undefined) expect({ [r.label]: r.error !== undefined }).toEqual({ [r.label]: true });
        else expect({ [r.label]: isDeepStrictEqual(sorted(ours), sorted(r.objects ?? [])) ? 'equal' : { ours: sorted(ours), theirs: r.objects ?? r.error } }).toEqual({ [r.label]: 'equal' });
      }
    });
  });
}
