// Configuration of the embedded store (`store.type: embedded`), declared beside the store;
// src/config/ assembles it into the whole schema.
import { z } from 'zod';

export const EmbeddedStoreSchema = z
  .strictObject({
    type: z.literal('embedded').describe('SQLite with FTS5 under data_dir (store.sqlite).'),
  })
  .describe('Embedded store: SQLite full-text search and aggregates.');

export type EmbeddedStoreConfig = z.output<typeof EmbeddedStoreSchema>;
