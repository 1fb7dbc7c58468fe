/**
 * Which URL scheme a new connection-string key needs, from what is known — never a scheme made
 * up from the variable's name (`database://` is no driver's). In order of trust:
 *  1. the default the new version's code writes for the name (`?? 'postgres://localhost/app'`);
 *  2. a name stem that is a product (`REDIS_URL` → redis, `PG_DSN` → postgresql);
 *  3. the old port's value the container gets in the clear (5432 → postgresql, 6379 → redis, …);
 *  4. the drivers the app declares (package.json, requirements.txt, pyproject.toml, go.mod):
 *     the only one, or the only one of the kind the name says (`DATABASE_` → a database driver).
 * Nothing known: undefined, and the caller writes a placeholder the user must replace.
 */

export interface SchemeChoice {
  scheme: string;
  /** In words, for the fix text: "the old port 5432", "the driver pg in package.json". */
  from: string;
}

/** Product stems in variable names. */
const STEM_SCHEMES: Record<string, string> = {
  REDIS: 'redis',
  VALKEY: 'redis',
  POSTGRES: 'postgresql',
  POSTGRESQL: 'postgresql',
  PG: 'postgresql',
  PSQL: 'postgresql',
  MYSQL: 'mysql',
  MARIADB: 'mysql',
  MONGO: 'mongodb',
  MONGODB: 'mongodb',
  AMQP: 'amqp',
  RABBITMQ: 'amqp',
  RABBIT: 'amqp',
  KAFKA: 'kafka',
  NATS: 'nats',
  MEMCACHE: 'memcached',
  MEMCACHED: 'memcached',
  ELASTICSEARCH: 'http',
  OPENSEARCH: 'http',
};

/** Well-known default ports. */
export const PORT_SCHEMES: Record<string, string> = {
  '5432': 'postgresql',
  '3306': 'mysql',
  '6379': 'redis',
  '27017': 'mongodb',
  '5672': 'amqp',
  '9092': 'kafka',
  '11211': 'memcached',
  '9200': 'http',
};

/** Generic stems and the kinds of service they can name. */
const KIND_OF_STEM: Record<string, string[]> = {
  DATABASE: ['postgresql', 'mysql', 'mongodb'],
  DB: ['postgresql', 'mysql', 'mongodb'],
  SQL: ['postgresql', 'mysql'],
  CACHE: ['redis', 'memcached'],
  SESSION: ['redis', 'memcached'],
  BROKER: ['amqp', 'kafka', 'nats', 'redis'],
  QUEUE: ['amqp', 'kafka', 'nats', 'redis'],
  MQ: ['amqp', 'kafka', 'nats'],
  SEARCH: ['http'],
};

/** The scheme a URL default written in code uses, when it is one. */
function schemeOf(url: string | undefined): string | undefined {
  const m = url ? /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim()) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

export interface SchemeHints {
  /** The name's stem (`DATABASE` for DATABASE_URL). */
  stem: string;
  /** The default the new version's code writes for the new name. */
  newDefault?: string;
  /** The old port key and its value as the container gets it (ConfigMap/literal only). */
  port?: { name: string; value: string };
  /** Driver schemes the app's dependency files declare, each with where it was seen. */
  drivers?: { scheme: string; from: string }[];
}

export function chooseScheme(h: SchemeHints): SchemeChoice | undefined {
  const fromDefault = schemeOf(h.newDefault);
  if (fromDefault) return { scheme: fromDefault, from: `the new version's default for the name (${fromDefault}://…)` };
  const parts = h.stem.split('_');
  for (const p of [h.stem, parts[parts.length - 1]!, parts[0]!]) {
    const s = STEM_SCHEMES[p];
    if (s) return { scheme: s, from: `the name ${h.stem}_` };
  }
  const byPort = h.port ? PORT_SCHEMES[h.port.value.trim()] : undefined;
  if (byPort) return { scheme: byPort, from: `the old port ${h.port!.name}=${h.port!.value.trim()}` };
  const drivers = h.drivers ?? [];
  const schemes = [...new Set(drivers.map((d) => d.scheme))];
  const kinds = parts.flatMap((p) => KIND_OF_STEM[p] ?? []);
  const fitting = kinds.length ? schemes.filter((s) => kinds.includes(s)) : schemes;
  if (fitting.length === 1) {
    const d = drivers.filter((x) => x.scheme === fitting[0]).map((x) => x.from);
    return { scheme: fitting[0]!, from: `the app's driver ${d.join(', ')}` };
  }
  return undefined;
}
