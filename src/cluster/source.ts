/**
 * Where the live side comes from: a dump, a given client, or a cluster reached through a
 * kubeconfig file and context or the in-cluster service account.
 */
import * as path from 'node:path';
import { KeydriftError } from '../errors.js';
import type { ClusterClient, RetryPolicy } from './client.js';
import type { LiveSnapshot } from './live.js';
import { readClusterDump } from './dump.js';
import { SecretHasher } from './secret-digest.js';

export interface LiveSource {
  kubeconfig?: string;
  context?: string;
  /** Use the in-cluster service account. */
  inCluster?: boolean;
  /** A `kubectl get -o yaml` dump (file or directory) instead of a cluster. */
  clusterDump?: string;
  /** Namespaces to compare (default all). */
  namespaces?: string[];
  retry?: Partial<RetryPolicy>;
  pageSize?: number;
  /** A ready client (tests, bench). */
  client?: ClusterClient;
  /** Also read Events (`keydrift explain`). */
  events?: boolean;
}

export async function readLive(opts: LiveSource, hasher = new SecretHasher(), cwd = process.cwd()): Promise<LiveSnapshot> {
  const namespaces = opts.namespaces ?? [];
  if (opts.clusterDump) {
    if (opts.kubeconfig || opts.context || opts.inCluster) throw new KeydriftError('--cluster-dump cannot be combined with --kubeconfig, --context or --in-cluster');
    return readClusterDump(path.resolve(cwd, opts.clusterDump), { namespaces }, hasher);
  }
  // The Kubernetes client is loaded only when a cluster is read (start-up: issue 13.8).
  const { openCluster } = await import('./client.js');
  const { readCluster, EVENT_KINDS } = await import('./live.js');
  const client =
    opts.client ??
    openCluster({
      ...(opts.kubeconfig ? { kubeconfig: path.resolve(cwd, opts.kubeconfig) } : {}),
      ...(opts.context ? { context: opts.context } : {}),
      ...(opts.inCluster ? { inCluster: true } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
    });
  return readCluster(client, { namespaces, ...(opts.events ? { extraKinds: EVENT_KINDS } : {}) }, hasher);
}
