/**
 * Escaping for strings that come from input (file names, object names, keys, messages, link
 * targets) on their way into Markdown (PR comment, job summary) or a terminal. Whatever the
 * string holds, it stays text: in Markdown no HTML, no link or image, no heading, table or
 * list, no @mention, no autolink; in a terminal no escape sequence or control character.
 */

/** ASCII punctuation Markdown gives a meaning to, escaped with a backslash. */
const MD_PUNCT = /[\\`*_{}[\]()#+!~|]/g;

/**
 * Text safe inside a table cell or a paragraph: HTML characters as entities, Markdown
 * punctuation backslash-escaped, line breaks as `<br>`, `@` and URL schemes broken with a
 * zero-width space so that they neither mention nor autolink.
 */
export function escapeMd(s: string): string {
  return stripControls(s, '\n\t')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(MD_PUNCT, (c) => `\\${c}`)
    .replace(/@/g, '@&#8203;')
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}&#8203;.`)
    .replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks and pipes in its content (code spans neither link nor mention). */
export function mdCode(s: string): string {
  const t = stripControls(s.replace(/\r?\n|\r/g, ' '));
  const runs = t.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') || t.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${t.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/**
 * A link target that cannot end the link early or start markup: every character outside the
 * URL-safe set (spaces, parentheses, brackets, quotes, angle brackets, backticks, pipes, line
 * breaks, non-ASCII) percent-encoded. Only http(s) targets are kept; anything else is dropped.
 */
export function mdLinkTarget(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[^A-Za-z0-9\-._~:/?#@%]/gu, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * Control characters removed: C0 (but `keep`), DEL, C1 — with them every ANSI/OSC escape
 * sequence loses its ESC/CSI/OSC introducer and the parameters that follow it. Also the
 * bidirectional overrides (U+202A–202E, U+2066–2069) that reorder what a terminal shows.
 */
export function stripControls(s: string, keep = '\t'): string {
  // A whole CSI/OSC sequence first, so that no "[2J" or "]8;;url" residue is left.
  const noSeq = s
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g, '')
    .replace(/\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g, '')
    .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, '')
    .replace(/\u001b[@-Z\\-_]/g, '');
  let out = '';
  for (const ch of noSeq) {
    const c = ch.codePointAt(0)!;
    const control = c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    if (!control || keep.includes(ch)) out += ch;
  }
  return out;
}

/** One terminal line: control characters stripped, line breaks made spaces. */
export function oneLine(s: string): string {
  return stripControls(s.replace(/\r?\n|\r/g, ' '));
}

/**
 * A deep copy with every string made safe for a terminal: control characters stripped; line
 * breaks kept only in `patch` (a diff, printed line by line), elsewhere made spaces.
 */
export function forTerminal<T>(v: T, key = ''): T {
  if (typeof v === 'string') return (key === 'patch' ? stripControls(v, '\n\t') : oneLine(v)) as T;
  if (Array.isArray(v)) return v.map((x) => forTerminal(x)) as T;
  if (v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, oneLine(k), { value: forTerminal(x, k), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return v;
}
