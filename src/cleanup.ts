/**
 * What keydrift must undo if it is stopped: temporary directories (materialised repositories
 * hold Secret manifests and env files in plain text; the Action's kubeconfig holds
 * credentials) and child processes (kubectl, kustomize, helm). Code that makes one registers
 * it here and unregisters it when done; the entry points (CLI, Action) call
 * `installSignalCleanup()` so that SIGINT, SIGTERM and SIGHUP remove and kill everything still
 * registered before the process exits — with the conventional 128 + signal number.
 */
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

const temps = new Set<string>();
const children = new Set<ChildProcess>();

export function trackTemp(dir: string): void {
  temps.add(dir);
}

/** Remove a registered directory now (and forget it). */
export function removeTemp(dir: string): void {
  temps.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Follow a child until it exits. Children spawned `detached` lead their own process group,
 * which is killed as a whole (kubectl's git, helm's plugins, a shell wrapper's sleep).
 */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
}

/** Kill a child and the process group it leads, if any. */
export function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Kill every child and remove every temporary directory still registered (synchronous). */
export function cleanupNow(): void {
  for (const c of children) killChild(c);
  children.clear();
  for (const d of temps) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort: the next one still gets removed
    }
  }
  temps.clear();
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
let installed = false;

/** For the entry points: clean up and exit on SIGINT/SIGTERM/SIGHUP; also clean up at exit. */
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  for (const [sig, n] of Object.entries(SIGNALS)) {
    process.on(sig as NodeJS.Signals, () => {
      cleanupNow();
      process.exit(128 + n);
    });
  }
  process.on('exit', cleanupNow);
}
