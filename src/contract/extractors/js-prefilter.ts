/**
 * The cheap text test that decides which JS/TS files get the TypeScript parse (issue 9: contract
 * scan speed). It is built from the words the recognizers themselves compare syntax nodes
 * against — each recognizer exports its `*_TRIGGERS` beside the constants its code matches
 * with (javascript.ts, js-schemas.ts, nest-config.ts, class-validator.ts) — so the test and the
 * recognizers cannot drift apart: a file without those words cannot yield anything.
 *
 * A trigger holds when every one of its groups has a word in the file (as a whole word:
 * `env` matches `process.env` and `{ env }`, not `environment`; a module name in quotes), and,
 * when it says `near`, the words of its two groups are that close. Files that only matter through
 * another file (an exported Joi schema or class-validator class that a ConfigModule applies, an
 * env helper imported elsewhere) are not triggers: build.ts extracts them lazily, when a file
 * that passed refers to them (link.ts).
 */

/** Words that must occur, one of them: identifiers, or module names (in quotes, as imported). */
export type Group = readonly string[] | { modules: readonly string[] };

export interface Trigger {
  /** What the words stand for (documentation and test tables). */
  by: string;
  /** Every group must have one of its words in the file. */
  allOf: readonly Group[];
  /**
   * Two groups whose words must be at most `chars` characters apart, in either order
   * (`process` … `.env`, with casts, `?.`, line breaks or comments between them), with none of
   * `notBetween` between them when the first group's word comes first, none of
   * `notBetweenReversed` when the second group's does.
   */
  near?: { chars: number; notBetween?: string; notBetweenReversed?: string };
}

const IDENT = /[\w$]/;
const QUOTE = /['"`]/;

/** Whether `text` has one of the group's words between `from` and `to` (whole words, or quoted module names). */
function has(text: string, g: Group, from = 0, to = text.length): boolean {
  const modules = 'modules' in g;
  // A window is searched as its own string, so that a miss does not scan the rest of the text.
  const s = from === 0 && to === text.length ? text : text.slice(from, to);
  for (const w of modules ? g.modules : g) {
    for (let i = s.indexOf(w); i !== -1; i = s.indexOf(w, i + 1)) {
      const before = text[from + i - 1] ?? '';
      const after = text[from + i + w.length] ?? '';
      if (modules ? QUOTE.test(before) && QUOTE.test(after) : !IDENT.test(before) && !IDENT.test(after)) return true;
    }
  }
  return false;
}

/** The first position of a group's word from `from` on, with its length (-1 when none). */
function next(text: string, g: readonly string[], from: number): [number, number] {
  let best = -1;
  let len = 0;
  for (const w of g) {
    for (let i = text.indexOf(w, from); i !== -1; i = text.indexOf(w, i + 1)) {
      if (IDENT.test(text[i - 1] ?? '') || IDENT.test(text[i + w.length] ?? '')) continue;
      if (best === -1 || i < best) [best, len] = [i, w.length];
      break;
    }
  }
  return [best, len];
}

function wordsOf(g: Group): readonly string[] {
  return 'modules' in g ? g.modules : g;
}

function longest(g: Group): number {
  return Math.max(...wordsOf(g).map((w) => w.length + 2));
}

/**
 * The test of one file's text: true when one of the triggers holds. Plain string searches
 * (`indexOf`, then a look at the characters around a hit), no regular expression over the
 * whole text: far cheaper than the parse it saves, and than a regex with look-arounds.
 */
export function prefilter(triggers: readonly Trigger[]): { test(text: string): boolean; triggers: readonly Trigger[] } {
  for (const t of triggers) {
    const empty = (g: Group): boolean => ('modules' in g ? g.modules : g).length === 0;
    if (!t.allOf.length || t.allOf.some(empty)) throw new Error(`prefilter trigger ${t.by}: empty group`);
    if (t.near !== undefined && (t.allOf.length !== 2 || 'modules' in t.allOf[0]!)) throw new Error(`prefilter trigger ${t.by}: near needs two groups, the first of words`);
  }
  const holds = (t: Trigger, text: string): boolean => {
    if (t.near === undefined) return t.allOf.every((g) => has(text, g));
    const [a, b] = t.allOf as [readonly string[], Group];
    const { chars, notBetween = '', notBetweenReversed = '' } = t.near;
    const reach = chars + longest(b);
    for (let [i, len] = next(text, a, 0); i !== -1; [i, len] = next(text, a, i + 1)) {
      // b before a (b's word first): nothing of notBetweenReversed between them.
      let from = Math.max(0, i - reach);
      for (const c of notBetweenReversed) from = Math.max(from, text.lastIndexOf(c, i - 1) + 1);
      if (from < i && has(text, b, from, i)) return true;
      // a before b: nothing of notBetween between them.
      let to = Math.min(text.length, i + len + reach);
      for (const c of notBetween) {
        const k = text.indexOf(c, i + len);
        if (k !== -1 && k < to) to = k;
      }
      if (to > i + len && has(text, b, i + len, to)) return true;
    }
    return false;
  };
  // One pass first: every trigger needs a word of its first group somewhere, so a text with none
  // of them (most files) is passed over after a single scan — case-insensitive, so that `env`
  // also stands for `cleanEnv` and `createEnv` (fewer alternatives, a faster scan).
  const words = new Set(triggers.flatMap((t) => wordsOf(t.allOf[0]!).map((w) => w.toLowerCase())));
  const needed = [...words].filter((w) => ![...words].some((o) => o !== w && w.includes(o)));
  const any = new RegExp(needed.map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i');
  return { triggers, test: (text) => any.test(text) && triggers.some((t) => holds(t, text)) };
}
