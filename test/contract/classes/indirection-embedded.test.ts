/**
 * Class 2 (indirection): reads inside code embedded in strings and templates. Ruby
 * `"#{ENV['X']}/1"` interpolation (nested too), and the ERB tags of Rails `config/*.yml`
 * (`<%= ENV.fetch("X") { d } %>`), which Rails runs before reading the YAML. Fixtures are our
 * own, patterned on Rails apps' database.yml / storage.yml / cable.yml and initializers.
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf } from './contract-of.js';

const DATABASE_YML = [
  'default: &default', // 1
  '  adapter: postgresql', // 2
  '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>', // 3
  '  host: <%= ENV.fetch("DB_HOST") { "127.0.0.1" } %>', // 4
  '  user: <%= ENV.fetch("POSTGRES_USER") { nil } %>', // 5
  '  <%# password: <%= ENV["OLD_PASSWORD"] %>', // 6
  'production:', // 7
  '  <<: *default', // 8
  '  url: <%= ENV.fetch("DATABASE_URL") %>', // 9
  '  <% if ENV["DB_REPLICA"] -%>', // 10
  '  replica: true', // 11
  '  <% end -%>', // 12
  '',
].join('\n');

const STORAGE_YML = [
  'amazon:', // 1
  '  service: S3', // 2
  '  endpoint: https://<%= ENV["S3_ACCOUNT"] %>.r2.example.com', // 3
  '  region: <%= ENV["S3_REGION"] || "us-east-1" %>', // 4
  '  note: ENV["NOT_A_TAG"]', // 5
  '',
].join('\n');

const INITIALIZER = [
  'Sidekiq.configure_server do |config|', // 1
  '  config.redis = { url: "#{ENV[\'REDIS_URL\']}/1" }', // 2
  'end', // 3
  'HOST = "redis://#{ENV.fetch("REDIS_HOST", "localhost")}:6379"', // 4
  'LABEL = "#{"#{ENV.fetch("APP_LABEL")}"}-x"', // 5
  "PLAIN = '#{ENV[\"NOT_INTERPOLATED\"]}'", // 6
  '',
].join('\n');

type Row = [string, Record<string, string>, string[]];
const rows: Row[] = [
  [
    'ERB in config/database.yml: defaults, nil blocks, a required fetch, comments skipped',
    { 'Gemfile': "gem 'rails'\n", 'config/database.yml': DATABASE_YML },
    [
      'DATABASE_URL required medium config/database.yml:9',
      'DB_HOST defaulted medium config/database.yml:4 =127.0.0.1',
      'DB_REPLICA optional medium config/database.yml:10',
      'POSTGRES_USER optional medium config/database.yml:5',
      'RAILS_MAX_THREADS defaulted medium config/database.yml:3 =5',
    ],
  ],
  [
    'ERB in config/storage.yml: only tags are code',
    { 'config/storage.yml': STORAGE_YML, 'config/locales/en.yml': 'en:\n  x: <%= ENV["LOCALE_X"] %>\n' },
    ['S3_ACCOUNT optional medium config/storage.yml:3', 'S3_REGION defaulted medium config/storage.yml:4 =us-east-1'],
  ],
  [
    'Ruby string interpolation, nested; single quotes do not interpolate',
    { 'config/initializers/sidekiq.rb': INITIALIZER },
    [
      'APP_LABEL required high config/initializers/sidekiq.rb:5',
      'REDIS_HOST defaulted high config/initializers/sidekiq.rb:4 =localhost',
      'REDIS_URL optional high config/initializers/sidekiq.rb:2',
    ],
  ],
];

describe('class 2: reads inside strings and templates', () => {
  it.each(rows)('%s', async (_t, files, want) => {
    const c = await contractOf(files);
    const got = [...c.entries.values()].map((e) => {
      const r = e.reads[0]!;
      return `${e.name} ${e.kind} ${r.confidence} ${r.evidence.file}:${r.evidence.line}${r.default !== undefined ? ` =${r.default}` : ''}`;
    });
    expect(got).toEqual(want);
    expect(c.unresolved).toEqual([]);
  });
});
