/**
 * Who changed a key, and when: from `metadata.managedFields` (FieldsV1: `f:data: {f:KEY: {}}`),
 * with each field manager classified as a GitOps engine or a person (kubectl and the rest).
 */
import type { ManagedEntry } from '../cluster/live.js';

export type ManagerClass = 'gitops' | 'manual';
export type Engine = 'argocd' | 'flux-kustomize' | 'flux-helm' | 'helm' | 'secrets-controller';

export interface Attribution {
  manager: string;
  operation: string;
  time?: string;
  class: ManagerClass;
  engine?: Engine;
}

const GITOPS: [RegExp, Engine][] = [
  [/^argocd-(application-)?controller$/, 'argocd'],
  [/^argocd$/, 'argocd'],
  [/^kustomize-controller$/, 'flux-kustomize'],
  [/^helm-controller$/, 'flux-helm'],
  [/^helm$/, 'helm'],
  // Controllers that turn what git declares into Secrets (ExternalSecret, SealedSecret).
  [/^external-secrets/, 'secrets-controller'],
  [/^sealed-secrets/, 'secrets-controller'],
];

/** GitOps engines by their field manager; everything else — `kubectl-*`, edits from UIs, scripts — is a manual change. */
export function classifyManager(manager: string): { class: ManagerClass; engine?: Engine } {
  for (const [re, engine] of GITOPS) if (re.test(manager)) return { class: 'gitops', engine };
  return { class: 'manual' };
}

/** Managers Flux's kustomize-controller strips on every reconcile. */
export function fluxStripsManager(manager: string): boolean {
  return /^kubectl/.test(manager) || manager === 'before-first-apply';
}

const DATA_FIELDS = ['data', 'binaryData', 'stringData'];

/** The managedFields entries that own `key` under data/binaryData/stringData. */
export function ownersOfKey(mf: ManagedEntry[], key: string): ManagedEntry[] {
  return mf.filter((m) => !m.subresource && DATA_FIELDS.some((f) => m.fieldsV1?.[`f:${f}`]?.[`f:${key}`] !== undefined));
}

const t = (s?: string) => (s ? Date.parse(s) || 0 : 0);

/**
 * Who is responsible for the live state of `key`: the most recent manual owner when there is
 * one (a person's change is what the report is about), else the most recent owner.
 */
export function attributeKey(mf: ManagedEntry[], key: string): Attribution | undefined {
  const owners = ownersOfKey(mf, key).map((m) => ({ m, c: classifyManager(m.manager) }));
  if (owners.length === 0) return undefined;
  const byTime = [...owners].sort((a, b) => t(b.m.time) - t(a.m.time));
  const pick = byTime.find((o) => o.c.class === 'manual') ?? byTime[0]!;
  return {
    manager: pick.m.manager,
    operation: pick.m.operation,
    ...(pick.m.time ? { time: pick.m.time } : {}),
    class: pick.c.class,
    ...(pick.c.engine ? { engine: pick.c.engine } : {}),
  };
}

/** The kubectl command behind each of kubectl's field managers. */
const COMMANDS: Record<string, string> = {
  'kubectl-client-side-apply': 'kubectl apply (client-side)',
  'kubectl-replace': 'kubectl replace',
  'kubectl-edit': 'kubectl edit',
  'kubectl-create': 'kubectl create --save-config',
  'kubectl-patch': 'kubectl patch',
  'kubectl-set': 'kubectl set',
  'kubectl-annotate': 'kubectl annotate',
  'kubectl-label': 'kubectl label',
  'kubectl-rollout': 'kubectl rollout',
  'kubectl-scale': 'kubectl scale',
  // kubectl before 1.18 wrote every change as field manager "kubectl".
  kubectl: 'kubectl',
};

/** "kubectl replace (field manager kubectl-replace)", or "field manager X" for anything else. */
export function commandWords(manager: string): string {
  const c = COMMANDS[manager];
  return c ? `${c} (field manager ${manager})` : `field manager ${manager}`;
}
