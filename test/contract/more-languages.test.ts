import { jvmExtractor as jvm } from '../../src/contract/extractors/jvm.js';
import { springExtractor as spring, springEnvName, placeholders } from '../../src/contract/extractors/spring.js';
import { rubyExtractor as ruby } from '../../src/contract/extractors/ruby.js';
import { rustExtractor as rust } from '../../src/contract/extractors/rust.js';
import { csharpExtractor as cs } from '../../src/contract/extractors/csharp.js';
import { phpExtractor as php } from '../../src/contract/extractors/php.js';
import { run, summary } from './helpers.js';

describe('Java / Kotlin', () => {
  it.each<[string, string, string, string[]]>([
    ['System.getenv is optional', 'App.java', `class App {\n  String url = System.getenv("DATABASE_URL");\n}\n`, ['DATABASE_URL optional 2']],
    ['Kotlin ?: default and ?: throw, !!', 'App.kt', `val port = System.getenv("PORT") ?: "8080"\nval key = System.getenv("API_KEY") ?: throw IllegalStateException("API_KEY")\nval t = System.getenv("TOKEN")!!\nval e = System.getenv("E") ?: error("E")\n`, ['PORT defaulted 1 =8080', 'API_KEY required 2', 'TOKEN required 3', 'E required 4']],
    ['requireNonNull and Optional', 'Cfg.java', `class Cfg {\n  String a = Objects.requireNonNull(System.getenv("A"));\n  String b = Optional.ofNullable(System.getenv("B")).orElse("b");\n  String c = Optional.ofNullable(System.getenv("C")).orElseThrow();\n}\n`, ['A required 2', 'B defaulted 3 =b', 'C required 4']],
    ['checked binding', 'Main.java', `class Main {\n  public static void main(String[] a) {\n    String secret = System.getenv("SECRET");\n    if (secret == null || secret.isBlank()) {\n      throw new IllegalStateException("SECRET");\n    }\n  }\n}\n`, ['SECRET required 3']],
    ['getenv map and constants', 'M.java', `class M {\n  static final String KEY = "REGION";\n  String r = System.getenv(KEY);\n  String z = System.getenv().getOrDefault("ZONE", "a");\n}\n`, ['REGION optional 3', 'ZONE defaulted 4 =a']],
    ['@Value placeholders', 'S.java', `class S {\n  @Value("\${MAIL_HOST}") String host;\n  @Value("\${MAIL_PORT:25}") int port;\n}\n`, ['MAIL_HOST required 2', 'MAIL_PORT defaulted 3 =25']],
    ['comments and strings are not reads', 'C.java', `// System.getenv("A")\n/* System.getenv("B") */\nString s = "System.getenv(\\"C\\")";\nString t = """\nSystem.getenv("D")\n""";\n`, []],
  ])('%s', (_t, path, code, expected) => {
    expect(summary(run(jvm, `src/main/java/${path}`, code))).toEqual(expected);
  });
  it('computed key and the whole map are unresolved', () => {
    const r = run(jvm, 'A.java', `var a = System.getenv("SVC_" + name);\nvar m = System.getenv();\n`);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [1, 'computed key', 'SVC_'],
      [2, 'System.getenv() map used as a whole', undefined],
    ]);
  });
});

describe('Spring @ConfigurationProperties', () => {
  it('Java class with @Validated fields', () => {
    const r = run(
      jvm,
      'src/main/java/MailProperties.java',
      [
        `@Validated`, // 1
        `@ConfigurationProperties(prefix = "app.mail")`, // 2
        `public class MailProperties {`, // 3
        `  private static final String X = "x";`, // 4
        `  @NotBlank private String host;`, // 5
        `  private int port = 25;`, // 6
        `  private List<String> recipients;`, // 7
        `  private String apiKey;`, // 8
        `  public String getHost() { return host; }`, // 9
        `}`, // 10
      ].join('\n'),
    );
    expect(summary(r)).toEqual(['APP_MAIL_HOST required 5', 'APP_MAIL_PORT defaulted 6 =25', 'APP_MAIL_RECIPIENTS optional 7', 'APP_MAIL_APIKEY optional 8']);
    expect(r.reads.every((x) => x.match === 'spring-relaxed' && x.confidence === 'medium')).toBe(true);
  });
  it('Kotlin data class with constructor binding', () => {
    const r = run(jvm, 'src/main/kotlin/Props.kt', `@ConfigurationProperties("redis")\ndata class RedisProps(\n  val url: String,\n  val timeout: Int = 5,\n  val password: String?,\n)\n`);
    expect(summary(r)).toEqual(['REDIS_URL required 3', 'REDIS_TIMEOUT defaulted 4 =5', 'REDIS_PASSWORD optional 5']);
  });
});

describe('Spring configuration files', () => {
  it.each<[string, string, string, string[]]>([
    [
      'application.yml placeholders',
      'src/main/resources/application.yml',
      `spring:\n  datasource:\n    url: \${DATABASE_URL}\n    username: \${DB_USER:app}\n  redis:\n    url: \${REDIS_URL:\${REDIS_ADDR}}\napp:\n  name: demo\n  title: \${app.name} service\n  mail: \${mail.host}\n`,
      ['DATABASE_URL required 3', 'DB_USER defaulted 4 =app', 'REDIS_URL optional 6', 'REDIS_ADDR optional 6', 'MAIL_HOST optional 10'],
    ],
    ['application.properties', 'src/main/resources/application.properties', `# comment \${NOT_A_READ}\nserver.port=\${PORT:8080}\napi.key=\${API_KEY}\n`, ['PORT defaulted 2 =8080', 'API_KEY required 3']],
    ['a prod profile is medium confidence', 'src/main/resources/application-prod.yml', `x: \${PROD_ONLY}\n`, ['PROD_ONLY required 1']],
    ['dev/test profiles are skipped', 'src/main/resources/application-dev.yml', `x: \${DEV_ONLY}\n`, []],
  ])('%s', (_t, path, text, expected) => {
    expect(summary(run(spring, path, text))).toEqual(expected);
  });
  it('profile reads are medium confidence, property-style keys low', () => {
    expect(run(spring, 'application-prod.yml', `x: \${PROD_ONLY}\n`).reads.map((r) => r.confidence)).toEqual(['medium']);
    expect(run(spring, 'application.yml', `x: \${mail.host}\n`).reads.map((r) => [r.name, r.kind, r.confidence])).toEqual([['MAIL_HOST', 'optional', 'low']]);
  });
  it('metadata deprecation is a rename signal', () => {
    const r = run(
      spring,
      'src/main/resources/META-INF/additional-spring-configuration-metadata.json',
      JSON.stringify({ properties: [{ name: 'app.redis.host', type: 'java.lang.String', deprecation: { replacement: 'app.redis.url' } }] }, null, 2),
    );
    expect(r.reads.map((x) => [x.name, x.kind, x.deprecated])).toEqual([['APP_REDIS_HOST', 'optional', { replacement: 'APP_REDIS_URL' }]]);
  });
  it.each([
    ['spring.datasource.url', 'SPRING_DATASOURCE_URL'],
    ['my-app.api-key', 'MY_APP_API_KEY'],
    ['servers[0].host', 'SERVERS_0_HOST'],
    ['DATABASE_URL', 'DATABASE_URL'],
  ])('springEnvName(%s) = %s', (k, v) => expect(springEnvName(k)).toBe(v));
  it('parses nested placeholders', () => {
    expect(placeholders('a ${A:${B:${C:x}}} b ${D}').map((p) => [p.key, p.chain, p.default])).toEqual([
      ['A', ['B', 'C'], 'x'],
      ['D', [], undefined],
    ]);
  });
});

describe('Ruby', () => {
  it.each<[string, string, string[]]>([
    ['ENV[] optional, || default', `host = ENV["REDIS_HOST"]\nport = ENV['REDIS_PORT'] || "6379"\n`, ['REDIS_HOST optional 1', 'REDIS_PORT defaulted 2 =6379']],
    ['ENV.fetch required, with default or block defaulted', `a = ENV.fetch("SECRET_KEY_BASE")\nb = ENV.fetch("WEB_CONCURRENCY", 2)\nc = ENV.fetch("RAILS_MAX_THREADS") { 5 }\nd = ENV.fetch("OPT", nil)\n`, ['SECRET_KEY_BASE required 1', 'WEB_CONCURRENCY defaulted 2 =2', 'RAILS_MAX_THREADS defaulted 3 =5', 'OPT optional 4']],
    ['|| raise is required', `k = ENV["API_KEY"] || raise("API_KEY missing")\n`, ['API_KEY required 1']],
    ['fetch without parentheses', `url = ENV.fetch "DATABASE_URL"\n`, ['DATABASE_URL required 1']],
    ['fetch with a raising block is required', `k = ENV.fetch("K") { raise "K is required" }\n`, ['K required 1']],
    ['key? and Dotenv.require_keys', `if ENV.key?("SENTRY_DSN")\nend\nDotenv.require_keys("STRIPE_KEY", "APP_HOST")\n`, ['SENTRY_DSN optional 1', 'STRIPE_KEY required 3', 'APP_HOST required 3']],
    ['writes, comments and strings are not reads', `ENV["TZ"] = "UTC"\n# ENV["COMMENTED"]\ns = 'ENV["IN_STRING"]'\n=begin\nENV.fetch("IN_BLOCK_COMMENT")\n=end\n`, []],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(ruby, 'config/initializers/app.rb', code))).toEqual(expected);
  });
  it('computed keys and iteration are unresolved', () => {
    const r = run(ruby, 'a.rb', `ENV["SVC_#{name}"]\nENV.each { |k, v| }\n`);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [1, 'computed key', 'SVC_'],
      [2, 'ENV used through .each', undefined],
    ]);
  });
});

describe('Rust', () => {
  it.each<[string, string, string[]]>([
    ['? and unwrap in main are required', `fn main() -> Result<(), Box<dyn Error>> {\n    let url = env::var("DATABASE_URL")?;\n    let key = std::env::var("API_KEY").expect("API_KEY");\n    Ok(())\n}\n`, ['DATABASE_URL required 2', 'API_KEY required 3']],
    ['ok / unwrap_or / unwrap_or_default', `fn cfg() {\n    let a = env::var("A").ok();\n    let p = env::var("PORT").unwrap_or("8080".to_string());\n    let l = env::var("LOG").ok().map(|s| s.to_lowercase()).unwrap_or_default();\n    if env::var("CI").is_ok() {}\n}\n`, ['A optional 2', 'PORT defaulted 3 =8080', 'LOG defaulted 4 =', 'CI optional 5']],
    ['env! and option_env! are build-time', `const V: &str = env!("CARGO_PKG_VERSION");\nconst G: Option<&str> = option_env!("GIT_SHA");\n`, ['CARGO_PKG_VERSION build-time 1', 'GIT_SHA build-time 2']],
    ['clap env attribute', `#[derive(Parser)]\nstruct Args {\n    #[arg(long, env = "LISTEN", default_value = "0.0.0.0:80")]\n    listen: String,\n    #[arg(long, env = "TOKEN")]\n    token: String,\n}\n`, ['LISTEN defaulted 3 =0.0.0.0:80', 'TOKEN optional 5']],
    ['a const key', `const KEY: &str = "REGION";\nfn f() { let r = env::var(KEY).ok(); }\n`, ['REGION optional 2']],
    ['comments, raw strings and lifetimes', `// env::var("A")\n/* /* nested */ env::var("B") */\nlet s = r#"env::var("C")"#;\nfn f<'a>(x: &'a str) -> char { 'x' }\nlet d = env::var("D").ok();\n`, ['D optional 5']],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(rust, 'src/main.rs', code))).toEqual(expected);
  });
  it('a panic outside main is medium confidence; env::vars is unresolved', () => {
    const r = run(rust, 'src/lib.rs', `fn send_mail() {\n    let k = env::var("SMTP_KEY").unwrap();\n}\nfn all() { for (k, v) in env::vars() {} }\n`);
    expect(r.reads.map((x) => [x.name, x.kind, x.confidence])).toEqual([['SMTP_KEY', 'required', 'medium']]);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['iteration over the whole environment (env::vars())']);
  });
});

describe('C#', () => {
  it.each<[string, string, string[]]>([
    ['GetEnvironmentVariable with ?? default and ?? throw', `var a = Environment.GetEnvironmentVariable("REDIS_URL");\nvar b = Environment.GetEnvironmentVariable("PORT") ?? "8080";\nvar c = Environment.GetEnvironmentVariable("KEY") ?? throw new Exception("KEY");\n`, ['REDIS_URL optional 1', 'PORT defaulted 2 =8080', 'KEY required 3']],
    ['IConfiguration keys map : to __', `var h = configuration["Redis:Host"];\nvar p = _config.GetValue<int>("Redis:Port", 6379);\nvar cs = Configuration.GetConnectionString("Default");\n`, ['Redis__Host optional 1', 'Redis__Port defaulted 2 =6379', 'ConnectionStrings__Default optional 3']],
    ['AddEnvironmentVariables prefix', `builder.Configuration.AddEnvironmentVariables("MYAPP_");\nvar x = configuration["Feature:Flag"];\n`, ['MYAPP_Feature__Flag optional 2']],
    ['verbatim and interpolated strings are not reads', `var s = @"Environment.GetEnvironmentVariable(""A"")";\nvar t = $"{x} Environment.GetEnvironmentVariable(\\"B\\")";\n`, []],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(cs, 'src/Program.cs', code))).toEqual(expected);
  });
  it('configuration reads are medium confidence and never required; sections are unresolved', () => {
    const r = run(cs, 'P.cs', `var k = configuration["Api:Key"] ?? throw new Exception();\nservices.Configure<Opts>(configuration.GetSection("Smtp"));\n`);
    expect(r.reads.map((x) => [x.name, x.kind, x.confidence])).toEqual([['Api__Key', 'optional', 'medium']]);
    expect(r.unresolved.map((u) => [u.reason, u.hint])).toEqual([['configuration section bound as a whole: its keys are not known', 'Smtp__']]);
  });
});

describe('PHP', () => {
  it.each<[string, string, string[]]>([
    ['getenv, $_ENV, $_SERVER, defaults', `<?php\n$a = getenv('DB_HOST');\n$b = getenv('DB_PORT') ?: '3306';\n$c = $_ENV['APP_KEY'] ?? 'x';\n$d = $_SERVER['REDIS_URL'];\n$e = $_SERVER['REQUEST_URI'];\n`, ['DB_HOST optional 2', 'DB_PORT defaulted 3 =3306', 'APP_KEY defaulted 4 =x', 'REDIS_URL optional 5']],
    ['Laravel env()', `<?php\nreturn [\n  'debug' => env('APP_DEBUG', false),\n  'key' => env('APP_KEY'),\n  'url' => env('APP_URL', null),\n];\n`, ['APP_DEBUG defaulted 3 =false', 'APP_KEY optional 4', 'APP_URL optional 5']],
    ['comments and methods named env are not reads', `<?php\n// getenv('A')\n# env('B')\n$x->env('C');\nfunction env($k) {}\n`, []],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(php, 'config/app.php', code))).toEqual(expected);
  });
  it('computed keys are unresolved', () => {
    const r = run(php, 'a.php', `<?php\n$x = getenv("SVC_" . $name);\n$y = getenv();\n`);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [2, 'computed key', 'SVC_'],
      [3, 'getenv() without a name reads the whole environment', undefined],
    ]);
  });
});
