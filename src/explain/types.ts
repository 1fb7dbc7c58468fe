/**
 * Plain data of `keydrift explain`: what the pods and events of one workload say, what
 * keydrift knows about the configuration its containers get, and the causes it infers.
 * Nothing here holds a Secret value, a log line or an event message as written: only the
 * parts keydrift parsed out of them (reasons, names, exit codes, a failure class).
 */
import type { Finding, Location, Skip } from '../model.js';
import type { ContainerProvision } from '../resolve/provision.js';
import type { RenameInfo, VersionInfo } from '../checks/types.js';
import type { Snapshot } from '../sources/snapshot.js';

/** One `terminated` state, as the kubelet reports it (never its `message`). */
export interface Termination {
  exitCode?: number;
  signal?: number;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** One container's status in one pod. */
export interface ContainerStatusFact {
  pod: string;
  restartCount: number;
  ready: boolean;
  waiting?: { reason: string; parsed?: ParsedMessage };
  running?: { startedAt?: string };
  terminated?: Termination;
  lastTerminated?: Termination;
  image?: string;
}

/** What keydrift takes out of a kubelet message; everything else in it is dropped. */
export interface ParsedMessage {
  /** A ConfigMap/Secret named in "configmap "x" not found" / "couldn't find key K in Secret ns/x". */
  missingObject?: { kind: 'ConfigMap' | 'Secret'; name: string };
  missingKey?: { kind: 'ConfigMap' | 'Secret'; name: string; key: string };
  /** The probe named in "Liveness probe failed: …". */
  probe?: 'liveness' | 'readiness' | 'startup';
  /** Why a probe failed, as a class: a timeout, an HTTP status, a refused connection, a failed command. */
  probeFailure?: 'timeout' | 'http-status' | 'connection-refused' | 'command-failed' | 'other';
  httpStatus?: number;
  /** "Container x failed liveness probe, will be restarted". */
  killedByProbe?: 'liveness' | 'startup';
  /** The image named in a pull failure. */
  image?: string;
  /** A pull failure's class. */
  pullFailure?: 'not-found' | 'unauthorized' | 'other';
  /** The resource an eviction names ("The node was low on resource: memory"). */
  evictedFor?: string;
}

export interface EventFact {
  reason: string;
  type: string;
  count: number;
  firstTime?: string;
  lastTime?: string;
  object: { kind: string; name: string };
  /** From `involvedObject.fieldPath` `spec.containers{name}`. */
  container?: string;
  parsed: ParsedMessage;
}

export interface ContainerFacts {
  name: string;
  init: boolean;
  image: string;
  /** The container as the live workload declares it (probes, resources, env). */
  spec: Record<string, any>;
  /** Where the container is declared: the live object, and git when given. */
  location: Location;
  gitLocation?: Location;
  statuses: ContainerStatusFact[];
  events: EventFact[];
  /** What it gets live (resolved against the live ConfigMaps/Secrets). */
  provision?: ContainerProvision;
  /** What git says it gets (with file:line), when a repo was given. */
  gitProvision?: ContainerProvision;
  /** The contract of the version it runs, when its source is known. */
  current?: VersionInfo;
  previous?: VersionInfo;
  renames: RenameInfo[];
  /** Why the contract could not be read. */
  contractSkip?: string;
}

export interface ExplainContext {
  workload: { kind: string; namespace?: string; name: string };
  pods: { name: string; phase?: string; reason?: string }[];
  containers: ContainerFacts[];
  /** Events of the pods and the workload that name no container. */
  podEvents: EventFact[];
  /** Drift findings (git vs live) of the ConfigMaps/Secrets the containers read. */
  drift: Finding[];
  /** "cluster https://…" or "dump path". */
  liveSource: string;
  /** "git repo@ref (sha)", when a repo was given. */
  git?: string;
  /** The git snapshot, when a repo was given (for patches). */
  gitSnapshot?: Snapshot;
  skipped: Skip[];
}

/** One possible cause, with the evidence for it. */
export interface Cause {
  /** Stable id of the rule that found it: `missing-key`, `probe-kill`, `exit-code`… */
  id: string;
  /** 0–100: how well the evidence explains the failure; causes are sorted by it. */
  score: number;
  container?: string;
  /** One sentence a person reads first. */
  summary: string;
  /** Each piece of evidence, in words (parsed facts only). */
  evidence: string[];
  /** What to change. */
  fix?: string;
  /** A unified diff against git that makes the fix. */
  patch?: string;
  locations: Location[];
  /** This cause accounts for the container's last exit code (the plain exit-code cause is then left out). */
  explainsExit?: boolean;
  details?: Record<string, unknown>;
}

export interface CauseRule {
  meta: { id: string; description: string };
  run(ctx: ExplainContext, c: ContainerFacts): Cause[];
}

export interface Explanation {
  workload: string;
  pods: ExplainContext['pods'];
  containers: { name: string; init: boolean; image: string; state: string; restarts: number; lastExit?: string }[];
  causes: Cause[];
  /** A container is not running and ready now (or a pod failed): the workload is failing at this moment. */
  failing: boolean;
  drift: Finding[];
  /** What happened when, oldest first: events (reason and parsed parts only), terminations. */
  timeline: { time: string; what: string }[];
  /** What keydrift cannot see, with the command that shows it. */
  notSeen: { what: string; command: string }[];
  skipped: Skip[];
  sources: { live: string; git?: string };
}
