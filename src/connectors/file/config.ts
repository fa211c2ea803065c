// Configuration of the file connector (`type: file`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { bytes, duration, LangSchema } from '../../core/config/fields.js';

export const FileConnectorSchema = z
  .strictObject({
    type: z.literal('file'),
    path: z
      .string()
      .min(1)
      .describe('A .jsonl or .csv file of mentions, or a folder whose .jsonl, .ndjson and .csv files are all read as they arrive (relative paths are resolved from the working directory).'),
    format: z.enum(['jsonl', 'csv']).optional().describe('File format; by default taken from the extension (.csv is CSV, anything else JSONL).'),
    lang: LangSchema.optional().describe('Language hint for lines that do not say their language.'),
    interval_ms: duration('How often the file (or folder) is checked for appended lines and new files', 5000),
    settle_ms: duration('In a folder, how long a CSV file must stay unchanged before it is read (its writer has finished)', 2000),
    raw_keys: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Extra keys of a JSONL line or columns of a CSV row (beyond the mention format) kept with the mention as `raw`, by name; the others are dropped before the bus. None by default: extra fields are yours and may hold personal data (README, Privacy).',
      ),
    max_line_bytes: bytes('Longest line (CSV: row) accepted; a longer one is refused with its line number, skipped without being held in memory', 4 * 1024 * 1024),
  })
  .describe('Reads mentions from a JSONL or CSV file, then follows what is appended to it.');

export type FileConnectorConfig = z.output<typeof FileConnectorSchema>;
