// Streams a mention file line by line (never the whole file in memory), JSONL or CSV, giving each
// line's number so rejections and cursors can name it. The rules for bytes (README, "Mention
// files"): a file must be UTF-8 (a UTF-16 file is refused once, whole); a line holding bytes that
// are not UTF-8 is refused, never repaired with U+FFFD; a line longer than max_line_bytes is refused
// without being buffered.
import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { parse as parseCsv, type CsvError } from 'csv-parse';
import { checkEncoding, DEFAULT_MAX_LINE_BYTES, splitLines, type RawLine } from './lines.js';
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
  /** Lines (CSV: records) longer than this are refused unread; default 4 MiB. */
  maxLineBytes?: number;
  /** The file's name in messages (default: its path). */
  shown?: string;
}

const BYTE_ORDER_MARK = /^\uFEFF/;
/** How much of a refused line's text its dead letter keeps. */
const INPUT_CHARS = 1000;

/**
 * A line's text, or why it cannot be read: too long, or not UTF-8. A byte order mark at the start
 * of any line is dropped (files joined with `cat` carry one at each join).
 */
function lineText(raw: RawLine, max: number): { text: string } | { input: string; result: LineResult } {
  if (raw.bytes === undefined) {
    return {
      input: `${(raw.head ?? Buffer.alloc(0)).toString('utf8')}…`,
      result: {
        ok: false,
        code: 'MENTION_TOO_LARGE',
        reason: `the line is ${raw.length} bytes, over max_line_bytes (${max}); it was skipped unread`,
      },
    };
  }
  if (!isUtf8(raw.bytes)) {
    const lossy = raw.bytes.toString('utf8');
    const at = lossy.indexOf('\uFFFD');
    const offset = Buffer.byteLength(lossy.slice(0, at));
    const bad = raw.bytes.subarray(offset, offset + 4);
    return {
      input: lossy.slice(0, INPUT_CHARS),
      result: {
        ok: false,
        code: 'MENTION_BAD_ENCODING',
        reason: `not UTF-8: byte 0x${bad[0]?.toString(16).toUpperCase().padStart(2, '0') ?? '??'} at byte ${offset + 1} of the line (near "${lossy.slice(Math.max(0, at - 20), at)}"); bytes that are not UTF-8 are refused, never replaced: convert the file to UTF-8`,
      },
    };
  }
  return { text: raw.bytes.toString('utf8').replace(BYTE_ORDER_MARK, '') };
}

/** Yields every non-blank line after `afterLine` (0 = from the start). */
export async function* readMentionFile(path: string, options: ReadOptions = {}): AsyncGenerator<FileLine> {
  const now = new Date().toISOString();
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  await checkEncoding(path, options.shown ?? path);
  if (formatOf(path, options.format) === 'csv') {
    yield* readCsv(path, options.afterLine ?? 0, now, max);
    return;
  }
  const lines = splitLines(path, { start: options.startByte ?? 0, firstLine: options.afterLine ?? 0, maxLineBytes: max, ...(options.follow && { follow: true }) });
  for await (const raw of lines) {
    const read = lineText(raw, max);
    if (!('text' in read)) {
      yield { line: raw.line, endByte: raw.endByte, ...read };
      continue;
    }
    if (read.text.trim() === '') continue;
    yield { line: raw.line, endByte: raw.endByte, input: read.text, result: parseJsonLine(read.text, now) };
  }
}

/** Quote errors after which the parser has read good rows into one bad field: resume after its first line. */
const RESYNC = new Set(['CSV_INVALID_CLOSING_QUOTE', 'CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

interface CsvItem {
  record: Record<string, string>;
  info: { lines: number };
  raw: string;
}

/**
 * CSV through csv-parse, fed from the same line splitter as JSONL (so CR-only files, bad bytes and
 * oversize lines are handled alike, each line re-joined with LF). An unclosed quote makes the
 * parser read the next rows into one field; such a record is refused at the line where it starts,
 * and parsing starts again on the line after it, so the rows it swallowed are kept.
 */
async function* readCsv(path: string, afterLine: number, now: string, max: number): AsyncGenerator<FileLine> {
  let header: string[] | undefined;
  let from = 0; // lines already handled by a previous parser
  let fromByte = 0;
  for (;;) {
    const pending: FileLine[] = []; // refused lines and skipped records, yielded in line order
    /** End byte of each line fed, to start again after a given line. */
    const ends = new Map<number, number>();
    let restartAfter: number | undefined;
    const base = from;
    const lines = splitLines(path, { start: fromByte, firstLine: from, maxLineBytes: max });
    async function* feed(): AsyncGenerator<Buffer> {
      for await (const raw of lines) {
        ends.set(raw.line, raw.endByte);
        const read = lineText(raw, max);
        if ('text' in read) {
          yield Buffer.from(`${read.text}\n`);
        } else {
          pending.push({ line: raw.line, ...read });
          yield Buffer.from('\n'); // keeps the parser's line count; an empty line is skipped
        }
      }
    }
    const source = Readable.from(feed());
    const parser = source.pipe(
      parseCsv({
        columns: header ?? ((names: string[]) => (header = names)),
        info: true,
        raw: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        trim: false,
        max_record_size: max,
      }),
    );
    parser.on('skip', (error: CsvError & { lines?: number; raw?: string }) => {
      const end = base + (error.lines ?? 0);
      const rawText = String(error.raw ?? '').replace(/\n$/, '');
      const spanned = (rawText.match(/\n/g) ?? []).length;
      const start = end - spanned;
      const firstLine = rawText.split('\n')[0] ?? '';
      if (RESYNC.has(error.code) && (spanned > 0 || error.code === 'CSV_QUOTE_NOT_CLOSED')) {
        restartAfter ??= start;
        const why =
          error.code === 'CSV_MAX_RECORD_SIZE'
            ? `a row over max_line_bytes (${max}) bytes`
            : `a quote opened on this line is not closed where the field ends${spanned > 0 ? ` (the parser read on to line ${end})` : ''}`;
        pending.push({ line: start, input: firstLine, result: { ok: false, code: 'MENTION_INVALID', reason: `bad CSV: ${why}; this row is refused and reading goes on at line ${start + 1}` } });
        return;
      }
      pending.push({ line: start, input: rawText, result: { ok: false, code: 'MENTION_INVALID', reason: `bad CSV: ${error.message.replace(/ at line \d+/, '')}` } });
    });
    try {
      for await (const item of parser as AsyncIterable<CsvItem>) {
        const line = base + item.info.lines;
        // Rows before the bad one may still come (read ahead); what comes after it is read again.
        if (restartAfter !== undefined && line > restartAfter) break;
        // The parser reads ahead: yield what was refused before this row, in line order.
        pending.sort((a, b) => a.line - b.line);
        while (pending.length > 0 && (pending[0] as FileLine).line < line) {
          const bad = pending.shift() as FileLine;
          if (bad.line > afterLine) yield bad;
        }
        for (const k of ends.keys()) if (k < line) ends.delete(k);
        if (line <= afterLine) continue;
        yield { line, input: item.raw.replace(/\n$/, ''), result: toRawMention(item.record, now) };
      }
    } finally {
      source.destroy();
    }
    pending.sort((a, b) => a.line - b.line);
    const restart = restartAfter;
    for (const bad of pending) if (bad.line > afterLine && (restart === undefined || bad.line <= restart)) yield bad;
    if (restart === undefined) return;
    const at = ends.get(restart);
    if (at === undefined || header === undefined) {
      // The header row itself is unreadable: no row can be read, say how many there were.
      let skipped = 0;
      for await (const raw of splitLines(path, { start: 0, maxLineBytes: max })) if (raw.line > restart && raw.length > 0) skipped++;
      if (skipped > 0) yield { line: restart + 1, input: '', result: { ok: false, code: 'MENTION_INVALID', reason: `bad CSV: reading could not resume after the unclosed quote of line ${restart}; ${skipped} row${skipped === 1 ? ' was' : 's were'} skipped` } };
      return;
    }
    from = restart;
    fromByte = at;
  }
}
