/** Shared set-up of the check tests: a Deployment fixture, a snapshot of files, the context of its first container. */
import { expect } from '@jest/globals';
import { parseManifests } from '../../src/sources/yaml.js';
import { SourceIndex } from '../../src/resolve/sources.js';
import { containersOf, isWorkload } from '../../src/resolve/workloads.js';
import { resolveContainer } from '../../src/resolve/provision.js';
import { CHECKS } from '../../src/checks/index.js';
import type { ContainerContext } from '../../src/checks/types.js';
import type { Snapshot } from '../../src/sources/snapshot.js';
import type { Finding } from '../../src/model.js';

/** A Deployment `web` in `prod` running example.com/web:2.0; `container` is the rest of its container, `docs` follows it. */
export const webDeployment = (container: string, docs = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: web
          image: example.com/web:2.0
${container.replace(/^/gm, '          ')}
${docs}`;

/**
 * A snapshot of the given files (path → YAML text). `strict` fails the test when a fixture does
 * not parse; tests about broken files pass `false` and get the problems in the snapshot.
 */
export function snapshotOf(files: Record<string, string>, opts: { strict?: boolean; keepTexts?: boolean } = {}): Snapshot {
  const parsed = Object.entries(files).map(([f, t]) => parseManifests(f, t));
  const problems = parsed.flatMap((p) => p.problems);
  if (opts.strict !== false) expect(problems).toEqual([]);
  return {
    origin: { type: 'dir', label: 'x', root: '/x' },
    objects: parsed.flatMap((p) => p.objects),
    problems,
    texts: opts.keepTexts === false ? new Map() : new Map(Object.entries(files)),
    skipped: [],
  };
}

/** The check context of the first container of the first workload in `snapshot`, with `extra` (versions, renames) added. */
export function firstContainer(snapshot: Snapshot, extra: Partial<Omit<ContainerContext, 'snapshot' | 'provision'>> = {}): ContainerContext {
  const w = snapshot.objects.find(isWorkload)!;
  return { snapshot, provision: resolveContainer(containersOf(w).containers[0]!, new SourceIndex(snapshot.objects)), renames: [], ...extra };
}

/** Run the container-scope checks (all, or the one with id `only`) on a context. */
export function runContainerChecks(ctx: ContainerContext, only?: string): Finding[] {
  return CHECKS.filter((k) => !only || k.meta.id === only).flatMap((k) => (k.scope === 'container' ? k.run(ctx) : []));
}
