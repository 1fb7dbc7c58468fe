import type { Extractor } from '../model.js';
import { javascriptExtractor } from './javascript.js';
import { pythonExtractor } from './python.js';
import { goExtractor } from './go.js';
import { shellExtractor } from './shell.js';
import { dockerfileExtractor } from './dockerfile.js';
import { dotenvExtractor } from './dotenv.js';
import { jvmExtractor } from './jvm.js';
import { springExtractor } from './spring.js';
import { rubyExtractor } from './ruby.js';
import { rustExtractor } from './rust.js';
import { csharpExtractor } from './csharp.js';
import { phpExtractor } from './php.js';
import { nodeConfigExtractor } from './node-config.js';
import { NEST_CONFIG } from './nest-config.js';
import { CLASS_VALIDATOR } from './class-validator.js';
import { SPRING_CONFIG_NAME } from './spring-config-name.js';
import { RAILS_ERB } from './rails-erb.js';

/**
 * Every contract extractor, one file each in this folder. JS/TS validation libraries
 * (js-schemas.ts), Python settings libraries (python-libs.ts) and Go configuration libraries
 * (go-libs.ts) run inside their language's extractor, on the same parse.
 */
export const EXTRACTORS: Extractor[] = [
  javascriptExtractor,
  pythonExtractor,
  goExtractor,
  shellExtractor,
  dockerfileExtractor,
  dotenvExtractor,
  jvmExtractor,
  springExtractor,
  rubyExtractor,
  rustExtractor,
  csharpExtractor,
  phpExtractor,
  nodeConfigExtractor,
];

/**
 * Framework recognizers (issue 9): one file each, run by the extractor of their language on
 * its parse, identified by their file name like a lint rule.
 */
export const RECOGNIZERS: { id: string; summary: string }[] = [NEST_CONFIG, CLASS_VALIDATOR, SPRING_CONFIG_NAME, RAILS_ERB];
