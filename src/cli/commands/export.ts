// `ecoute export`: every mention matching a query and filters, as CSV (spreadsheet-safe: formula
// cells neutralized) or JSON lines, to stdout or a file. Streamed page by page with back-pressure
// (the same export as GET /api/mentions/export), so any number of rows takes the memory of one page.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { streamExport, type ExportFormat } from '../../api/export.js';
import { openStore } from '../../app/runtime.js';
import { parseQuery } from '../../query/parse.js';
import type { SearchFilters } from '../../store/types.js';
import { readConfig, UsageError } from '../context.js';
import { filtersOf, type FilterOptions } from './search.js';

interface ExportOptions extends FilterOptions {
  config?: string;
  format: string;
  output?: string;
}

export function exportRequest(query: string, options: ExportOptions): { format: ExportFormat; filters: SearchFilters & { query?: string } } {
  if (query.trim() !== '') parseQuery(query);
  if (options.format !== 'csv' && options.format !== 'jsonl') throw new UsageError(`--format: must be csv or jsonl, got "${options.format}"`);
  return {
    format: options.format,
    filters: {
      ...(query.trim() !== '' && { query }),
      ...filtersOf(options),
    },
  };
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write every matching mention as CSV or JSON lines (streamed: any number of rows)')
    .argument('[query]', "query, e.g. 'livraison OR delivery' (default: every mention)", '')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--format <format>', 'csv (cells starting with = + - @ are neutralized for spreadsheets) or jsonl', 'csv')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--brand <id>', 'only mentions of this brand')
    .option('--lang <lang>', 'only this language (en, fr, other)')
    .option('--source <source>', 'only this source')
    .option('--sentiment <label>', 'only this tone: positive, neutral, negative, mixed')
    .option('--from <date>', 'published at or after (YYYY-MM-DD or ISO 8601)')
    .option('--to <date>', 'published before (YYYY-MM-DD or ISO 8601)')
    .action(async (query: string, options: ExportOptions) => {
      const { format, filters } = exportRequest(query, options);
      const { config } = readConfig(options.config);
      if (filters.brand !== undefined && !config.brands.some((b) => b.id === filters.brand)) {
        throw new UsageError(`--brand: no brand "${filters.brand}" in the config (brands: ${config.brands.map((b) => b.id).join(', ') || 'none'})`);
      }
      const store = await openStore(config);
      try {
        const body = await streamExport(store, filters, format);
        if (options.output !== undefined) {
          await pipeline(body, createWriteStream(options.output));
        } else {
          try {
            await pipeline(body, process.stdout, { end: false });
          } catch (error) {
            // The reader stopped reading (`| head`): not a failure.
            if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
          }
        }
      } finally {
        await store.close();
      }
    });
}
