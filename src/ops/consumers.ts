// The consumers this process runs, watched for lag and for being stuck. Every consumer started
// through the metered bus (metered-bus.ts) is registered here; a sampler reads its group's committed
// offsets and the topic's end offsets (per partition, either bus) every few seconds:
//
// - ecoute_consumer_lag{topic,group,partition}: records not yet handled (end - committed);
// - stuck: lag above zero while the committed offset has not moved for `stuckAfterMs` (a consumer
//   that keeps failing its batch, waits on a store that never answers, or lost its lease to a hung
//   process). /readyz is 503 naming it, ecoute_consumer_stuck{topic,group} is 1.
import type { Bus, Offsets, Topic } from '../streams/bus/types.js';
import { scrapedGauge } from './metrics.js';

export interface WatchedConsumer {
  topic: Topic;
  group: string;
  /** Per partition: committed offset, end offset, and when the committed offset last moved (or lag was 0). */
  partitions: Map<number, { committed: number; end: number; movedAt: number }>;
  /** The last sampling failed (the bus did not answer). */
  lastError?: string;
  sampledAt?: number;
}

export interface StuckConsumer {
  topic: Topic;
  group: string;
  partition: number;
  lag: number;
  /** Seconds since its committed offset last moved. */
  stillForSeconds: number;
}

/** Groups of the notify stage: a receiver that is down delays its own notifier, it does not make the process unready. */
const NOT_FOR_READINESS = /(^|\.)ecoute-notify-/;

export class ConsumerWatch {
  private readonly watched = new Map<string, { bus: Bus; consumer: WatchedConsumer; users: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Lag above zero with no progress for this long: stuck. */
    public stuckAfterMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts watching (topic, group) on `bus`; returns the release (when the consumer closes). */
  add(bus: Bus, topic: Topic, group: string): () => void {
    const key = `${topic}\u0000${group}`;
    const entry = this.watched.get(key) ?? { bus, consumer: { topic, group, partitions: new Map() }, users: 0 };
    entry.users++;
    this.watched.set(key, entry);
    this.arm();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--entry.users === 0) this.watched.delete(key);
      if (this.watched.size === 0) this.disarm();
    };
  }

  consumers(): WatchedConsumer[] {
    return [...this.watched.values()].map((e) => e.consumer);
  }

  /** Reads every watched group's offsets now (a read already in flight may predate what the caller waits for). */
  sample(): Promise<void> {
    return this.readAll();
  }

  /** The consumers stuck as of the last sample (those of the readiness check; notify groups excluded). */
  stuck(): StuckConsumer[] {
    const now = this.now();
    const out: StuckConsumer[] = [];
    for (const c of this.consumers()) {
      if (NOT_FOR_READINESS.test(c.group)) continue;
      for (const [partition, p] of c.partitions) {
        const lag = p.end - p.committed;
        if (lag > 0 && now - p.movedAt >= this.stuckAfterMs) out.push({ topic: c.topic, group: c.group, partition, lag, stillForSeconds: Math.round((now - p.movedAt) / 1000) });
      }
    }
    return out;
  }

  stop(): void {
    this.disarm();
  }

  private async readAll(): Promise<void> {
    await Promise.all(
      [...this.watched.values()].map(async ({ bus, consumer }) => {
        try {
          const [end, committed] = await Promise.all([bus.endOffsets(consumer.topic), bus.committedOffsets(consumer.topic, consumer.group)]);
          this.update(consumer, end, committed);
          delete consumer.lastError;
        } catch (error) {
          consumer.lastError = error instanceof Error ? error.message : String(error);
        }
      }),
    );
  }

  private update(consumer: WatchedConsumer, end: Offsets, committed: Offsets): void {
    const now = this.now();
    consumer.sampledAt = now;
    for (const [key, e] of Object.entries(end)) {
      const partition = Number(key);
      const c = committed[partition] ?? 0;
      const before = consumer.partitions.get(partition);
      // Progress, or nothing to do, resets the clock: only a backlog that does not move ages.
      const moved = !before || before.committed !== c || e - c <= 0;
      consumer.partitions.set(partition, { committed: c, end: e, movedAt: moved ? now : before.movedAt });
    }
  }

  private arm(): void {
    if (this.timer) return;
    // Often enough to tell "stuck" within a quarter of the threshold, at most every 5 s.
    const every = Math.max(250, Math.min(5_000, Math.floor(this.stuckAfterMs / 4)));
    this.timer = setInterval(() => void this.sample(), every);
    this.timer.unref();
    void this.sample();
  }

  private disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The process's watch (the metered bus registers its consumers here; /readyz and /metrics read it). */
export const consumerWatch = new ConsumerWatch();

scrapedGauge('ecoute_consumer_lag', 'Records of a topic partition the consumer group has not handled yet (end offset minus committed offset), for the groups this process consumes.', ['topic', 'group', 'partition'], async (gauge) => {
  await consumerWatch.sample();
  for (const c of consumerWatch.consumers()) {
    for (const [partition, p] of c.partitions) gauge.set({ topic: c.topic, group: c.group, partition: String(partition) }, Math.max(0, p.end - p.committed));
  }
});

scrapedGauge('ecoute_consumer_stuck', '1 while the group has a backlog on the topic and its committed offset has not moved for ops.stuck_after_seconds (then /readyz is 503).', ['topic', 'group'], async (gauge) => {
  await consumerWatch.sample();
  const stuck = new Set(consumerWatch.stuck().map((s) => `${s.topic}\u0000${s.group}`));
  for (const c of consumerWatch.consumers()) gauge.set({ topic: c.topic, group: c.group }, stuck.has(`${c.topic}\u0000${c.group}`) ? 1 : 0);
});
