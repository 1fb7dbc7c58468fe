/**
 * A git repository in a temp dir playing the source of the images pushed to the test
 * registry: user-auth 3.13.2 reads REDIS_HOST/REDIS_PORT, 3.14.0 reads REDIS_URL.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'keydrift test',
  GIT_AUTHOR_EMAIL: 'test@keydrift.invalid',
  GIT_COMMITTER_NAME: 'keydrift test',
  GIT_COMMITTER_EMAIL: 'test@keydrift.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface SourceRepo {
  dir: string;
  /** `file://` URL of the repository, as an OCI source label would carry it. */
  url: string;
  /** Commit ids by version. */
  commits: { v1: string; v2: string };
  /** A bare clone (another accepted form of "local repository"). */
  bare: string;
}

function write(root: string, rel: string, text: string) {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

export function makeSourceRepo(base?: string): SourceRepo {
  const root = base ?? mkdtempSync(path.join(os.tmpdir(), 'keydrift-src-'));
  const dir = path.join(root, 'user-auth');
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'package.json', JSON.stringify({ name: 'user-auth', version: '3.13.2', type: 'module' }, null, 2) + '\n');
  write(
    dir,
    'src/redis.js',
    ["import { createClient } from 'redis';", 'const host = process.env.REDIS_HOST;', 'const port = process.env.REDIS_PORT;', 'export const redis = createClient({ url: `redis://${host}:${port}` });', ''].join('\n'),
  );
  write(dir, 'src/server.js', ["const level = process.env.LOG_LEVEL ?? 'info';", 'const port = Number(process.env.PORT ?? 8080);', 'export { level, port };', ''].join('\n'));
  write(dir, 'Dockerfile', ['FROM node:22-alpine', 'ENV NODE_ENV=production', 'COPY . /app', 'CMD ["node", "/app/src/server.js"]', ''].join('\n'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'user-auth 3.13.2');
  git(dir, 'tag', 'v3.13.2');
  const v1 = git(dir, 'rev-parse', 'HEAD');
  write(dir, 'package.json', JSON.stringify({ name: 'user-auth', version: '3.14.0', type: 'module' }, null, 2) + '\n');
  write(dir, 'src/redis.js', ["import { createClient } from 'redis';", 'export const redis = createClient({ url: process.env.REDIS_URL });', ''].join('\n'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'user-auth 3.14.0: one REDIS_URL');
  git(dir, 'tag', 'v3.14.0');
  const v2 = git(dir, 'rev-parse', 'HEAD');
  // One more commit on top, so that the revisions asked for are not the branch tip.
  write(dir, 'README.md', '# user-auth\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'docs');
  const bare = path.join(root, 'user-auth.git');
  git(root, 'clone', '-q', '--bare', dir, bare);
  return { dir, url: pathToFileURL(dir).href, commits: { v1, v2 }, bare };
}

/** The GitOps side of the registry tests: user-auth running `image`, with the ConfigMap of the old version's keys. */
export const userAuthManifests = (image: string): Record<string, string> => ({
  'deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: user-auth
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: user-auth
          image: ${image}
          envFrom:
            - configMapRef:
                name: user-auth-config
`,
  'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: user-auth-config
  namespace: prod
data:
  REDIS_HOST: redis
  REDIS_PORT: "6379"
`,
});

/**
 * One temp dir per registry suite, with keydrift's cache inside it (restored after) and, unless
 * the registry is unavailable, the source repository made in it. Read `tmp`/`src` inside tests.
 */
export function registryWorkspace(prefix: string, skip: boolean): { tmp: string; src: SourceRepo; cliEnv(): Record<string, string> } {
  const ws = { tmp: '', src: undefined as unknown as SourceRepo, cliEnv: () => ({ HOME: ws.tmp, DOCKER_CONFIG: path.join(ws.tmp, 'none') }) };
  const saved = process.env.KEYDRIFT_CACHE_DIR;
  beforeAll(() => {
    ws.tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
    process.env.KEYDRIFT_CACHE_DIR = path.join(ws.tmp, 'cache');
    if (!skip) ws.src = makeSourceRepo(ws.tmp);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KEYDRIFT_CACHE_DIR;
    else process.env.KEYDRIFT_CACHE_DIR = saved;
    rmSync(ws.tmp, { recursive: true, force: true });
  });
  return ws;
}
