/**
 * Annotations on the exact file and line of each finding. GitHub shows at most 10 error,
 * 10 warning and 10 notice annotations per step; the rest are listed in the job summary
 * instead of being dropped silently.
 */
import type { Finding, Severity } from '../model.js';
import { localFileLocations, repoRelative } from '../report/sarif.js';
import { oneLine } from '../report/escape.js';

export const ANNOTATION_CAP = 10;

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title: string;
  file?: string;
  startLine?: number;
  finding: Finding;
}

const LEVEL: Record<Severity, Annotation['level']> = { error: 'error', warning: 'warning', info: 'notice' };

export function annotationFor(f: Finding, pathPrefix = ''): Annotation {
  const l = localFileLocations(f)[0];
  return {
    level: LEVEL[f.severity],
    // The log viewer renders escape sequences: none from input reaches it.
    title: oneLine(`keydrift/${f.check}${f.key ? `: ${f.key}` : ''}`),
    message: oneLine(f.message) + (f.fix ? `\nFix: ${oneLine(f.fix)}` : ''),
    ...(l ? { file: repoRelative(l.file!, pathPrefix) } : {}),
    ...(l?.line ? { startLine: l.line } : {}),
    finding: f,
  };
}

/** Which findings become annotations (in report order) and which go to the summary only. */
export function planAnnotations(
  findings: Finding[],
  pathPrefix = '',
  cap = ANNOTATION_CAP,
  caps: Partial<Record<Annotation['level'], number>> = {},
): { shown: Annotation[]; overflow: Finding[] } {
  const used: Record<Annotation['level'], number> = { error: 0, warning: 0, notice: 0 };
  const shown: Annotation[] = [];
  const overflow: Finding[] = [];
  for (const f of findings) {
    const a = annotationFor(f, pathPrefix);
    if (used[a.level] < (caps[a.level] ?? cap)) {
      used[a.level]++;
      shown.push(a);
    } else overflow.push(f);
  }
  return { shown, overflow };
}
