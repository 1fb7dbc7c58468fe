/**
 * Registry credentials from a docker `config.json` (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`): `auths[host].auth` is base64 `user:password`. Credential
 * helpers (`credsStore`, `credHelpers`) are recognised but not run: keydrift reports them
 * as unsupported instead of executing programs named in a config file.
 *
 * Nothing here ever returns or prints a credential in a message.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RegistryCredentials {
  username: string;
  password: string;
  /** Where they came from, for messages ("~/.docker/config.json"). Never the secret. */
  from: string;
}

export interface DockerAuthLookup {
  credentials?: RegistryCredentials;
  /** A credential helper is configured for this host (not supported). */
  helper?: string;
  /** Problems worth a note (unreadable file, malformed entry); never contain secrets. */
  problems: string[];
  /** The config file looked at, when one exists. */
  file?: string;
}

export interface DockerConfig {
  auths: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers: Record<string, string>;
}

/** Where the docker config lives for this environment. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** Parse the text of a config.json; throws a plain Error with a one-line reason when malformed. */
export function parseDockerConfig(text: string): DockerConfig {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a JSON object');
  const auths: DockerConfig['auths'] = {};
  if (raw.auths && typeof raw.auths === 'object') {
    for (const [k, v] of Object.entries<any>(raw.auths)) if (v && typeof v === 'object') auths[k] = v;
  }
  const credHelpers: Record<string, string> = {};
  if (raw.credHelpers && typeof raw.credHelpers === 'object') {
    for (const [k, v] of Object.entries(raw.credHelpers)) if (typeof v === 'string') credHelpers[k] = v;
  }
  return { auths, credHelpers, ...(typeof raw.credsStore === 'string' && raw.credsStore ? { credsStore: raw.credsStore } : {}) };
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `Host:5000/` → `host:5000`. */
export function normalizeRegistryKey(key: string): string {
  return key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

/** The keys under which credentials for `registry` (as in an image reference) may be stored. */
export function registryAliases(registry: string): string[] {
  const r = registry.toLowerCase();
  if (r === 'docker.io' || r === 'index.docker.io' || r === 'registry-1.docker.io') {
    return ['index.docker.io', 'docker.io', 'registry-1.docker.io'];
  }
  return [r];
}

/** Credentials for `registry` in a parsed config. */
export function credentialsFor(cfg: DockerConfig, registry: string, from: string): DockerAuthLookup {
  const want = new Set(registryAliases(registry));
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(cfg.auths)) {
    if (!want.has(normalizeRegistryKey(key))) continue;
    if (typeof entry.auth === 'string' && entry.auth) {
      let decoded: string;
      try {
        decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      } catch {
        decoded = '';
      }
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        return { credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), from }, problems };
      }
      problems.push(`${from}: auths entry for ${key} is not base64 'user:password'; ignored`);
      continue;
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username) {
      return { credentials: { username: entry.username, password: entry.password, from }, problems };
    }
    if (entry.identitytoken) problems.push(`${from}: identity tokens (entry for ${key}) are not supported`);
  }
  for (const [key, helper] of Object.entries(cfg.credHelpers)) {
    if (want.has(normalizeRegistryKey(key))) return { helper: `docker-credential-${helper}`, problems };
  }
  if (cfg.credsStore) return { helper: `docker-credential-${cfg.credsStore}`, problems };
  return { problems };
}

/** Look up credentials for `registry` in the user's docker config; a missing file is no error. */
export function lookupDockerCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): DockerAuthLookup {
  const file = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { problems: [] };
  }
  let cfg: DockerConfig;
  try {
    cfg = parseDockerConfig(text);
  } catch (e) {
    return { problems: [`${file}: ${(e as Error).message}; ignored`], file };
  }
  return { ...credentialsFor(cfg, registry, file), file };
}
