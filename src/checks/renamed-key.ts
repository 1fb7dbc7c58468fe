import type { Finding, Location, Severity } from '../model.js';
import { SEVERITY_RANK } from '../model.js';
import type { ContainerCheck } from './types.js';
import { envPatch, valueFromOldNames } from '../fix/env-patch.js';
import { baseFinding, containerEnvLocation, containerLabel, describeOrigin, evidenceLocation, reportedRename, unsetConsequence, versionLabel } from './util.js';

/**
 * One cause, one finding: when the renamed name is one the new version needs (required, or
 * newly read without a default), this finding also says what its absence does — missing-key
 * stays silent about it (see reportedRename) — and its severity is the stronger of the two.
 */
export const renamedKey: ContainerCheck = {
  meta: {
    id: 'renamed-key',
    description: 'The new image version reads a key under a new name; the container still gets only the old one.',
    defaultSeverity: 'error',
    needs: 'contract',
  },
  scope: 'container',
  run(ctx) {
    if (!ctx.current || !ctx.previous) return [];
    const out: Finding[] = [];
    for (const r0 of ctx.renames) {
      const rep = reportedRename(ctx, r0.to);
      if (!rep) continue;
      const { rename: r, old, imageDefaultOnly } = rep;
      const origins = [...new Set(old.map((f) => describeOrigin(ctx.provision.vars.get(f)!)))].join(', ');
      const gitLocs: Location[] = [containerEnvLocation(ctx)];
      for (const f of old) {
        const v = ctx.provision.vars.get(f)!;
        const l = v.from?.location ?? v.location;
        if (!gitLocs.some((g) => g.file === l.file && g.line === l.line)) gitLocs.push({ ...l, note: `${f}: ${describeOrigin(v)}` });
      }
      // Each read is labelled with the ref where that line says what is quoted: the old
      // version's reads at the old tag, the new version's at the new tag.
      const evidence = r.evidence.map((e, i) => evidenceLocation(i < r.oldEvidence ? ctx.previous : ctx.current, e));

      const entry = ctx.current.contract.entries.get(r.to);
      const prevNames = ctx.previous.contract.entries;
      const needed = entry && (entry.kind === 'required' || (entry.kind === 'optional' && entry.confidence !== 'low' && !prevNames.has(r.to)));
      const unset = needed && !imageDefaultOnly ? unsetConsequence(entry) : undefined;
      const renameSeverity: Severity = r.confidence === 'low' ? 'warning' : 'error';
      // While the new version still reads the old name as a fallback, the rename works: info.
      const severity: Severity = r.honoured ? 'info' : unset && SEVERITY_RANK[unset.severity] > SEVERITY_RANK[renameSeverity] ? unset.severity : renameSeverity;

      const newDefault = entry?.reads.find((x) => x.default !== undefined)?.default;
      const provided = new Map([...ctx.provision.vars].map(([n, v]) => [n, { secret: v.secret, ...(v.value !== undefined && !v.secret ? { value: v.value } : {}) }]));
      const built = valueFromOldNames(r.to, old, {
        provided,
        ...(newDefault !== undefined ? { newDefault } : {}),
        ...(ctx.current.drivers ? { drivers: ctx.current.drivers } : {}),
      });
      // A value with a placeholder is no patch to apply: the fix says what to replace.
      const patch = built && !built.placeholder ? envPatch(ctx.snapshot, ctx.provision.container, [{ name: r.to, value: built.value }]) : undefined;
      const keep = `keep ${old.join(', ')} until nothing reads them (rollback needs them)`;
      let fix: string;
      if (!built) fix = `Add ${r.to} with the value the app expects, and ${keep}.`;
      else if (built.placeholder)
        fix =
          `Add ${r.to} (value: ${built.value}) so it is built from the keys the container already gets — replace ${built.placeholder} with the URL scheme the app's driver expects (nothing in the port, the app's default or its dependencies tells it) — and ${keep}.`;
      else fix = `Add ${r.to} (value: ${built.value}${built.schemeFrom ? `; scheme from ${built.schemeFrom}` : ''}) so it is built from the keys the container already gets, and ${keep}.`;

      const what = r.honoured
        ? `: it works, because ${versionLabel(ctx.current)} still reads ${old.join(', ')} as a fallback; move to ${r.to} before the fallback is removed.`
        : imageDefaultOnly
        ? `, which only the image's own default sets: the new version will use that default, not the configuration the old one used.`
        : unset
          ? `: ${unset.severity === 'error' ? 'the new version will fail to start (CrashLoopBackOff) without it' : unset.consequence}, and will not see the configuration the old one used.`
          : ': the new version will not see the configuration the old one used.';
      out.push({
        check: 'renamed-key',
        severity,
        ...baseFinding(ctx),
        key: r.to,
        message:
          `${versionLabel(ctx.current)} ${entry?.kind === 'required' ? 'requires' : 'reads'} ${r.to} where ${versionLabel(ctx.previous)} read ${r.from.join(', ')} (${r.reasons.join('; ')}). ` +
          `${containerLabel(ctx)} still gets ${old.join(', ')} from ${origins} but not ${r.to}${what}`,
        locations: [...gitLocs, ...evidence],
        fix,
        ...(patch ? { patch } : {}),
        details: {
          from: r.from,
          to: r.to,
          confidence: r.confidence,
          reasons: r.reasons,
          ...(entry ? { kind: entry.kind } : {}),
          ...(built?.placeholder ? { placeholder: built.placeholder } : {}),
        },
      });
    }
    return out;
  },
};
