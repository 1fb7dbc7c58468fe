import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { CHECKS } from '../../src/checks/index.js';

const dir = new URL('../../src/checks/', import.meta.url);
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const NOT_CHECKS = new Set(['index.ts', 'types.ts', 'util.ts']);

describe('check registry', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !NOT_CHECKS.has(f));

  it('has one file per check, named by its id', () => {
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(CHECKS.map((c) => c.meta.id).sort());
  });

  it('ids are unique, kebab-case, with a description and a default severity', () => {
    const ids = CHECKS.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.meta.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(c.meta.description.length).toBeGreaterThan(20);
      expect(['error', 'warning', 'info']).toContain(c.meta.defaultSeverity);
    }
  });

  it.each(CHECKS.map((c) => [c.meta.id, c.meta.defaultSeverity]))('README documents %s with its severity', (id, sev) => {
    expect(readme).toMatch(new RegExp(`\\|\\s*\`${id}\`\\s*\\|\\s*${sev}\\s*\\|`));
  });
});
