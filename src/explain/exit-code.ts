/**
 * What a container's exit code says, when nothing more specific explains it. The codes are
 * those of a process in a container: 0–125 the program's own, 125–127 the runtime or the
 * shell, 128+N killed by signal N.
 */
import type { Cause, CauseRule, ContainerFacts, Termination } from './types.js';
import { lastExit, statusLabel } from './util.js';

interface Meaning {
  /** Short meaning, shown beside the code. */
  meaning: string;
  /** What it usually means and where to look. */
  advice: string;
  score: number;
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/** The meaning of an exit code, in words. */
export function exitMeaning(code: number): Meaning {
  switch (code) {
    case 0:
      return { meaning: 'exited successfully', advice: 'the main process ran to completion: nothing long-running was started (a one-shot command in a Deployment, a server that forks into the background, a missing `exec` in an entrypoint script). A Deployment restarts it every time, so it loops', score: 70 };
    case 1:
      return { meaning: 'the application stopped with an error', advice: 'a general failure the program reported itself — usually an exception or a failed start-up check; its log says which', score: 35 };
    case 2:
      return { meaning: 'the application stopped with an error (often a usage error)', advice: 'shells and many CLIs exit 2 on a bad argument or a misused builtin; check the command and args, and the log', score: 40 };
    case 125:
      return { meaning: 'the container runtime could not run the container', advice: 'the runtime itself failed before the program started (a bad option, a mount, a security setting); see the pod events and the node', score: 65 };
    case 126:
      return { meaning: 'the command is not executable', advice: 'the entrypoint exists but cannot be run: a missing execute bit, a wrong interpreter line, or a binary for another architecture', score: 70 };
    case 127:
      return { meaning: 'command not found', advice: 'the command or entrypoint named in the image or in `command:`/`args:` does not exist in the image (a typo, a different base image, a PATH that lacks it)', score: 75 };
    case 128:
      return { meaning: 'invalid exit argument', advice: 'the program exited with a value outside 0–255, or the runtime reported a failure to start; see the pod events', score: 45 };
    case 130:
      return { meaning: 'killed by SIGINT', advice: 'someone or something interrupted it (Ctrl-C in an attached session)', score: 40 };
    case 134:
      return { meaning: 'aborted (SIGABRT)', advice: 'the program aborted itself: a failed assertion, a fatal runtime error (a Node.js heap out of memory, a JVM crash, glibc detecting memory corruption)', score: 55 };
    case 137:
      return { meaning: 'killed by SIGKILL', advice: 'it was killed from outside: the kernel OOM killer (look for OOMKilled), a liveness probe that failed past its grace period, or an eviction/preemption', score: 45 };
    case 139:
      return { meaning: 'segmentation fault (SIGSEGV)', advice: 'the program crashed accessing invalid memory: a native-code bug, a library built for another libc or CPU, or exhausted stack', score: 60 };
    case 143:
      return { meaning: 'terminated by SIGTERM', advice: 'it was asked to stop: a liveness probe failure, an eviction, a rollout or scale-down, or a node drain. A process that handles SIGTERM cleanly exits 0 instead', score: 40 };
    case 255:
      return { meaning: 'exit status out of range (-1)', advice: 'the program exited with -1 or a fatal error it could not express otherwise (common for SSH, some JVM launchers and Go programs on os.Exit(-1)); see its log', score: 40 };
    default:
      if (code > 128 && code < 160) return { meaning: `killed by ${signalName(code - 128)}`, advice: 'a signal ended it; see the pod events for who sent it', score: 45 };
      return { meaning: 'the application exited with its own error code', advice: "the code is the program's own; its documentation and log say what it means", score: 35 };
  }
}

/** "exit code 137 (killed by SIGKILL)". */
export function describeExit(t: Termination): string {
  if (t.exitCode === undefined) return t.signal ? `killed by ${signalName(t.signal)}` : 'terminated';
  return `exit code ${t.exitCode} (${exitMeaning(t.exitCode).meaning}${t.signal ? `, signal ${signalName(t.signal)}` : ''})${t.reason ? `, reason ${t.reason}` : ''}`;
}

export const exitCodeRule: CauseRule = {
  meta: { id: 'exit-code', description: "What the container's last exit code means, when no other cause accounts for it." },
  run(_ctx, c: ContainerFacts): Cause[] {
    const last = lastExit(c);
    if (!last || last.term.exitCode === undefined) return [];
    const crashing = c.statuses.some((s) => s.restartCount > 0 || s.waiting?.reason === 'CrashLoopBackOff');
    if (last.term.exitCode === 0 && !crashing) return [];
    const m = exitMeaning(last.term.exitCode);
    const recovered = c.statuses.length > 0 && c.statuses.every((s) => s.running && s.ready);
    if (recovered) {
      // Running and ready now: the exit is history, worth saying but not the answer to "why is it failing".
      return [
        {
          id: 'exit-code',
          score: 20,
          container: c.name,
          summary: `Container ${c.name} is running and ready now; before, it restarted (last stop: ${describeExit(last.term)}).`,
          evidence: [`${statusLabel(last.status)}: the run before this one ended with ${describeExit(last.term)}`, `meaning: ${m.advice}`],
          locations: [c.gitLocation ?? c.location],
          explainsExit: true,
          details: { exitCode: last.term.exitCode, recovered: true },
        },
      ];
    }
    return [
      {
        id: 'exit-code',
        score: m.score,
        container: c.name,
        summary: `Container ${c.name} ${last.term.exitCode === 0 ? 'keeps exiting successfully' : 'keeps stopping'}: ${describeExit(last.term)}.`,
        evidence: [`${statusLabel(last.status)}: last run ended with ${describeExit(last.term)}`, `meaning: ${m.advice}`],
        fix:
          last.term.exitCode === 0
            ? 'Run a long-lived process in the foreground (exec it from the entrypoint), or use a Job/CronJob for a one-shot task.'
            : last.term.exitCode === 127 || last.term.exitCode === 126
              ? "Fix the container's command/args or the image's entrypoint so it names a program that exists and is executable in the image."
              : 'Read the log of the run that stopped (see below) for the error the program printed.',
        locations: [c.gitLocation ?? c.location],
        explainsExit: true,
        details: { exitCode: last.term.exitCode, ...(last.term.signal ? { signal: last.term.signal } : {}), ...(last.term.reason ? { reason: last.term.reason } : {}) },
      },
    ];
  },
};
