/**
 * One report per failure fingerprint per window. The first sighting is reported at once (low
 * detection latency); later sightings inside the window are only counted, and the count rides on
 * the next report once the window has passed. A storm of 1,000 failing pods from 10 Deployments
 * therefore yields about 10 reports, each saying how often it was seen.
 */

interface Entry {
  reportedAt: number;
  /** Sightings since the last report, including the one that triggered it. */
  count: number;
  /** Distinct sightings already counted (pod uid + restart count), so a relist does not inflate the count. */
  seen: Set<string>;
}

export type DebounceDecision = { report: true; occurrences: number; firstSeen: number } | { report: false };

export class Debouncer {
  private readonly entries = new Map<string, Entry & { firstSeen: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one sighting of `fingerprint`; `sighting` identifies it so repeats are not counted twice. */
  observe(fingerprint: string, sighting: string): DebounceDecision {
    const now = this.now();
    const entry = this.entries.get(fingerprint);
    if (!entry) {
      this.entries.set(fingerprint, { reportedAt: now, count: 0, seen: new Set([sighting]), firstSeen: now });
      return { report: true, occurrences: 1, firstSeen: now };
    }
    if (!entry.seen.has(sighting)) {
      entry.seen.add(sighting);
      entry.count += 1;
    }
    if (now - entry.reportedAt < this.windowMs || entry.count === 0) return { report: false };
    const occurrences = entry.count;
    entry.reportedAt = now;
    entry.count = 0;
    entry.seen = new Set([sighting]);
    return { report: true, occurrences, firstSeen: entry.firstSeen };
  }

  /**
   * Forgets a fingerprint entirely: its report never reached the App, so the next sighting, even
   * of the same state, must be reported.
   */
  forget(fingerprint: string): void {
    this.entries.delete(fingerprint);
  }

  /**
   * The workload recovered: the next *new* sighting (a relapse) is reported at once, while the
   * sightings already reported stay known, so the same old termination is not reported again.
   */
  rearm(fingerprint: string): void {
    const entry = this.entries.get(fingerprint);
    if (!entry) return;
    entry.reportedAt = this.now() - this.windowMs;
    entry.count = 0;
  }

  /** Drops fingerprints not seen for two windows, keeping memory bounded on a long-running agent. */
  prune(): void {
    const cutoff = this.now() - 2 * this.windowMs;
    for (const [fingerprint, entry] of this.entries) if (entry.reportedAt < cutoff && entry.count === 0) this.entries.delete(fingerprint);
  }

  get size(): number {
    return this.entries.size;
  }
}
