/**
 * Class 2 (indirection): a Java/Kotlin read whose key is a constant of another class — named
 * through the class (`Keys.DB_URL`) or imported statically — is a read of the constant's value,
 * with the read's own requiredness and default. A constant no file declares, or declared with two
 * values, is an unresolved read that says so, never a silent drop. Fixtures are our own, after
 * services that keep their variable names in a `Keys`/`EnvVars` class.
 */
import { describe, expect, it } from '@jest/globals';
import { contractOf, entries } from './contract-of.js';

const KEYS_JAVA = [
  'package com.acme.config;',
  'public final class Keys {',
  '  public static final String DB_URL = "APP_DB_URL";',
  '  public static final String MAIL_HOST = "APP_MAIL_HOST";',
  '  private Keys() {}',
  '}',
  '',
].join('\n');

const KEYS_KT = ['package com.acme', 'object EnvNames {', '  const val TOKEN = "API_TOKEN"', '}', ''].join('\n');

describe('Java/Kotlin keys held in constants of another class', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'Keys.X through the class: the value, with the read\'s requiredness and default',
      {
        'src/main/java/com/acme/config/Keys.java': KEYS_JAVA,
        'src/main/java/com/acme/App.java': [
          'package com.acme;',
          'import com.acme.config.Keys;',
          'public class App {',
          '  public static void main(String[] a) {',
          '    String db = System.getenv(Keys.DB_URL);',
          '    if (db == null) throw new IllegalStateException("db");',
          '    String mail = Optional.ofNullable(System.getenv(Keys.MAIL_HOST)).orElse("localhost");',
          '  }',
          '}',
          '',
        ].join('\n'),
      },
      ['APP_DB_URL required', 'APP_MAIL_HOST defaulted =localhost'],
    ],
    [
      'a static import of the constant',
      {
        'src/main/java/com/acme/config/Keys.java': KEYS_JAVA,
        'src/main/java/com/acme/Mail.java': ['package com.acme;', 'import static com.acme.config.Keys.MAIL_HOST;', 'class Mail {', '  String host() { return System.getenv(MAIL_HOST); }', '}', ''].join('\n'),
      },
      ['APP_MAIL_HOST optional'],
    ],
    [
      'a Kotlin object\'s const val, !! makes it required',
      {
        'src/main/kotlin/com/acme/EnvNames.kt': KEYS_KT,
        'src/main/kotlin/com/acme/Main.kt': ['package com.acme', 'fun main() {', '  val t = System.getenv(EnvNames.TOKEN)!!', '}', ''].join('\n'),
      },
      ['API_TOKEN required'],
    ],
  ])('%s', async (_t, files, expected) => {
    const c = await contractOf(files);
    expect(entries(c)).toEqual(expected);
    expect(c.unresolved).toEqual([]);
  });

  it('says where the constant is declared', async () => {
    const c = await contractOf({
      'src/main/java/com/acme/config/Keys.java': KEYS_JAVA,
      'src/main/java/com/acme/App.java': 'class App { String d = System.getenv(Keys.DB_URL); }\n',
    });
    expect(c.entries.get('APP_DB_URL')!.reads[0]!.note).toContain('Keys.DB_URL = "APP_DB_URL" (declared at src/main/java/com/acme/config/Keys.java:3)');
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a constant no file declares: unresolved, saying so', { 'App.java': 'class App { String d = System.getenv(Missing.DB_URL); }\n' }, /Missing\.DB_URL is a constant that no file of the app declares/],
    [
      'two classes of one name with different values: unresolved, naming both',
      {
        'a/Keys.java': 'class Keys { static final String DB_URL = "A_DB"; }\n',
        'b/Keys.java': 'class Keys { static final String DB_URL = "B_DB"; }\n',
        'App.java': 'class App { String d = System.getenv(Keys.DB_URL); }\n',
      },
      /Keys\.DB_URL is declared with 2 different values \(a\/Keys\.java:1, b\/Keys\.java:1\)/,
    ],
  ])('%s', async (_t, files, reason) => {
    const c = await contractOf(files);
    expect(entries(c)).toEqual([]);
    expect(c.unresolved.map((u) => u.reason)).toEqual([expect.stringMatching(reason)]);
  });
});
