import type { Extractor } from '../model.js';

/** Every contract extractor, one file each in this folder. */
export const EXTRACTORS: Extractor[] = [];
