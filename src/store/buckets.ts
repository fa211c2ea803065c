// Timeline buckets in UTC, the same for every backend: hours, days, and weeks starting on Monday.
import { badRequest } from './errors.js';
import type { Interval, TimelineBucket } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1969-12-29T00:00:00Z, the Monday before the epoch (a Thursday). */
export const MONDAY_ORIGIN_MS = -3 * DAY;
/** Like Elasticsearch's search.max_buckets: a range too long for its interval is an error. */
export const MAX_BUCKETS = 100_000;

export function intervalMs(interval: Interval): number {
  return interval === 'hour' ? HOUR : interval === 'day' ? DAY : WEEK;
}

/** Origin the buckets are aligned to (buckets start at origin + k × width). */
export function intervalOrigin(interval: Interval): number {
  return interval === 'week' ? MONDAY_ORIGIN_MS : 0;
}

export function bucketStart(ms: number, interval: Interval): number {
  const width = intervalMs(interval);
  const origin = intervalOrigin(interval);
  return ms - ((((ms - origin) % width) + width) % width);
}

/**
 * Buckets in chronological order, with the empty ones filled (count 0, meanTone null) from the
 * bucket holding `fromMs` (else the first hit) to the one holding the last instant before `toMs`
 * (else the last hit).
 */
export function fillBuckets(
  hits: ReadonlyMap<number, { count: number; meanTone: number | null }>,
  interval: Interval,
  fromMs?: number,
  toMs?: number,
): TimelineBucket[] {
  const starts = [...hits.keys()].sort((a, b) => a - b);
  const lo = fromMs !== undefined ? bucketStart(fromMs, interval) : starts[0];
  const hi = toMs !== undefined ? bucketStart(toMs - 1, interval) : starts[starts.length - 1];
  if (lo === undefined || hi === undefined || hi < lo) return [];
  const width = intervalMs(interval);
  if ((hi - lo) / width + 1 > MAX_BUCKETS) {
    throw badRequest(`timeline: more than ${MAX_BUCKETS} ${interval} buckets between ${new Date(lo).toISOString()} and ${new Date(hi).toISOString()}; narrow the range or widen the interval`);
  }
  const out: TimelineBucket[] = [];
  for (let t = lo; t <= hi; t += width) {
    const hit = hits.get(t);
    out.push({ start: new Date(t).toISOString(), count: hit?.count ?? 0, meanTone: hit && hit.count > 0 ? hit.meanTone : null });
  }
  return out;
}
