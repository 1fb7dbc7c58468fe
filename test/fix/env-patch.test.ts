import { describe, expect, it } from '@jest/globals';
import { valueFromOldNames, SCHEME_PLACEHOLDER, type ValueHints } from '../../src/fix/env-patch.js';
import { driversIn } from '../../src/fix/drivers.js';

const clear = (vals: Record<string, string>, secrets: string[] = []): ValueHints['provided'] => {
  const m = new Map<string, { value?: string; secret: boolean }>();
  for (const [n, value] of Object.entries(vals)) m.set(n, { value, secret: false });
  for (const n of secrets) m.set(n, { secret: true });
  return m;
};

describe('valueFromOldNames', () => {
  it.each<[string, string, string[], ValueHints, string | undefined]>([
    ['a product stem', 'REDIS_URL', ['REDIS_HOST', 'REDIS_PORT'], {}, 'redis://$(REDIS_HOST):$(REDIS_PORT)/0'],
    ['a 1:1 rename', 'COOKIE_SECRET', ['SESSION_KEY'], {}, '$(SESSION_KEY)'],
    ['a host alone becomes the URL host', 'PG_DSN', ['PG_HOST'], {}, 'postgresql://$(PG_HOST)'],
    ['postgres by its stem', 'POSTGRES_URL', ['POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB'], {}, 'postgresql://$(POSTGRES_HOST):$(POSTGRES_PORT)/$(POSTGRES_DB)'],
    ['no host: nothing', 'CACHE_URL', ['CACHE_PORT', 'CACHE_TTL'], {}, undefined],
    ['not a connection string: nothing', 'API_TOKEN', ['API_KEY', 'API_SECRET'], {}, undefined],
    // the case: DATABASE_* → DATABASE_URL; the scheme comes from what is known
    ['the old port 5432', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME'], { provided: clear({ DATABASE_PORT: '5432' }) }, 'postgresql://$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)'],
    ['the old port 3306', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { provided: clear({ DATABASE_PORT: '3306' }) }, 'mysql://$(DATABASE_HOST):$(DATABASE_PORT)'],
    ['the old port 27017', 'STORE_URL', ['STORE_HOST', 'STORE_PORT'], { provided: clear({ STORE_PORT: ' 27017 ' }) }, 'mongodb://$(STORE_HOST):$(STORE_PORT)'],
    ['the old port 5672', 'EVENTS_URL', ['EVENTS_HOST', 'EVENTS_PORT'], { provided: clear({ EVENTS_PORT: '5672' }) }, 'amqp://$(EVENTS_HOST):$(EVENTS_PORT)'],
    ['the old port 9092', 'STREAM_ADDR', ['STREAM_HOST', 'STREAM_PORT'], { provided: clear({ STREAM_PORT: '9092' }) }, 'kafka://$(STREAM_HOST):$(STREAM_PORT)'],
    ['the old port 11211', 'CACHE_URL', ['CACHE_HOST', 'CACHE_PORT'], { provided: clear({ CACHE_PORT: '11211' }) }, 'memcached://$(CACHE_HOST):$(CACHE_PORT)'],
    ['the old port 9200', 'SEARCH_URL', ['SEARCH_HOST', 'SEARCH_PORT'], { provided: clear({ SEARCH_PORT: '9200' }) }, 'http://$(SEARCH_HOST):$(SEARCH_PORT)'],
    ['the old port 6379 gives redis and its /0', 'CACHE_URL', ['CACHE_HOST', 'CACHE_PORT'], { provided: clear({ CACHE_PORT: '6379' }) }, 'redis://$(CACHE_HOST):$(CACHE_PORT)/0'],
    ['the new default beats the port', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { newDefault: 'postgres://localhost/app', provided: clear({ DATABASE_PORT: '3306' }) }, 'postgres://$(DATABASE_HOST):$(DATABASE_PORT)'],
    ['a port from a Secret is never read', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { provided: clear({}, ['DATABASE_PORT']) }, `${SCHEME_PLACEHOLDER}://$(DATABASE_HOST):$(DATABASE_PORT)`],
    ['the only driver', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { drivers: [{ scheme: 'mysql', from: 'mysql2 in package.json' }] }, 'mysql://$(DATABASE_HOST):$(DATABASE_PORT)'],
    ['the only driver of the kind the name says', 'DATABASE_URL', ['DATABASE_HOST'], { drivers: [{ scheme: 'redis', from: 'ioredis in package.json' }, { scheme: 'postgresql', from: 'pg in package.json' }] }, 'postgresql://$(DATABASE_HOST)'],
    ['two fitting drivers: a placeholder', 'DATABASE_URL', ['DATABASE_HOST'], { drivers: [{ scheme: 'mysql', from: 'a' }, { scheme: 'postgresql', from: 'b' }] }, `${SCHEME_PLACEHOLDER}://$(DATABASE_HOST)`],
    ['nothing known: a placeholder, never database://', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_NAME'], {}, `${SCHEME_PLACEHOLDER}://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)`],
    ['credentials from Secret keys the container gets, by $(NAME)', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { provided: clear({ DATABASE_PORT: '5432' }, ['DATABASE_USER', 'DATABASE_PASSWORD']) }, 'postgresql://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)'],
    ['a clear USER value is not taken as a credential source', 'DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { provided: clear({ DATABASE_PORT: '5432', DATABASE_USER: 'app' }) }, 'postgresql://$(DATABASE_HOST):$(DATABASE_PORT)'],
  ])('%s: %s from %j', (_t, to, from, hints, expected) => {
    const r = valueFromOldNames(to, from, hints);
    expect(r?.value).toBe(expected);
    if (r?.value.startsWith(SCHEME_PLACEHOLDER)) expect(r.placeholder).toBe(SCHEME_PLACEHOLDER);
    else if (r && r.value.includes('://')) expect(r.schemeFrom).toBeTruthy();
    expect(r?.value ?? '').not.toMatch(/^database:/);
  });

  it('never inlines a value: only $(NAME) references and the scheme', () => {
    const r = valueFromOldNames('DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT'], { provided: clear({ DATABASE_HOST: 'db.internal', DATABASE_PORT: '5432' }, ['DATABASE_PASSWORD']) })!;
    expect(r.value).not.toContain('db.internal');
    expect(r.value).not.toContain('5432');
    expect(r.value.replace(/\$\([A-Z_]+\)/g, '')).toBe('postgresql://:@:');
  });
});

describe('driversIn', () => {
  it.each<[string, string, string[]]>([
    ['package.json', JSON.stringify({ dependencies: { pg: '^8', express: '4' }, devDependencies: { mysql2: '3' } }), ['postgresql']],
    ['svc/package.json', JSON.stringify({ dependencies: { ioredis: '5', mongoose: '8' } }), ['redis', 'mongodb']],
    ['package.json', '{not json', []],
    ['requirements.txt', 'Django==5.0\npsycopg2-binary>=2.9 # db\n# redis\n', ['postgresql']],
    ['requirements-prod.txt', 'PyMySQL==1.1\n', ['mysql']],
    ['pyproject.toml', '[project]\ndependencies = ["asyncpg>=0.29", "fastapi"]\n[tool.poetry.dependencies]\naio_pika = "^9"\n', ['postgresql', 'amqp']],
    ['go.mod', 'module x\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.5.0\n\tgithub.com/segmentio/kafka-go v0.4.47\n)\n', ['postgresql', 'kafka']],
    ['go.mod', 'module x\nrequire github.com/jackc/pgxfoo v1.0.0\n', []],
  ])('%s %s', (file, text, schemes) => {
    expect(driversIn(file, text).map((d) => d.scheme)).toEqual(schemes);
  });
});
