/**
 * Fuzz targets: every parser and extractor keydrift runs on a pull request's files, each with
 * an input generator (seeds of the real formats, mutated by inserting, deleting and repeating
 * fragments) and a check of its result. Shared by test/security/fuzz.test.ts (a bounded count
 * in CI) and `npm run fuzz` (a large count, with figures). Properties:
 * - only the project's known error types are thrown (anything else is a crash);
 * - a canary Secret value in the input never appears in what the target reports (messages,
 *   problems, skipped reasons, the live snapshot);
 * - hangs are measured by the fuzz script (inputs are bounded in size, extractors have a step budget).
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseManifests } from '../../src/sources/yaml.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { EXTRACTORS } from '../../src/contract/extractors/index.js';
import { prepareGrammars } from '../../src/contract/engine/grammars.js';
import { parseDockerConfig } from '../../src/images/docker-config.js';
import { readClusterDump } from '../../src/cluster/dump.js';
import { parseConfig } from '../../src/images/mapping.js';
import { KeydriftError } from '../../src/errors.js';
import { KustomizeError } from '../../src/render/kustomize/build.js';
import { YamlError } from '../../src/render/prov.js';
import { MemTree } from './memtree.js';

/** A Secret value no output may hold (plain, and as Kubernetes stores it). */
export const CANARY = 'kdCanary7Q2xW9vZ';
export const CANARY_B64 = Buffer.from(CANARY).toString('base64');
const leaks = (s: string) => s.includes(CANARY) || s.includes(CANARY_B64);

export interface Target {
  name: string;
  arb: fc.Arbitrary<any>;
  /** Runs one input; throws a Finding-like Error when a property does not hold. */
  run(input: any): Promise<void> | void;
}

export class PropertyFailed extends Error {}

function known(e: unknown, ...types: (abstract new (...a: any[]) => Error)[]): boolean {
  return types.some((t) => e instanceof t);
}

/** Mutations of a seed: insert a fragment, delete a range, repeat a range. */
function mutated(seeds: string[], frags: string[]): fc.Arbitrary<string> {
  const frag = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...frags) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom('\n', ' ', '  ', '\t', ':', '- ', '"', "'", '{', '}', '[', ']', '*', '&', '!', '|', '>', '#', '%', '@', '`', '\\', '\u0000', '\u00e9', '\ud83d\ude00') });
  const mut = fc.oneof(
    fc.tuple(fc.constant('ins' as const), fc.nat(), frag),
    fc.tuple(fc.constant('del' as const), fc.nat(), fc.nat({ max: 12 })),
    fc.tuple(fc.constant('rep' as const), fc.nat(), fc.nat({ max: 30 }), fc.integer({ min: 2, max: 40 })),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(mut, { maxLength: 8 })).map(([seed, ms]) => {
    let s = seed;
    for (const m of ms) {
      const at = s.length ? m[1] % (s.length + 1) : 0;
      if (m[0] === 'ins') s = s.slice(0, at) + m[2] + s.slice(at);
      else if (m[0] === 'del') s = s.slice(0, at) + s.slice(at + m[2]);
      else s = s.slice(0, at) + s.slice(at, at + m[2]).repeat(m[3]) + s.slice(at + m[2]);
      if (s.length > 20_000) s = s.slice(0, 20_000);
    }
    return s;
  });
}

const YAML_FRAGS = ['apiVersion: v1\n', 'kind: Secret\n', 'kind: ConfigMap\n', 'metadata:\n  name: s\n', 'data:\n', 'stringData:\n', '  password: ', '&a ', '*a', '<<: *a\n', '---\n', '? ', '!!binary ', '!!str ', '|\n', '>-\n', '"\\u00', "'", '{a: [b, {c: d}]}', 'kind: List\nitems:\n', '__proto__: x\n', 'constructor: x\n', 'toString: x\n', 'kind: toString\n', 'a: 1\na: 2\n', '%YAML 1.2\n', '...\n'];

const SECRET_YAML = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: prod\ntype: Opaque\nstringData:\n  password: ${CANARY}\ndata:\n  token: ${CANARY_B64}\n`;
const CM_YAML = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  REDIS_URL: redis://r:6379/0\n  A: "1"\n';
const DEPLOY_YAML = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n        envFrom:\n        - configMapRef: {name: cfg}\n        env:\n        - name: PASSWORD\n          valueFrom:\n            secretKeyRef: {name: s, key: password}\n';
const YAML_SEEDS = [SECRET_YAML, CM_YAML, DEPLOY_YAML, SECRET_YAML + '---\n' + CM_YAML, `apiVersion: v1\nkind: List\nitems:\n- ${SECRET_YAML.replace(/\n/g, '\n  ')}`];

/** Secret values are in the input's Secrets only: what the loader reports about it must not hold them. */
function yamlTarget(): Target {
  return {
    name: 'YAML loader (parseManifests)',
    arb: mutated(YAML_SEEDS, YAML_FRAGS),
    run(text: string) {
      const r = parseManifests('m.yaml', text);
      const said = JSON.stringify(r.problems);
      if (leaks(said)) throw new PropertyFailed(`problem message holds the canary: ${said.replaceAll(CANARY, '<CANARY>')}`);
      for (const o of r.objects) {
        o.lineOf(['data']);
        o.locate(['stringData', 'password']);
      }
    },
  };
}

const KUST_FRAGS = ['resources:\n', '- ""\n', '- .\n', '- ../base\n', '- ../overlay\n', '- secret.yaml\n', '- ../../x\n', '- /etc/passwd\n', 'components:\n- ../base\n', 'secretGenerator:\n- name: g\n  literals:\n  - pw=', `  - pw=*${CANARY}\n`, 'configMapGenerator:\n- name: c\n  envs: [a.env]\n', 'patches:\n- path: p.yaml\n', 'namePrefix: x-\n', 'namespace: ns\n', 'images:\n- name: web\n  newTag: "2"\n', 'replacements: []\n', 'kind: Component\n', 'nameSuffix: -s\n', 'labels:\n- pairs: {a: b}\n'];

function kustomizeTarget(): Target {
  const base = ['resources:\n- secret.yaml\n- cm.yaml\n- deploy.yaml\nsecretGenerator:\n- name: gen\n  literals:\n  - pw=' + CANARY + '\n', 'resources:\n- ../base\nnamePrefix: prod-\nnamespace: prod\n'];
  const arb = fc.tuple(mutated(base.slice(0, 1), KUST_FRAGS), mutated(base.slice(1), KUST_FRAGS), mutated(YAML_SEEDS, YAML_FRAGS), fc.boolean());
  return {
    name: 'Kustomize render (in-memory tree)',
    arb,
    async run([kBase, kOverlay, secretText, selfRef]: [string, string, string, boolean]) {
      const files: Record<string, string> = {
        'base/kustomization.yaml': kBase,
        'base/secret.yaml': secretText,
        'base/cm.yaml': CM_YAML,
        'base/deploy.yaml': DEPLOY_YAML,
        'base/p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {B: "2"}\n',
        'base/a.env': `X=1\nPW=${CANARY}\n`,
        'overlay/kustomization.yaml': selfRef ? kOverlay + '- ../overlay\n' : kOverlay,
      };
      let snap;
      try {
        snap = await loadSnapshot(new MemTree(files), { helm: false, delegate: false });
      } catch (e) {
        if (known(e, KeydriftError)) return;
        throw e;
      }
      const said = JSON.stringify({ problems: snap.problems, skipped: snap.skipped });
      if (leaks(said)) throw new PropertyFailed(`problems/skipped hold the canary: ${said.replaceAll(CANARY, '<CANARY>')}`);
    },
  };
}

const CODE_FRAGS = ['os.Getenv("A")', 'os.LookupEnv(', 'if x {\n', '}\n', 'process.env.A', 'process.env[', '${A:-d}', '${A:?m}', '$A', 'ENV A=1 \\\n', 'ARG B\n', 'env("A", "defa', 'getenv(\'A\')', '$_ENV[', 'ENV.fetch("A")', 'ENV["A"]', 'env::var("A")', 'System.getenv("A")', '@Value("${A:d}")', 'Environment.GetEnvironmentVariable("A")', 'os.environ["A"]', 'os.getenv("A", "d")', 'config("A")', 'z.string()', '.default("x")', 'class S(BaseSettings):\n    a: str\n', '`env:"A,required"`', 'func get(k string) string { return os.Getenv(k) }\n', 'get("B")', '/*', '*/', '//', '#', '"', "'", '`', '"""', "r#\"", '<<EOF\n', 'EOF\n', '(', ')', '[', ']', '{', '}', ',', '\\\n', 'A=\n', 'A=1 # optional\n', '"A": "B"\n', 'import.meta.env.VITE_A', 'const { A, B = 1 } = process.env;\n', 'Deno.env.get("A")'];
const CODE_SEEDS: Record<string, string> = {
  javascript: 'const url = process.env.REDIS_URL ?? "redis://x";\nconst { A, B = "1" } = process.env;\nif (!process.env.C) throw new Error("C");\n',
  python: 'import os\nA = os.environ["A"]\nB = os.getenv("B", "1")\nclass S(BaseSettings):\n    c: str\n',
  go: 'package main\nimport "os"\nfunc main() {\n\tv := os.Getenv("A")\n\tif v == "" {\n\t\tlog.Fatal("A")\n\t}\n}\n',
  shell: '#!/bin/sh\n: "${A:?need A}"\nB="${B:-1}"\nexec app --c "$C"\n',
  dockerfile: 'FROM node:20\nARG V\nENV A=1 \\\n    B=2\nCMD ["sh", "-c", "run $C"]\n',
  dotenv: `# required\nA=\nB=1 # optional\nPASSWORD=${CANARY}\n`,
  jvm: 'class A { String a = System.getenv("A"); @Value("${B:d}") String b; }\n',
  spring: 'spring:\n  datasource:\n    url: ${DB_URL}\n    user: ${DB_USER:app}\n',
  ruby: 'a = ENV.fetch("A")\nb = ENV["B"]\nc = ENV.fetch("C", "d")\n',
  rust: 'let a = env::var("A").unwrap();\nlet b = env::var("B").unwrap_or("d".into());\nlet c = env!("C");\n',
  csharp: 'var a = Environment.GetEnvironmentVariable("A");\nvar b = config["B:C"];\n',
  php: '<?php\n$a = getenv("A");\n$b = env("B", "d");\n$c = $_ENV["C"] ?? "x";\n',
  'node-config': 'db:\n  url: DATABASE_URL\nports:\n  __name: PORTS\n  __format: json\n',
};
const CODE_PATHS: Record<string, string> = { javascript: 'src/a.ts', python: 'app/a.py', go: 'main.go', shell: 'entry.sh', dockerfile: 'Dockerfile', dotenv: '.env.example', jvm: 'src/A.java', spring: 'src/main/resources/application.yml', ruby: 'app/a.rb', rust: 'src/main.rs', csharp: 'A.cs', php: 'config/app.php', 'node-config': 'config/custom-environment-variables.yml' };

function extractorTargets(): Target[] {
  return EXTRACTORS.map((ex) => ({
    name: `contract extractor ${ex.id}`,
    arb: mutated([CODE_SEEDS[ex.id] ?? '', ...Object.values(CODE_SEEDS).slice(0, 3)], CODE_FRAGS),
    async run(text: string) {
      await prepareGrammars(ex.grammars ?? []);
      // guarded(): an extractor never throws, whatever the input.
      const r = ex.extract({ path: CODE_PATHS[ex.id] ?? 'a.txt', text });
      if (!r || !Array.isArray(r.reads) || !Array.isArray(r.unresolved)) throw new PropertyFailed('extractor returned no result');
      JSON.stringify(r);
    },
  }));
}

function dockerConfigTarget(): Target {
  const seed = JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`u:${CANARY}`).toString('base64') }, 'https://index.docker.io/v1/': { username: 'u', password: CANARY } }, credHelpers: { 'x.io': 'ecr-login' } });
  return {
    name: 'docker config',
    arb: mutated([seed, '{}', '{"auths": null}'], ['{', '}', '[', ']', '"', ':', ',', 'null', '"auths"', '"credsStore": "x"', '"__proto__": {}', `"${CANARY}"`]),
    run(text: string) {
      try {
        parseDockerConfig(text);
      } catch (e) {
        if (e instanceof Error && (e.message === 'not valid JSON' || e.message === 'expected a JSON object')) return;
        throw e;
      }
    },
  };
}

function dumpTarget(): Target {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kd-fuzz-dump-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    name: 'cluster dump reader',
    arb: mutated([SECRET_YAML, `apiVersion: v1\nkind: List\nitems:\n- ${SECRET_YAML.replace(/\n/g, '\n  ')}`, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: CANARY_B64 }, stringData: { password: CANARY } }] })], YAML_FRAGS),
    async run(text: string) {
      const f = path.join(dir, `d${n++ % 4}.yaml`);
      writeFileSync(f, text);
      let snap;
      try {
        snap = await readClusterDump(f);
      } catch (e) {
        if (known(e, KeydriftError)) {
          if (leaks((e as Error).message)) throw new PropertyFailed('dump error holds the canary');
          return;
        }
        throw e;
      }
      // Secret values are digests from the moment they are read.
      const said = JSON.stringify({ skipped: snap.skipped, secrets: snap.objects.filter((o: any) => o.kind === 'Secret') });
      if (leaks(said)) throw new PropertyFailed(`live snapshot holds the canary: ${said.replaceAll(CANARY, '<CANARY>').slice(0, 300)}`);
    },
  };
}

function configTarget(): Target {
  return {
    name: '.keydrift.yaml loader',
    arb: mutated(['sources:\n  ghcr.io/acme/web: ./web\n  ghcr.io/acme/api:\n    git: https://github.com/acme/api\n    ref: v{tag}\n    dir: svc\n'], ['sources:\n', '  x: ', 'path: ', 'git: ', 'ref: ', '- ', '&a ', '*a', '__proto__: ', 'constructor: ', '{', '[', '"', '\n']),
    run(text: string) {
      try {
        parseConfig(text, '.keydrift.yaml', '/repo');
      } catch (e) {
        if (known(e, KeydriftError)) return;
        throw e;
      }
    },
  };
}

/** Every target; `YamlError`/`KustomizeError` are internal to render and must not escape loadSnapshot. */
export function targets(): Target[] {
  void YamlError;
  void KustomizeError;
  return [yamlTarget(), kustomizeTarget(), ...extractorTargets(), dockerConfigTarget(), dumpTarget(), configTarget()];
}
