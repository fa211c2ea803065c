// The index stage: mentions.analyzed → store. Items the store rejects for good go to the
// dead-letter topic with its reason; if any item failed for a retriable reason (store busy or
// down), the handler throws so the whole batch comes again (upserts are idempotent by id).
import type { AnalyzedMention } from '../core/types.js';
import { EcouteError } from '../core/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkItemResult, BulkResult, MentionStore } from '../store/types.js';
import type { Bus, BusRecord, ConsumedRecord, Consumer } from './bus/types.js';
import { deadLetterRecord, withMentionId } from './dead-letter.js';
import { countBatch } from '../ops/metrics.js'; // Operations (issue 14, ops14)
import { poisonReason } from './poison.js';
import { logMentionDrop } from '../ops/mention-log.js'; // Operations (issue 14, gaps14): mention_id on drop lines
import type { SuppressionList } from '../privacy/suppression.js';

export const INDEX_GROUP = 'ecoute-index';

export interface IndexStageOptions {
  bus: Bus;
  store: MentionStore;
  onError?: (error: unknown) => void;
  /** Called after each durable batch with the store's per-item counts. */
  onIndexed?: (counts: IndexCounts) => void;
  /** Privacy (issue 14, H4): erased authors, whose mentions are never stored (a replay of mentions.analyzed). */
  suppressed?: SuppressionList | undefined;
  /** Partitions of mentions.analyzed written at once on Kafka (ConsumeOptions.partitionsAtOnce); default 2. */
  partitionsAtOnce?: number;
  /**
   * Issue 15 (emb17): writes a batch elsewhere (the embedded store's writer thread,
   * index-writer.ts) and gives back its dead letters and counts; the stage still consumes, publishes
   * the dead letters and commits here. Default: writeIndexBatch on `store`, in this thread.
   */
  write?: ((batch: ConsumedRecord[], signal: AbortSignal) => Promise<IndexWrite>) | undefined;
  /** Records a batch at most (default 500). */
  maxBatch?: number | undefined;
}

/** What writing a batch gives: the dead letters to publish (once, before the commit) and the counts. */
export interface IndexWrite {
  dead: BusRecord[];
  counts: { created: number; updated: number; unchanged: number };
}

export interface IndexCounts {
  created: number;
  updated: number;
  /** Repeats of stored mentions with the same content: nothing changed. */
  unchanged: number;
  failed: number;
}

export async function indexBatch(batch: ConsumedRecord[], options: Pick<IndexStageOptions, 'bus' | 'store' | 'onError' | 'suppressed'> & { signal?: AbortSignal }): Promise<IndexCounts> {
  return publishDeadLetters(options.bus, await writeIndexBatch(batch, options));
}

/** Publishes a written batch's dead letters (once, before the offset is committed) and gives its counts. */
async function publishDeadLetters(bus: Bus, { dead, counts }: IndexWrite): Promise<IndexCounts> {
  await bus.publish('mentions.dlq', dead);
  return { ...counts, failed: dead.length };
}

/** Parses, drops erased authors, writes to the store: everything of a batch but the bus (issue 15, emb17: also run in the writer thread). */
export async function writeIndexBatch(batch: ConsumedRecord[], options: Pick<IndexStageOptions, 'store' | 'onError' | 'suppressed'> & { signal?: AbortSignal }): Promise<IndexWrite> {
  const dead: BusRecord[] = [];
  const mentions: AnalyzedMention[] = [];
  const sources: ConsumedRecord[] = [];
  for (const record of batch) {
    try {
      // faults-dist: poison (not UTF-8, oversize, too deep) is dead-lettered before it is parsed.
      const poison = poisonReason(record);
      if (poison) throw new EcouteError('RECORD_UNREADABLE', poison);
      const mention = JSON.parse(record.value) as AnalyzedMention;
      // Privacy (issue 14, H4): an erased author's mention is dropped.
      if (options.suppressed?.has(mention.authorKey)) {
        logMentionDrop('index', 'suppressed', mention.id, 'dropped: its author was erased'); // gaps14
        continue;
      }
      mentions.push(mention);
      sources.push(record);
    } catch (error) {
      dead.push(
        deadLetterRecord(
          { stage: 'index', code: 'RECORD_UNREADABLE', reason: error instanceof EcouteError ? `not an analyzed mention: ${error.message}` : `not JSON: ${(error as Error).message}`, origin: originOf(record), input: record.value },
          withMentionId(record),
        ),
      );
    }
  }
  // faults-dist: only the items that failed for a retriable reason are sent again (store busy or
  // down), here, with back-off, until the store takes them or the stage stops; the items stored and
  // the ones rejected for good (dead letters, once, with the commit) are never written twice.
  const items = await upsertUntilSettled(mentions, options);
  items.forEach((item, i) => {
    const record = sources[i] as ConsumedRecord;
    if (item.status === 'failed') {
      dead.push(
        deadLetterRecord(
          { stage: 'index', code: 'STORE_ITEM_INVALID', reason: item.error?.message ?? 'rejected by the store', origin: originOf(record), input: record.value },
          withMentionId(record),
        ),
      );
    }
  });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const item of items) if (item.status !== 'failed') counts[item.status]++;
  return { dead, counts };
}

/** First wait before resending, doubled each round up to RESEND_MAX_MS. */
const RESEND_FIRST_MS = 200;
const RESEND_MAX_MS = 30_000;

/**
 * Upserts `mentions`, resending only those whose item failed retriably (or all still pending when
 * the whole request failed retriably: the store unreachable), until none is pending. Throws when
 * `signal` aborts meanwhile (the stage stops: nothing is committed, the batch comes again) or on an
 * error that waiting cannot fix.
 */
async function upsertUntilSettled(mentions: AnalyzedMention[], options: Pick<IndexStageOptions, 'store' | 'onError'> & { signal?: AbortSignal }): Promise<BulkItemResult[]> {
  const settled: BulkItemResult[] = new Array<BulkItemResult>(mentions.length);
  let pending = mentions.map((_, i) => i);
  for (let round = 0; pending.length > 0; round++) {
    if (round > 0) {
      options.signal?.throwIfAborted();
      await sleep(Math.min(RESEND_MAX_MS, RESEND_FIRST_MS * 2 ** (round - 1)), undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
      if (options.signal?.aborted) throw new EcouteError('STORE_UNAVAILABLE', `stopping with ${pending.length} of ${mentions.length} items not indexed yet: they come again`);
    }
    let result: BulkResult;
    try {
      result = await options.store.upsert(pending.map((i) => mentions[i] as AnalyzedMention));
    } catch (error) {
      if (!(error instanceof EcouteError) || !error.retriable) throw error;
      options.onError?.(error);
      continue; // the store is unreachable: every pending item again, after the back-off
    }
    const again: number[] = [];
    result.items.forEach((item, j) => {
      const i = pending[j] as number;
      if (item.status === 'failed' && item.error?.retriable) again.push(i);
      else settled[i] = item;
    });
    if (again.length > 0) options.onError?.(new EcouteError('STORE_UNAVAILABLE', `${again.length} of ${pending.length} items could not be indexed yet: resending only those`));
    pending = again;
  }
  return settled;
}

function originOf(record: ConsumedRecord) {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

export function startIndexStage(options: IndexStageOptions): Consumer {
  // Aborted by close(): a batch waiting for the store gives up (uncommitted) so the stage can stop.
  const stopping = new AbortController();
  const consumer = options.bus.consume(
    'mentions.analyzed',
    INDEX_GROUP,
    async (batch) => {
      const written = await (options.write ? options.write(batch, stopping.signal) : writeIndexBatch(batch, { ...options, signal: stopping.signal }));
      const counts = await publishDeadLetters(options.bus, written);
      countBatch('index', batch.length, counts.created + counts.updated + counts.unchanged); // the dead letters count as drops on the bus (src/ops/metered-bus.ts)
      options.onIndexed?.(counts);
    },
    // Issue 15: two partitions' bulks in flight at once (a batch is stateless here; each partition
    // stays in order): Elasticsearch takes about twice as much with two concurrent bulk requests.
    { maxBatch: options.maxBatch ?? 500, partitionsAtOnce: options.partitionsAtOnce ?? 2, ...(options.onError && { onError: options.onError }) },
  );
  return {
    done: consumer.done,
    close() {
      stopping.abort();
      return consumer.close();
    },
  };
}
