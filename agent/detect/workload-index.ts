/**
 * Which cached pods belong to which workload, kept up to date from the pod cache, so recovery
 * tracking can ask "are all of this Deployment's pods healthy?" without scanning every pod.
 */
import { inferWorkload } from '../../src/report/workload.js';
import type { PodCache } from '../watch/pod-cache.js';
import { podKey, type SlimPod } from '../watch/slim-pod.js';
import { workloadKey } from './recovery.js';

export class WorkloadIndex {
  private readonly podsByWorkload = new Map<string, Set<string>>();
  private readonly workloadByPod = new Map<string, string>();

  constructor(private readonly cache: PodCache) {}

  /** The workload key of a pod, recording it in the index. */
  add(pod: SlimPod): string {
    const key = podKey(pod);
    const workload = workloadKey(inferWorkload(pod).workload);
    const previous = this.workloadByPod.get(key);
    if (previous !== workload) {
      if (previous) this.removeFrom(previous, key);
      this.workloadByPod.set(key, workload);
      let pods = this.podsByWorkload.get(workload);
      if (!pods) this.podsByWorkload.set(workload, (pods = new Set()));
      pods.add(key);
    }
    return workload;
  }

  remove(pod: SlimPod): string | undefined {
    const key = podKey(pod);
    const workload = this.workloadByPod.get(key);
    if (!workload) return undefined;
    this.workloadByPod.delete(key);
    this.removeFrom(workload, key);
    return workload;
  }

  podsOf(workload: string): SlimPod[] {
    const pods: SlimPod[] = [];
    for (const key of this.podsByWorkload.get(workload) ?? []) {
      const slash = key.indexOf('/');
      const pod = this.cache.get(key.slice(0, slash), key.slice(slash + 1));
      if (pod) pods.push(pod);
    }
    return pods;
  }

  private removeFrom(workload: string, podKeyValue: string): void {
    const pods = this.podsByWorkload.get(workload);
    pods?.delete(podKeyValue);
    if (pods && pods.size === 0) this.podsByWorkload.delete(workload);
  }
}
