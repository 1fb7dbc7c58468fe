/** ImagePullBackOff / ErrImagePull / InvalidImageName: the node cannot get the image. */
import type { Cause, CauseRule, ContainerFacts } from './types.js';
import { plural } from './util.js';

const PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);

export const imagePullRule: CauseRule = {
  meta: { id: 'image-pull', description: 'The image cannot be pulled: a tag that does not exist, a private registry without credentials, a bad reference.' },
  run(_ctx, c: ContainerFacts): Cause[] {
    const waiting = c.statuses.filter((s) => s.waiting && PULL.has(s.waiting.reason));
    const failed = c.events.filter((e) => e.parsed.pullFailure);
    if (!waiting.length && !failed.length) return [];
    const classes = new Set(failed.map((e) => e.parsed.pullFailure));
    const evidence = [
      ...(waiting.length ? [`${plural(waiting.length, 'pod')} waiting with ${[...new Set(waiting.map((s) => s.waiting!.reason))].join(', ')}`] : []),
      ...(failed.length ? [`event ${[...new Set(failed.map((e) => e.reason))].join('/')} ×${failed.reduce((n, e) => n + e.count, 0)}: pulling ${c.image} failed${classes.has('not-found') ? ' — the registry has no such image or tag' : classes.has('unauthorized') ? ' — the registry refused the credentials' : ''}`] : []),
    ];
    const fix = classes.has('not-found')
      ? `Check that ${c.image} exists (the tag was pushed, the name is spelt right) or roll back to a tag that does.`
      : classes.has('unauthorized')
        ? 'Give the pod an imagePullSecret (or the node credentials) that may read this repository.'
        : `Check the image reference ${c.image}, the registry's reachability from the node, and imagePullSecrets.`;
    return [{ id: 'image-pull', score: 95, container: c.name, summary: `Container ${c.name} never starts: the node cannot pull ${c.image}.`, evidence, fix, locations: [c.gitLocation ?? c.location] }];
  },
};
