/**
 * The agent's only long-lived copy of cluster state: a slim projection per pod, keyed by
 * namespace/name. It turns list pages and watch events into "changed" and "deleted" callbacks,
 * firing "changed" only when the projection actually changed, so relists and resyncs are quiet.
 */
import type { ReflectorSink, WatchEventType } from './reflector.js';
import { podKey, slimPod, type SlimPod } from './slim-pod.js';

export interface PodCacheListener {
  changed(pod: SlimPod, previous: SlimPod | undefined): void;
  deleted(pod: SlimPod): void;
}

export class PodCache {
  private readonly pods = new Map<string, SlimPod>();
  private readonly listeners: PodCacheListener[] = [];

  subscribe(listener: PodCacheListener): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.pods.size;
  }

  get(namespace: string, name: string): SlimPod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  values(): IterableIterator<SlimPod> {
    return this.pods.values();
  }

  /**
   * A reflector sink for one watch scope: the whole cluster, or one namespace when several
   * per-namespace reflectors share this cache (a relist of one must not delete another's pods).
   */
  sink(namespace?: string): ReflectorSink {
    let listedKeys: Set<string> | undefined;
    const inScope = (key: string) => namespace === undefined || key.startsWith(`${namespace}/`);
    return {
      beginList: () => {
        listedKeys = new Set();
      },
      listed: (items) => {
        for (const item of items) {
          const pod = slimPod(item as Record<string, unknown>);
          listedKeys?.add(podKey(pod));
          this.upsert(pod);
        }
      },
      endList: () => {
        const listed = listedKeys;
        listedKeys = undefined;
        if (!listed) return;
        for (const [key, pod] of this.pods) if (inScope(key) && !listed.has(key)) this.remove(pod);
      },
      event: (type: WatchEventType, object: unknown) => {
        const pod = slimPod(object as Record<string, unknown>);
        if (type === 'DELETED') this.remove(pod);
        else this.upsert(pod);
      },
    };
  }

  private upsert(pod: SlimPod): void {
    const key = podKey(pod);
    const previous = this.pods.get(key);
    if (previous && previous.metadata.resourceVersion === pod.metadata.resourceVersion && previous.metadata.uid === pod.metadata.uid) {
      return;
    }
    this.pods.set(key, pod);
    for (const listener of this.listeners) listener.changed(pod, previous);
  }

  private remove(pod: SlimPod): void {
    const key = podKey(pod);
    const known = this.pods.get(key);
    if (!known) return;
    this.pods.delete(key);
    for (const listener of this.listeners) listener.deleted(known);
  }
}
