/**
 * The secret canary suite's tools: one distinctive canary per case, searched for in every
 * output in every form a leak could take (the value, its base64, a hash, its length).
 */
import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../action/runner.js';

/** Every form of `v` that must never appear. */
export function leakForms(v: string): string[] {
  const b64 = Buffer.from(v).toString('base64');
  return [v, b64, b64.replace(/=+$/, ''), createHash('sha256').update(v).digest('hex'), createHash('sha256').update(v).digest('base64'), createHash('sha1').update(v).digest('hex')];
}

/** Assert that `out` holds no form of any canary, nor its length stated in words. */
export function expectNoCanary(out: string, ...canaries: string[]): void {
  for (const c of canaries) {
    for (const f of leakForms(c)) expect(out).not.toContain(f);
    expect(out).not.toMatch(new RegExp(`\\b${c.length} (chars|characters|bytes)\\b`));
  }
}

const git = (dir: string, ...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' }).toString().trim();

function write(dir: string, files: Record<string, string>): void {
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
}

/** A git repository: `base` files committed on main, then `head` files in a second commit. */
export function prRepo(base: Record<string, string>, head: Record<string, string> = {}): { dir: string; base: string; head: string; rm: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-'));
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, { 'README.md': 'gitops\n', ...base });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const b = git(dir, 'rev-parse', 'HEAD');
  write(dir, head);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head', '--allow-empty');
  return { dir, base: b, head: git(dir, 'rev-parse', 'HEAD'), rm: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh bundle of the Action from src/ (dist/ is rebuilt only by the lead), in a temp dir. */
export function bundleAction(): { file: string; rm: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kd-sec-dist-'));
  const file = path.join(dir, 'index.js');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.js'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return { file, rm: () => rmSync(dir, { recursive: true, force: true }) };
}
