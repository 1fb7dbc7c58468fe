/**
 * Failure class 3: requiredness from what the code does next. Fixtures patterned on mealie's
 * settings factory (pydantic fields the code supplies at construction are not needed from the
 * environment) and outline's DataDog metrics (a one-of check inside a method that runs only when
 * a feature is on is not a start-up requirement).
 */
import { describe, expect, it } from '@jest/globals';
import { pythonExtractor } from '../../../src/contract/extractors/python.js';
import { javascriptExtractor } from '../../../src/contract/extractors/javascript.js';
import type { Extractor } from '../../../src/contract/model.js';
import { run } from '../helpers.js';

const PY = (construct: string) =>
  [
    'from pydantic_settings import BaseSettings',
    '',
    'class AppSettings(BaseSettings):',
    '    SECRET: str',
    '    SESSION_SECRET: str',
    '    DB_URL: str',
    '    PORT: int = 9000',
    '',
    'def app_settings_constructor(data_dir):',
    construct,
    '',
  ].join('\n');

const JS_METHOD = [
  'export class Metrics {',
  '  gauge(key: string) {',
  '    if (!this.enabled) return;',
  '    const id = process.env.INSTANCE_ID || process.env.DYNO_ID;',
  '    if (!id) throw new Error("INSTANCE_ID or DYNO_ID must be set when using DataDog");',
  '    return id;',
  '  }',
  '}',
  '',
].join('\n');
const JS_TOP = [
  'const id = process.env.INSTANCE_ID || process.env.DYNO_ID;',
  'if (!id) throw new Error("INSTANCE_ID or DYNO_ID must be set");',
  'export default id;',
  '',
].join('\n');

const table: { title: string; ex: Extractor; path: string; text: string; want: string[] }[] = [
  {
    title: 'pydantic: fields passed through **dict at construction are defaulted',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: PY('    secrets = {\n        "SECRET": make(data_dir),\n        "SESSION_SECRET": make(data_dir),\n    }\n    return AppSettings(_env_file=".env", **secrets)'),
    want: ['DB_URL required high', 'PORT defaulted high', 'SECRET defaulted high', 'SESSION_SECRET defaulted high'],
  },
  {
    title: 'pydantic: a keyword argument at construction is defaulted',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: PY('    return AppSettings(SECRET=make(data_dir))'),
    want: ['DB_URL required high', 'PORT defaulted high', 'SECRET defaulted high', 'SESSION_SECRET required high'],
  },
  {
    title: 'pydantic: never constructed by the code → every field without default is required',
    ex: pythonExtractor,
    path: 'app/settings.py',
    text: PY('    return None'),
    want: ['DB_URL required high', 'PORT defaulted high', 'SECRET required high', 'SESSION_SECRET required high'],
  },
  {
    title: 'JS: a one-of check inside a method is not a start-up requirement (medium)',
    ex: javascriptExtractor,
    path: 'server/metrics.ts',
    text: JS_METHOD,
    want: ['DYNO_ID optional medium one-of', 'INSTANCE_ID optional medium one-of'],
  },
  {
    title: 'JS: the same check at module top level is (high)',
    ex: javascriptExtractor,
    path: 'server/metrics.ts',
    text: JS_TOP,
    want: ['DYNO_ID optional high one-of', 'INSTANCE_ID optional high one-of'],
  },
];

describe('class 3: requiredness from what the code does next', () => {
  it.each(table)('$title', ({ ex, path, text, want }) => {
    const r = run(ex, path, text);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.confidence}${x.requiredOneOf ? ' one-of' : ''}`).sort()).toEqual(want);
  });
});
