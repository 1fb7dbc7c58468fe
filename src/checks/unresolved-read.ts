import type { Finding } from '../model.js';
import type { ContainerCheck } from './types.js';
import { baseFinding, evidenceLocation, versionLabel } from './util.js';

export const unresolvedRead: ContainerCheck = {
  meta: {
    id: 'unresolved-read',
    description: 'The app reads a variable whose name cannot be known statically; keydrift cannot check it.',
    defaultSeverity: 'info',
    needs: 'contract',
  },
  scope: 'container',
  run(ctx) {
    if (!ctx.current) return [];
    return ctx.current.contract.unresolved.map(
      (u): Finding => ({
        check: 'unresolved-read',
        severity: 'info',
        ...baseFinding(ctx),
        message: `${versionLabel(ctx.current)} reads a variable keydrift cannot name (${u.reason})${u.hint ? `, starting with ${u.hint}` : ''}: it is not checked.`,
        locations: [evidenceLocation(ctx.current, u.evidence)],
        fix: 'Read the variable by a literal name, or declare it in a .env.example or keydrift contract file.',
      }),
    );
  },
};
