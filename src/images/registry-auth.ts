/**
 * `WWW-Authenticate` challenges (RFC 7235) as registries send them:
 *   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"
 *   Basic realm="Registry Realm"
 * A header may carry several challenges separated by commas; parameters are `name=token` or
 * `name="quoted string"`.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: "bearer", "basic", … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  if (!header) return out;
  const s = header;
  let i = 0;
  const n = s.length;
  const skipWs = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < n) {
    skipWs();
    if (s[i] === ',') {
      i++;
      continue;
    }
    const word = token();
    if (!word) {
      // A stray '=value' (parameter without a name or scheme) is skipped to the next comma;
      // any other stray character alone.
      if (s[i] === '=') while (i < n && s[i] !== ',') i++;
      else i++;
      continue;
    }
    skipWs();
    if (s[i] === '=' && current) {
      // name=value parameter of the current challenge (token68 values are not used by registries)
      i++;
      skipWs();
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < n && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < n) i++;
          value += s[i];
          i++;
        }
        i++; // closing quote
      } else {
        const vs = i;
        while (i < n && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
        value = s.slice(vs, i);
      }
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (s[i] === '=' && !current) {
      // a parameter with no scheme before it: malformed; skip the value
      while (i < n && s[i] !== ',') i++;
      continue;
    }
    // A new challenge: the word is its scheme.
    current = { scheme: word.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}
