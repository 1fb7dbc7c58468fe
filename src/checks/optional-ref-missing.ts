import type { ContainerCheck } from './types.js';
import { refFindings } from './dangling-ref.js';

export const optionalRefMissing: ContainerCheck = {
  meta: {
    id: 'optional-ref-missing',
    description: 'An optional reference to a ConfigMap, Secret or key that does not exist: skipped silently.',
    defaultSeverity: 'info',
    needs: 'manifests',
  },
  scope: 'container',
  run: (ctx) => refFindings(ctx, true),
};
