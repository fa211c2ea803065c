// Configuration of the embedded bus (`bus.type: embedded`), declared beside the bus; src/config/
// assembles it into the whole schema.
import { z } from 'zod';
import { duration } from '../../../core/config/fields.js';

export const EmbeddedBusSchema = z
  .strictObject({
    type: z.literal('embedded').describe('Durable log in SQLite under data_dir (bus.sqlite).'),
    retention_ms: duration('How long records stay after every consumer group read them', 7 * 24 * 3600_000),
    poll_interval_ms: duration('How often an idle consumer looks for records written by another process', 100),
    // Issue 15 (threads15): the analysis pool of the embedded pipeline (src/streams/analyze-pool.ts).
    analyze_threads: z
      .number()
      .int()
      .min(0)
      .max(64)
      .optional()
      .describe(
        'Worker threads the analyze stage runs the NLP in, so the HTTP server and the store writes keep the main thread; default: one per core (os.availableParallelism()); 0: analyze on the main thread.',
      ),
    // Issue 15 (emb17): the embedded store's writes (src/app/index-writer.ts).
    index_thread: z
      .boolean()
      .optional()
      .describe(
        'With the embedded store: the index stage writes the store from a thread of its own (its own SQLite connection), so the HTTP server (webhook, API, dashboard) never waits behind a batch being stored; default true; false: on the main thread.',
      ),
  })
  .describe('Embedded bus: SQLite in WAL mode, survives kill -9.');

export type EmbeddedBusConfig = z.output<typeof EmbeddedBusSchema>;
