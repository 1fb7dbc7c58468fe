/**
 * Comparing a name the app reads with a name a container gets, honouring how the app looks
 * names up: exactly (most runtimes), case-insensitively (pydantic-settings by default, .NET
 * configuration), or with Spring's relaxed binding (`SPRING_DATASOURCE_URL`,
 * `spring.datasource.url` and `spring_datasource_url` are the same property).
 */
import type { ContractEntry, NameMatch } from './model.js';

/**
 * A loose canonical form of an environment name or Spring property key: upper case without
 * `.`, `-`, `_` and brackets. Spring maps `app.db-url` to APP_DBURL when binding
 * @ConfigurationProperties and to APP_DB_URL when resolving `${app.db-url}`; comparing without
 * separators accepts both (erring towards "provided" rather than a false "missing").
 */
export function springCanonical(name: string): string {
  return name.replace(/[.\-_[\]]/g, '').toUpperCase();
}

/** Does `provided` satisfy a read of `wanted` under `match`? */
export function nameMatches(wanted: string, provided: string, match: NameMatch = 'exact'): boolean {
  if (wanted === provided) return true;
  if (match === 'case-insensitive') return wanted.toLowerCase() === provided.toLowerCase();
  if (match === 'spring-relaxed') return springCanonical(wanted) === springCanonical(provided);
  return false;
}

/** Does `provided` satisfy this entry? */
export function namesMatch(entry: Pick<ContractEntry, 'name' | 'match'>, provided: string): boolean {
  return nameMatches(entry.name, provided, entry.match);
}
