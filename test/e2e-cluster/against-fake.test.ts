/**
 * The same end-to-end suite, against the in-repo fake API server — once on a cluster without
 * ArgoCD (the suite creates the CRD and removes it), once on a cluster where ArgoCD is
 * installed (its CRD, with a schema of its own, an Application and argocd-cm of its own that
 * the suite must leave alone). It proves the suite's plumbing and safety where no real
 * cluster is at hand; the fake follows the real server where the suite depends on it (see
 * fake-fidelity.test.ts). With KEYDRIFT_E2E_KUBECONFIG set, drift.test.ts runs it for real.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';
import { e2eSuite, MINIMAL_APP_CRD } from './drift.suite.js';

/** An Application CRD the way ArgoCD installs it: declared properties, status kept as is. */
export const ARGOCD_LIKE_CRD = {
  ...MINIMAL_APP_CRD,
  metadata: { name: 'applications.argoproj.io', labels: { 'app.kubernetes.io/name': 'applications.argoproj.io', 'app.kubernetes.io/part-of': 'argocd' } },
  spec: {
    ...MINIMAL_APP_CRD.spec,
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['metadata', 'spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              operation: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              spec: {
                type: 'object',
                properties: {
                  project: { type: 'string' },
                  source: { type: 'object', properties: { repoURL: { type: 'string' }, path: { type: 'string' }, targetRevision: { type: 'string' } } },
                  destination: { type: 'object', properties: { server: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } } },
                  syncPolicy: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  ignoreDifferences: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

const servers: FakeApiServer[] = [];
const withoutArgo = await startFakeApiServer({ crds: [] });
const withArgo = await startFakeApiServer({
  objects: [
    ARGOCD_LIKE_CRD,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } }, data: { 'timeout.reconciliation': '180s' } },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'guestbook', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: 'https://git.example.invalid/apps.git', path: 'guestbook' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' } },
    },
  ],
});
servers.push(withoutArgo, withArgo);
const kcWithout = withoutArgo.writeKubeconfig({ context: 'kind-keydrift-e2e' });
const kcWith = withArgo.writeKubeconfig({ context: 'kind-with-argocd' });

e2eSuite('fake API server, no ArgoCD', () => ({ kubeconfig: kcWithout, context: 'kind-keydrift-e2e' }));
e2eSuite('fake API server, ArgoCD installed', () => ({ kubeconfig: kcWith, context: 'kind-with-argocd' }));

it('the CRD ArgoCD installed is still there, untouched', () => {
  const crd = withArgo.get('CustomResourceDefinition', undefined, 'applications.argoproj.io');
  expect(crd?.spec).toEqual(ARGOCD_LIKE_CRD.spec);
  expect(withArgo.get('Application', 'argocd', 'guestbook')).toBeDefined();
  expect(withoutArgo.get('CustomResourceDefinition', undefined, 'applications.argoproj.io')).toBeUndefined();
});

afterAll(async () => {
  for (const s of servers) await s.close();
});
