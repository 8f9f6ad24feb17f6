/**
 * Classification: from a pod's status (and the events about it) to the one failure that best
 * explains why it is not healthy. The order of the checks is the order in which Kubernetes runs
 * things, so the earliest broken step wins:
 *
 *   evicted / deadline  →  scheduling  →  init containers  →  main containers  →  events
 *
 * Within a container, the waiting reason names the symptom and the last termination names the
 * cause: `CrashLoopBackOff` with `lastState.terminated.reason: OOMKilled` is an OOM, and a
 * container restarted after a failed liveness probe is a probe failure, not a crash.
 *
 * Everything here is a pure function of its input so the agent's watch and the CLI's kubectl
 * JSON are classified the same way.
 */
import type { FailureCategory } from './categories.js';
import { containerOfEvent, isAbout, isProbeKill, latestEvent } from './events.js';
import type { ContainerStatusLike, EventLike, PodLike } from './kube-types.js';
import type { Failure } from './schema.js';

type ContainerType = 'init' | 'main';

/** Waiting reasons and the category each one reports. `ContainerCreating` and `PodInitializing` are progress, not failure. */
const WAITING_CATEGORIES: Record<string, FailureCategory> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ErrImagePull: 'ImagePullBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImageNeverPull: 'ImagePullBackOff',
  RegistryUnavailable: 'ImagePullBackOff',
  ImageInspectError: 'ImagePullBackOff',
  SignatureValidationFailed: 'ImagePullBackOff',
  InvalidImageName: 'InvalidImageName',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerError',
  PreCreateHookError: 'CreateContainerError',
  RunContainerError: 'RunContainerError',
  StartError: 'RunContainerError',
  PreStartHookError: 'RunContainerError',
  PostStartHookError: 'RunContainerError',
};

/** Termination reasons that mean the runtime could not start the entrypoint at all. */
const START_FAILURES = new Set(['StartError', 'ContainerCannotRun']);

/** SIGKILL: the kernel's OOM killer, or the kubelet after a grace period. */
const EXIT_SIGKILL = 137;

/**
 * When several containers fail at once, the one whose fix is most deterministic is reported:
 * a config or image error blocks the container from ever starting, so it is the root of any
 * crash loop beside it.
 */
const CATEGORY_PRIORITY: FailureCategory[] = [
  'InvalidImageName',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'ProbeFailure',
  'JobFailed',
  'CrashLoopBackOff',
];

function priorityOf(category: FailureCategory): number {
  const index = CATEGORY_PRIORITY.indexOf(category);
  return index === -1 ? CATEGORY_PRIORITY.length : index;
}

interface PodFacts {
  pod: PodLike;
  /** Events about this pod only. */
  events: EventLike[];
  ownedByJob: boolean;
}

function ownedByJob(pod: PodLike): boolean {
  const ownerIsJob = (pod.metadata?.ownerReferences ?? []).some((owner) => owner.kind === 'Job');
  const labels = pod.metadata?.labels ?? {};
  return ownerIsJob || 'job-name' in labels || 'batch.kubernetes.io/job-name' in labels;
}

/** Events that name this pod (by uid when both sides have one); all of them when the pod has no name. */
function eventsAboutPod(pod: PodLike, events: readonly EventLike[]): EventLike[] {
  const name = pod.metadata?.name;
  if (!name) return [...events];
  return events.filter((event) => !event.involvedObject || isAbout(event, { kind: 'Pod', name, uid: pod.metadata?.uid }));
}

function podFailure(category: FailureCategory, reason: string, message: string): Failure {
  return { category, reason, message, container: null, restartCount: 0, exitCode: null };
}

// ── pod level ────────────────────────────────────────────────────────────────────────────────

function classifyPodPhase(pod: PodLike): Failure | null {
  const status = pod.status ?? {};
  if (status.reason === 'Evicted') return podFailure('Evicted', 'Evicted', status.message ?? 'The pod was evicted.');
  if (status.phase === 'Failed' && status.reason === 'DeadlineExceeded') {
    return podFailure('DeadlineExceeded', 'DeadlineExceeded', status.message ?? 'Pod was active on the node longer than the specified deadline.');
  }
  return null;
}

function classifyScheduling(pod: PodLike, events: EventLike[]): Failure | null {
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (!scheduled || scheduled.status !== 'False' || scheduled.reason !== 'Unschedulable') return null;
  // The condition keeps the first message; the latest FailedScheduling event has the current one.
  const event = latestEvent(events, (candidate) => candidate.reason === 'FailedScheduling');
  return podFailure('Unschedulable', 'Unschedulable', event?.message ?? scheduled.message ?? 'The pod cannot be scheduled.');
}

// ── containers ───────────────────────────────────────────────────────────────────────────────

interface ContainerContext {
  facts: PodFacts;
  status: ContainerStatusLike;
  type: ContainerType;
}

function eventsForContainer(context: ContainerContext): EventLike[] {
  return context.facts.events.filter((event) => {
    const container = containerOfEvent(event);
    return container === undefined || container === context.status.name;
  });
}

function containerFailure(context: ContainerContext, category: FailureCategory, reason: string, message: string, exitCode: number | null): Failure {
  return {
    category,
    reason,
    message,
    container: context.status.name,
    containerType: context.type,
    restartCount: Math.max(0, Math.trunc(context.status.restartCount ?? 0)),
    exitCode: typeof exitCode === 'number' && Number.isInteger(exitCode) ? exitCode : null,
  };
}

/** "Liveness probe failed: …" / "Startup probe errored: …" for this container, newest. */
function latestProbeFailure(context: ContainerContext, kinds: RegExp): EventLike | undefined {
  return latestEvent(eventsForContainer(context), (event) => event.reason === 'Unhealthy' && kinds.test(event.message ?? ''));
}

const RESTARTING_PROBES = /^(Liveness|Startup) probe/i;

/**
 * The kubelet restarted this container because a liveness or startup probe failed: a `Killing`
 * event says so, or the container died of SIGKILL/SIGTERM while those probes were failing.
 */
function probeKill(context: ContainerContext, exitCode: number | undefined): Failure | null {
  const events = eventsForContainer(context);
  const killed = latestEvent(events, isProbeKill);
  const unhealthy = latestProbeFailure(context, RESTARTING_PROBES);
  const diedOfSignal = exitCode === EXIT_SIGKILL || exitCode === 143;
  if (!killed && !(unhealthy && diedOfSignal)) return null;
  const evidence = unhealthy ?? killed;
  return containerFailure(context, 'ProbeFailure', evidence?.reason ?? 'Unhealthy', evidence?.message ?? '', exitCode ?? null);
}

function describeTermination(name: string, terminated: { reason?: string; exitCode?: number; message?: string }): string {
  const message = terminated.message?.trim();
  if (message) return message;
  return `Container ${name} terminated with reason ${terminated.reason ?? 'unknown'} and exit code ${terminated.exitCode ?? 'unknown'}.`;
}

/** CrashLoopBackOff says only that it keeps dying; the last termination says why. */
function classifyCrashLoop(context: ContainerContext, waitingMessage: string): Failure {
  const last = context.status.lastState?.terminated;
  const exitCode = last?.exitCode;
  if (last?.reason === 'OOMKilled') {
    return containerFailure(context, 'OOMKilled', 'OOMKilled', describeTermination(context.status.name, last), exitCode ?? EXIT_SIGKILL);
  }
  const probe = probeKill(context, exitCode);
  if (probe) return probe;
  if (last && START_FAILURES.has(last.reason ?? '')) {
    return containerFailure(context, 'RunContainerError', last.reason ?? 'StartError', describeTermination(context.status.name, last), exitCode ?? null);
  }
  // A bare SIGKILL with no probe to blame is the OOM killer acting on a child process: the
  // runtime then reports "Error" rather than "OOMKilled", but the fix is the same.
  if (exitCode === EXIT_SIGKILL && last?.reason !== 'ContainerStatusUnknown') {
    return containerFailure(context, 'OOMKilled', last?.reason ?? 'Error', describeTermination(context.status.name, last ?? {}), exitCode);
  }
  const message = last ? `${waitingMessage} (last exit: ${last.reason ?? 'unknown'}, code ${exitCode ?? 'unknown'})`.trim() : waitingMessage;
  return containerFailure(context, 'CrashLoopBackOff', 'CrashLoopBackOff', message, exitCode ?? null);
}

/** The image-pull waiting message is a bare "Back-off pulling image"; the Failed event says why. */
function imagePullMessage(context: ContainerContext, waitingMessage: string): string {
  const pullError = latestEvent(
    eventsForContainer(context),
    (event) => event.reason === 'Failed' && /pull|image/i.test(event.message ?? '') && !/^Error: (ErrImagePull|ImagePullBackOff)$/.test(event.message ?? ''),
  );
  if (pullError?.message && !/^Back-off pulling image/i.test(pullError.message)) return pullError.message;
  return waitingMessage;
}

function classifyWaiting(context: ContainerContext): Failure | null {
  const waiting = context.status.state?.waiting;
  const reason = waiting?.reason;
  if (!reason) return null;
  const category = WAITING_CATEGORIES[reason];
  if (!category) return null;
  const message = waiting.message ?? '';
  if (category === 'CrashLoopBackOff') return classifyCrashLoop(context, message);
  if (category === 'ImagePullBackOff') return containerFailure(context, category, reason, imagePullMessage(context, message), null);
  return containerFailure(context, category, reason, message, context.status.lastState?.terminated?.exitCode ?? null);
}

/** A container that has stopped for good (restartPolicy Never/OnFailure, or between restarts). */
function classifyTerminated(context: ContainerContext): Failure | null {
  const terminated = context.status.state?.terminated;
  if (!terminated) return null;
  const exitCode = terminated.exitCode;
  const describe = describeTermination(context.status.name, terminated);
  if (terminated.reason === 'OOMKilled') return containerFailure(context, 'OOMKilled', 'OOMKilled', describe, exitCode ?? EXIT_SIGKILL);
  if (START_FAILURES.has(terminated.reason ?? '')) return containerFailure(context, 'RunContainerError', terminated.reason ?? 'StartError', describe, exitCode ?? null);
  if (exitCode === undefined || exitCode === 0) return null;
  // The node went away: nothing in the manifest explains it.
  if (terminated.reason === 'ContainerStatusUnknown') return null;
  const probe = probeKill(context, exitCode);
  if (probe) return probe;
  if (context.facts.ownedByJob) return containerFailure(context, 'JobFailed', terminated.reason ?? 'Error', describe, exitCode);
  return containerFailure(context, 'CrashLoopBackOff', terminated.reason ?? 'Error', describe, exitCode);
}

/**
 * Running now, but not healthy: restarted after an OOM kill (intermittent OOMs keep the pod
 * Running between kills), or held unready by a failing probe.
 */
function classifyRunning(context: ContainerContext): Failure | null {
  if (!context.status.state?.running) return null;
  const last = context.status.lastState?.terminated;
  if (last?.reason === 'OOMKilled' && (context.status.restartCount ?? 0) > 0) {
    return containerFailure(context, 'OOMKilled', 'OOMKilled', describeTermination(context.status.name, last), last.exitCode ?? EXIT_SIGKILL);
  }
  if (context.status.ready === false) {
    const unhealthy = latestProbeFailure(context, /probe/i);
    if (unhealthy) return containerFailure(context, 'ProbeFailure', 'Unhealthy', unhealthy.message ?? '', null);
  }
  if ((context.status.restartCount ?? 0) > 0 && last) return probeKill(context, last.exitCode);
  return null;
}

function classifyContainer(context: ContainerContext): Failure | null {
  return classifyWaiting(context) ?? classifyTerminated(context) ?? classifyRunning(context);
}

function mostSignificant(failures: Failure[]): Failure | null {
  // Stable: equal priorities keep the declared container order.
  const sorted = [...failures].sort((a, b) => priorityOf(a.category) - priorityOf(b.category));
  return sorted[0] ?? null;
}

function classifyContainers(facts: PodFacts, statuses: ContainerStatusLike[] | undefined, type: ContainerType): Failure | null {
  const failures = (statuses ?? [])
    .map((status) => classifyContainer({ facts, status, type }))
    .filter((failure): failure is Failure => failure !== null);
  return mostSignificant(failures);
}

// ── events ───────────────────────────────────────────────────────────────────────────────────

/**
 * The pod is stuck without a container-level reason (ContainerCreating, PodInitializing,
 * Pending): the events say what it waits for.
 */
function classifyFromEvents(facts: PodFacts): Failure | null {
  const { events } = facts;
  const mount = latestEvent(events, (event) => event.type === 'Warning' && (event.reason === 'FailedMount' || event.reason === 'FailedAttachVolume'));
  if (mount) return podFailure('FailedMount', mount.reason ?? 'FailedMount', mount.message ?? '');
  const scheduling = latestEvent(events, (event) => event.type === 'Warning' && event.reason === 'FailedScheduling');
  if (scheduling && !facts.pod.spec?.nodeName) return podFailure('Unschedulable', 'FailedScheduling', scheduling.message ?? '');
  const probe = latestEvent(events, (event) => event.type === 'Warning' && event.reason === 'Unhealthy');
  if (probe) {
    const container = containerOfEvent(probe) ?? null;
    const status = [...(facts.pod.status?.containerStatuses ?? [])].find((candidate) => candidate.name === container);
    return {
      category: 'ProbeFailure',
      reason: 'Unhealthy',
      message: probe.message ?? '',
      container,
      ...(container ? { containerType: 'main' as const } : {}),
      restartCount: Math.max(0, status?.restartCount ?? 0),
      exitCode: null,
    };
  }
  return null;
}

// ── public API ───────────────────────────────────────────────────────────────────────────────

/**
 * The most significant failure of the pod, or null for a healthy or still-progressing pod.
 * `events` may include events about other objects; only those about this pod are used.
 */
export function classifyPod(pod: PodLike, events: EventLike[] = []): Failure | null {
  const facts: PodFacts = {
    pod,
    events: eventsAboutPod(pod, events),
    ownedByJob: ownedByJob(pod),
  };
  const phaseFailure = classifyPodPhase(pod);
  if (phaseFailure) return phaseFailure;
  const scheduling = classifyScheduling(pod, facts.events);
  if (scheduling) return scheduling;
  const init = classifyContainers(facts, pod.status?.initContainerStatuses, 'init');
  if (init) return init;
  const main = classifyContainers(facts, pod.status?.containerStatuses, 'main');
  if (main) return main;
  if (isPodHealthy(pod) || pod.status?.phase === 'Succeeded') return null;
  return classifyFromEvents(facts);
}

/** Running with every container ready, or finished successfully (a Job pod that now passes). */
export function isPodHealthy(pod: PodLike): boolean {
  const status = pod.status;
  if (status?.phase === 'Succeeded') return true;
  if (status?.phase !== 'Running') return false;
  const containers = status.containerStatuses ?? [];
  return containers.length > 0 && containers.every((container) => container.ready === true);
}

/** The kinds whose controllers create pods and report `FailedCreate` when they cannot. */
const POD_CREATORS = new Set(['ReplicaSet', 'Job', 'StatefulSet', 'DaemonSet', 'ReplicationController']);

/** `(container "app" must set securityContext…)` names the container PodSecurity objects to. */
function containerNamedIn(message: string): string | null {
  return /container "([^"]+)"/.exec(message)?.[1] ?? null;
}

/**
 * Failures that leave no pod behind, seen only as events on the controller: `FailedCreate`
 * (quota exceeded, PodSecurity violations, a missing ServiceAccount) and a Job giving up.
 */
export function classifyWorkloadEvent(event: EventLike): Failure | null {
  if (event.type !== 'Warning') return null;
  const kind = event.involvedObject?.kind ?? '';
  const message = event.message ?? '';
  if (event.reason === 'FailedCreate' && POD_CREATORS.has(kind)) {
    return { category: 'FailedCreate', reason: 'FailedCreate', message, container: containerNamedIn(message), restartCount: 0, exitCode: null };
  }
  if (kind === 'Job' && event.reason === 'BackoffLimitExceeded') return podFailure('JobFailed', 'BackoffLimitExceeded', message);
  if (kind === 'Job' && event.reason === 'DeadlineExceeded') return podFailure('DeadlineExceeded', 'DeadlineExceeded', message);
  return null;
}
