import type { Finding, Location } from '../model.js';
import type { ContainerCheck } from './types.js';
import type { Evidence } from '../contract/model.js';
import { envPatch, valueFromOldNames } from '../fix/env-patch.js';
import { baseFinding, containerLabel, describeOrigin, evidenceLocation, provides, versionLabel } from './util.js';

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
    for (const r of ctx.renames) {
      const old = r.from.filter((f) => ctx.provision.vars.has(f) && ctx.provision.vars.get(f)!.origin !== 'image-default');
      if (old.length === 0) continue;
      // The new name set only by a default baked into the image (often localhost) while the
      // pod configures the old names: the new version ignores the pod's configuration.
      const imageDefaultOnly =
        !ctx.provision.vars.has(r.to) && !!ctx.current!.contract.imageDefaults.some((d) => d.name === r.to);
      if (!imageDefaultOnly && provides(ctx, r.to) !== 'no') continue;
      const origins = [...new Set(old.map((f) => describeOrigin(ctx.provision.vars.get(f)!)))].join(', ');
      const gitLocs: Location[] = [];
      for (const f of old) {
        const v = ctx.provision.vars.get(f)!;
        const l = v.from?.location ?? v.location;
        if (!gitLocs.some((g) => g.file === l.file && g.line === l.line)) gitLocs.push({ ...l, note: `${f}: ${describeOrigin(v)}` });
      }
      // Rename evidence mixes reads of the old version (of the old names) and of the new one.
      const fromPrevious = (e: Evidence) =>
        r.from.some((f) =>
          ctx.previous!.contract.entries.get(f)?.reads.some((x) => x.evidence.file === e.file && x.evidence.line === e.line && x.evidence.pattern === e.pattern),
        ) && !ctx.current!.contract.entries.get(r.to)?.reads.some((x) => x.evidence.file === e.file && x.evidence.line === e.line);
      const built = valueFromOldNames(r.to, old);
      const patch = built ? envPatch(ctx.snapshot, ctx.provision.container, [{ name: r.to, value: built }]) : undefined;
      // While the new version still reads the old name as a fallback, the rename works: info.
      const severity = r.honoured ? 'info' : r.confidence === 'low' ? 'warning' : 'error';
      out.push({
        check: 'renamed-key',
        severity,
        ...baseFinding(ctx),
        key: r.to,
        message:
          `${versionLabel(ctx.current)} reads ${r.to} where ${versionLabel(ctx.previous)} read ${r.from.join(', ')} (${r.reasons.join('; ')}). ` +
          `${containerLabel(ctx)} still gets ${old.join(', ')} from ${origins} but not ${r.to}` +
          (r.honoured
            ? `: it works, because ${versionLabel(ctx.current)} still reads ${old.join(', ')} as a fallback; move to ${r.to} before the fallback is removed.`
            : imageDefaultOnly
              ? `, which only the image's own default sets: the new version will use that default, not the configuration the old one used.`
              : ': the new version will not see the configuration the old one used.'),
        locations: [...gitLocs, ...r.evidence.map((e) => evidenceLocation(fromPrevious(e) ? ctx.previous : ctx.current, e))],
        fix: built
          ? `Add ${r.to} (value: ${built}) so it is built from the keys the container already gets, and keep ${old.join(', ')} until nothing reads them (rollback needs them).`
          : `Add ${r.to} with the value the app expects, and keep ${old.join(', ')} until nothing reads them (rollback needs them).`,
        ...(patch ? { patch } : {}),
        details: { from: r.from, to: r.to, confidence: r.confidence, reasons: r.reasons },
      });
    }
    return out;
  },
};
