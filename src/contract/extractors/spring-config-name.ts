/**
 * Recognizer: Spring Boot with a custom `spring.config.name` (issue 9, class 1).
 *
 * Spring reads `application*.yml|properties` unless the app names its configuration otherwise:
 * `System.setProperty("spring.config.name", "zipkin-server")`,
 * `new SpringApplicationBuilder(App.class).properties("spring.config.name=zipkin-server")`,
 * `--spring.config.name=…` among the default arguments, or `spring.config.name: …` in
 * `bootstrap.yml`. Then `zipkin-server.yml` and its profile files `zipkin-server-<profile>.yml`
 * on the classpath (`src/main/resources/`, `config/`) are the configuration: their `${X}` /
 * `${X:default}` placeholders are reads exactly as in application.yml (spring.ts), profile
 * files with medium confidence, dev/test profiles skipped.
 *
 * Resource files are read by the spring extractor as pending reads keyed
 * `spring-config:<name>`, once for each way the file name splits into name and profile
 * (`zipkin-server-shared` → name `zipkin-server-shared`, or `zipkin-server` + profile `shared`,
 * or `zipkin` + profile `server-shared`); the JVM main class (or bootstrap file) applies the
 * names it sets (link.ts). Files of names nothing sets yield nothing.
 */
import type { ExtractResult, SourceFile } from '../model.js';
import { LineIndex, basename, shorten } from './util.js';

export const SPRING_CONFIG_NAME = {
  id: 'spring-config-name',
  summary: 'Spring Boot spring.config.name set in main or bootstrap: <name>.yml and <name>-<profile>.yml placeholders',
};

/** Not configuration: logging, messages, metadata. */
const NOT_CONFIG = /^(?:application|bootstrap|log4j2?|logback|simplelogger|messages|banner|git|build-info|hibernate|ehcache|quartz|jndi|commons-logging)(?:[-_.].*)?$/i;

export function isNamedConfigCandidate(path: string): boolean {
  if (!/(?:^|\/)(?:src\/main\/resources|config)\/[^/]+\.(?:ya?ml|properties)$/.test(path)) return false;
  const stem = basename(path).replace(/\.(?:ya?ml|properties)$/, '');
  return !NOT_CONFIG.test(stem);
}

type ConfigReads = (file: SourceFile, out: ExtractResult, cfg: { profile?: string }) => Set<string>;

export function namedConfigPending(file: SourceFile, out: ExtractResult, reads: ConfigReads): void {
  const stem = basename(file.path).replace(/\.(?:ya?ml|properties)$/, '');
  const parts = stem.split('-');
  for (let k = parts.length; k >= 1; k--) {
    const name = parts.slice(0, k).join('-');
    const profile = parts.slice(k).join('-');
    const tmp: ExtractResult = { reads: [], unresolved: [], fallbacks: [], imageDefaults: [] };
    reads(file, tmp, profile ? { profile } : {});
    if (tmp.reads.length) (out.pending ??= []).push({ key: `spring-config:${name}`, reads: tmp.reads, unresolved: tmp.unresolved, fallbacks: tmp.fallbacks });
  }
}

const IN_JAVA = [
  /["'`](?:--)?spring\.config\.name\s*=\s*([\w.,-]+)["'`]/g,
  /["'`]spring\.config\.name["'`]\s*,\s*["'`]([\w.,-]+)["'`]/g,
  /["'`]spring\.config\.name["'`]\s+to\s+["'`]([\w.,-]+)["'`]/g,
];

/** `spring.config.name` set by JVM code: each name it sets applies that configuration. */
export function configNameFromCode(file: SourceFile, out: ExtractResult): void {
  if (!file.text.includes('spring.config.name')) return;
  const li = new LineIndex(file.text);
  for (const re of IN_JAVA) {
    re.lastIndex = 0;
    for (let m = re.exec(file.text); m; m = re.exec(file.text)) {
      const line = li.line(m.index);
      for (const name of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
        (out.applies ??= []).push({
          key: `spring-config:${name}`,
          evidence: { file: file.path, line, pattern: shorten(m[0]) },
          by: `spring.config.name=${name}`,
        });
      }
    }
  }
}

/** `spring.config.name` in bootstrap.yml / bootstrap.properties. */
export function configNameFromBootstrap(file: SourceFile, out: ExtractResult): void {
  const lines = file.text.split(/\r?\n/);
  const stack: { indent: number; key: string }[] = [];
  lines.forEach((l, idx) => {
    if (/^\s*#/.test(l) || !l.trim()) return;
    let key: string | undefined;
    let value: string | undefined;
    const prop = /^\s*([\w.-]+)\s*[=:]\s*(.*)$/.exec(l);
    if (/\.properties$/.test(file.path)) {
      if (prop) [key, value] = [prop[1]!, prop[2]!];
    } else {
      const m = /^(\s*)([\w.-]+)\s*:(?:\s+(.*))?$/.exec(l);
      if (!m) return;
      const indent = m[1]!.length;
      while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
      stack.push({ indent, key: m[2]! });
      key = stack.map((s) => s.key).join('.');
      value = m[3];
    }
    if (key !== 'spring.config.name' || !value) return;
    for (const name of value.replace(/\s+#.*$/, '').replace(/^["']|["']$/g, '').split(',').map((s) => s.trim()).filter(Boolean)) {
      if (name.includes('${')) continue;
      (out.applies ??= []).push({ key: `spring-config:${name}`, evidence: { file: file.path, line: idx + 1, pattern: shorten(l.trim()) }, by: `spring.config.name=${name}` });
    }
  });
}
