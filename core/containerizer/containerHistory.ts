import type { Clock } from '../common/clock.js';

/**
 * ContainerHistoryOptions bounds a `ContainerHistory`: samples per container, their age, and how many containers are
 * remembered after they end.
 */
export interface ContainerHistoryOptions {
  /** capacity is the most samples kept per container; default 150 (five minutes at one sample every two seconds). */
  capacity?: number;
  /** maxAgeMs drops samples older than this when read; default unlimited (capacity alone bounds memory). */
  maxAgeMs?: number;
  /** retainEnded is how many ended containers keep their samples for a late reader; default 32. */
  retainEnded?: number;
}

/** HistorySample is one stored sample with the time it was recorded (milliseconds since the epoch). */
export interface HistorySample<T> {
  at: number;
  value: T;
}

/**
 * SampleRing is a fixed-capacity ring buffer: pushing onto a full ring overwrites the oldest sample, so memory stays
 * bounded however long a container runs.
 */
export class SampleRing<T> {
  private readonly items: Array<HistorySample<T> | undefined>;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`SampleRing capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<HistorySample<T> | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(sample: HistorySample<T>): void {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = sample;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** toArray returns the samples oldest first, optionally only those recorded at or after `sinceMs`. */
  toArray(sinceMs = -Infinity): Array<HistorySample<T>> {
    const out: Array<HistorySample<T>> = [];
    for (let i = 0; i < this.size; i++) {
      const s = this.items[(this.start + i) % this.capacity];
      if (s && s.at >= sinceMs) out.push(s);
    }
    return out;
  }

  latest(): HistorySample<T> | undefined {
    return this.size === 0 ? undefined : this.items[(this.start + this.size - 1) % this.capacity];
  }
}

/**
 * ContainerHistory keeps a bounded ring of samples per container, stamped by a `Clock`, so a console can draw the last
 * minutes of a container's usage from the agent's memory instead of polling the kernel itself. Pure: it stores what
 * it is given; whoever samples owns the timer.
 */
export class ContainerHistory<T> {
  private readonly rings = new Map<string, SampleRing<T>>();
  private readonly ended: string[] = [];
  private readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly retainEnded: number;

  constructor(
    private readonly clock: Clock,
    options: ContainerHistoryOptions = {},
  ) {
    this.capacity = options.capacity ?? 150;
    this.maxAgeMs = options.maxAgeMs ?? Infinity;
    this.retainEnded = options.retainEnded ?? 32;
  }

  /** record appends `value` to the container's ring, stamped with the clock's time. */
  record(containerId: string, value: T): void {
    let ring = this.rings.get(containerId);
    if (!ring) this.rings.set(containerId, (ring = new SampleRing<T>(this.capacity)));
    ring.push({ at: this.clock.now(), value });
  }

  /** samples returns the container's samples oldest first, no older than `maxAgeMs` and at or after `sinceMs`. */
  samples(containerId: string, sinceMs = -Infinity): Array<HistorySample<T>> {
    const oldest = Math.max(sinceMs, this.clock.now() - this.maxAgeMs);
    return this.rings.get(containerId)?.toArray(oldest) ?? [];
  }

  /** latest returns the container's newest sample. */
  latest(containerId: string): HistorySample<T> | undefined {
    return this.rings.get(containerId)?.latest();
  }

  /** containers lists the containers with samples, live or recently ended. */
  containers(): string[] {
    return [...this.rings.keys()];
  }

  /** end marks a container as ended: its samples stay readable until `retainEnded` newer containers have ended. */
  end(containerId: string): void {
    if (!this.rings.has(containerId) || this.ended.includes(containerId)) return;
    this.ended.push(containerId);
    while (this.ended.length > this.retainEnded) {
      const gone = this.ended.shift();
      if (gone !== undefined) this.rings.delete(gone);
    }
  }

  /** clear forgets everything. */
  clear(): void {
    this.rings.clear();
    this.ended.length = 0;
  }
}
