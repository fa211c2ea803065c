// Schema upgrades of existing monthly indices that adding mappings cannot do: documents indexed
// before schema version 3 lack the flat term fields (their terms were nested documents), so their
// derived fields are written again from their _source (which is the mention itself), in place, in
// pages read through a point in time. A mention written meanwhile by the pipeline is newer than
// the page read: the rewrite is conditional on the sequence number read (if_seq_no), and a
// conflict means the document was already written with the current schema. Once an index is
// done, its mapping's _meta records the version, so the next start skips it.
import type { estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { describeCause } from './failure.js';
import { parseInstant } from '../validate.js';
import { DOCUMENTS_CURRENT_SINCE, SCHEMA_VERSION, toDocument } from './schema.js';
import type { Service } from './service.js';

const PAGE = 1000;

/** The schema version an index's documents were derived with (0: before versions were recorded). */
export function indexVersion(mapping: estypes.IndicesGetMappingIndexMappingRecord | undefined): number {
  const v = (mapping?.mappings?._meta as { schema_version?: unknown } | undefined)?.schema_version;
  return typeof v === 'number' ? v : 0;
}

/** Re-derives every document of `index`; returns how many were rewritten. */
export async function rederive(service: Service, index: string): Promise<number> {
  const { client } = service;
  let pit = (await client.openPointInTime({ index, keep_alive: '5m' })).id;
  let after: estypes.SortResults | undefined;
  let rewritten = 0;
  try {
    for (;;) {
      const page = await client.search<AnalyzedMention>({
        pit: { id: pit, keep_alive: '5m' },
        size: PAGE,
        sort: [{ _shard_doc: 'asc' }],
        seq_no_primary_term: true,
        track_total_hits: false,
        ...(after && { search_after: after }),
      });
      pit = page.pit_id ?? pit;
      const hits = page.hits.hits;
      if (hits.length === 0) break;
      const operations: unknown[] = [];
      for (const h of hits) {
        const m = h._source;
        const ms = parseInstant(m?.publishedAt);
        if (!m || ms === undefined || h._id == null) continue;
        operations.push({ index: { _index: h._index, _id: h._id, if_seq_no: h._seq_no, if_primary_term: h._primary_term } }, toDocument(m, ms));
      }
      if (operations.length > 0) {
        const response = await client.bulk({ operations: operations as estypes.BulkOperationContainer[] });
        for (const item of response.items) {
          const r = item.index;
          // 409: rewritten since the page was read, by a write that derived it anew.
          if (r?.error && r.status !== 409) {
            throw new EcouteError('STORE_UNAVAILABLE', `schema upgrade of ${index}: rewriting ${r._id ?? '?'} failed: ${describeCause(r.error)}`, { retriable: true });
          }
          if (!r?.error) rewritten++;
        }
      }
      after = hits[hits.length - 1]!.sort;
      if (hits.length < PAGE) break;
    }
  } finally {
    await client.closePointInTime({ id: pit }).catch(() => undefined);
  }
  await client.indices.putMapping({ index, _meta: { managed_by: 'ecoute', schema_version: SCHEMA_VERSION } });
  return rewritten;
}

/**
 * Re-derives the indices whose documents are older than DOCUMENTS_CURRENT_SINCE; an index from
 * then on but older than SCHEMA_VERSION only gets the version recorded (version 4 added a field no
 * query reads: its documents are read exactly as they are).
 */
export async function migrateIndices(service: Service, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const mappings = await service.client.indices.getMapping({ index: names });
  for (const name of names) {
    const version = indexVersion(mappings[name]);
    if (version < DOCUMENTS_CURRENT_SINCE) await rederive(service, name);
    else if (version < SCHEMA_VERSION) await service.client.indices.putMapping({ index: name, _meta: { managed_by: 'ecoute', schema_version: SCHEMA_VERSION } });
  }
}
