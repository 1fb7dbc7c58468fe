import type { Extractor } from '../model.js';
import { javascriptExtractor } from './javascript.js';
import { pythonExtractor } from './python.js';
import { goExtractor } from './go.js';
import { shellExtractor } from './shell.js';
import { dockerfileExtractor } from './dockerfile.js';
import { dotenvExtractor } from './dotenv.js';

/** Every contract extractor, one file each in this folder. */
export const EXTRACTORS: Extractor[] = [
  javascriptExtractor,
  pythonExtractor,
  goExtractor,
  shellExtractor,
  dockerfileExtractor,
  dotenvExtractor,
];
