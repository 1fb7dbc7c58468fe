/**
 * Lookups in constant tables by a string that comes from input (a kind, a key, a name). A
 * plain object answers `toString`, `constructor` or `__proto__` with what it inherits from
 * Object.prototype; these answer only with the table's own entries.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** `key in table`, own entries only. */
export function hasOwn(table: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** `obj[key] = value` as an own, enumerable property, even for `__proto__`. */
export function setOwn(obj: Record<string, any>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
