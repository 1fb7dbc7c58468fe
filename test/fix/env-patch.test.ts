import { describe, expect, it } from '@jest/globals';
import { valueFromOldNames } from '../../src/fix/env-patch.js';

describe('valueFromOldNames', () => {
  it.each([
    ['REDIS_URL', ['REDIS_HOST', 'REDIS_PORT'], 'redis://$(REDIS_HOST):$(REDIS_PORT)/0'],
    ['DATABASE_URL', ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_NAME'], 'database://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST):$(DATABASE_PORT)/$(DATABASE_NAME)'],
    ['PG_DSN', ['PG_HOST'], '$(PG_HOST)'],
    ['POSTGRES_URL', ['POSTGRES_HOST', 'POSTGRES_PORT', 'POSTGRES_DB'], 'postgres://$(POSTGRES_HOST):$(POSTGRES_PORT)/$(POSTGRES_DB)'],
    ['API_TOKEN', ['API_KEY', 'API_SECRET'], undefined],
    ['CACHE_URL', ['CACHE_PORT', 'CACHE_TTL'], undefined],
  ])('%s from %j', (to, from, expected) => {
    expect(valueFromOldNames(to, from)).toBe(expected);
  });
});
