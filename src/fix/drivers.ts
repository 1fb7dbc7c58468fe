/**
 * The database/cache/broker drivers an app declares, as URL schemes, from its dependency
 * files: package.json (dependencies, optional/peer), requirements*.txt, pyproject.toml and
 * go.mod. Read from the app's source at the version's ref, at the root and at the folders
 * of the contract's evidence and their parents (a monorepo's package). Unparseable files
 * give nothing.
 */
import type { FileTree } from '../sources/tree.js';

const NPM: Record<string, string> = {
  pg: 'postgresql',
  postgres: 'postgresql',
  'pg-promise': 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  ioredis: 'redis',
  '@redis/client': 'redis',
  mongodb: 'mongodb',
  mongoose: 'mongodb',
  amqplib: 'amqp',
  'amqp-connection-manager': 'amqp',
  kafkajs: 'kafka',
  memjs: 'memcached',
  memcached: 'memcached',
  '@elastic/elasticsearch': 'http',
  nats: 'nats',
};

const PYPI: Record<string, string> = {
  psycopg2: 'postgresql',
  'psycopg2-binary': 'postgresql',
  psycopg: 'postgresql',
  asyncpg: 'postgresql',
  pymysql: 'mysql',
  mysqlclient: 'mysql',
  aiomysql: 'mysql',
  redis: 'redis',
  aioredis: 'redis',
  pymongo: 'mongodb',
  motor: 'mongodb',
  pika: 'amqp',
  'aio-pika': 'amqp',
  'kafka-python': 'kafka',
  'confluent-kafka': 'kafka',
  aiokafka: 'kafka',
  pymemcache: 'memcached',
  'python-memcached': 'memcached',
  elasticsearch: 'http',
  'nats-py': 'nats',
};

const GO: [string, string][] = [
  ['github.com/lib/pq', 'postgresql'],
  ['github.com/jackc/pgx', 'postgresql'],
  ['github.com/go-sql-driver/mysql', 'mysql'],
  ['github.com/redis/go-redis', 'redis'],
  ['github.com/go-redis/redis', 'redis'],
  ['github.com/gomodule/redigo', 'redis'],
  ['go.mongodb.org/mongo-driver', 'mongodb'],
  ['github.com/rabbitmq/amqp091-go', 'amqp'],
  ['github.com/streadway/amqp', 'amqp'],
  ['github.com/segmentio/kafka-go', 'kafka'],
  ['github.com/IBM/sarama', 'kafka'],
  ['github.com/Shopify/sarama', 'kafka'],
  ['github.com/confluentinc/confluent-kafka-go', 'kafka'],
  ['github.com/bradfitz/gomemcache', 'memcached'],
  ['github.com/elastic/go-elasticsearch', 'http'],
  ['github.com/nats-io/nats.go', 'nats'],
];

export interface Driver {
  scheme: string;
  /** "pg in package.json". */
  from: string;
}

function pyName(line: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*/, ''));
  return m ? m[1]!.toLowerCase().replace(/_/g, '-') : undefined;
}

export function driversIn(file: string, text: string): Driver[] {
  const out: Driver[] = [];
  const base = file.slice(file.lastIndexOf('/') + 1);
  const add = (name: string, scheme: string | undefined) => {
    if (scheme && !out.some((d) => d.scheme === scheme && d.from.startsWith(`${name} `))) out.push({ scheme, from: `${name} in ${file}` });
  };
  if (base === 'package.json') {
    let pkg: unknown;
    try {
      pkg = JSON.parse(text);
    } catch {
      return [];
    }
    if (!pkg || typeof pkg !== 'object') return [];
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const deps = (pkg as Record<string, unknown>)[field];
      if (deps && typeof deps === 'object') for (const n of Object.keys(deps)) if (Object.hasOwn(NPM, n)) add(n, NPM[n]);
    }
  } else if (/^requirements.*\.txt$/.test(base)) {
    for (const l of text.split('\n')) {
      const n = pyName(l);
      if (n && Object.hasOwn(PYPI, n)) add(n, PYPI[n]);
    }
  } else if (base === 'pyproject.toml') {
    // Dependency strings ("psycopg[binary]>=3") and poetry tables (`asyncpg = "^0.29"`).
    for (const m of text.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ][^"']*)?["']|^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/gm)) {
      const n = (m[1] ?? m[2])!.toLowerCase().replace(/_/g, '-');
      if (Object.hasOwn(PYPI, n)) add(n, PYPI[n]);
    }
  } else if (base === 'go.mod') {
    for (const [mod, scheme] of GO) if (new RegExp(`(^|\\s)${mod.replace(/[.]/g, '\\.')}(/v\\d+)?\\s`, 'm').test(text)) add(mod, scheme);
  }
  return out;
}

const FILES = ['package.json', 'requirements.txt', 'pyproject.toml', 'go.mod'];

/** Drivers declared at the root and in the folders (and their parents) of `files`. */
export async function appDrivers(tree: FileTree, files: string[]): Promise<Driver[]> {
  const dirs = new Set<string>(['']);
  for (const f of files) {
    const parts = f.split('/').slice(0, -1);
    for (let i = parts.length; i > 0; i--) dirs.add(parts.slice(0, i).join('/'));
  }
  const candidates = [...dirs].sort().flatMap((d) => FILES.map((f) => (d ? `${d}/${f}` : f)));
  const texts = await tree.readMany(candidates);
  const out: Driver[] = [];
  for (const p of candidates) {
    const t = texts.get(p);
    if (t !== undefined) for (const d of driversIn(p, t)) if (!out.some((x) => x.scheme === d.scheme && x.from === d.from)) out.push(d);
  }
  return out;
}
