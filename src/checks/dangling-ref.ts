import { objLocation } from '../sources/yaml.js';
import type { Finding } from '../model.js';
import type { ContainerCheck } from './types.js';
import type { RefProblem } from '../resolve/provision.js';
import type { Snapshot } from '../sources/snapshot.js';
import type { YamlProblem } from '../sources/yaml.js';
import { baseFinding, containerLabel } from './util.js';

export function describeRef(p: RefProblem, ns: string | undefined): string {
  const inNs = ns ? ` in namespace ${ns}` : '';
  if (p.problem === 'missing-object') {
    const also = p.elsewhere.length ? ` (found only as ${p.elsewhere.join(', ')})` : '';
    return `${p.kind} ${p.name}, which is not declared${inNs}${also}`;
  }
  const at = p.source?.object.locate([]);
  const decl = at ? ` (${at.file}:${at.line})` : '';
  return `key ${p.key} of ${p.kind} ${p.name}${decl}, which has no such key`;
}

/**
 * Errors caused by other errors: a missing object whose name appears in a YAML document that
 * failed to parse may well be declared there. Returns those problems (the document around
 * the problem's line, between `---` separators, mentions `name: NAME`).
 */
export function unparsedDeclarations(snapshot: Snapshot, name: string): YamlProblem[] {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*name:\\s*["']?${esc}["']?\\s*(?:#.*)?$`, 'm');
  return snapshot.problems.filter((p) => {
    const text = snapshot.texts.get(p.file);
    if (text === undefined) return false;
    const lines = text.split('\n');
    let start = Math.min(p.line, lines.length) - 1;
    while (start > 0 && !/^---/.test(lines[start]!)) start--;
    let end = Math.max(p.line, 1);
    while (end < lines.length && !/^---/.test(lines[end]!)) end++;
    return re.test(lines.slice(start, end).join('\n'));
  });
}

export function refFindings(ctx: Parameters<ContainerCheck['run']>[0], optional: boolean): Finding[] {
  const c = ctx.provision.container;
  return ctx.provision.problems
    .filter((p) => p.optional === optional)
    .map((p) => {
      const what = p.envName ? `env ${p.envName} references` : 'envFrom references';
      const locations = [p.location];
      if (p.source) locations.push(objLocation(p.source.object, p.source.dataPath, `${p.kind} ${p.name}`));
      // A Secret that git declares nowhere is often made outside git (kubectl, an operator,
      // a secret store): say so and warn, rather than cry wolf. A ConfigMap, a missing key, or
      // a Secret git declares in another namespace stays an error.
      const outsideGit = !optional && p.problem === 'missing-object' && p.kind === 'Secret' && p.elsewhere.length === 0;
      const unparsed = p.problem === 'missing-object' ? unparsedDeclarations(ctx.snapshot, p.name) : [];
      if (unparsed.length) {
        // Caused by another error: the object may be declared in a file that failed to parse.
        const files = unparsed.map((u) => `${u.file}:${u.line}`).join(', ');
        return {
          check: optional ? 'optional-ref-missing' : 'dangling-ref',
          severity: optional ? 'info' : 'warning',
          ...baseFinding(ctx),
          ...(p.envName ? { key: p.envName } : {}),
          message: `${containerLabel(ctx)}: ${what} ${p.kind} ${p.name}, which no file that parsed declares; it may be declared in ${files}, which failed to parse (${unparsed[0]!.message}), so keydrift cannot tell whether it exists.`,
          locations: [p.location, ...unparsed.map((u) => ({ file: u.file, line: u.line, repo: 'gitops', note: 'YAML that failed to parse' }))],
          fix: `Fix the YAML at ${files} first; if ${p.kind} ${p.name} is not declared there, declare it or fix the name.`,
          details: { kind: p.kind, name: p.name, problem: p.problem, maybeIn: unparsed.map((u) => u.file) },
        } satisfies Finding;
      }
      return {
        check: optional ? 'optional-ref-missing' : 'dangling-ref',
        severity: optional ? 'info' : outsideGit ? 'warning' : 'error',
        ...baseFinding(ctx),
        ...(p.envName ? { key: p.envName } : {}),
        message: optional
          ? `${containerLabel(ctx)}: ${what} ${describeRef(p, c.workload.namespace)}; the reference is optional, so it is skipped silently${p.envName ? ` and ${p.envName} is unset` : ''}.`
          : `${containerLabel(ctx)}: ${what} ${describeRef(p, c.workload.namespace)}: the container will not start (CreateContainerConfigError)` +
            (outsideGit ? ' unless the Secret is created outside git (kubectl, an operator, a secret store).' : '.'),
        locations,
        fix:
          p.problem === 'missing-object'
            ? `Declare ${p.kind} ${p.name}${c.workload.namespace ? ` in namespace ${c.workload.namespace}` : ''}, fix the name, or mark the reference optional: true if the app copes without it.`
            : `Add key ${p.key} to ${p.kind} ${p.name}, fix the key name, or mark the reference optional: true if the app copes without it.`,
        details: { kind: p.kind, name: p.name, ...(p.key ? { refKey: p.key } : {}), problem: p.problem },
      } satisfies Finding;
    });
}

export const danglingRef: ContainerCheck = {
  meta: {
    id: 'dangling-ref',
    description: 'A non-optional reference to a ConfigMap, Secret or key that does not exist: the container cannot start.',
    defaultSeverity: 'error',
    needs: 'manifests',
  },
  scope: 'container',
  run: (ctx) => refFindings(ctx, false),
};
