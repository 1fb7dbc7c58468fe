import { pythonExtractor as py } from '../../src/contract/extractors/python.js';
import { run, summary } from './helpers.js';

describe('python configuration libraries', () => {
  it.each<[string, string, string[]]>([
    [
      'pydantic-settings with env_prefix, Field, Optional, AliasChoices',
      [
        `from typing import Optional`,
        `from pydantic import Field, AliasChoices`,
        `from pydantic_settings import BaseSettings, SettingsConfigDict`,
        ``,
        `class Settings(BaseSettings):`,
        `    model_config = SettingsConfigDict(env_prefix="APP_")`,
        ``,
        `    database_url: str`,
        `    redis_url: str = "redis://localhost:6379"`,
        `    debug: bool = False`,
        `    sentry_dsn: Optional[str] = None`,
        `    api_key: str = Field(..., alias="API_KEY")`,
        `    workers: int = Field(default=4)`,
        `    token: str = Field(validation_alias=AliasChoices("AUTH_TOKEN", "LEGACY_TOKEN"))`,
        `    tags: list[str] = Field(default_factory=list)`,
        `    _private: str = "x"`,
        ``,
        `    def dsn(self) -> str:`,
        `        return self.database_url`,
      ].join('\n'),
      [
        'APP_DATABASE_URL required 8',
        'APP_REDIS_URL defaulted 9 =redis://localhost:6379',
        'APP_DEBUG defaulted 10 =False',
        'APP_SENTRY_DSN optional 11',
        'API_KEY required 12',
        'APP_WORKERS defaulted 13 =4',
        'AUTH_TOKEN optional 14',
        'LEGACY_TOKEN optional 14',
        'APP_TAGS defaulted 15 =list()',
      ],
    ],
    [
      'pydantic v1 class Config, env=, subclass of a settings class',
      [
        `from pydantic import BaseSettings, Field`,
        `class Base(BaseSettings):`,
        `    class Config:`,
        `        env_prefix = "SVC_"`,
        `    port: int = 8000`,
        `class Prod(Base):`,
        `    secret: str = Field(..., env="SECRET_KEY")`,
        `    region: str`,
      ].join('\n'),
      ['SVC_PORT defaulted 5 =8000', 'SECRET_KEY required 7', 'SVC_REGION required 8'],
    ],
    [
      'nested model with env_nested_delimiter',
      [
        `from pydantic import BaseModel`,
        `from pydantic_settings import BaseSettings, SettingsConfigDict`,
        `class Db(BaseModel):`,
        `    host: str`,
        `    port: int = 5432`,
        `class Settings(BaseSettings):`,
        `    model_config = SettingsConfigDict(env_nested_delimiter="__")`,
        `    db: Db`,
      ].join('\n'),
      ['DB required 8', 'DB__HOST optional 4', 'DB__PORT optional 5'],
    ],
    [
      'a plain pydantic model is not settings',
      `from pydantic import BaseModel\nclass User(BaseModel):\n    name: str\n`,
      [],
    ],
    [
      'python-decouple',
      `from decouple import config, Csv\nSECRET_KEY = config("SECRET_KEY")\nDEBUG = config("DEBUG", default=False, cast=bool)\nHOSTS = config("ALLOWED_HOSTS", cast=Csv())\nX = config("X", default=None)\n`,
      ['SECRET_KEY required 2', 'DEBUG defaulted 3 =False', 'ALLOWED_HOSTS required 4', 'X optional 5'],
    ],
    [
      'django-environ',
      [
        `import environ`,
        `env = environ.Env(DEBUG=(bool, False))`,
        `environ.Env.read_env()`,
        `DEBUG = env("DEBUG")`,
        `SECRET_KEY = env("SECRET_KEY")`,
        `DATABASES = {"default": env.db()}`,
        `CACHE_TTL = env.int("CACHE_TTL", default=300)`,
        `EMAIL = env.str("EMAIL_HOST", "localhost")`,
        `CELERY = env.db_url("CELERY_DB")`,
      ].join('\n'),
      ['DEBUG defaulted 4 =False', 'SECRET_KEY required 5', 'DATABASE_URL required 6', 'CACHE_TTL defaulted 7 =300', 'EMAIL_HOST defaulted 8 =localhost', 'CELERY_DB required 9'],
    ],
    [
      'environs',
      `from environs import Env\nenv = Env()\nenv.read_env()\nDEBUG = env.bool("DEBUG", default=False)\nSECRET = env.str("SECRET_KEY")\n`,
      ['DEBUG defaulted 4 =False', 'SECRET_KEY required 5'],
    ],
  ])('%s', (_t, code, expected) => {
    expect(summary(run(py, 'app/settings.py', code))).toEqual(expected);
  });

  it('AliasChoices is a fallback chain and the field is required as a set', () => {
    const r = run(py, 'app/s.py', `from pydantic_settings import BaseSettings\nfrom pydantic import Field, AliasChoices\nclass S(BaseSettings):\n    url: str = Field(validation_alias=AliasChoices("REDIS_URL", "REDIS_DSN"))\n`);
    expect(r.fallbacks.map((f) => [f.names, f.evidence.line])).toEqual([[['REDIS_URL', 'REDIS_DSN'], 4]]);
    expect(r.reads.map((x) => x.requiredOneOf)).toEqual([
      ['REDIS_URL', 'REDIS_DSN'],
      ['REDIS_URL', 'REDIS_DSN'],
    ]);
  });
});
