import { dotenvExtractor as de } from '../../src/contract/extractors/dotenv.js';
import { run } from './helpers.js';

const decl = (text: string, path = '.env.example') =>
  run(de, path, text).reads.map((r) => `${r.name} ${r.kind} ${r.evidence.line}`);

describe('dotenv declarations', () => {
  it.each<[string, string, string[]]>([
    ['empty value is required, value present is optional', `DATABASE_URL=\nPORT=3000\n`, ['DATABASE_URL required 1', 'PORT optional 2']],
    ['quoted empty value is required', `API_KEY=""\n`, ['API_KEY required 1']],
    ['placeholder value is required', `STRIPE_KEY=<your-stripe-key>\nSESSION_SECRET=changeme\n`, ['STRIPE_KEY required 1', 'SESSION_SECRET required 2']],
    ['inline comment marker wins', `SENTRY_DSN= # optional\nREDIS_URL=redis://localhost:6379 # required\n`, ['SENTRY_DSN optional 1', 'REDIS_URL required 2']],
    ['comment block just above', `# Optional: error reporting\nSENTRY_DSN=\n\n# (required) where sessions live\nREDIS_URL=redis://localhost\n`, ['SENTRY_DSN optional 2', 'REDIS_URL required 5']],
    ['"not required" is optional', `# not required in development\nDEBUG=\n`, ['DEBUG optional 2']],
    ['a comment above a blank line does not apply', `# Required settings\n\nLOG_LEVEL=info\n`, ['LOG_LEVEL optional 3']],
    ['export prefix and comments', `# comment\nexport APP_URL=http://localhost\n`, ['APP_URL optional 2']],
  ])('%s', (_t, text, expected) => {
    expect(decl(text)).toEqual(expected);
  });

  it('evidence says where the declaration is, and marks it as a declaration', () => {
    const r = run(de, 'config/.env.template', `REDIS_URL=\n`).reads[0]!;
    expect(r.evidence).toEqual({ file: 'config/.env.template', line: 1, pattern: '.env.template REDIS_URL=' });
    expect(r.declaration).toBe(true);
  });

  it('matches declaration files, never .env itself', () => {
    expect(['.env.example', '.env.sample', '.env.template', '.env.dist', 'example.env', '.env.local.example', 'worker.env.sample', '.env', '.env.local', '.env.production', 'prod.env'].map((p) => de.matches(p))).toEqual([
      true, true, true, true, true, true, true, false, false, false, false,
    ]);
  });
});

import { nodeConfigExtractor as nc } from '../../src/contract/extractors/node-config.js';

describe('node-config custom-environment-variables', () => {
  it('json mapping with __name', () => {
    const r = run(nc, 'config/custom-environment-variables.json', `{\n  "db": {\n    "url": "DATABASE_URL"\n  },\n  "ports": { "__name": "PORTS", "__format": "json" }\n}\n`);
    expect(r.reads.map((x) => `${x.name} ${x.kind} ${x.evidence.line} ${x.evidence.pattern}`)).toEqual(['DATABASE_URL optional 3 db.url ← DATABASE_URL', 'PORTS optional 5 ports ← PORTS']);
  });
  it('yaml mapping', () => {
    const r = run(nc, 'config/custom-environment-variables.yml', `redis:\n  url: REDIS_URL\n`);
    expect(r.reads.map((x) => `${x.name} ${x.evidence.line}`)).toEqual(['REDIS_URL 2']);
  });
  it('broken file is unresolved, not a crash', () => {
    const r = run(nc, 'config/custom-environment-variables.json', `{ "a": `);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['node-config mapping could not be parsed']);
  });
});
