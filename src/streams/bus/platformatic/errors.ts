// @platformatic/kafka errors: a GenericError or MultipleErrors tree whose broker errors carry `apiId`
// (TOPIC_ALREADY_EXISTS, NOT_LEADER_OR_FOLLOWER...). Matching looks through the whole tree.
import pRetry, { AbortError } from 'p-retry';
import { EcouteError, errorMessage } from '../../../core/errors.js';

interface Findable {
  findBy?: (property: string, value: unknown) => unknown;
  errors?: unknown[];
  cause?: unknown;
  apiId?: unknown;
}

/** Whether `error`, or one it wraps, is the broker error `apiId` (or has a message matching `fallback`). */
export function hasApiError(error: unknown, apiIds: string[], fallback?: RegExp): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const f = e as Findable;
    if (typeof f.apiId === 'string' && apiIds.includes(f.apiId)) return true;
    if (fallback && e instanceof Error && fallback.test(e.message)) return true;
    return (f.errors ?? []).some(visit) || visit(f.cause);
  };
  return visit(error);
}

/** Errors after which this member no longer owns its partitions: a commit cannot succeed. */
export function needsRejoin(error: unknown): boolean {
  return hasApiError(error, ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']) || Boolean((error as Findable)?.findBy?.('needsRejoin', true));
}

const LEADERSHIP = ['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'];

/**
 * Runs `lookUp` again while the partitions' leadership (or the group coordinator) settles, as it
 * does for a moment right after a topic is created; any other error ends it at once.
 */
export function whileSettling<T>(timeoutMs: number, lookUp: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await lookUp();
      } catch (error) {
        if (!hasApiError(error, LEADERSHIP)) throw new AbortError(error instanceof Error ? error : String(error));
        throw error;
      }
    },
    { retries: 1000, minTimeout: 50, maxTimeout: 500, maxRetryTime: timeoutMs },
  );
}

/** The error's message and its inner errors' (an aggregate's own says only "... failed."). */
export function describeError(error: unknown): string {
  const inner = ((error as Findable)?.errors ?? []).map((e) => errorMessage(e));
  return inner.length > 0 ? `${errorMessage(error)}: ${[...new Set(inner)].join('; ')}` : errorMessage(error);
}

/**
 * The seam where a client error reaches a caller of the bus: BUS_UNAVAILABLE (retriable: the broker
 * may come back) naming what failed and why, the client's error kept as `cause`; errors that
 * already carry a catalogue code pass through (as the kafkajs bus's busError).
 */
export function platformaticError(what: string, error: unknown): EcouteError {
  if (error instanceof EcouteError) return error;
  const detail = describeError(error);
  return new EcouteError('BUS_UNAVAILABLE', `kafka: ${what}: ${detail}`, { cause: error });
}
