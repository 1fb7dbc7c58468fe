import type { Finding } from '../model.js';
import type { ContainerCheck } from './types.js';
import { envPatch, valueFromOldNames } from '../fix/env-patch.js';
import {
  baseFinding,
  containerEnvLocation,
  containerLabel,
  envFromConfigMap,
  evidenceLocation,
  provides,
  runtimeNames,
  versionLabel,
} from './util.js';

export const missingKey: ContainerCheck = {
  meta: {
    id: 'missing-key',
    description: 'A variable the image version requires is not provided to the container.',
    defaultSeverity: 'error',
    needs: 'contract',
  },
  scope: 'container',
  run(ctx) {
    const cur = ctx.current;
    if (!cur) return [];
    const prevNames = ctx.previous ? runtimeNames(ctx.previous.contract) : undefined;
    const out: Finding[] = [];
    for (const e of cur.contract.entries.values()) {
      const isNewOptional = e.kind === 'optional' && prevNames !== undefined && !prevNames.has(e.name);
      if (e.kind !== 'required' && !isNewOptional) continue;
      const has = provides(ctx, e.name);
      if (has === 'yes') continue;
      const reads = e.reads.filter((r) => r.kind === e.kind);
      const where = reads.map((r) => `${r.evidence.file}:${r.evidence.line}`).join(', ');
      const app = versionLabel(cur);
      if (has === 'maybe') {
        const open = [...new Set(ctx.provision.openSources.map((s) => s.reason))].join('; ');
        out.push({
          check: 'missing-key',
          severity: 'info',
          ...baseFinding(ctx),
          key: e.name,
          message: `${app} ${e.kind === 'required' ? 'requires' : 'reads'} ${e.name} (${where}); ${containerLabel(ctx)} does not set it in git, but it may come from a source whose keys git does not tell (${open}).`,
          locations: [containerEnvLocation(ctx), ...reads.map((r) => evidenceLocation(cur, r.evidence))],
        });
        continue;
      }
      const rename = ctx.renames.find((r) => r.to === e.name && r.from.some((f) => ctx.provision.vars.has(f)));
      const oldProvided = rename ? rename.from.filter((f) => ctx.provision.vars.has(f)) : [];
      const cm = envFromConfigMap(ctx);
      const locations = [containerEnvLocation(ctx)];
      if (cm) locations.push(cm.location);
      locations.push(...reads.map((r) => evidenceLocation(cur, r.evidence)));
      let fix: string;
      let patch: string | undefined;
      const built = rename ? valueFromOldNames(e.name, oldProvided) : undefined;
      if (rename && built) {
        fix = `Add ${e.name} to the container's env built from the keys it already gets (value: ${built}), and keep ${oldProvided.join(', ')} until nothing reads them.`;
        patch = envPatch(ctx.snapshot, ctx.provision.container, [{ name: e.name, value: built }]);
      } else if (cm) {
        fix = `Add ${e.name} to ConfigMap ${cm.name} (${cm.location.file}:${cm.location.line}) or to the container's env${e.kind === 'optional' ? ', or confirm the app copes without it' : ''}.`;
      } else {
        fix = `Add ${e.name} to the container's env (${locations[0]!.file}:${locations[0]!.line})${e.kind === 'optional' ? ', or confirm the app copes without it' : ''}.`;
      }
      const consequence =
        e.kind === 'required'
          ? 'the new version will fail to start (CrashLoopBackOff)'
          : 'the app reads it without a default and will see it unset';
      out.push({
        check: 'missing-key',
        severity: e.kind === 'required' ? 'error' : 'warning',
        ...baseFinding(ctx),
        key: e.name,
        message:
          `${app} ${e.kind === 'required' ? 'requires' : 'newly reads'} ${e.name} (${where}), but ${containerLabel(ctx)} does not get it: ${consequence}.` +
          (rename ? ` It replaces ${rename.from.join(', ')}, which the container still gets.` : ''),
        locations,
        fix,
        ...(patch ? { patch } : {}),
        details: { kind: e.kind, confidence: e.confidence },
      });
    }
    return out;
  },
};
