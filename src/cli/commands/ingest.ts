// `ecoute ingest <file...>`: pushes files through the whole pipeline and waits until every mention
// is indexed. It runs the analyze and index stages itself; if `ecoute run` is already running on
// the same data, that process's stages do the work and this one waits for them.
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { MentionPublisher } from '../../connectors/publish.js';
import { checkEncoding, DEFAULT_MAX_LINE_BYTES } from '../../connectors/file/lines.js';
import { publishMentionFile } from '../../connectors/file/publish-file.js';
import { authorKey, contentHash, mentionId } from '../../core/ids.js';
import { createLogger } from '../../core/log.js';
import { openRuntime } from '../../app/runtime.js';
import { runStages } from '../../app/stages.js';
import { waitUntilIndexed } from '../../streams/pipeline.js';
import { INDEX_GROUP } from '../../streams/index-stage.js';
import { readConfig, UsageError } from '../context.js';
import { deadLettersSince, describeRejections } from '../dead-letters.js';
import { addResetOptions, resetsOf } from '../reset-options.js';
import { EcouteError } from '../../core/errors.js';

export interface IngestSummary {
  files: number;
  lines: number;
  /** Ids not stored before (nor earlier in the run). */
  created: number;
  /** Ids stored (or seen earlier in the run) with other content: replaced, last write wins. */
  updated: number;
  /** Ids stored (or seen earlier in the run) with the same content: nothing changed. */
  duplicates: number;
  rejected: number;
}

type Kind = 'created' | 'updated' | 'duplicates';

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description('Push mention files (JSONL or CSV) through the whole pipeline and wait until they are searchable')
    .argument('<file...>', 'mention files (.jsonl, or .csv with the same column names)')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--format <format>', 'jsonl or csv (default: from each file\'s extension)')
    .option('--max-line-bytes <bytes>', `lines longer than this are refused unread (default ${DEFAULT_MAX_LINE_BYTES}, 4 MiB)`)
    .option('--no-progress', 'no progress bar, even on a terminal');
  addResetOptions(command).action(async (files: string[], options: { config?: string; format?: string; maxLineBytes?: string; progress: boolean } & Record<string, unknown>) => {
      if (options.format !== undefined && options.format !== 'jsonl' && options.format !== 'csv') throw new UsageError(`--format: must be jsonl or csv, got "${options.format}"`);
      const maxLineBytes = options.maxLineBytes === undefined ? DEFAULT_MAX_LINE_BYTES : Number(options.maxLineBytes);
      if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new UsageError(`--max-line-bytes: must be a whole number of bytes, at least 1, got "${options.maxLineBytes}"`);
      for (const file of files) {
        if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
      }
      // A file in an encoding écoute does not read (UTF-16) is refused whole, before anything is ingested.
      for (const file of files) await checkEncoding(file);
      const { config } = readConfig(options.config);
      const log = createLogger();
      const runtime = await openRuntime(config, { check: true, reset: resetsOf(options), log });
      const stages = runStages(runtime, log, ['analyze', 'index']);
      const interrupted = new AbortController();
      const onSignal = () => interrupted.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const bar = options.progress && process.stderr.isTTY ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} indexed  {phase}', hideCursor: true, stream: process.stderr }) : undefined;
      try {
        const ingestId = randomUUID();
        const dlqStart = await runtime.bus.endOffsets('mentions.dlq');
        const indexStart = await runtime.bus.committedOffsets('mentions.analyzed', INDEX_GROUP);
        // The repeated-id rule, as the store applies it (src/store/types.ts ItemStatus): each
        // mention is classified against the store and against the earlier lines of this run. The
        // last kind of each id is kept to take back a mention a later stage rejected.
        const seen = new Map<string, { hash: string; kind: Kind }>();
        const counts: Record<Kind, number> = { created: 0, updated: 0, duplicates: 0 };
        let published = 0;
        // Privacy (issue 14, H4): mentions of erased authors, dropped by the runtime's bus.
        let suppressed = 0;
        let lines = 0;
        bar?.start(0, 0, { phase: 'reading' });
        const publisher = new MentionPublisher({
          bus: runtime.bus,
          ingestId,
          // Counted before publishing, so the stages cannot have indexed them yet.
          beforePublish: async (batch) => {
            const stored = await runtime.store.contentHashes([...new Set(batch.filter(({ id }) => !seen.has(id)).map((m) => m.id))]);
            for (const { id, mention } of batch) {
              if (runtime.privacy.has(authorKey(runtime.authorKeySecret, mention.source, mention.author.id))) {
                suppressed++;
                continue;
              }
              const hash = mention.contentHash ?? contentHash({ ...mention, author: mention.author.id });
              const before = seen.get(id)?.hash ?? stored.get(id);
              const kind: Kind = before === undefined ? 'created' : before === hash ? 'duplicates' : 'updated';
              counts[kind]++;
              seen.set(id, { hash, kind });
            }
          },
          onDurable: ({ mentions }) => {
            published += mentions.length;
            bar?.setTotal(published);
          },
        });
        for (const file of files) {
          const read = await publishMentionFile(file, publisher, { maxLineBytes, signal: interrupted.signal, ...(options.format && { format: options.format as 'jsonl' | 'csv' }) });
          lines += read.lines;
          if (read.stopped) throw new EcouteError('INTERRUPTED', 'interrupted: what was published is safe; run the same command again to finish');
        }
        await publisher.flush();
        bar?.update({ phase: 'indexing' });
        const sum = (o: Record<number, number>) => Object.values(o).reduce((a, b) => a + b, 0);
        await waitUntilIndexed(runtime, {
          signal: interrupted.signal,
          onProgress: (indexed) => bar?.update(Math.min(published, sum(indexed) - sum(indexStart))),
        });
        // Indexed is not yet searchable on Elasticsearch (until its next refresh): the summary says
        // "searchable", so make it true before printing it.
        await runtime.store.refresh();
        bar?.update(published, { phase: 'done' });
        bar?.stop();
        const letters = await deadLettersSince(runtime.bus, dlqStart, ingestId);
        // A mention a later stage refused (analyze, index) was counted when published: take it back.
        for (const letter of letters) {
          if (letter.stage === 'connector') continue;
          const id = idOf(letter.input);
          const kind = id === undefined ? undefined : seen.get(id)?.kind;
          const from: Kind = kind ?? 'created';
          counts[from] = Math.max(0, counts[from] - 1);
        }
        const summary: IngestSummary = {
          files: files.length,
          lines,
          created: counts.created,
          updated: counts.updated,
          duplicates: counts.duplicates,
          rejected: letters.length,
        };
        const out = [
          `ingested ${summary.lines} line${summary.lines === 1 ? '' : 's'} from ${summary.files} file${summary.files === 1 ? '' : 's'}: ${summary.created} new, ${summary.updated} updated, ${summary.duplicates} duplicate${summary.duplicates === 1 ? '' : 's'}, ${summary.rejected} rejected${suppressed > 0 ? `, ${suppressed} suppressed (erased authors)` : ''}`,
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

/** The mention id of a dead letter's input (a raw or analyzed mention as JSON), if it has one. */
function idOf(input: string): string | undefined {
  try {
    const m = JSON.parse(input) as { id?: unknown; source?: unknown; sourceId?: unknown };
    if (typeof m.id === 'string') return m.id;
    return typeof m.source === 'string' && typeof m.sourceId === 'string' ? mentionId(m.source, m.sourceId) : undefined;
  } catch {
    return undefined;
  }
}
