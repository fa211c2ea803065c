// Issue 15 (threads15): backpressure end to end. The lag (records the sources published that the
// pipeline has not analyzed and indexed yet) is read at most every check_interval_ms; above
// max_lag_records the pull sources wait before their next publish (the bus they are given,
// backpressuredBus), and the webhook refuses new requests with 503 and Retry-After before reading
// their body (webhook/index.ts admit). So a burst stays on the senders' side, not in écoute's
// memory or an ever longer log.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, BusRecord, Topic } from '../streams/bus/types.js';
import type { BackpressureConfig } from './config.js';

export class Backpressure {
  private lag = 0;
  private readAt = 0;
  private reading: Promise<void> | undefined;

  /** `readLag`: the pipeline's lag now, in records (the composition root knows the stages' groups). */
  constructor(
    private readonly readLag: () => Promise<number>,
    readonly config: BackpressureConfig,
  ) {}

  /** The last lag read (refreshed in the background when older than check_interval_ms). */
  current(): number {
    if (Date.now() - this.readAt >= this.config.check_interval_ms) void this.refresh();
    return this.lag;
  }

  /** True while the last lag read is above max_lag_records: a webhook request is refused. */
  over(): boolean {
    return this.config.max_lag_records > 0 && this.current() > this.config.max_lag_records;
  }

  /** Resolves once the lag is at or below max_lag_records (read afresh), or `signal` aborts. */
  async below(signal?: AbortSignal): Promise<void> {
    if (this.config.max_lag_records === 0) return;
    for (;;) {
      await this.refresh();
      if (this.lag <= this.config.max_lag_records || signal?.aborted) return;
      await sleep(this.config.check_interval_ms, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  }

  /** One read at a time; a failed read keeps the last value (the bus reports its own failures). */
  private refresh(): Promise<void> {
    this.reading ??= this.readLag()
      .then(
        (lag) => {
          this.lag = lag;
        },
        () => undefined,
      )
      .finally(() => {
        this.readAt = Date.now();
        this.reading = undefined;
      });
    return this.reading;
  }
}

/**
 * The bus the pull sources publish through: a publish to mentions.raw first waits until the lag is
 * back under the limit (the source's cursor waits with it: nothing is read that is not published).
 */
export function backpressuredBus(bus: Bus, backpressure: Backpressure): Bus {
  return new Proxy(bus, {
    get(target, property, receiver) {
      if (property === 'publish') {
        return async (topic: Topic, records: BusRecord[]) => {
          if (topic === 'mentions.raw' && records.length > 0) await backpressure.below();
          return target.publish(topic, records);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
