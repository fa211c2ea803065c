// Configuration of the embedded bus (`bus.type: embedded`), declared beside the bus; src/config/
// assembles it into the whole schema.
import { z } from 'zod';
import { duration } from '../../../core/config/fields.js';

export const EmbeddedBusSchema = z
  .strictObject({
    type: z.literal('embedded').describe('Durable log in SQLite under data_dir (bus.sqlite).'),
    retention_ms: duration('How long records stay after every consumer group read them', 7 * 24 * 3600_000),
    poll_interval_ms: duration('How often an idle consumer looks for records written by another process', 100),
  })
  .describe('Embedded bus: SQLite in WAL mode, survives kill -9.');

export type EmbeddedBusConfig = z.output<typeof EmbeddedBusSchema>;
