// Issue 15 (dedup16): where the analyze stage keeps its near-duplicate fingerprints.
import { z } from 'zod';

export const NearDuplicatesSchema = z
  .strictObject({
    store: z
      .enum(['local', 'elasticsearch'])
      .optional()
      .describe(
        'Where the fingerprints live: local (data_dir/dedup.sqlite, one per analyze process: copies analyzed by different workers are not compared) or elasticsearch (the index <store.index_prefix>-fingerprints on the store\'s Elasticsearch, shared by every analyze worker). Default: elasticsearch when store.type is elasticsearch, else local.',
      ),
  })
  .describe('Near-duplicate detection (reposts, syndicated copies) in the analyze stage.');

export type NearDuplicatesConfig = z.output<typeof NearDuplicatesSchema>;
