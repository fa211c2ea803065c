// kafkajs's admin offset look-ups retry only an unknown topic and give up at once on a leadership
// error. Yet right after a topic is created, or a broker restarted, the broker can still answer "not
// the leader" for a partition its own metadata already gives it: a moment of KRaft catching up, not
// a fault. These look-ups are retried within the request timeout, with fresh metadata each time.
import pRetry, { AbortError } from 'p-retry';
import type { Admin } from 'kafkajs';
import { errorMatches } from './errors.js';

const TRANSIENT_LEADERSHIP =
  /NOT_LEADER_FOR_PARTITION|NOT_LEADER_OR_FOLLOWER|LEADER_NOT_AVAILABLE|UNKNOWN_TOPIC_OR_PARTITION|not the leader|does not host this topic-partition|no leader/i;

/** Whether `error` is a partition leadership that is still settling (retrying can succeed). */
export function isTransientLeadership(error: unknown): boolean {
  return errorMatches(error, TRANSIENT_LEADERSHIP);
}

/** Runs the admin look-up `lookUp` on `topic`, again while its partitions' leadership settles. */
export async function whileLeadershipSettles<T>(admin: Admin, topic: string, timeoutMs: number, lookUp: () => Promise<T>): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await lookUp();
      } catch (error) {
        if (!isTransientLeadership(error)) throw new AbortError(error instanceof Error ? error : String(error));
        // Fresh metadata for the next try: kafkajs refreshes it on this call.
        await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
        throw error;
      }
    },
    { retries: 1000, minTimeout: 50, maxTimeout: 500, maxRetryTime: timeoutMs },
  );
}
