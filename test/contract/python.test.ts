import { pythonExtractor as py } from '../../src/contract/extractors/python.js';
import { run, summary } from './helpers.js';

describe('python extractor', () => {
  it.each<[string, string, string[]]>([
    ['os.environ["X"] is required', `import os\n\nDATABASE_URL = os.environ["DATABASE_URL"]\n`, ['DATABASE_URL required 3']],
    ["single quotes", `import os\nkey = os.environ['SECRET_KEY']\n`, ['SECRET_KEY required 2']],
    ['os.environ.get is optional', `import os\nhost = os.environ.get("REDIS_HOST")\n`, ['REDIS_HOST optional 2']],
    ['os.getenv is optional', `import os\nport = os.getenv('REDIS_PORT')\n`, ['REDIS_PORT optional 2']],
    ['second argument is a default', `import os\nport = int(os.environ.get("PORT", "8000"))\nw = os.getenv("WORKERS", 4)\n`, ['PORT defaulted 2 =8000', 'WORKERS defaulted 3 =4']],
    ['default=None stays optional', `import os\nx = os.getenv("X", default=None)\ny = os.getenv("Y", default="y")\n`, ['X optional 2', 'Y defaulted 3 =y']],
    ['or "d" after the call is a default', `import os\nlevel = os.getenv("LOG_LEVEL") or "INFO"\n`, ['LOG_LEVEL defaulted 2 =INFO']],
    ['or sys.exit(...) is required', `import os, sys\ntoken = os.getenv("TOKEN") or sys.exit("TOKEN is required")\n`, ['TOKEN required 2']],
    ['setdefault', `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n`, ['DJANGO_SETTINGS_MODULE defaulted 2 =app.settings']],
    ['"X" in os.environ', `import os\nif "SENTRY_DSN" in os.environ:\n    init()\n`, ['SENTRY_DSN optional 2']],
    ['from os import environ, getenv', `from os import environ, getenv\na = environ["A"]\nb = getenv("B")\n`, ['A required 2', 'B optional 3']],
    ['assignment to os.environ is not a read', `import os\nos.environ["TZ"] = "UTC"\ndel os.environ["X"]\n`, []],
    ['comments and docstrings are not reads', `import os\n# os.environ["COMMENTED"]\n"""\nos.environ["IN_DOCSTRING"]\n"""\ns = 'os.getenv("IN_STRING")'\n`, []],
    ['f-string expressions are reads', `import os\nurl = f"redis://{os.environ['REDIS_HOST']}:6379"\n`, ['REDIS_HOST required 2']],
    [
      'checked binding → required',
      `import os, sys\n\ntoken = os.getenv("API_TOKEN")\nif not token:\n    print("API_TOKEN is required")\n    sys.exit(1)\n`,
      ['API_TOKEN required 3'],
    ],
    ['is None check with raise on one line', `import os\nurl = os.environ.get("URL")\nif url is None: raise RuntimeError("URL")\n`, ['URL required 2']],
    ['check that assigns a value when unset is a default (issue 9 class 3)', `import os\nurl = os.environ.get("URL")\nif not url:\n    url = "http://localhost"\n`, ['URL defaulted 2 =http://localhost']],
    ['check without raise or assignment stays optional', `import os\nurl = os.environ.get("URL")\nif not url:\n    log.warning("no URL")\n`, ['URL optional 2']],
    ['direct check on "X" not in os.environ', `import os\nif "KEY" not in os.environ:\n    raise SystemExit("KEY")\n`, ['KEY required 2']],
    [
      'os.environ[...] inside try/except KeyError is optional',
      `import os\ntry:\n    host = os.environ["HOST"]\nexcept KeyError:\n    host = "localhost"\n`,
      ['HOST optional 3'],
    ],
    [
      // CC_FLAGS is read (and raises) only when CC is set: a requirement conditional on CC.
      'os.environ[...] inside if "X" in os.environ is optional',
      `import os\nif 'CC' in os.environ:\n    cc = os.environ['CC']\n    if flags:\n        cc += os.environ['CC_FLAGS']\n`,
      ['CC optional 2', 'CC optional 3', 'CC_FLAGS optional 5'],
    ],
    ['presence test on the same line', `import os\nh = os.environ["H"] if "H" in os.environ else "x"\nv = os.getenv("V") and os.environ["V"]\n`, ['H optional 2', 'H optional 2', 'V optional 3', 'V optional 3']],
    ['else of a negative test guards', `import os\nif "K" not in os.environ:\n    pass\nelse:\n    k = os.environ["K"]\nj = os.environ["K"]\n`, ['K optional 2', 'K optional 5', 'K required 6']],
    ['with suppress(KeyError) guards', `import os, contextlib\nwith contextlib.suppress(KeyError, ValueError):\n    v = os.environ["V"]\n`, ['V optional 3']],
    ['try/except ValueError does not guard', `import os\ntry:\n    n = int(os.environ["N"])\nexcept ValueError:\n    n = 1\n`, ['N required 3']],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(py, 'app/settings.py', code))).toEqual(expected);
  });

  it.each<[string, string, [string, string]]>([
    ['module level → high', `import os\nA = os.environ["A"]\n`, ['required', 'high']],
    ['in a settings loader → high', `import os\ndef load_settings():\n    return os.environ["A"]\n`, ['required', 'high']],
    ['in validate_token (not a config loader) → medium', `import os\ndef validate_token(t):\n    if not os.getenv("RELAX"):\n        raise ValueError(t)\n`, ['required', 'medium']],
    ['in another function → medium', `import os\nclass Mailer:\n    def send(self):\n        key = os.environ["A"]\n`, ['required', 'medium']],
    ['checked in another function → medium', `import os\ndef upload():\n    b = os.getenv("A")\n    if not b:\n        raise RuntimeError("A")\n`, ['required', 'medium']],
  ])('where it runs: %s', (_t, code, expected) => {
    const r = run(py, 'app/x.py', code).reads[0]!;
    expect([r.kind, r.confidence]).toEqual(expected);
  });

  it('fallback chain through the default argument', () => {
    const r = run(py, 'app/config.py', `import os\nurl = os.environ.get("REDIS_URL", os.environ.get("REDIS_HOST"))\n`);
    expect(summary(r)).toEqual(['REDIS_HOST optional 2', 'REDIS_URL optional 2']);
    expect(r.fallbacks).toEqual([
      {
        names: ['REDIS_URL', 'REDIS_HOST'],
        evidence: { file: 'app/config.py', line: 2, pattern: 'os.environ.get("REDIS_URL", os.environ.get("REDIS_HOST"))' },
      },
    ]);
  });

  it('computed keys, aliases and iteration are unresolved', () => {
    const r = run(
      py,
      'app/x.py',
      `import os\na = os.environ[name]\nb = os.getenv(PREFIX + "_URL")\nc = os.environ.get(f"SVC_{n}_HOST")\nd = os.getenv("DB_" + kind)\nenv = os.environ\ne = dict(os.environ)\nfor k in os.environ:\n    pass\nsubprocess.run(cmd, env=os.environ.copy())\n`,
    );
    expect(r.reads).toEqual([]);
    expect(r.unresolved.map((u) => [u.evidence.line, u.reason, u.hint])).toEqual([
      [2, 'computed key', undefined],
      [3, 'computed key', undefined],
      [4, 'computed key', 'SVC_'],
      [5, 'computed key', 'DB_'],
      [6, 'os.environ aliased as `env`', undefined],
      [7, 'os.environ passed as an argument', undefined],
      [8, 'iteration over os.environ', undefined],
      [10, 'os.environ enumerated with .copy()', undefined],
    ]);
  });

  it('never throws on an unterminated string', () => {
    const r = run(py, 'a.py', `import os\nx = os.getenv("A")\ny = """never closed\nos.getenv("B")\n`);
    expect(summary(r)).toEqual(['A optional 2']);
  });
});
