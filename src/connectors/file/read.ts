// Streams a mention file line by line (never the whole file in memory), JSONL or CSV, giving each
// line's number so rejections and cursors can name it.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { parseJsonLine, toRawMention, type LineResult } from './mention-line.js';

export type FileFormat = 'jsonl' | 'csv';

export interface FileLine {
  /** 1-based line number in the file (for a CSV record spanning lines, its last line). */
  line: number;
  /** JSONL: the byte offset just after this line (where the next read resumes). */
  endByte?: number;
  /** The line as written, kept for the dead-letter topic. */
  input: string;
  result: LineResult;
}

export function formatOf(path: string, format?: FileFormat): FileFormat {
  return format ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
}

export interface ReadOptions {
  format?: FileFormat;
  /** Skip lines up to and including this one (CSV resumes this way). */
  afterLine?: number;
  /** JSONL: start reading at this byte, which begins line `afterLine + 1`. */
  startByte?: number;
  /**
   * JSONL: a last line without its newline is being written by someone else; leave it for the
   * next read instead of rejecting half a line. Off for one-shot ingestion.
   */
  follow?: boolean;
}

/** Yields every non-blank line after `afterLine` (0 = from the start). */
export async function* readMentionFile(path: string, options: ReadOptions = {}): AsyncGenerator<FileLine> {
  const now = new Date().toISOString();
  if (formatOf(path, options.format) === 'csv') {
    yield* readCsv(path, options.afterLine ?? 0, now);
    return;
  }
  let line = options.afterLine ?? 0;
  let byte = options.startByte ?? 0;
  let pending: Buffer = Buffer.alloc(0);
  const emit = (raw: Buffer, newline: boolean): FileLine | undefined => {
    line++;
    byte += raw.length + (newline ? 1 : 0);
    let text = raw.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    // A UTF-8 byte order mark on the first line is not part of the JSON.
    if (line === 1) text = text.replace(/^\uFEFF/, '');
    if (text.trim() === '') return undefined;
    return { line, endByte: byte, input: text, result: parseJsonLine(text, now) };
  };
  for await (const chunk of createReadStream(path, { start: byte }) as AsyncIterable<Buffer>) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let newline: number;
    while ((newline = pending.indexOf(0x0a)) !== -1) {
      const item = emit(pending.subarray(0, newline), true);
      pending = pending.subarray(newline + 1);
      if (item) yield item;
    }
  }
  if (pending.length > 0 && !options.follow) {
    const item = emit(pending, false);
    if (item) yield item;
  }
}

async function* readCsv(path: string, afterLine: number, now: string): AsyncGenerator<FileLine> {
  const skipped: FileLine[] = [];
  const parser = createReadStream(path).pipe(
    parseCsv({ columns: true, bom: true, info: true, raw: true, skip_empty_lines: true, skip_records_with_error: true, trim: false }),
  );
  parser.on('skip', (error: Error & { lines?: number; raw?: string }) => {
    const line = error.lines ?? 0;
    skipped.push({ line, input: String(error.raw ?? '').replace(/\r?\n$/, ''), result: { ok: false, code: 'MENTION_INVALID', reason: `bad CSV: ${error.message}` } });
  });
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
    const line = item.info.lines;
    // The parser reads ahead: yield the rows it skipped before this one, in line order.
    while (skipped.length > 0 && (skipped[0] as FileLine).line < line) {
      const bad = skipped.shift() as FileLine;
      if (bad.line > afterLine) yield bad;
    }
    if (line <= afterLine) continue;
    yield { line, input: item.raw.replace(/\r?\n$/, ''), result: toRawMention(item.record, now) };
  }
  for (const bad of skipped) if (bad.line > afterLine) yield bad;
}
