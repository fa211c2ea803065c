// eraseAuthor (GDPR): every mention of an author deleted by id, in rounds, until none is left (no
// _delete_by_query on core-only builds).
import type { estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import { badRequest } from '../errors.js';
import { ERASE_CHUNK } from './options.js';
import { describeCause } from './failure.js';
import { FIELDS } from './schema.js';
import type { Service } from './service.js';

export async function eraseAuthor(service: Service, authorKey: string): Promise<number> {
  if (typeof authorKey !== 'string' || authorKey === '') throw badRequest('eraseAuthor: authorKey must be a non-empty string');
  return eraseMatching(service, { term: { [FIELDS.authorKey]: authorKey } }, 'eraseAuthor');
}

/** Privacy (issue 14, H4): retention deletes mentions by id. */
export async function eraseMentions(service: Service, ids: readonly string[]): Promise<number> {
  let erased = 0;
  for (let i = 0; i < ids.length; i += ERASE_CHUNK) erased += await eraseMatching(service, { ids: { values: ids.slice(i, i + ERASE_CHUNK) as string[] } }, 'eraseMentions');
  return erased;
}

async function eraseMatching(service: Service, query: estypes.QueryDslQueryContainer, what: string): Promise<number> {
  const { client } = service;
  const erased = new Set<string>();
  try {
    // Make every write made before this call visible, so the search below finds it.
    await client.indices.refresh(service.readTarget());
    for (;;) {
      const response = await client.search({
        ...service.readTarget(),
        query,
        _source: false,
        size: ERASE_CHUNK,
        sort: ['_doc'],
        track_total_hits: false,
      });
      const hits = response.hits.hits.filter((h) => typeof h._id === 'string');
      if (hits.length === 0) break;
      // Delete by id; refresh so the next round (and any search after this call) no longer sees them.
      const bulk = await client.bulk({ refresh: true, operations: hits.map((h) => ({ delete: { _index: h._index, _id: h._id! } })) });
      let progress = 0;
      bulk.items.forEach((entry, n) => {
        const r = entry.delete;
        if (!r) return;
        if (r.error) {
          throw new EcouteError('STORE_UNAVAILABLE', `${what}: could not delete ${hits[n]!._id} from ${r._index}: ${describeCause(r.error)}; run it again`, {
            retriable: true,
          });
        }
        progress++;
        erased.add(hits[n]!._id!);
      });
      if (progress === 0) throw new EcouteError('STORE_UNAVAILABLE', `${what}: no progress deleting the mentions; run it again`, { retriable: true });
    }
  } catch (error) {
    throw service.failure(what, error);
  }
  return erased.size;
}
