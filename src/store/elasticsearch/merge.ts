// Closed months merged to one segment (es16, issues 11 and 13 speed): a month before the current
// one (UTC) is no longer appended to, only rarely updated or erased, so it is force-merged once, as
// an ILM "warm" phase would. What it gives (measured at 1,000,000 mentions, docs/elasticsearch-store.md):
// - the stored `_recovery_source` goes: because `ecoute` is excluded from `_source`, Elasticsearch
//   keeps each document's full original body beside `_source` until a merge prunes it (as large
//   as `_source` itself here), and stored fields are decompressed by blocks, so every export or
//   page of hits decompressed both;
// - one segment per month: global ordinals of the aggregated keywords need no per-segment mapping,
//   and a page of newest-first hits reads one sorted run.
// Idempotent: a month already in one segment is skipped (force merge would be a no-op anyway).
// es17: a closed month can still be written to (a backfill, a replay, late mentions just after the
// month's end); merging it then rewrites it for nothing, and again the next night. So the job
// (maintenance.ts) reads each closed month's write counters (closedMonthWrites), waits a quiet
// period, and merges only the months whose counters did not move (`unchangedSince`).
import { EcouteError } from '../../core/errors.js';
import type { Service } from './service.js';
import { isMonthlyIndex } from './schema.js';

/** How long one month's merge may take (a month of a million mentions: minutes on a loaded machine). */
const MERGE_TIMEOUT_MS = 3_600_000;

/** Between two looks at a merge task. */
const POLL_MS = 2000;

async function untilDone(service: Service, task: string, index: string): Promise<void> {
  const deadline = Date.now() + MERGE_TIMEOUT_MS;
  for (;;) {
    const state = await service.client.tasks.get({ task_id: task });
    if (state.completed) {
      const error = (state as { error?: { reason?: string; type?: string } }).error;
      if (error) throw new EcouteError('STORE_UNAVAILABLE', `mergeClosedMonths: merging ${index} failed: ${error.type ?? 'error'}: ${error.reason ?? ''}`, { retriable: true });
      return;
    }
    if (Date.now() > deadline) throw new EcouteError('STORE_UNAVAILABLE', `mergeClosedMonths: merging ${index} did not end within ${MERGE_TIMEOUT_MS / 60_000} minutes (task ${task})`, { retriable: true });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The monthly index names (of `prefix`) for months before the one holding `nowMs`, UTC. */
export function closedMonths(prefix: string, names: readonly string[], nowMs: number): string[] {
  const d = new Date(nowMs);
  const current = `${String(d.getUTCFullYear()).padStart(4, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return names.filter((n) => isMonthlyIndex(prefix, n) && n.slice(prefix.length + 1) < current).sort();
}

async function closedMonthNames(service: Service, nowMs: number): Promise<string[]> {
  const prefix = service.config.layout.prefix;
  const resolved = await service.client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: 'open' });
  return closedMonths(
    prefix,
    resolved.indices.map((i) => i.name),
    nowMs,
  );
}

/**
 * Per closed month, a number that moves with every write to it: documents indexed plus deleted on
 * its primaries (Elasticsearch's indexing stats; they restart from 0 when a shard restarts, which
 * also reads as a change, so the month is merged at the next run instead).
 */
export async function closedMonthWrites(service: Service, nowMs: number): Promise<Map<string, number>> {
  try {
    const months = await closedMonthNames(service, nowMs);
    if (months.length === 0) return new Map();
    const stats = await service.client.indices.stats({ index: months, metric: 'indexing' });
    return new Map(months.map((index) => {
      const indexing = stats.indices?.[index]?.primaries?.indexing;
      return [index, (indexing?.index_total ?? 0) + (indexing?.delete_total ?? 0)];
    }));
  } catch (error) {
    throw service.failure('mergeClosedMonths', error);
  }
}

export interface MergeOptions {
  /** Merge only the months whose closedMonthWrites count is still this one (no write since it was read). */
  unchangedSince?: ReadonlyMap<string, number>;
  /** Told the closed months left out because they were written to since `unchangedSince` (or are new since). */
  onWritten?: (months: string[]) => void;
}

/** Force-merges every closed month holding more than one segment; returns the indices merged. */
export async function mergeClosedMonths(service: Service, nowMs: number, options: MergeOptions = {}): Promise<string[]> {
  const { client } = service;
  try {
    let months = await closedMonthNames(service, nowMs);
    if (options.unchangedSince !== undefined) {
      const seen = options.unchangedSince;
      const now = await closedMonthWrites(service, nowMs);
      const written = months.filter((m) => !seen.has(m) || seen.get(m) !== now.get(m));
      if (written.length > 0) options.onWritten?.(written);
      months = months.filter((m) => !written.includes(m));
    }
    if (months.length === 0) return [];
    const stats = await client.indices.stats({ index: months, metric: 'segments' });
    const merged: string[] = [];
    for (const index of months) {
      if ((stats.indices?.[index]?.primaries?.segments?.count ?? 0) <= 1) continue;
      // One month at a time: a merge rewrites the month, and one at a time keeps the IO to one.
      // A month's merge takes minutes, far beyond a request's timeout: started as a task, then
      // polled until it completes (or MERGE_TIMEOUT_MS).
      const started = await client.indices.forcemerge({ index, max_num_segments: 1, wait_for_completion: false });
      const task = (started as { task?: string }).task;
      if (task !== undefined) await untilDone(service, task, index);
      merged.push(index);
    }
    return merged;
  } catch (error) {
    throw service.failure('mergeClosedMonths', error);
  }
}
