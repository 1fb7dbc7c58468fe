/**
 * The same end-to-end suite, against the in-repo fake API server (which accepts the writes
 * the suite makes): keeps the suite itself working where no real cluster is at hand. It
 * proves the suite's plumbing, not the real API server's behaviour — run it against kind.
 */
import { startFakeApiServer, type FakeApiServer } from '../../src/testing/fake-apiserver.js';

const saved = process.env.KEYDRIFT_E2E_KUBECONFIG;
const srv: FakeApiServer = await startFakeApiServer({ crds: [] });
process.env.KEYDRIFT_E2E_KUBECONFIG = srv.writeKubeconfig();
await import('./drift.suite.js');
if (saved === undefined) delete process.env.KEYDRIFT_E2E_KUBECONFIG;
else process.env.KEYDRIFT_E2E_KUBECONFIG = saved;

afterAll(async () => {
  await srv.close();
});
