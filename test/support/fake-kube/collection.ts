/**
 * One watchable collection of the fake API server (pods, events): objects keyed by
 * namespace/name, a global resourceVersion, an event history that can be compacted (older
 * versions then get 410 Gone), and the open watch streams fed live.
 */
import type { ServerResponse } from 'node:http';

export type KubeObject = { metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string } & Record<string, any> } & Record<string, any>;
export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEntry {
  rv: number;
  type: WatchType;
  object: KubeObject;
}

export interface Watcher {
  response: ServerResponse;
  namespace: string | undefined;
  matches: (object: KubeObject) => boolean;
  /** A stalled watcher keeps its connection open and receives nothing more. */
  stalled: boolean;
  bookmarks: boolean;
}

export class Clock {
  rv = 100;
  next(): number {
    this.rv += 1;
    return this.rv;
  }
}

export class Collection {
  readonly objects = new Map<string, KubeObject>();
  history: HistoryEntry[] = [];
  /** Watches from a resourceVersion below this get 410 Gone. */
  compactedBelow = 0;
  readonly watchers = new Set<Watcher>();
  private sortedKeys: string[] | undefined;

  constructor(
    readonly kind: string,
    private readonly clock: Clock,
  ) {}

  upsert(object: KubeObject, options: { silent?: boolean } = {}): KubeObject {
    const key = keyOf(object);
    const type: WatchType = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    if (type === 'ADDED') this.sortedKeys = undefined;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.clock.next());
    stored.metadata.uid ??= `uid-${stored.metadata.namespace ?? ''}-${stored.metadata.name}`;
    this.objects.set(key, stored);
    if (!options.silent) this.record(type, stored);
    return stored;
  }

  delete(namespace: string, name: string, options: { silent?: boolean } = {}): void {
    const key = `${namespace}/${name}`;
    const existing = this.objects.get(key);
    if (!existing) return;
    this.objects.delete(key);
    this.sortedKeys = undefined;
    const last = structuredClone(existing);
    last.metadata.resourceVersion = String(this.clock.next());
    if (!options.silent) this.record('DELETED', last);
  }

  /** Forget history: watches resuming from any version before now get 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedBelow = this.clock.rv;
  }

  list(namespace: string | undefined, matches: (object: KubeObject) => boolean): KubeObject[] {
    // Sorted keys are cached: paged lists of 10,000 objects would otherwise re-sort on every page.
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const items: KubeObject[] = [];
    for (const key of this.sortedKeys) {
      const object = this.objects.get(key);
      if (object && (namespace === undefined || object.metadata.namespace === namespace) && matches(object)) items.push(object);
    }
    return items;
  }

  private record(type: WatchType, object: KubeObject): void {
    const entry = { rv: Number(object.metadata.resourceVersion), type, object };
    this.history.push(entry);
    for (const watcher of this.watchers) send(watcher, entry);
  }
}

export function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export function send(watcher: Watcher, entry: HistoryEntry): void {
  if (watcher.stalled || watcher.response.destroyed) return;
  if (watcher.namespace !== undefined && entry.object.metadata.namespace !== watcher.namespace) return;
  if (!watcher.matches(entry.object)) return;
  watcher.response.write(JSON.stringify({ type: entry.type, object: entry.object }) + '\n');
}
