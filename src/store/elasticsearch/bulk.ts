// Upsert: each item validated (per-item failures), then written in generations (the same id twice
// in a batch is written in order), a repeat of the stored content left alone, retriable item
// failures resent with back-off, and each item's outcome reported.
import type { estypes } from '@elastic/elasticsearch';
import type { AnalyzedMention } from '../../core/types.js';
import { badRequest } from '../errors.js';
import type { BulkItemResult, BulkResult } from '../types.js';
import { itemId, validateMention } from '../validate.js';
import { MAX_ID_BYTES } from './options.js';
import { describeCause } from './failure.js';
import { bulkChunks, type Work } from './request-builder.js';
import { backoff, isRetriableItem } from './retry.js';
import { monthlyIndex, toDocument } from './schema.js';
import type { Service } from './service.js';

type Outcome = { kind: 'ok' } | { kind: 'retry'; message: string } | { kind: 'fail'; message: string };

/** `ensureSchema`: resolves once the template is in place (put on first use). */
export async function upsert(service: Service, mentions: AnalyzedMention[], ensureSchema: () => Promise<void>): Promise<BulkResult> {
  if (!Array.isArray(mentions)) throw badRequest('upsert: expects an array of mentions');
  const items: BulkItemResult[] = new Array<BulkItemResult>(mentions.length);
  const work: Work[] = [];
  mentions.forEach((item: unknown, at) => {
    const valid = validateMention(item);
    if ('error' in valid) {
      items[at] = { id: itemId(item), status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: valid.error, retriable: false } };
      return;
    }
    const { mention, publishedMs } = valid;
    // Elasticsearch refuses the whole bulk request, not the item, for an id over 512 bytes.
    if (Buffer.byteLength(mention.id, 'utf8') > MAX_ID_BYTES) {
      items[at] = { id: mention.id, status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: `id: longer than ${MAX_ID_BYTES} bytes in UTF-8 (Elasticsearch's limit)`, retriable: false } };
      return;
    }
    work.push({ at, id: mention.id, index: monthlyIndex(service.config.layout.prefix, publishedMs), doc: toDocument(mention, publishedMs), existedBefore: false, hash: mention.contentHash });
  });
  if (work.length > 0) {
    await ensureSchema();
    const hashes = new Map<string, string | null>();
    const known = await service.locate([...new Set(work.map((w) => w.id))], hashes);
    // The same id twice in a batch: its writes go in order, one generation per occurrence
    // (bulk items on different shards run in parallel, and a later version must win).
    const generations: Work[][] = [];
    const seen = new Map<string, number>();
    for (const w of work) {
      const n = seen.get(w.id) ?? 0;
      seen.set(w.id, n + 1);
      (generations[n] ??= []).push(w);
    }
    for (const generation of generations) {
      // The same content as stored (a re-sent mention): a duplicate, nothing is written.
      const changed = generation.filter((w) => {
        const same = w.hash !== undefined && (known.get(w.id)?.size ?? 0) > 0 && hashes.get(w.id) === w.hash;
        if (same) items[w.at] = { id: w.id, status: 'unchanged' };
        return !same;
      });
      await writeGeneration(service, changed, known, items);
      for (const w of changed) if (items[w.at]?.status !== 'failed') hashes.set(w.id, w.hash ?? null);
    }
  }
  const result: BulkResult = { items, created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const item of items) result[item.status]++;
  return result;
}

/** Writes items with distinct ids, resending retriable failures with back-off. */
async function writeGeneration(service: Service, generation: Work[], known: Map<string, Set<string>>, items: BulkItemResult[]): Promise<void> {
  for (const w of generation) w.existedBefore = (known.get(w.id)?.size ?? 0) > 0;
  let pending = generation;
  for (let attempt = 0; ; attempt++) {
    await service.createIndices(pending.map((w) => w.index));
    const outcomes = await bulkWrite(service, pending, known);
    const retry: Work[] = [];
    pending.forEach((w, k) => {
      const o = outcomes[k]!;
      if (o.kind === 'ok') items[w.at] = { id: w.id, status: w.status ?? 'updated' };
      else if (o.kind === 'fail') items[w.at] = { id: w.id, status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: o.message, retriable: false } };
      else {
        retry.push(w);
        items[w.at] = {
          id: w.id,
          status: 'failed',
          error: { code: 'STORE_UNAVAILABLE', message: `still refused after ${attempt} resend(s): ${o.message}`, retriable: true },
        };
      }
    });
    if (retry.length === 0 || attempt >= service.config.bulkMaxRetries) return;
    pending = retry;
    await backoff(service.config.bulkRetryBackoffMs, attempt);
  }
}

/** One bulk round (bulkChunks): the outcome per item, in order. */
async function bulkWrite(service: Service, pending: Work[], known: Map<string, Set<string>>): Promise<Outcome[]> {
  const { bulkRefresh } = service.config;
  const outcomes: Outcome[] = pending.map(() => ({ kind: 'ok' }));
  const worse = (k: number, o: Outcome): void => {
    const current = outcomes[k]!;
    if (current.kind === 'fail') return;
    if (o.kind === 'fail' || current.kind === 'ok') outcomes[k] = o;
  };
  for (const { lines, ops } of bulkChunks(pending, known, service.config.bulkMaxBytes)) {
    let response: estypes.BulkResponse;
    try {
      response = await service.client.bulk<string>({ operations: lines, ...(bulkRefresh !== undefined && { refresh: bulkRefresh }) });
    } catch (error) {
      // The request as a whole (connection, timeout, 5xx): nothing is known per item; upserts are
      // idempotent, so the caller retries the batch.
      throw service.failure('upsert', error);
    }
    response.items.forEach((entry, n) => {
      const op = ops[n]!;
      const w = pending[op.item]!;
      const r = (op.kind === 'index' ? entry.index : entry.delete) ?? Object.values(entry)[0]!;
      if (r.error) {
        const message = `${op.kind} in ${op.index}: ${describeCause(r.error)}`;
        if (r.error.type === 'index_not_found_exception') service.indices.delete(op.index);
        worse(op.item, isRetriableItem(r.status, r.error.type) ? { kind: 'retry', message } : { kind: 'fail', message });
        return;
      }
      const copies = known.get(w.id) ?? new Set<string>();
      known.set(w.id, copies);
      if (op.kind === 'delete') {
        copies.delete(op.index); // deleted, or already gone (404 not_found)
      } else {
        copies.add(op.index);
        w.status ??= w.existedBefore ? 'updated' : r.result === 'created' ? 'created' : 'updated';
      }
    });
  }
  return outcomes;
}
