/**
 * Recognizer: `class-validator` environment classes (issue 9, class 1), on the syntax tree of
 * the javascript extractor.
 *
 *     export class EnvironmentVariables {
 *       @IsUrl() DATABASE_URL: string;            // required: validateSync fails when unset
 *       @IsOptional() @IsString() SENTRY_DSN?: string;   // optional
 *       @IsNumber() PORT: number = 3000;          // defaulted (the initializer stays when unset)
 *       @ValidateIf((o) => o.SMTP_ENABLED) @IsString() SMTP_HOST: string;  // optional, conditional
 *     }
 *
 * A class counts when the file imports from `class-validator` and its properties carry
 * decorators; it is the environment when it is applied to it: `plainToInstance(Cls, process.env)`
 * / `plainToClass`, any call given both the class and `process.env`
 * (`validateConfig(process.env, Cls)`), or `plainToInstance(Cls, config)` inside a `validate`
 * function handed to NestJS `ConfigModule.forRoot({ validate })` (see nest-config.ts). An
 * exported class is pending: it becomes reads when another file applies it (link.ts).
 * `validateSync(…, { skipMissingProperties: true })` in the file makes every property optional.
 */
import ts from 'typescript';
import type { ContractRead, ExtractResult } from '../model.js';
import { literalText, strip, type SchemaContext, type SchemaTools } from './js-schemas.js';
import { shorten } from './util.js';
import type { Trigger } from './js-prefilter.js';

export const CLASS_VALIDATOR = {
  id: 'class-validator',
  summary: 'class-validator decorated env classes applied with plainToInstance/validateSync or NestJS validate',
};

/**
 * What this recognizer keys on by itself (js-prefilter.ts): nothing beyond `process.env`
 * (javascript.ts's trigger) — a class is the environment only when it is applied to
 * `process.env` in the file, or by a NestJS `validate` (nest-config.ts's trigger); an exported
 * class is read lazily when another file applies it (link.ts).
 */
export const CLASS_VALIDATOR_TRIGGERS: readonly Trigger[] = [];

/** class-transformer / documentation decorators: they do not validate. */
const NOT_VALIDATORS = new Set(['Type', 'Transform', 'Expose', 'Exclude', 'ApiProperty', 'ApiPropertyOptional', 'Field']);

function decoratorNames(p: ts.Node): string[] {
  const ds = ts.canHaveDecorators(p) ? (ts.getDecorators(p) ?? []) : [];
  const names: string[] = [];
  for (const d of ds) {
    let e: ts.Node = d.expression;
    if (ts.isCallExpression(e)) e = e.expression;
    if (ts.isPropertyAccessExpression(e)) e = e.name;
    if (ts.isIdentifier(e)) names.push(e.text);
  }
  return names;
}

export function isExported(n: ts.Node): boolean {
  const mods = ts.canHaveModifiers(n) ? (ts.getModifiers(n) ?? []) : [];
  return mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

export function usesClassValidator(tools: SchemaTools): boolean {
  for (const m of tools.imports.values()) if (m === 'class-validator') return true;
  return false;
}

/** Reads of one env class, into `out`. */
export function classReads(ctx: SchemaContext, cls: ts.ClassDeclaration, out: ExtractResult, skipMissing: boolean): void {
  const className = cls.name?.text ?? 'class';
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m)) continue;
    if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
    const n = m.name;
    const name = ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
    if (!name) {
      out.unresolved.push({ evidence: ctx.ev(m, shorten(m.getText(ctx.sf))), reason: `class-validator class ${className} with a computed property name` });
      continue;
    }
    const decos = decoratorNames(m);
    const validators = decos.filter((d) => !NOT_VALIDATORS.has(d) && d !== 'IsOptional' && d !== 'ValidateIf');
    const read: ContractRead = {
      name,
      kind: 'optional',
      evidence: ctx.ev(m, shorten(m.getText(ctx.sf).replace(/\s+/g, ' '))),
      confidence: 'high',
    };
    const def = m.initializer ? literalText(m.initializer) : undefined;
    if (def !== undefined) {
      read.kind = 'defaulted';
      read.default = def;
    } else if (decos.includes('ValidateIf')) {
      read.confidence = 'medium';
      read.note = `class-validator ${className}: validated only when its @ValidateIf condition holds`;
    } else if (decos.includes('IsOptional')) {
      read.note = `class-validator ${className}: @IsOptional()`;
    } else if (skipMissing) {
      read.note = `class-validator ${className}: validated with skipMissingProperties`;
    } else if (validators.length) {
      read.kind = 'required';
      read.note = `class-validator ${className}: @${validators[0]}() fails validation when unset`;
    } else {
      read.confidence = 'medium';
      read.note = `class-validator ${className}: not validated`;
    }
    out.reads.push(read);
  }
}

/** Local class-validator classes of the file, by name. */
export function envClasses(ctx: SchemaContext, tools: SchemaTools): Map<string, ts.ClassDeclaration> {
  const classes = new Map<string, ts.ClassDeclaration>();
  if (!usesClassValidator(tools)) return classes;
  for (const n of ctx.nodes) {
    if (!ts.isClassDeclaration(n) || !n.name) continue;
    if (n.members.some((m) => ts.isPropertyDeclaration(m) && decoratorNames(m).length)) classes.set(n.name.text, n);
  }
  return classes;
}

export function skipsMissing(ctx: SchemaContext): boolean {
  return /skipMissingProperties\s*:\s*true/.test(ctx.sf.text);
}

const TO_INSTANCE = new Set(['plainToInstance', 'plainToClass']);

/**
 * Applications of env classes in the file: direct (`process.env` given with the class), and
 * pending reads of exported classes. Returns the process.env nodes it consumed.
 */
export function extractClassValidator(ctx: SchemaContext, tools: SchemaTools): void {
  const classes = envClasses(ctx, tools);
  const skip = skipsMissing(ctx);
  const file = ctx.ev(ctx.sf, '').file;
  const applied = new Set<string>();
  for (const n of ctx.nodes) {
    if (!ts.isCallExpression(n)) continue;
    const env = n.arguments.find((a) => ctx.isProcessEnv(a));
    if (!env) continue;
    const callee = strip(n.expression);
    const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    for (const a of n.arguments) {
      const s = strip(a);
      if (!ts.isIdentifier(s)) continue;
      const local = classes.get(s.text);
      if (local && !applied.has(s.text)) {
        applied.add(s.text);
        ctx.consumed.add(strip(env));
        classReads(ctx, local, ctx.out, skip);
      } else if (!local && TO_INSTANCE.has(calleeName) && a === n.arguments[0] && tools.imports.has(s.text)) {
        // plainToInstance(EnvDto, process.env) with EnvDto from another file of the app.
        ctx.consumed.add(strip(env));
        (ctx.out.applies ??= []).push({
          module: { from: tools.imports.get(s.text)!, importedName: s.text },
          evidence: ctx.ev(n, shorten(n.getText(ctx.sf))),
          by: `${calleeName}(${s.text}, process.env)`,
        });
      }
    }
  }
  for (const [name, cls] of classes) {
    if (!isExported(cls) || applied.has(name)) continue;
    const tmp: ExtractResult = { reads: [], unresolved: [], fallbacks: [], imageDefaults: [] };
    classReads(ctx, cls, tmp, skip);
    if (tmp.reads.length) (ctx.out.pending ??= []).push({ key: `js:${file}#${name}`, reads: tmp.reads, unresolved: tmp.unresolved });
  }
}
