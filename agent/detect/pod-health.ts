/**
 * The agent's one notion of "failing" and "healthy", shared by detection and recovery.
 *
 * Healthy is `isPodHealthy` (Running with every container Ready), the very check recovery waits
 * for. A pod the classifier flags is failing when it is not healthy. A healthy pod is flagged only
 * for a termination the agent watched happen: the kubelet keeps the last termination (`lastState`
 * OOMKilled, say) for the pod's whole life, so a Ready pod carrying one is history, not news,
 * unless the restart count, the termination time or the reason changed since the agent last saw
 * the pod. That is what keeps agent restarts (first sight of a pod Ready for days) and recovered
 * pods (any later update) from reporting old kills.
 */
import { isPodHealthy } from '../../src/report/classify.js';
import type { ContainerStatusLike } from '../../src/report/kube-types.js';
import type { Failure } from '../../src/report/schema.js';
import type { SlimPod } from '../watch/slim-pod.js';

export { isPodHealthy };

function containerStatus(pod: SlimPod, container: string): ContainerStatusLike | undefined {
  const statuses = [...(pod.status.containerStatuses ?? []), ...(pod.status.initContainerStatuses ?? [])];
  return statuses.find((status) => status.name === container);
}

/**
 * What identifies one termination of a container: restart count, when it last ended and why.
 * Two sightings with the same signature are the same event seen twice (an update, a relist).
 */
export function terminationSignature(pod: SlimPod, container: string | null): string {
  if (!container) return '';
  const status = containerStatus(pod, container);
  if (!status) return '';
  const ended = status.state?.terminated ?? status.lastState?.terminated;
  return `${status.restartCount ?? 0}/${ended?.finishedAt ?? ''}/${ended?.reason ?? ''}`;
}

/** One sighting of a failure: the pod instance, the container and its termination signature. */
export function sightingOf(pod: SlimPod, failure: Failure): string {
  return `${pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`}/${failure.container ?? ''}/${failure.reason}/${terminationSignature(pod, failure.container)}`;
}

/**
 * Whether `failure`, classified on `pod`, is a failure now. `previous` is the same pod as the agent
 * last saw it (undefined on first sight, at start-up or on a relist).
 */
export function isFailingNow(pod: SlimPod, previous: SlimPod | undefined, failure: Failure): boolean {
  if (!isPodHealthy(pod)) return true;
  if (!previous || previous.metadata.uid !== pod.metadata.uid) return false;
  return terminationSignature(previous, failure.container) !== terminationSignature(pod, failure.container);
}
