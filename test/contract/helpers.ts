import type { ExtractResult, Extractor } from '../../src/contract/model.js';

/** Reads as compact strings: "NAME kind line [default]". */
export function summary(r: ExtractResult): string[] {
  return r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line}${x.default !== undefined ? ` =${x.default}` : ''}`);
}

export function run(ex: Extractor, path: string, text: string): ExtractResult {
  if (!ex.matches(path)) throw new Error(`${ex.id} does not match ${path}`);
  return ex.extract({ path, text });
}
