// The one scheduler of outbound requests. Each host has its own queue (p-queue) bounding
// concurrency and rate, so a slow or failing host only ever holds its own slots: other sources keep
// their pace. Each request is retried (p-retry) with exponential back-off and jitter when a retry
// can help (network errors, timeouts, 429, 5xx), never on other 4xx. A 429 or an exhausted
// rate-limit budget pauses the whole host (every connector talking to it), for Retry-After when
// the server says so. A wait longer than `maxRetryWaitMs` is not slept through inside a request:
// the request fails with RateLimitedError and the connector polls again once the wait is over.
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { EcouteError, isEcouteError } from '../core/errors.js';

export interface RateLimit {
  /** Requests in flight at once to the host. */
  concurrency: number;
  /** At most this many requests start per `interval_ms`. */
  interval_cap: number;
  interval_ms: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First back-off; it doubles on each retry, with jitter (50 to 100 % of the value). */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** A server-asked wait (Retry-After, rate-limit reset) longer than this ends the request instead of sleeping through it. */
  maxRetryWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minBackoffMs: 1_000, maxBackoffMs: 60_000, maxRetryWaitMs: 120_000 };

/** The host asked us to wait longer than a request may: the connector backs off until `until`. */
export class RateLimitedError extends EcouteError {
  constructor(
    readonly host: string,
    readonly until: number,
    cause?: unknown,
  ) {
    super('SOURCE_RATE_LIMITED', `${host} asked to wait until ${new Date(until).toISOString()} (rate limited)`, { cause });
    this.name = 'RateLimitedError';
  }
}

export interface RetryInfo {
  host: string;
  attempt: number;
  waitMs: number;
  error: Error;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Called before each back-off sleep (the connector shows "backing off"). */
  onRetry?: (info: RetryInfo) => void;
}

export interface SchedulerOptions {
  retry?: Partial<RetryPolicy>;
  /** Limits of hosts no connector registered. */
  defaultRateLimit?: RateLimit;
  /** Jitter source, 0..1 (tests pass a constant). */
  random?: () => number;
}

interface Host {
  queue: PQueue;
  limit: RateLimit;
  pausedUntil: number;
}

function retriable(error: unknown): boolean {
  if (error instanceof RateLimitedError) return false;
  if (isEcouteError(error)) return error.retriable;
  // Anything else thrown by a task (a bug, a parse error) will not improve by asking again.
  return false;
}

function stricter(a: RateLimit, b: RateLimit): RateLimit {
  return {
    concurrency: Math.min(a.concurrency, b.concurrency),
    // Compare rates, keep the whole pair of the slower one so the window stays meaningful.
    ...(a.interval_cap / a.interval_ms <= b.interval_cap / b.interval_ms
      ? { interval_cap: a.interval_cap, interval_ms: a.interval_ms }
      : { interval_cap: b.interval_cap, interval_ms: b.interval_ms }),
  };
}

export class Scheduler {
  readonly retry: RetryPolicy;
  private readonly hosts = new Map<string, Host>();
  private readonly defaultRateLimit: RateLimit;
  private readonly random: () => number;

  constructor(options: SchedulerOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.defaultRateLimit = options.defaultRateLimit ?? { concurrency: 2, interval_cap: 60, interval_ms: 60_000 };
    this.random = options.random ?? Math.random;
  }

  /** Declares a connector's limits for a host; when several connectors share a host, the strictest limits win. */
  register(host: string, limit: RateLimit): void {
    const existing = this.hosts.get(host);
    if (!existing) {
      this.hosts.set(host, this.makeHost(limit));
      return;
    }
    const merged = stricter(existing.limit, limit);
    if (JSON.stringify(merged) === JSON.stringify(existing.limit)) return;
    // p-queue cannot change its interval once built; requests already queued finish on the old one.
    this.hosts.set(host, { ...this.makeHost(merged), pausedUntil: existing.pausedUntil });
  }

  /** Stops every request to `host` from starting before `until` (epoch ms). */
  pauseHost(host: string, until: number): void {
    const h = this.host(host);
    h.pausedUntil = Math.max(h.pausedUntil, until);
  }

  /** When requests to `host` may start again, if it is paused now. */
  pausedUntil(host: string): number | undefined {
    const until = this.hosts.get(host)?.pausedUntil ?? 0;
    return until > Date.now() ? until : undefined;
  }

  /** Runs `task` in the host's queue, retried by the policy. */
  async run<T>(host: string, task: (signal: AbortSignal | undefined) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const { signal } = options;
    return pRetry(
      async () => {
        const h = this.host(host);
        return h.queue.add(
          async () => {
            await this.waitForHost(host, signal);
            return task(signal);
          },
          signal ? { signal } : {},
        ) as Promise<T>;
      },
      {
        retries: this.retry.retries,
        // We sleep ourselves (below), to honour Retry-After and apply our jitter.
        minTimeout: 0,
        ...(signal && { signal }),
        shouldRetry: ({ error }) => retriable(error),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const serverWait = (error as { retryAfterMs?: number }).retryAfterMs;
          const status = (error as { status?: number }).status;
          if (status === 429 || serverWait !== undefined) {
            const wait = serverWait ?? this.backoff(attemptNumber);
            // The limit is the host's, not this request's: every connector on it waits.
            this.pauseHost(host, Date.now() + wait);
            if (wait > this.retry.maxRetryWaitMs) throw new RateLimitedError(host, Date.now() + wait, error);
          }
          if (!retriable(error) || retriesLeft <= 0) return;
          const waitMs = serverWait ?? this.backoff(attemptNumber);
          options.onRetry?.({ host, attempt: attemptNumber, waitMs, error });
          await sleep(waitMs, undefined, signal ? { signal } : {});
        },
      },
    );
  }

  /** Exponential back-off with jitter: between half and all of min * 2^(attempt-1), capped. */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxBackoffMs, this.retry.minBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + 0.5 * this.random()));
  }

  private async waitForHost(host: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const until = this.hosts.get(host)?.pausedUntil ?? 0;
      const wait = until - Date.now();
      if (wait <= 0) return;
      // A long pause ends the request now: the connector saves what it has and polls after it.
      if (wait > this.retry.maxRetryWaitMs) throw new RateLimitedError(host, until);
      await sleep(wait, undefined, signal ? { signal } : {});
    }
  }

  private host(host: string): Host {
    let h = this.hosts.get(host);
    if (!h) {
      h = this.makeHost(this.defaultRateLimit);
      this.hosts.set(host, h);
    }
    return h;
  }

  private makeHost(limit: RateLimit): Host {
    return {
      limit,
      pausedUntil: 0,
      queue: new PQueue({ concurrency: limit.concurrency, intervalCap: limit.interval_cap, interval: limit.interval_ms, carryoverIntervalCount: true }),
    };
  }
}

/** The process's scheduler: connectors share it so per-host limits hold across them. */
export const defaultScheduler = new Scheduler();
