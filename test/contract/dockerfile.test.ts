import { dockerfileExtractor as df } from '../../src/contract/extractors/dockerfile.js';
import { run, summary } from './helpers.js';

const defaults = (text: string, path = 'Dockerfile') =>
  run(df, path, text).imageDefaults.map((d) => `${d.name}=${d.value} ${d.evidence.line}`);

describe('dockerfile extractor', () => {
  it.each<[string, string, string[]]>([
    ['ENV X=v', `FROM node:24-slim\nENV NODE_ENV=production\n`, ['NODE_ENV=production 2']],
    ['ENV X v (legacy, value with spaces)', `FROM alpine\nENV GREETING hello world\n`, ['GREETING=hello world 2']],
    ['several pairs with quotes', `FROM alpine\nENV A=1 B="two words" C=three\\ words\n`, ['A=1 2', 'B=two words 2', 'C=three words 2']],
    ['line continuations, comment inside, lines of each pair', `FROM alpine\nENV PORT=8080 \\\n    # a comment line\n    LOG_LEVEL=info \\\n    WORKERS=4\n`, ['PORT=8080 2', 'LOG_LEVEL=info 4', 'WORKERS=4 5']],
    [
      'multi-stage: only the final stage',
      `FROM golang:1.23 AS build\nENV CGO_ENABLED=0\nRUN go build ./...\n\nFROM gcr.io/distroless/static\nENV APP_PORT=9000\n`,
      ['APP_PORT=9000 6'],
    ],
    [
      'multi-stage: the final stage inherits a named stage it is built FROM',
      `FROM node:24 AS base\nENV TZ=UTC\nFROM base AS build\nENV BUILD_ONLY=1\nFROM base\nENV PORT=3000\n`,
      ['TZ=UTC 2', 'PORT=3000 6'],
    ],
    ['RUN heredoc body is not an instruction', `FROM alpine\nRUN <<EOF\nENV NOT_REAL=1\nEOF\nENV REAL=1\n`, ['REAL=1 5']],
    ['escape directive', '# escape=`\nFROM mcr.microsoft.com/windows\nENV A=1 `\n    B=2\n', ['A=1 3', 'B=2 4']],
  ])('%s', (_t, text, expected) => {
    expect(defaults(text)).toEqual(expected);
  });

  it('ARG is a build-time read (platform ARGs skipped), ENV is not a read', () => {
    const r = run(df, 'build/app.Dockerfile', `ARG NODE_VERSION=24\nFROM node:\${NODE_VERSION}\nARG TARGETARCH\nARG GIT_SHA\nENV VERSION=$GIT_SHA\n`);
    expect(summary(r)).toEqual(['NODE_VERSION build-time 1 =24', 'GIT_SHA build-time 4']);
    expect(r.imageDefaults.map((d) => [d.name, d.value])).toEqual([['VERSION', '$GIT_SHA']]);
  });

  it('names the stage in the evidence for multi-stage builds', () => {
    const r = run(df, 'Dockerfile', `FROM a AS build\nFROM b AS runtime\nENV X=1\n`);
    expect(r.imageDefaults[0]!.evidence.pattern).toBe('ENV X=1 (stage runtime of the final image)');
  });

  it('matches Dockerfile variants only', () => {
    expect(['Dockerfile', 'deploy/Dockerfile.prod', 'app.Dockerfile', 'Containerfile', 'README.md', 'dockerfile.go'].map((p) => df.matches(p))).toEqual([true, true, true, true, false, false]);
  });
});

describe('dockerfile CMD / ENTRYPOINT through a shell', () => {
  it.each<[string, string, string[]]>([
    ['shell-form CMD', `FROM node:24\nENV PORT=3000\nCMD node server.js --port $PORT --db "\${DATABASE_URL:?}"\n`, ['PORT optional 3', 'DATABASE_URL required 3']],
    ['exec form through sh -c', `FROM alpine\nENTRYPOINT ["/bin/sh", "-c", "exec app --level \${LOG_LEVEL:-info}"]\n`, ['LOG_LEVEL defaulted 2 =info']],
    ['plain exec form expands nothing', `FROM alpine\nCMD ["app", "--port", "$PORT"]\n`, []],
    ['only the final stage counts', `FROM alpine AS build\nCMD echo $BUILD_ONLY\nFROM alpine\nCMD echo $FINAL\n`, ['FINAL optional 4']],
    ['a later ENTRYPOINT resets an inherited CMD', `FROM alpine AS base\nCMD echo $OLD\nFROM base\nENTRYPOINT exec app $NEW\n`, ['NEW optional 4']],
  ])('%s', (_t, text, expected) => {
    expect(summary(run(df, 'Dockerfile', text))).toEqual(expected);
  });
  it('CMD reads are medium confidence, ENTRYPOINT high', () => {
    const r = run(df, 'Dockerfile', `FROM a\nENTRYPOINT exec app $A\nCMD --flag $B\n`);
    expect(r.reads.map((x) => [x.name, x.confidence])).toEqual([
      ['A', 'high'],
      ['B', 'medium'],
    ]);
  });
});
