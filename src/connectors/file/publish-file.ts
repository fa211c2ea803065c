// The one loop from a mention file to the bus, shared by the file connector and `ecoute ingest`:
// each line read is handed to the publisher, a good mention to publish, a refused line as a
// rejection naming its file and line, with its position so a cursor can follow.
import type { MentionPublisher } from '../publish.js';
import { readMentionFile, type FileLine, type ReadOptions } from './read.js';

export interface PublishFileOptions extends ReadOptions {
  /** Set on mentions that carry no language of their own (the connector's `lang`). */
  lang?: string | undefined;
  /** Stops between two lines; what was handed to the publisher stays handed. */
  signal?: AbortSignal;
  /** Where the line leaves the file, given to the publisher so a cursor can advance to it. */
  positionOf?: (item: FileLine) => unknown;
}

/** Reads `path` into `publisher` (not flushed). Returns the lines read, and whether it was stopped. */
export async function publishMentionFile(path: string, publisher: MentionPublisher, options: PublishFileOptions = {}): Promise<{ lines: number; stopped: boolean }> {
  const { lang, signal, positionOf, ...read } = options;
  const shown = read.shown ?? path;
  let lines = 0;
  for await (const item of readMentionFile(path, read)) {
    if (signal?.aborted) return { lines, stopped: true };
    lines++;
    const position = positionOf?.(item);
    if (item.result.ok) {
      if (lang && item.result.mention.lang === undefined) item.result.mention.lang = lang;
      await publisher.add(item.result.mention, position, { file: shown, line: item.line, input: item.input });
    } else {
      await publisher.reject({ file: shown, line: item.line, code: item.result.code, reason: item.result.reason, input: item.input }, position);
    }
  }
  return { lines, stopped: false };
}
