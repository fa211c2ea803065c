// `ecoute ingest <file...>`: pushes files through the whole pipeline and waits until every mention
// is indexed. It runs the analyze and index stages itself; if `ecoute run` is already running on
// the same data, that process's stages do the work and this one waits for them.
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { MentionPublisher } from '../../connectors/publish.js';
import { readMentionFile } from '../../connectors/file/read.js';
import { createLogger } from '../../core/log.js';
import { openRuntime } from '../../runtime.js';
import { startStages, waitUntilIndexed } from '../../streams/pipeline.js';
import { INDEX_GROUP } from '../../streams/index-stage.js';
import { readConfig, UsageError } from '../context.js';
import { deadLettersSince, describeRejections } from '../dead-letters.js';
import { addResetOptions, resetsOf } from '../reset-options.js';

export interface IngestSummary {
  files: number;
  lines: number;
  created: number;
  duplicates: number;
  rejected: number;
}

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description('Push mention files (JSONL or CSV) through the whole pipeline and wait until they are searchable')
    .argument('<file...>', 'mention files (.jsonl, or .csv with the same column names)')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--format <format>', 'jsonl or csv (default: from each file\'s extension)')
    .option('--no-progress', 'no progress bar, even on a terminal');
  addResetOptions(command).action(async (files: string[], options: { config?: string; format?: string; progress: boolean } & Record<string, unknown>) => {
      if (options.format !== undefined && options.format !== 'jsonl' && options.format !== 'csv') throw new UsageError(`--format: must be jsonl or csv, got "${options.format}"`);
      for (const file of files) {
        if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
      }
      const { config } = readConfig(options.config);
      const log = createLogger();
      const runtime = await openRuntime(config, { check: true, reset: resetsOf(options), log });
      const stages = startStages(runtime, log);
      const interrupted = new AbortController();
      const onSignal = () => interrupted.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const bar = options.progress && process.stderr.isTTY ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} indexed  {phase}', hideCursor: true, stream: process.stderr }) : undefined;
      try {
        const ingestId = randomUUID();
        const dlqStart = await runtime.bus.endOffsets('mentions.dlq');
        const indexStart = await runtime.bus.committedOffsets('mentions.analyzed', INDEX_GROUP);
        const seen = new Set<string>();
        let duplicates = 0;
        let published = 0;
        let lines = 0;
        bar?.start(0, 0, { phase: 'reading' });
        const publisher = new MentionPublisher({
          bus: runtime.bus,
          ingestId,
          // Counted before publishing, so the stages cannot have indexed them yet.
          beforePublish: async (batch) => {
            const fresh = batch.filter(({ id }) => !seen.has(id));
            duplicates += batch.length - fresh.length;
            const stored = await runtime.store.existing(fresh.map((m) => m.id));
            duplicates += stored.size;
            for (const { id } of batch) seen.add(id);
          },
          onDurable: ({ mentions }) => {
            published += mentions.length;
            bar?.setTotal(published);
          },
        });
        for (const file of files) {
          for await (const item of readMentionFile(file, { ...(options.format && { format: options.format as 'jsonl' | 'csv' }) })) {
            if (interrupted.signal.aborted) throw new Error('interrupted: what was published is safe; run the same command again to finish');
            lines++;
            if (item.result.ok) await publisher.add(item.result.mention);
            else await publisher.reject({ file, line: item.line, code: item.result.code, reason: item.result.reason, input: item.input });
          }
        }
        await publisher.flush();
        bar?.update({ phase: 'indexing' });
        const sum = (o: Record<number, number>) => Object.values(o).reduce((a, b) => a + b, 0);
        await waitUntilIndexed(runtime, {
          signal: interrupted.signal,
          onProgress: (indexed) => bar?.update(Math.min(published, sum(indexed) - sum(indexStart))),
        });
        bar?.update(published, { phase: 'done' });
        bar?.stop();
        const letters = await deadLettersSince(runtime.bus, dlqStart, ingestId);
        const lateRejections = letters.filter((l) => l.stage !== 'connector').length;
        const summary: IngestSummary = {
          files: files.length,
          lines,
          created: Math.max(0, published - duplicates - lateRejections),
          duplicates,
          rejected: letters.length,
        };
        const out = [
          `ingested ${summary.lines} line${summary.lines === 1 ? '' : 's'} from ${summary.files} file${summary.files === 1 ? '' : 's'}: ${summary.created} new, ${summary.duplicates} duplicate${summary.duplicates === 1 ? '' : 's'} (already indexed or repeated), ${summary.rejected} rejected`,
        ];
        if (letters.length > 0) out.push('rejected:', ...describeRejections(letters));
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await stages.stop();
        await runtime.close();
      }
    });
}
