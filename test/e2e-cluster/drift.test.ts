// Runs the end-to-end suite against the cluster KEYDRIFT_E2E_KUBECONFIG names; skipped without it.
import './drift.suite.js';
