/**
 * Dockerfile / Containerfile: `ENV` gives defaults the built image carries (not reads);
 * `ARG` is a build-time read; a CMD / ENTRYPOINT in effect in the final image that runs
 * through a shell (shell form, or `["sh", "-c", "…"]`) reads the variables it expands
 * (`${X:?}` required, `${X:-d}` defaulted, `$X` optional; CMD medium confidence, since a
 * pod's args replace it).
 *
 * Files: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile`,
 * `Containerfile.*`.
 *
 * Multi-stage builds: only the final stage's `ENV` ends up in the image, plus the `ENV` of
 * the stages it is built `FROM` (by stage name); other stages' `ENV` are dropped. Honours
 * line continuations, comment lines inside them, `# escape=` and RUN heredocs. The ARGs
 * Docker predefines for the platform (TARGETPLATFORM, BUILDARCH, …) are skipped.
 */
import type { ContractRead, Extractor, ExtractResult, ImageDefault, SourceFile } from '../model.js';
import { scanShell, SHELL_VARS } from './shell-lexer.js';
import { basename, guarded, shorten } from './util.js';

const PLATFORM_ARGS = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
]);

interface Word {
  text: string;
  line: number;
}

interface Instruction {
  keyword: string;
  line: number;
  /** Argument text split into words with quotes removed, each with its physical line. */
  words: Word[];
  /** Raw argument text (continuations joined). */
  raw: string;
}

function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives: only at the very top, before any instruction or comment.
  for (const l of lines) {
    const m = /^#\s*escape\s*=\s*([\\`])\s*$/i.exec(l);
    if (m) {
      escape = m[1]!;
      break;
    }
    if (!/^#\s*\w+\s*=/.test(l)) break;
  }
  const out: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) {
      i++;
      continue;
    }
    const startLine = i + 1;
    const segs: { text: string; line: number }[] = [];
    let cur = first;
    let lineNo = i + 1;
    for (;;) {
      const trimmed = cur.replace(/\s+$/, '');
      if (trimmed.endsWith(escape) && !trimmed.endsWith(escape + escape)) {
        segs.push({ text: trimmed.slice(0, -1), line: lineNo });
        i++;
        // Skip comment and empty lines inside a continuation.
        while (i < lines.length && /^\s*#/.test(lines[i]!)) i++;
        if (i >= lines.length) break;
        cur = lines[i]!;
        lineNo = i + 1;
        continue;
      }
      segs.push({ text: cur, line: lineNo });
      i++;
      break;
    }
    const m = /^\s*([A-Za-z]+)\s*/.exec(segs[0]!.text);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    segs[0] = { text: segs[0]!.text.slice(m[0].length), line: segs[0]!.line };
    // RUN <<EOF … EOF: skip the heredoc body.
    const hd = /<<-?\s*["']?([A-Za-z0-9_]+)["']?/.exec(segs.map((s) => s.text).join(' '));
    if (hd && (keyword === 'RUN' || keyword === 'COPY')) {
      while (i < lines.length && lines[i]!.trim() !== hd[1]) i++;
      i++;
    }
    out.push({ keyword, line: startLine, words: splitWords(segs, escape), raw: segs.map((s) => s.text).join(' ').trim() });
  }
  return out;
}

function splitWords(segs: { text: string; line: number }[], escape: string): Word[] {
  const words: Word[] = [];
  let cur = '';
  let curLine = 0;
  let inWord = false;
  for (const seg of segs) {
    const t = seg.text;
    let quote: string | undefined;
    for (let k = 0; k < t.length; k++) {
      const c = t[k]!;
      if (quote) {
        if (c === escape && quote === '"' && k + 1 < t.length) {
          cur += t[++k]!;
          continue;
        }
        if (c === quote) {
          quote = undefined;
          continue;
        }
        cur += c;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        if (!inWord) {
          inWord = true;
          curLine = seg.line;
        }
        continue;
      }
      if (c === escape && k + 1 < t.length) {
        if (!inWord) {
          inWord = true;
          curLine = seg.line;
        }
        cur += t[++k]!;
        continue;
      }
      if (/\s/.test(c)) {
        if (inWord) words.push({ text: cur, line: curLine });
        cur = '';
        inWord = false;
        continue;
      }
      if (!inWord) {
        inWord = true;
        curLine = seg.line;
      }
      cur += c;
    }
    // A segment boundary (continuation) separates words.
    if (inWord && !quote) {
      words.push({ text: cur, line: curLine });
      cur = '';
      inWord = false;
    }
  }
  if (inWord) words.push({ text: cur, line: curLine });
  return words;
}

interface Stage {
  name?: string;
  base: string;
  envs: ImageDefault[];
  /** The last CMD / ENTRYPOINT of the stage. */
  cmd?: Instruction;
  entrypoint?: Instruction;
}

/**
 * Reads of a CMD / ENTRYPOINT that runs through a shell (shell form, or exec form
 * `["sh", "-c", "…"]`): the shell expands `$X` when the container starts.
 */
function commandReads(file: SourceFile, ins: Instruction, out: ExtractResult): void {
  let script: string | undefined;
  const raw = ins.raw.trim();
  if (raw.startsWith('[')) {
    try {
      const arr = JSON.parse(raw) as unknown;
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) {
        const a = arr as string[];
        const sh = /^(?:\/usr)?(?:\/bin\/)?(?:ba|da|a)?sh$/.test(a[0] ?? '');
        const c = a.indexOf('-c');
        if (sh && c > 0 && a[c + 1] !== undefined) script = a[c + 1];
      }
    } catch {
      return; // not JSON: Docker would treat it as shell form, but a bracket first is unusual
    }
  } else script = raw;
  if (script === undefined) return;
  const seen = new Set<string>();
  scanShell(script, 0, (e) => {
    if (SHELL_VARS.has(e.name) || e.op === 'indirect' || seen.has(e.name)) return;
    seen.add(e.name);
    const read: ContractRead = {
      name: e.name,
      kind: e.op === 'required' ? 'required' : e.op === 'defaulted' && !e.wordRef ? 'defaulted' : 'optional',
      evidence: { file: file.path, line: ins.line, pattern: shorten(`${ins.keyword} ${e.text}`) },
      confidence: ins.keyword === 'ENTRYPOINT' ? 'high' : 'medium',
      note: `expanded by the shell when the container starts${ins.keyword === 'CMD' ? ' (unless the pod sets args/command)' : ' (unless the pod sets command)'}`,
    };
    if (read.kind === 'defaulted') read.default = e.word ?? '';
    out.reads.push(read);
  });
}

function extractDockerfile(file: SourceFile, out: ExtractResult): void {
  const stages: Stage[] = [];
  for (const ins of parseInstructions(file.text)) {
    if (ins.keyword === 'FROM') {
      const ws = ins.words.filter((w) => !w.text.startsWith('--'));
      const asIdx = ws.findIndex((w) => w.text.toUpperCase() === 'AS');
      stages.push({ base: ws[0]?.text ?? '', name: asIdx >= 0 ? ws[asIdx + 1]?.text : undefined, envs: [] });
      continue;
    }
    if (ins.keyword === 'ARG') {
      for (const w of ins.words) {
        const eq = w.text.indexOf('=');
        const name = eq < 0 ? w.text : w.text.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || PLATFORM_ARGS.has(name)) continue;
        out.reads.push({
          name,
          kind: 'build-time',
          evidence: { file: file.path, line: w.line, pattern: shorten(`ARG ${w.text}`) },
          confidence: 'high',
          ...(eq >= 0 ? { default: w.text.slice(eq + 1) } : {}),
        });
      }
      continue;
    }
    if (ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') {
      const stage = stages[stages.length - 1];
      if (stage) {
        if (ins.keyword === 'CMD') stage.cmd = ins;
        else stage.entrypoint = ins;
      }
      continue;
    }
    if (ins.keyword === 'ENV') {
      const stage = stages[stages.length - 1];
      if (!stage) continue; // ENV before FROM is invalid; ignore.
      const ws = ins.words;
      if (ws.length && !ws[0]!.text.includes('=')) {
        // Legacy form: ENV NAME value with spaces
        const name = ws[0]!.text;
        const value = ins.raw.slice(ins.raw.indexOf(name) + name.length).trim().replace(/^(["'])(.*)\1$/, '$2');
        stage.envs.push({ name, value, evidence: { file: file.path, line: ws[0]!.line, pattern: shorten(`ENV ${name} ${value}`) } });
        continue;
      }
      for (const w of ws) {
        const eq = w.text.indexOf('=');
        if (eq <= 0) continue;
        const name = w.text.slice(0, eq);
        const value = w.text.slice(eq + 1);
        stage.envs.push({ name, value, evidence: { file: file.path, line: w.line, pattern: shorten(`ENV ${name}=${value}`) } });
      }
    }
  }
  if (stages.length === 0) return;
  // The final image: the last stage and the stages it derives from by name.
  const chain: Stage[] = [];
  let s: Stage | undefined = stages[stages.length - 1];
  const seen = new Set<Stage>();
  while (s && !seen.has(s)) {
    seen.add(s);
    chain.unshift(s);
    const base = s.base.toLowerCase();
    const idx: number = stages.indexOf(s);
    s = stages.slice(0, idx).reverse().find((p) => p.name?.toLowerCase() === base);
  }
  // CMD / ENTRYPOINT in effect: the last one along the chain of the final image.
  let cmd: Instruction | undefined;
  let entrypoint: Instruction | undefined;
  for (const st of chain) {
    if (st.entrypoint) {
      entrypoint = st.entrypoint;
      cmd = undefined; // a new ENTRYPOINT resets an inherited CMD
    }
    if (st.cmd) cmd = st.cmd;
  }
  if (entrypoint) commandReads(file, entrypoint, out);
  if (cmd) commandReads(file, cmd, out);
  const multi = stages.length > 1;
  for (const st of chain) {
    for (const e of st.envs) {
      if (multi) e.evidence.pattern = shorten(`${e.evidence.pattern} (stage ${st.name ?? stages.indexOf(st)} of the final image)`, 120);
      out.imageDefaults.push(e);
    }
  }
}

export function isDockerfile(path: string): boolean {
  const b = basename(path);
  // `Dockerfile.prod` yes; `dockerfile.go` or `Dockerfile.md` (code, docs) no.
  if (/\.(?:go|py|[cm]?[jt]sx?|md|rst|txt|json|ya?ml|sh|rs|java|kt|rb|php|cs|lock|toml|ignore)$/i.test(b)) return false;
  return /^(?:Dockerfile|Containerfile)(?:\..+)?$/i.test(b) || /\.(?:Dockerfile|Containerfile)$/i.test(b);
}

export const dockerfileExtractor: Extractor = {
  id: 'dockerfile',
  matches: isDockerfile,
  extract: (file) => guarded('dockerfile', file, (out) => extractDockerfile(file, out)),
};
