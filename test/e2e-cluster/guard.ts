/**
 * Which cluster the end-to-end suite may write to. It runs only when KEYDRIFT_E2E_KUBECONFIG
 * names a kubeconfig AND KEYDRIFT_E2E_CONTEXT names one of its contexts: the suite never
 * takes a kubeconfig's current context on trust (that is how a suite ends up writing to
 * production). Anything else is refused with a reason, before any request is sent.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export type E2eTarget = { kubeconfig: string; context: string } | { skip: string };

export function e2eTarget(env: NodeJS.ProcessEnv = process.env): E2eTarget {
  const kubeconfig = env.KEYDRIFT_E2E_KUBECONFIG;
  if (!kubeconfig) return { skip: 'KEYDRIFT_E2E_KUBECONFIG is not set' };
  const context = env.KEYDRIFT_E2E_CONTEXT;
  if (!context)
    throw new Error(
      'KEYDRIFT_E2E_KUBECONFIG is set but KEYDRIFT_E2E_CONTEXT is not: name the kubeconfig context the suite may write to (it creates a namespace of its own, and the ArgoCD Application CRD when absent); the current context is never assumed',
    );
  const kc = new KubeConfig();
  try {
    kc.loadFromString(readFileSync(kubeconfig, 'utf8'));
  } catch (e) {
    throw new Error(`KEYDRIFT_E2E_KUBECONFIG ${kubeconfig}: ${String((e as Error).message).split('\n')[0]}`);
  }
  if (!kc.getContextObject(context)) throw new Error(`KEYDRIFT_E2E_CONTEXT ${context}: no such context in ${kubeconfig} (it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
  return { kubeconfig, context };
}
