// Tries one message on one notifier until it is sent, cannot be sent, or the stage stops: p-retry
// with exponential back-off (retry_min_ms doubling up to retry_max_ms, randomized), honouring a
// Retry-After the receiver answered (capped at retry_max_ms), at most max_attempts tries. A failure
// that no retry can help (a 400, an SMTP 5xx) ends the series at once.
import pRetry, { AbortError } from 'p-retry';
import { errorMessage, isEcouteError } from '../../core/errors.js';
import { secretScrubber } from '../../core/scrub.js';
import type { IncidentEvent } from '../types.js';
import { NotifyError, type Notifier } from './types.js';

export type DeliveryOutcome =
  | { status: 'sent'; attempts: number; failedTries: number }
  /** Every try failed (or one that cannot pass): the message goes to the dead-letter topic. */
  | { status: 'dead_lettered'; attempts: number; failedTries: number; error: NotifyError }
  /** The stage was stopped between tries: it will be tried again at the next start. */
  | { status: 'failed'; attempts: number; failedTries: number; error: NotifyError };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

function asNotifyError(error: unknown): NotifyError {
  if (error instanceof NotifyError) return error;
  // A bug or a library error with no code: worth another try, and reported with its message.
  return new NotifyError('NOTIFY_UNREACHABLE', secretScrubber.scrub(errorMessage(error)), { retriable: isEcouteError(error) ? error.retriable : true, cause: error });
}

export async function deliver(
  notifier: Notifier,
  event: IncidentEvent,
  options: { signal?: AbortSignal; onFailedTry?: (error: NotifyError, attempt: number) => void } = {},
): Promise<DeliveryOutcome> {
  const c = notifier.config;
  let attempts = 0;
  let last: NotifyError | undefined;
  try {
    await pRetry(
      async () => {
        attempts++;
        try {
          await notifier.send(event, options.signal);
        } catch (error) {
          const failure = asNotifyError(error);
          last = failure;
          if (!failure.retriable || options.signal?.aborted) throw new AbortError(failure);
          throw failure;
        }
      },
      {
        retries: c.max_attempts - 1,
        minTimeout: c.retry_min_ms,
        maxTimeout: c.retry_max_ms,
        factor: 2,
        randomize: true,
        ...(options.signal && { signal: options.signal }),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const failure = asNotifyError(error);
          options.onFailedTry?.(failure, attemptNumber);
          // The receiver said when to come back: wait that long first (p-retry's back-off follows).
          if (retriesLeft > 0 && failure.retryAfterMs !== undefined) await sleep(Math.min(failure.retryAfterMs, c.retry_max_ms), options.signal);
        },
      },
    );
    return { status: 'sent', attempts, failedTries: attempts - 1 };
  } catch (error) {
    const failure = last ?? asNotifyError(error);
    if (last && !last.retriable) options.onFailedTry?.(last, attempts);
    if (options.signal?.aborted) return { status: 'failed', attempts, failedTries: attempts, error: failure };
    return { status: 'dead_lettered', attempts, failedTries: attempts, error: failure };
  }
}
