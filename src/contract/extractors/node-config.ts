/**
 * node-config (`config` package): `config/custom-environment-variables.json|yaml|yml` maps
 * configuration keys to environment variables (`{ "db": { "url": "DATABASE_URL" } }`, or
 * `{ "__name": "PORTS", "__format": "json" }`). Each name is an optional read: when the variable
 * is unset, the value comes from the other config files.
 */
import { parseDocument } from 'yaml';
import { checkUniqueKeys } from '../../sources/yaml-keys.js';
import type { Extractor, ExtractResult, SourceFile } from '../model.js';
import { guarded } from './util.js';

/** `yaml.parse`, with duplicate keys checked in linear time (the library's check is quadratic). */
function parseYaml(text: string): unknown {
  const d = parseDocument(text, { uniqueKeys: false });
  checkUniqueKeys(d);
  if (d.errors.length) throw d.errors[0];
  return d.toJS();
}

const FILE = /(?:^|\/)custom-environment-variables\.(?:json|ya?ml)$/;

function extractNodeConfig(file: SourceFile, out: ExtractResult): void {
  let doc: unknown;
  try {
    doc = file.path.endsWith('.json') ? JSON.parse(file.text) : parseYaml(file.text);
  } catch {
    out.unresolved.push({ evidence: { file: file.path, line: 1, pattern: 'custom-environment-variables' }, reason: 'node-config mapping could not be parsed' });
    return;
  }
  const lines = file.text.split('\n');
  const lineOf = (name: string): number => {
    const re = new RegExp(`["':\\s]${name}["'\\s,]*$|["']${name}["']`);
    const i = lines.findIndex((l) => re.test(l));
    return i + 1 || 1;
  };
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return;
      out.reads.push({
        name: v,
        kind: 'optional',
        evidence: { file: file.path, line: lineOf(v), pattern: `${key} ← ${v}` },
        confidence: 'high',
        note: `node-config key ${key}; the config files give the value when unset`,
      });
      return;
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.__name === 'string') {
        walk(o.__name, key);
        return;
      }
      for (const [k, c] of Object.entries(o)) walk(c, key ? `${key}.${k}` : k);
    }
  };
  walk(doc, '');
}

export const nodeConfigExtractor: Extractor = {
  id: 'node-config',
  matches: (path) => FILE.test(path),
  extract: (file) => guarded('node-config', file, (out) => extractNodeConfig(file, out)),
};
