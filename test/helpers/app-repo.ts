/**
 * Fixtures for app-repo mode: an application repository (user-auth) whose head commit
 * renames REDIS_HOST/REDIS_PORT to REDIS_URL, and a GitOps repository running it in staging
 * (already provides REDIS_URL) and prod (does not).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commit, initRepo } from './git.js';

export const CONFIG_OLD = `export const config = {
  port: Number(process.env.PORT ?? 8080),
  redis: {
    host: process.env.REDIS_HOST,
    port: Number(process.env.REDIS_PORT),
  },
};
`;
export const CONFIG_NEW = `const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  throw new Error('REDIS_URL must be set');
}
export const config = {
  port: Number(process.env.PORT ?? 8080),
  redis: { url: REDIS_URL },
};
`;
export const CONFIG_FALLBACK = `const REDIS_URL = process.env.REDIS_URL ?? process.env.REDIS_HOST;
if (!REDIS_URL) {
  throw new Error('REDIS_URL must be set');
}
export const config = {
  port: Number(process.env.PORT ?? 8080),
  redis: { url: REDIS_URL, port: Number(process.env.REDIS_PORT ?? 6379) },
};
`;

export const APP_CONFIG = (extra = '') => `app:
  image: ghcr.io/acme/user-auth
deployments:
  - name: gitops
    path: ../gitops
${extra}`;

const BASE_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
spec:
  selector:
    matchLabels: {app: user-auth}
  template:
    metadata:
      labels: {app: user-auth}
    spec:
      containers:
        - name: user-auth
          image: ghcr.io/acme/user-auth:3.13.2
          envFrom:
            - configMapRef:
                name: user-auth-config
`;
export const overlay = (ns: string, withUrl: boolean) => ({
  [`apps/user-auth/overlays/${ns}/kustomization.yaml`]: `namespace: ${ns}
resources:
  - ../../base
  - configmap.yaml
`,
  [`apps/user-auth/overlays/${ns}/configmap.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: user-auth-config
data:
  REDIS_HOST: redis.${ns}.svc
  REDIS_PORT: "6379"
${withUrl ? `  REDIS_URL: redis://redis.${ns}.svc:6379/0\n` : ''}`,
});

/** `gitopsInside`: the GitOps checkout inside the app's directory (as actions/checkout `path: gitops` puts it). */
export function buildAppRepos(newConfig: string, opts: { gitopsInside?: boolean } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kd-apprepo-'));
  const gitops = initRepo(opts.gitopsInside ? path.join(root, 'user-auth', 'gitops') : path.join(root, 'gitops'));
  commit(gitops, {
    'apps/user-auth/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/user-auth/base/deployment.yaml': BASE_DEPLOY,
    ...overlay('staging', true),
    ...overlay('prod', false),
  });
  const app = initRepo(path.join(root, 'user-auth'));
  if (opts.gitopsInside) writeFileSync(path.join(app, '.git', 'info', 'exclude'), 'gitops/\n');
  commit(app, { 'src/config.ts': CONFIG_OLD, 'package.json': '{"name":"user-auth","main":"src/config.ts"}\n', '.keydrift.yaml': APP_CONFIG() }, 'v1', 'v3.13.2');
  commit(app, { 'src/config.ts': newConfig }, 'use REDIS_URL');
  return { root, gitops, app };
}

