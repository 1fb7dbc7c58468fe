import type { Finding } from '../model.js';
import { aliasesOf } from '../contract/document.js';
import type { ContainerCheck, ContainerContext } from './types.js';
import {
  baseFinding,
  containerEnvLocation,
  containerLabel,
  envFromConfigMap,
  evidenceLocation,
  provides,
  reportedRename,
  runtimeNames,
  unsetConsequence,
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
    const groupsDone = new Set<string>();
    for (const e of cur.contract.entries.values()) {
      // "At least one of A, B": reported once, only when none of them is provided.
      if (e.requiredOneOf && e.requiredOneOf.length > 1) {
        const key = e.requiredOneOf.join('|');
        if (groupsDone.has(key)) continue;
        groupsDone.add(key);
        const any = e.requiredOneOf.map((n) => provides(ctx, n, e.match));
        if (any.includes('yes')) continue;
        const reads = e.requiredOneOf.flatMap((n) => cur.contract.entries.get(n)?.reads ?? []);
        out.push({
          check: 'missing-key',
          // A check that may not run at start (inside a function) is not a certain crash.
          severity: any.includes('maybe') ? 'info' : reads.some((r) => r.confidence !== 'high') ? 'warning' : 'error',
          ...baseFinding(ctx),
          key: e.requiredOneOf[0]!,
          message: `${versionLabel(cur)} requires one of ${e.requiredOneOf.join(', ')} (${reads.map((r) => `${r.evidence.file}:${r.evidence.line}`).join(', ')}), but ${containerLabel(ctx)} gets none of them${any.includes('maybe') ? ' in git (a source whose keys git does not tell may provide one)' : ': the new version will fail to start'}.`,
          locations: [containerEnvLocation(ctx), ...reads.map((r) => evidenceLocation(cur, r.evidence))],
          fix: `Add ${e.requiredOneOf[0]} (the preferred name) to the container's env or to a ConfigMap it takes with envFrom.`,
          details: { requiredOneOf: e.requiredOneOf },
        });
        continue;
      }
      // Required only while another setting is on: an error only when the deployment turns
      // that setting on; otherwise nothing (the feature does not run, the check never fails).
      if (e.kind === 'optional' && e.requiredWhen?.length) {
        const on = e.requiredWhen.find((w) => w.names.some((n) => settingOn(ctx, n)));
        if (!on) continue;
        const has = provides(ctx, e.name, e.match);
        if (has === 'yes') continue;
        if (aliasesOf(cur.contract, e.name).some((a) => provides(ctx, a) === 'yes')) continue;
        if (reportedRename(ctx, e.name)) continue;
        const setting = on.names.find((n) => settingOn(ctx, n))!;
        const reads = e.reads.filter((r) => r.requiredWhen);
        const high = reads.some((r) => r.confidence === 'high');
        out.push({
          check: 'missing-key',
          // A source whose keys git does not tell may provide it: not a certain crash.
          severity: has === 'maybe' ? 'info' : high ? 'error' : 'warning',
          ...baseFinding(ctx),
          key: e.name,
          message: `${versionLabel(cur)} requires ${e.name} when ${setting} is set (${on.evidence.file}:${on.evidence.line}), and ${containerLabel(ctx)} sets ${setting} but not ${e.name}: ${high ? 'the new version will fail to start (CrashLoopBackOff)' : 'it may fail when that feature runs'}.`,
          locations: [containerEnvLocation(ctx), ...reads.map((r) => evidenceLocation(cur, r.evidence)), evidenceLocation(cur, on.evidence)],
          fix: `Add ${e.name} to the container's env, or unset ${setting} if the feature is not wanted.`,
          details: { kind: 'required', confidence: high ? 'high' : 'medium', requiredWhen: on.names },
        });
        continue;
      }
      const isNewOptional = e.kind === 'optional' && e.confidence !== 'low' && prevNames !== undefined && !prevNames.has(e.name);
      if (e.kind !== 'required' && !isNewOptional) continue;
      const has = provides(ctx, e.name, e.match);
      if (has === 'yes') continue;
      // One cause, one finding: a rename from names the container still gets is renamed-key's.
      if (reportedRename(ctx, e.name)) continue;
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
      const cm = envFromConfigMap(ctx);
      const locations = [containerEnvLocation(ctx)];
      if (cm) locations.push(cm.location);
      locations.push(...reads.map((r) => evidenceLocation(cur, r.evidence)));
      let fix: string;
      if (cm) {
        fix = `Add ${e.name} to ConfigMap ${cm.name} (${cm.location.file}:${cm.location.line}) or to the container's env${e.kind === 'optional' ? ', or confirm the app copes without it' : ''}.`;
      } else {
        fix = `Add ${e.name} to the container's env (${locations[0]!.file}:${locations[0]!.line})${e.kind === 'optional' ? ', or confirm the app copes without it' : ''}.`;
      }
      const { severity, consequence } = unsetConsequence(e);
      out.push({
        check: 'missing-key',
        severity,
        ...baseFinding(ctx),
        key: e.name,
        message: `${app} ${e.kind === 'required' ? 'requires' : 'newly reads'} ${e.name} (${where}), but ${containerLabel(ctx)} does not get it: ${consequence}.`,
        locations,
        fix,
        details: { kind: e.kind, confidence: e.confidence },
      });
    }
    return out;
  },
};

/**
 * Is a setting turned on in this container: provided with a value that is not off. A value
 * git does not show (a Secret, a computed value) counts as on; `''`, `false`, `0`, `no`,
 * `off` as off.
 */
function settingOn(ctx: ContainerContext, name: string): boolean {
  const v = ctx.provision.vars.get(name);
  if (!v) return false;
  if (v.secret || v.value === undefined) return true;
  return !/^(?:|false|0|no|off|n|f)$/i.test(v.value.trim());
}
