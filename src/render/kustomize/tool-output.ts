/**
 * When the message of a failed delegated build (`kustomize build`, `kubectl kustomize`) may be
 * shown. The tools quote the YAML they could not read ("node contents: <value>"), and that may
 * be a Secret's value: the message is shown only when nothing the build can read mentions a
 * Secret. What it can read is judged conservatively: every file under the kustomization's
 * directory and every file the native renderer read for it; a reference outside that
 * directory or to a remote base widens it to the whole tree, or (remote) makes it unknowable.
 */
import type { RenderHost } from './build.js';

const MENTIONS_SECRET = /secret|stringdata/i;
const LEAVES_DIR = /(^|[\s'"[,/])\.\.\//m;
const REMOTE = /:\/\/|git::|\?ref=|github\.com\/|gitlab\.com\//i;

export async function toolOutputMayShowSecret(host: RenderHost, dir: string, inputs: string[]): Promise<boolean> {
  const prefix = dir ? dir.replace(/\/+$/, '') + '/' : '';
  const scope = new Set<string>(inputs);
  for (const f of host.files) if (f.startsWith(prefix)) scope.add(f);
  let wide = false;
  for (const f of scope) {
    const t = await host.read(f);
    if (t === undefined) continue;
    if (MENTIONS_SECRET.test(t) || REMOTE.test(t)) return true;
    if (LEAVES_DIR.test(t)) wide = true;
  }
  if (!wide) return false;
  for (const f of host.files) {
    if (scope.has(f)) continue;
    const t = await host.read(f);
    if (t !== undefined && MENTIONS_SECRET.test(t)) return true;
  }
  return false;
}
