import type { Finding } from '../model.js';
import type { ContainerCheck } from './types.js';
import { baseFinding, describeOrigin, namesKeptByRename, runtimeNames, versionLabel } from './util.js';

export const staleKey: ContainerCheck = {
  meta: {
    id: 'stale-key',
    description: 'A key the container gets that the previous version read and the new version no longer reads.',
    defaultSeverity: 'info',
    needs: 'contract',
  },
  scope: 'container',
  run(ctx) {
    if (!ctx.current || !ctx.previous) return [];
    const now = runtimeNames(ctx.current.contract);
    const before = runtimeNames(ctx.previous.contract);
    // Names other env values are built from are still in use.
    const referenced = new Set<string>();
    for (const v of ctx.provision.vars.values()) for (const r of v.refs ?? []) referenced.add(r);
    // One cause, one finding: renamed-key already says to keep the old names of a rename it reports.
    const kept = namesKeptByRename(ctx);
    const out: Finding[] = [];
    for (const v of ctx.provision.vars.values()) {
      if (v.origin === 'image-default' || !before.has(v.name) || now.has(v.name) || referenced.has(v.name) || kept.has(v.name)) continue;
      const replacedBy = ctx.renames.find((r) => r.from.includes(v.name))?.to;
      out.push({
        check: 'stale-key',
        severity: 'info',
        ...baseFinding(ctx),
        key: v.name,
        message: `${v.name} (from ${describeOrigin(v)}) was read by ${versionLabel(ctx.previous)} and is no longer read by ${versionLabel(ctx.current)}${replacedBy ? ` (replaced by ${replacedBy})` : ''}.`,
        locations: [v.from?.location ?? v.location],
        fix: `Keep ${v.name} while ${versionLabel(ctx.previous)} may still run (a rollback needs it); remove it in a later change.`,
      });
    }
    return out;
  },
};
