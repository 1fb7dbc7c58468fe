/**
 * The incident of DESIGN.md as real git repositories: an app repo `user-auth` tagged
 * v3.13.2 and v3.14.0 (which reads REDIS_URL instead of REDIS_HOST/REDIS_PORT), and a
 * GitOps repo whose deploy commit bumps the image tag but not the ConfigMap.
 * Used by `npm run example` and by the tests.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';

/** A fake secret value, so tests can prove it never leaves memory. */
export const EXAMPLE_SECRET_VALUE = 'kd-canary-jwt-7f3a9c2e51';

const CONFIG_V1 = `// Runtime configuration of user-auth, read once at start.
const JWT_SECRET = process.env.JWT_SECRET;
if (!JWT_SECRET) {
  throw new Error('JWT_SECRET must be set');
}

export const config = {
  port: Number(process.env.PORT ?? 8080),
  logLevel: process.env.LOG_LEVEL ?? 'info',
  redis: {
    host: process.env.REDIS_HOST,
    port: Number(process.env.REDIS_PORT),
  },
  jwtSecret: JWT_SECRET,
};
`;

const CONFIG_V2 = `// Runtime configuration of user-auth, read once at start.
const JWT_SECRET = process.env.JWT_SECRET;
if (!JWT_SECRET) {
  throw new Error('JWT_SECRET must be set');
}
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) {
  throw new Error('REDIS_URL must be set');
}

export const config = {
  port: Number(process.env.PORT ?? 8080),
  logLevel: process.env.LOG_LEVEL ?? 'info',
  redis: {
    url: REDIS_URL,
  },
  jwtSecret: JWT_SECRET,
};
`;

const SERVER = `import { createServer } from 'node:http';
import { config } from './config.js';

createServer((_req, res) => res.end('ok')).listen(config.port);
`;

const DOCKERFILE = `FROM node:24-alpine AS build
ARG BUILD_SHA
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:24-alpine
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
`;

const DEPLOYMENT = (tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
  namespace: prod
  labels:
    app: user-auth
spec:
  replicas: 3
  selector:
    matchLabels:
      app: user-auth
  template:
    metadata:
      labels:
        app: user-auth
    spec:
      containers:
        - name: user-auth
          image: ghcr.io/acme/user-auth:${tag}
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: user-auth-config
          env:
            - name: JWT_SECRET
              valueFrom:
                secretKeyRef:
                  name: user-auth-secrets
                  key: jwt-secret
`;

const CONFIGMAP = (fixed: boolean) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: user-auth-config
  namespace: prod
data:
  LOG_LEVEL: info
  REDIS_HOST: redis-master.prod.svc.cluster.local
  REDIS_PORT: "6379"
${fixed ? '  REDIS_URL: redis://redis-master.prod.svc.cluster.local:6379/0\n' : ''}`;

const SECRET = `# Example only: real repos keep Secrets sealed or encrypted (SealedSecret, SOPS).
apiVersion: v1
kind: Secret
metadata:
  name: user-auth-secrets
  namespace: prod
type: Opaque
stringData:
  jwt-secret: ${EXAMPLE_SECRET_VALUE}
`;

const KEYDRIFT_YAML = `# Where the source of each image lives, and how a tag maps to a git ref.
sources:
  ghcr.io/acme/user-auth:
    path: ../user-auth
    ref: "v{tag}"
`;

export interface IncidentRepos {
  root: string;
  gitops: string;
  app: string;
  /** Commit refs in the GitOps repo. */
  base: string;
  head: string;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [p, text] of Object.entries(files)) {
    const abs = path.join(dir, p);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await fs.writeFile(abs, text);
  }
}

async function initRepo(dir: string) {
  await fs.mkdir(dir, { recursive: true });
  // A minimal environment: simple-git refuses to run with editor/pager/askpass variables set.
  const git = simpleGit(dir).env({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    GIT_AUTHOR_NAME: 'keydrift example',
    GIT_AUTHOR_EMAIL: 'example@keydrift.invalid',
    GIT_COMMITTER_NAME: 'keydrift example',
    GIT_COMMITTER_EMAIL: 'example@keydrift.invalid',
    GIT_AUTHOR_DATE: '2026-11-02T10:00:00Z',
    GIT_COMMITTER_DATE: '2026-11-02T10:00:00Z',
  });
  await git.init(['--quiet', '--initial-branch=main']);
  await git.addConfig('commit.gpgsign', 'false');
  return git;
}

/**
 * Build the repos under `root`. With `fixed`, the deploy commit also adds REDIS_URL to the
 * ConfigMap (what the PR should have done).
 */
export async function buildIncident(root: string, opts: { fixed?: boolean } = {}): Promise<IncidentRepos> {
  const app = path.join(root, 'user-auth');
  const gitops = path.join(root, 'gitops');
  await fs.rm(root, { recursive: true, force: true });

  const a = await initRepo(app);
  await write(app, {
    'package.json': JSON.stringify({ name: 'user-auth', version: '3.13.2', type: 'module' }, null, 2) + '\n',
    'src/config.ts': CONFIG_V1,
    'src/server.ts': SERVER,
    Dockerfile: DOCKERFILE,
  });
  await a.add('.');
  await a.commit('user-auth 3.13.2');
  await a.addTag('v3.13.2');
  await write(app, {
    'package.json': JSON.stringify({ name: 'user-auth', version: '3.14.0', type: 'module' }, null, 2) + '\n',
    'src/config.ts': CONFIG_V2,
  });
  await a.add('.');
  await a.commit('Connect to Redis with a single REDIS_URL');
  await a.addTag('v3.14.0');

  const g = await initRepo(gitops);
  await write(gitops, {
    '.keydrift.yaml': KEYDRIFT_YAML,
    'apps/user-auth/deployment.yaml': DEPLOYMENT('3.13.2'),
    'apps/user-auth/configmap.yaml': CONFIGMAP(false),
    'apps/user-auth/secret.yaml': SECRET,
  });
  await g.add('.');
  await g.commit('Deploy user-auth 3.13.2');
  const base = (await g.revparse(['HEAD'])).trim();
  await write(gitops, {
    'apps/user-auth/deployment.yaml': DEPLOYMENT('3.14.0'),
    ...(opts.fixed ? { 'apps/user-auth/configmap.yaml': CONFIGMAP(true) } : {}),
  });
  await g.add('.');
  await g.commit('Bump user-auth to 3.14.0');
  const head = (await g.revparse(['HEAD'])).trim();
  return { root, gitops, app, base, head };
}
