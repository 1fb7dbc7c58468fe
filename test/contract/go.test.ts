import { goExtractor as go } from '../../src/contract/extractors/go.js';
import { run, summary } from './helpers.js';

const pkg = (body: string): string => `package main\n\nimport (\n\t"log"\n\t"os"\n)\n\n${body}`;

describe('go extractor', () => {
  it.each<[string, string, string[]]>([
    ['os.Getenv is optional', pkg(`func main() {\n\thost := os.Getenv("REDIS_HOST")\n\t_ = host\n}\n`), ['REDIS_HOST optional 9']],
    ['os.LookupEnv is optional', pkg(`func main() {\n\tv, ok := os.LookupEnv("FEATURE_X")\n\t_, _ = v, ok\n}\n`), ['FEATURE_X optional 9']],
    [
      'checked binding with log.Fatal → required',
      pkg(`func main() {\n\tdsn := os.Getenv("DATABASE_URL")\n\tif dsn == "" {\n\t\tlog.Fatal("DATABASE_URL is required")\n\t}\n}\n`),
      ['DATABASE_URL required 9'],
    ],
    [
      'check on the call itself with panic',
      pkg(`func init() {\n\tif os.Getenv("JWT_SECRET") == "" {\n\t\tpanic("JWT_SECRET")\n\t}\n}\n`),
      ['JWT_SECRET required 9'],
    ],
    [
      'LookupEnv with !ok and os.Exit',
      pkg(`func main() {\n\tif v, ok := os.LookupEnv("TOKEN"); !ok {\n\t\tos.Exit(1)\n\t} else {\n\t\t_ = v\n\t}\n}\n`),
      ['TOKEN required 9'],
    ],
    ['a wrapped binding', pkg(`func main() {\n\tk := strings.TrimSpace(os.Getenv("K"))\n\tif k == "" {\n\t\tlog.Fatal("K")\n\t}\n}\n`), ['K required 9']],
    ['len(v) == 0 with Fatalf', pkg(`func main() {\n\tk := os.Getenv("K")\n\tif len(k) == 0 {\n\t\tlog.Fatalf("K")\n\t}\n}\n`), ['K required 9']],
    [
      'default assigned when empty → defaulted',
      pkg(`func main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8080"\n\t}\n}\n`),
      ['PORT defaulted 9 =8080'],
    ],
    ['check that only logs is not required', pkg(`func main() {\n\tv := os.Getenv("V")\n\tif v == "" {\n\t\tlog.Println("V unset")\n\t}\n}\n`), ['V optional 9']],
    ['comments and strings are not reads', pkg(`// os.Getenv("COMMENTED")\n/* os.Getenv("BLOCK") */\nvar s = "os.Getenv(\\"IN_STRING\\")"\nvar r = \`os.Getenv("IN_RAW")\`\n`), []],
    ['a string constant as key', pkg(`const keyAddr = "LISTEN_ADDR"\n\nfunc main() {\n\t_ = os.Getenv(keyAddr)\n}\n`), ['LISTEN_ADDR optional 11']],
    ['os.ExpandEnv', pkg(`var p = os.ExpandEnv("$DATA_DIR/\${APP_NAME}.db")\n`), ['DATA_DIR optional 8', 'APP_NAME optional 8']],
    [
      'helper with a fallback parameter',
      pkg(
        `func getEnv(key, fallback string) string {\n\tif value, ok := os.LookupEnv(key); ok {\n\t\treturn value\n\t}\n\treturn fallback\n}\n\nfunc main() {\n\t_ = getEnv("PORT", "8080")\n\t_ = getEnv("HOST", "")\n}\n`,
      ),
      ['PORT defaulted 16 =8080', 'HOST defaulted 17 ='],
    ],
    [
      'must-helper that fails → required',
      pkg(`func mustEnv(k string) string {\n\tv := os.Getenv(k)\n\tif v == "" {\n\t\tlog.Fatalf("%s is required", k)\n\t}\n\treturn v\n}\n\nvar url = mustEnv("API_URL")\n`),
      ['API_URL required 16'],
    ],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(go, 'cmd/server/main.go', code))).toEqual(expected);
  });

  it.each<[string, string, [string, string]]>([
    ['in main → high', pkg(`func main() {\n\tif os.Getenv("A") == "" {\n\t\tlog.Fatal("A")\n\t}\n}\n`), ['required', 'high']],
    ['in a method → medium', pkg(`func (s *Server) Upload() {\n\tif os.Getenv("A") == "" {\n\t\tpanic("A")\n\t}\n}\n`), ['required', 'medium']],
    ['in a func literal in main → medium', pkg(`func main() {\n\tgo func() {\n\t\tif os.Getenv("A") == "" {\n\t\t\tpanic("A")\n\t\t}\n\t}()\n}\n`), ['required', 'medium']],
  ])('where it runs: %s', (_t, code, expected) => {
    const r = run(go, 'main.go', code).reads[0]!;
    expect([r.kind, r.confidence]).toEqual(expected);
  });

  it('computed keys and os.Environ are unresolved', () => {
    const r = run(go, 'main.go', pkg(`func f(name string) {\n\t_ = os.Getenv(name)\n\t_ = os.Getenv("SVC_" + name)\n\tfor _, kv := range os.Environ() {\n\t\t_ = kv\n\t}\n}\n`));
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [9, 'computed key', undefined],
      [10, 'computed key', 'SVC_'],
      [11, 'iteration over the whole environment (os.Environ())', undefined],
    ]);
  });

  it('never throws on an unterminated raw string', () => {
    const r = run(go, 'main.go', pkg(`var a = os.Getenv("A")\nvar b = \`never closed\nos.Getenv("B")\n`));
    expect(summary(r)).toEqual(['A optional 8']);
  });
});
