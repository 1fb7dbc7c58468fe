/**
 * C# extension methods that wrap a configuration read (issue 9, class 2), on the tokens of
 * the csharp extractor:
 *
 *     public static T GetOrDefault<T>(this IConfiguration configuration, string key, T defaultValue)
 *     {
 *         var str = configuration[key];              // or GetValue<T>(key), GetSection(key)
 *         return str == null ? defaultValue : Parse<T>(str);
 *     }
 *     ...
 *     var port = conf.GetOrDefault<int>("port", 80);   // → PORT (with the file's prefix), defaulted 80
 *
 * The method is summarised once (`ScopedHelper`, scope `cs`: extension methods are called
 * anywhere in the app) and each call `x.Name("KEY", d)` / `x.Name<T>("KEY", d)` on a
 * configuration-looking receiver is a read at the call, joined in link.ts: a configuration key
 * becomes `KEY` with `:` → `__` after the call file's prefix, never required (appsettings.json
 * may hold it); `Environment.GetEnvironmentVariable(key)` inside → the literal name, required
 * when the method throws and no default is passed.
 */
import type { ExtractResult } from '../model.js';
import { argRanges, rangeText, staticString, type Tok } from './lexer.js';
import { shorten } from './util.js';

const CONFIG_TYPE = /^IConfiguration(?:Root|Section)?$/;
const RECEIVER = /conf|cfg|settings/i;

export function csharpHelpers(file: string, toks: Tok[], out: ExtractResult, prefix: string, line: (t: Tok) => number): void {
  for (let i = 0; i + 3 < toks.length; i++) {
    // (this IConfiguration configuration, string key[, T defaultValue])
    if (toks[i]!.value !== 'this' || toks[i - 1]?.value !== '(' || !CONFIG_TYPE.test(toks[i + 1]!.value) || toks[i + 2]!.type !== 'name') continue;
    const open = i - 1;
    let n = open - 1;
    if (toks[n]?.value === '>') {
      while (n > 0 && toks[n]!.value !== '<') n--;
      n--;
    }
    const nameTok = toks[n];
    if (!nameTok || nameTok.type !== 'name') continue;
    const { args, close } = argRanges(toks, open);
    const conf = toks[i + 2]!.value;
    const keyArg = args[1];
    if (!keyArg || toks[keyArg[0]]!.value !== 'string' || keyArg[1] - keyArg[0] < 2) continue;
    const key = toks[keyArg[0] + 1]!.value;
    // Body: { … } or => … ;
    let b = close + 1;
    while (b < toks.length && toks[b]!.value !== '{' && toks[b]!.value !== '=>' && toks[b]!.value !== ';') b++;
    if (b >= toks.length || toks[b]!.value === ';') continue;
    let end: number;
    if (toks[b]!.value === '{') end = argRanges(toks, b).close;
    else {
      end = b;
      let depth = 0;
      while (end < toks.length) {
        const v = toks[end]!.value;
        if (v === '(' || v === '[' || v === '{') depth++;
        else if (v === ')' || v === ']' || v === '}') depth--;
        else if (v === ';' && depth <= 0) break;
        end++;
      }
    }
    let readAt: number | undefined;
    let style: 'config' | 'env' | undefined;
    for (let k = b; k < end; k++) {
      const t = toks[k]!;
      if (t.value === conf && toks[k - 1]?.value !== '.') {
        if (toks[k + 1]?.value === '[' && toks[k + 2]?.value === key && toks[k + 3]?.value === ']') style = 'config';
        else if (toks[k + 1]?.value === '.' && /^(?:GetValue|GetSection|GetRequiredSection|GetConnectionString)$/.test(toks[k + 2]?.value ?? '')) {
          let o = k + 3;
          if (toks[o]?.value === '<') while (o < end && toks[o]!.value !== '>') o++;
          if (toks[o]?.value === '>') o++;
          if (toks[o]?.value === '(' && toks[o + 1]?.value === key && (toks[o + 2]?.value === ')' || toks[o + 2]?.value === ',')) style = 'config';
        }
      } else if (t.value === 'GetEnvironmentVariable' && toks[k + 1]?.value === '(' && toks[k + 2]?.value === key && toks[k + 3]?.value === ')') style = 'env';
      if (style) {
        readAt = k;
        break;
      }
    }
    if (readAt === undefined || !style) continue;
    const fails = toks.slice(b, end).some((t) => t.value === 'throw');
    (out.scopedHelpers ??= []).push({
      scope: 'cs',
      name: nameTok.value,
      fails,
      defaultParam: args.length >= 3,
      evidence: { file, line: line(toks[readAt]!), pattern: shorten(`${nameTok.value}(${rangeText(toks, [open + 1, close])})`) },
      ...(style === 'config' ? { keyStyle: 'dotnet-config' as const } : {}),
      sameFile: true,
    });
  }
  // Calls: conf.Name("KEY", d) / conf.Name<T>("KEY", d) on a configuration-looking receiver.
  for (let i = 2; i + 2 < toks.length; i++) {
    const t = toks[i]!;
    if (t.type !== 'name' || toks[i - 1]!.value !== '.' || toks[i - 2]!.type !== 'name' || !RECEIVER.test(toks[i - 2]!.value)) continue;
    let open = i + 1;
    if (toks[open]?.value === '<') {
      const stop = Math.min(toks.length, open + 12);
      while (open < stop && toks[open]!.value !== '>') open++;
      open++;
    }
    if (toks[open]?.value !== '(') continue;
    const { args, close } = argRanges(toks, open);
    const key = staticString(toks, args[0]);
    if (key === undefined || /^(?:GetValue|GetSection|GetRequiredSection|GetConnectionString|GetEnvironmentVariable)$/.test(t.value)) continue;
    const d = args[1];
    const call: NonNullable<ExtractResult['scopedHelperCalls']>[number] = {
      scope: 'cs',
      name: t.value,
      nameArg: key,
      evidence: { file, line: line(toks[i - 2]!), pattern: shorten(rangeText(toks, [i - 2, close + 1])) },
    };
    if (prefix) call.prefix = prefix;
    if (d) call.defaultArg = staticString(toks, d) ?? shorten(rangeText(toks, d));
    (out.scopedHelperCalls ??= []).push(call);
  }
}
