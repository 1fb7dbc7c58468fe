import { nameMatches, namesMatch, springCanonical } from '../../src/contract/names.js';
import { aggregate } from '../../src/contract/build.js';
import type { ContractRead } from '../../src/contract/model.js';

describe('name matching', () => {
  it.each<[string, string, 'exact' | 'case-insensitive' | 'spring-relaxed', boolean]>([
    ['REDIS_URL', 'REDIS_URL', 'exact', true],
    ['REDIS_URL', 'redis_url', 'exact', false],
    ['APP_DB_URL', 'app_db_url', 'case-insensitive', true],
    ['SPRING_DATASOURCE_URL', 'spring.datasource.url', 'spring-relaxed', true],
    ['MY_APP_API_KEY', 'my-app.api-key', 'spring-relaxed', true],
    ['SERVERS_0_HOST', 'servers[0].host', 'spring-relaxed', true],
    ['SPRING_DATASOURCE_URL', 'SPRING_DATASOURCE_USER', 'spring-relaxed', false],
    ['APP_APIKEY', 'app.api-key', 'spring-relaxed', true],
    ['MY_APP_KEY', 'my-app.key', 'spring-relaxed', true],
  ])('%s vs %s (%s) → %s', (w, p, m, ok) => {
    expect(nameMatches(w, p, m)).toBe(ok);
  });
  it('springCanonical', () => expect(springCanonical('app.db-url[2]')).toBe('APPDBURL2'));
  it('an entry is loose only when every read is', () => {
    const r = (match?: ContractRead['match']): ContractRead => ({ name: 'X', kind: 'optional', evidence: { file: 'a', line: 1, pattern: 'p' }, confidence: 'high', ...(match ? { match } : {}) });
    expect(aggregate('X', [r('spring-relaxed'), r('spring-relaxed')]).match).toBe('spring-relaxed');
    expect(aggregate('X', [r('spring-relaxed'), r()]).match).toBeUndefined();
    expect(namesMatch({ name: 'X', match: 'case-insensitive' }, 'x')).toBe(true);
  });
});
