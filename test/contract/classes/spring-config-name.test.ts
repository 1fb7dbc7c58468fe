/**
 * Failure class 1: Spring Boot with a custom spring.config.name (patterned on zipkin-server:
 * SpringApplicationBuilder.properties("spring.config.name=zipkin-server"), zipkin-server.yml
 * including the profile file zipkin-server-shared.yml full of ${X:default} placeholders).
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf, entries } from './contract-of.js';

const RESOURCES = {
  'server/src/main/resources/orders-server.yml': [
    'spring.profiles.include: shared',
    'orders:',
    '  db:',
    '    url: ${ORDERS_DB_URL}',
    '  http:',
    '    port: ${QUERY_PORT:9411}',
    '',
  ].join('\n'),
  'server/src/main/resources/orders-server-shared.yml': ['orders:', '  kafka:', '    bootstrap-servers: ${KAFKA_BOOTSTRAP_SERVERS:}', '    enabled: ${COLLECTOR_KAFKA_ENABLED:${KAFKA_ENABLED:true}}', ''].join('\n'),
  'server/src/main/resources/orders-server-dev.yml': ['orders:', '  debug: ${DEV_ONLY_TOKEN}', ''].join('\n'),
  'server/src/main/resources/logback.properties': 'level=${LOG_LEVEL_NOT_A_SPRING_FILE}\n',
};

const JAVA_MAIN = (body: string) =>
  [
    'package orders.server;',
    'import org.springframework.boot.autoconfigure.SpringBootApplication;',
    'import org.springframework.boot.builder.SpringApplicationBuilder;',
    '@SpringBootApplication',
    'public class OrdersServer {',
    '  public static void main(String[] args) {',
    body,
    '  }',
    '}',
    '',
  ].join('\n');

const NAMED = ['COLLECTOR_KAFKA_ENABLED optional', 'KAFKA_BOOTSTRAP_SERVERS defaulted =', 'KAFKA_ENABLED defaulted =true', 'ORDERS_DB_URL required', 'QUERY_PORT defaulted =9411'];

describe('class 1: Spring Boot spring.config.name and its profile files', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'SpringApplicationBuilder.properties("spring.config.name=…")',
      { ...RESOURCES, 'server/src/main/java/orders/server/OrdersServer.java': JAVA_MAIN('    new SpringApplicationBuilder(OrdersServer.class).properties("spring.config.name=orders-server").run(args);') },
      NAMED,
    ],
    [
      'System.setProperty("spring.config.name", …) before run',
      { ...RESOURCES, 'server/src/main/java/orders/server/OrdersServer.java': JAVA_MAIN('    System.setProperty("spring.config.name", "orders-server");\n    SpringApplication.run(OrdersServer.class, args);') },
      NAMED,
    ],
    [
      'Kotlin setDefaultProperties(mapOf("spring.config.name" to …))',
      {
        ...RESOURCES,
        'server/src/main/kotlin/orders/App.kt': 'fun main(args: Array<String>) {\n  runApplication<App>(*args) { setDefaultProperties(mapOf("spring.config.name" to "orders-server")) }\n}\n',
      },
      NAMED,
    ],
    ['spring.config.name in bootstrap.yml', { ...RESOURCES, 'server/src/main/resources/bootstrap.yml': 'spring:\n  config:\n    name: orders-server\n' }, NAMED],
    ['no custom name: only application*.yml is configuration', { ...RESOURCES, 'server/src/main/java/orders/server/OrdersServer.java': JAVA_MAIN('    SpringApplication.run(OrdersServer.class, args);') }, []],
  ])('%s', async (_t, files, expected) => {
    expect(entries(await contractOf(files))).toEqual(expected);
  });

  it('a profile file is medium confidence, relaxed-binding, and says its profile; the chain is a fallback', async () => {
    const c = await contractOf({ ...RESOURCES, 'server/src/main/resources/bootstrap.properties': 'spring.config.name=orders-server\n' });
    const k = c.entries.get('KAFKA_BOOTSTRAP_SERVERS')!;
    expect([k.confidence, k.match, k.reads[0]!.evidence.file, k.reads[0]!.evidence.line]).toEqual(['medium', 'spring-relaxed', 'server/src/main/resources/orders-server-shared.yml', 3]);
    expect(k.reads[0]!.note).toMatch(/^only with the Spring profile shared; applied by spring.config.name=orders-server at server\/src\/main\/resources\/bootstrap.properties:1$/);
    expect(c.fallbacks.map((f) => f.names)).toEqual([['COLLECTOR_KAFKA_ENABLED', 'KAFKA_ENABLED']]);
    expect(c.entries.get('ORDERS_DB_URL')!.confidence).toBe('high');
  });
});
