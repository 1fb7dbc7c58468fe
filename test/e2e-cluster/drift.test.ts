// The end-to-end suite against the cluster KEYDRIFT_E2E_KUBECONFIG + KEYDRIFT_E2E_CONTEXT name;
// skipped when KEYDRIFT_E2E_KUBECONFIG is not set, refused when the context is not named.
import { e2eTarget } from './guard.js';
import { e2eSuite } from './drift.suite.js';

e2eSuite(process.env.KEYDRIFT_E2E_CONTEXT ?? 'KEYDRIFT_E2E_KUBECONFIG', () => e2eTarget());
