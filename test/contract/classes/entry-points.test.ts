/**
 * Failure class 5 (continued): the entry point decides what is runtime. Maintainer scripts
 * (`bin/release_notes.py`, patterned on a Django app's release tooling), .NET test projects
 * (`App.Tests/`), Docker Hub build hooks, `//go:build ignore` generators and files that only a
 * non-start package.json script runs are not the app: their reads never become requirements.
 * A script that an entry point names (Dockerfile CMD/ENTRYPOINT, Procfile, package.json start,
 * pyproject scripts) stays the app.
 */
import { describe, expect, it } from '@jest/globals';
import { buildContract } from '../../../src/contract/build.js';
import { entryPointsOf, namedByEntryPoint, notRuntimeReason } from '../../../src/contract/runtime-code.js';
import { GitTree } from '../../../src/sources/tree.js';
import { TempRepo } from '../gitrepo.js';

const PY_REQ = (n: string) => `import os\ntoken = os.environ["${n}"]\n`;
const CS_REQ = (n: string) => `using System;\nclass T { string x = Environment.GetEnvironmentVariable("${n}") ?? throw new Exception("${n}"); }\n`;
const SH_REQ = (n: string) => `#!/bin/sh\n: "\${${n}:?${n} is required}"\n`;
const GO_REQ = (n: string, tag = '') => `${tag}package main\n\nimport ("log"; "os")\n\nfunc main() {\n\tif os.Getenv("${n}") == "" {\n\t\tlog.Fatal("${n}")\n\t}\n}\n`;
const JS_REQ = (n: string) => `if (!process.env.${n}) throw new Error("${n}");\n`;
const APP = { 'app/main.py': PY_REQ('SECRET_KEY') };

const table: { title: string; files: Record<string, string>; required: string[]; skipped: string[] }[] = [
  {
    title: 'a release script in bin/ is not the app',
    files: { ...APP, 'bin/release_notes.py': PY_REQ('GITHUB_TOKEN') },
    required: ['SECRET_KEY'],
    skipped: ['bin/release_notes.py: a maintainer script in bin/ (not run by the image)'],
  },
  {
    title: 'a bump-version script in scripts/ is not the app',
    files: { ...APP, 'scripts/bump-version.sh': SH_REQ('NEW_VERSION') },
    required: ['SECRET_KEY'],
    skipped: ['scripts/bump-version.sh: a maintainer script in scripts/ (not run by the image)'],
  },
  {
    title: 'the same script named by the Dockerfile ENTRYPOINT is the app',
    files: { ...APP, 'bin/release_notes.py': PY_REQ('GITHUB_TOKEN'), Dockerfile: 'FROM python:3.12\nCOPY . /app\nENTRYPOINT ["python", "/app/bin/release_notes.py"]\n' },
    required: ['GITHUB_TOKEN', 'SECRET_KEY'],
    skipped: [],
  },
  {
    title: 'a start script in scripts/ (not a chore name) stays the app',
    files: { ...APP, 'scripts/start.sh': SH_REQ('PORT_BIND') },
    required: ['PORT_BIND', 'SECRET_KEY'],
    skipped: [],
  },
  {
    title: 'a .NET test project is not the app',
    files: { 'src/Api/Program.cs': CS_REQ('CONN'), 'src/Api.Tests/Fixture.cs': CS_REQ('TEST_DB'), 'src/Api.IntegrationTests/Env.cs': CS_REQ('IT_URL') },
    required: ['CONN'],
    skipped: ['src/Api.IntegrationTests/Env.cs: in Api.IntegrationTests/ (a test project, not the app)', 'src/Api.Tests/Fixture.cs: in Api.Tests/ (a test project, not the app)'],
  },
  {
    title: 'Docker Hub build hooks are not the app',
    files: { ...APP, 'hooks/build': SH_REQ('DOCKER_TAG'), 'hooks/post_push': SH_REQ('IMAGE_NAME') },
    required: ['SECRET_KEY'],
    skipped: ['hooks/build: a Docker build hook (runs when building, not in the image)', 'hooks/post_push: a Docker build hook (runs when building, not in the image)'],
  },
  {
    title: 'a //go:build ignore generator is not the app',
    files: { 'cmd/server/main.go': GO_REQ('DSN'), 'internal/gen/gen.go': GO_REQ('GEN_OUT', '//go:build ignore\n\n') },
    required: ['DSN'],
    skipped: ['internal/gen/gen.go: excluded from every Go build (//go:build ignore): a generator run by go generate, not the app'],
  },
  {
    title: 'a file only a non-start package.json script runs is tooling; the start file is the app',
    files: {
      'package.json': JSON.stringify({ scripts: { start: 'node server/index.js', dev: 'node server/index.js --watch', 'i18n:sync': 'node tasks/crowdin.js' } }),
      'server/index.js': JS_REQ('SESSION_SECRET'),
      'tasks/crowdin.js': JS_REQ('CROWDIN_TOKEN'),
    },
    required: ['SESSION_SECRET'],
    skipped: ['tasks/crowdin.js: run only by a package.json script other than start (tooling, not the app)'],
  },
  {
    title: 'a pyproject script is the app even in a maintainer folder',
    files: { 'pyproject.toml': '[project]\nname = "x"\n\n[project.scripts]\nx-release = "tools.release:main"\n', 'tools/release.py': PY_REQ('RELEASE_KEY') },
    required: ['RELEASE_KEY'],
    skipped: [],
  },
];

describe('class 5: the entry point decides what is runtime', () => {
  it.each(table)('$title', async ({ files, required, skipped }) => {
    const repo = new TempRepo();
    try {
      repo.commit(files, 'v1', 'v1');
      const c = await buildContract(await GitTree.open(repo.dir, 'v1'), { label: 'app', location: repo.dir, ref: 'v1' });
      expect([...c.entries.values()].filter((e) => e.kind === 'required').map((e) => e.name).sort()).toEqual(required);
      expect(c.skipped.filter((s) => !/ENV defaults/.test(s.reason)).map((s) => `${s.file}: ${s.reason}`)).toEqual(skipped);
    } finally {
      repo.remove();
    }
  });
});

describe('entry points', () => {
  const ep = entryPointsOf(
    new Map([
      ['Dockerfile', 'FROM node\nCMD node \\\n  dist/server.js\n'],
      ['Procfile', 'web: gunicorn app.wsgi:application\nworker: python -m jobs.run_worker\n'],
    ]),
  );
  it.each([
    ['dist/server.js', true],
    ['app/wsgi.py', true],
    ['jobs/run_worker.py', true],
    ['jobs/other.py', false],
  ])('%s named: %p', (p, want) => {
    expect(namedByEntryPoint(p, ep)).toBe(want);
  });
  it('a chore-named file deep inside the source tree is the app', () => {
    expect(notRuntimeReason('src/app/services/scripts/release.py', '', { refs: [] }, new Set())).toBeUndefined();
  });
});
