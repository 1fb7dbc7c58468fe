import { parseManifests, type KObject } from '../../src/sources/yaml.js';
import { SourceIndex } from '../../src/resolve/sources.js';
import { containersOf, isWorkload } from '../../src/resolve/workloads.js';
import { resolveContainer, type ContainerProvision } from '../../src/resolve/provision.js';

/** Parse YAML text as one file and resolve every container of every workload in it. */
export function resolveText(yamlText: string, file = 'manifests.yaml'): { objects: KObject[]; provisions: ContainerProvision[] } {
  const parsed = parseManifests(file, yamlText);
  if (parsed.problems.length) throw new Error(`fixture YAML is broken: ${parsed.problems[0]!.message}`);
  const index = new SourceIndex(parsed.objects);
  const provisions = parsed.objects.filter(isWorkload).flatMap((w) => containersOf(w).containers.map((c) => resolveContainer(c, index)));
  return { objects: parsed.objects, provisions };
}

/** The effective environment of a provision as name → origin:value (values hidden for secrets). */
export function envOf(p: ContainerProvision): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of p.vars) out[k] = `${v.origin}${v.secret ? '' : `:${v.value ?? ''}`}`;
  return out;
}

export const deployment = (containerYaml: string, opts: { ns?: string; kind?: string } = {}) => `apiVersion: apps/v1
kind: ${opts.kind ?? 'Deployment'}
metadata:
  name: web
${opts.ns ? `  namespace: ${opts.ns}\n` : ''}spec:
  template:
    spec:
      containers:
        - name: web
          image: example/web:1.0
${containerYaml.replace(/^/gm, '          ')}
`;
