// The index stage: mentions.analyzed → store. Items the store rejects for good go to the
// dead-letter topic with its reason; if any item failed for a retriable reason (store busy or
// down), the handler throws so the whole batch comes again (upserts are idempotent by id).
import type { AnalyzedMention } from '../core/types.js';
import { EcouteError } from '../core/errors.js';
import type { MentionStore } from '../store/types.js';
import type { Bus, BusRecord, ConsumedRecord, Consumer } from './bus/types.js';
import { deadLetterRecord } from './dead-letter.js';
import { countBatch } from '../ops/metrics.js'; // Operations (issue 14, ops14)
import { poisonReason } from './poison.js';
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
}

export interface IndexCounts {
  created: number;
  updated: number;
  /** Repeats of stored mentions with the same content: nothing changed. */
  unchanged: number;
  failed: number;
}

export async function indexBatch(batch: ConsumedRecord[], options: Pick<IndexStageOptions, 'bus' | 'store' | 'suppressed'>): Promise<IndexCounts> {
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
      if (options.suppressed?.has(mention.authorKey)) continue;
      mentions.push(mention);
      sources.push(record);
    } catch (error) {
      dead.push(
        deadLetterRecord(
          { stage: 'index', code: 'RECORD_UNREADABLE', reason: error instanceof EcouteError ? `not an analyzed mention: ${error.message}` : `not JSON: ${(error as Error).message}`, origin: originOf(record), input: record.value },
          record.headers,
        ),
      );
    }
  }
  const result = mentions.length > 0 ? await options.store.upsert(mentions) : { items: [], created: 0, updated: 0, unchanged: 0, failed: 0 };
  const retriable = result.items.filter((item) => item.error?.retriable);
  if (retriable.length > 0) {
    throw new EcouteError('STORE_UNAVAILABLE', `${retriable.length} of ${mentions.length} items could not be indexed yet: ${retriable[0]?.error?.message}`);
  }
  result.items.forEach((item, i) => {
    const record = sources[i] as ConsumedRecord;
    if (item.status === 'failed') {
      dead.push(
        deadLetterRecord(
          { stage: 'index', code: 'STORE_ITEM_INVALID', reason: item.error?.message ?? 'rejected by the store', origin: originOf(record), input: record.value },
          record.headers,
        ),
      );
    }
  });
  await options.bus.publish('mentions.dlq', dead);
  return { created: result.created, updated: result.updated, unchanged: result.unchanged, failed: dead.length };
}

function originOf(record: ConsumedRecord) {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

export function startIndexStage(options: IndexStageOptions): Consumer {
  return options.bus.consume(
    'mentions.analyzed',
    INDEX_GROUP,
    async (batch) => {
      const counts = await indexBatch(batch, options);
      countBatch('index', batch.length, counts.created + counts.updated + counts.unchanged); // the dead letters count as drops on the bus (src/ops/metered-bus.ts)
      options.onIndexed?.(counts);
    },
    { maxBatch: 500, ...(options.onError && { onError: options.onError }) },
  );
}
