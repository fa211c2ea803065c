// Splits a file into lines in linear time and bounded memory: a line is kept whole only up to
// max_line_bytes; a longer one is counted to its end and reported, never buffered. Line ends are
// LF, CRLF and a lone CR (old Mac exports), so a CR-only file is not read as one huge line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { EcouteError } from '../../core/errors.js';

/** The default bound on one line (file connector `max_line_bytes`, `ecoute ingest --max-line-bytes`). */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

/** How much of an oversize line is kept, to show in its dead letter. */
const HEAD_BYTES = 200;

export interface RawLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's bytes without its line end; absent when the line is longer than maxLineBytes. */
  bytes?: Buffer;
  /** The first bytes of an oversize line. */
  head?: Buffer;
  /** Length in bytes, without the line end. */
  length: number;
  /** Byte offset just after the line end: where the next line starts. */
  endByte: number;
}

export interface SplitOptions {
  /** Byte where reading starts; it begins line `firstLine + 1`. */
  start?: number;
  firstLine?: number;
  maxLineBytes?: number;
  /** A last line without its line end is being written: leave it for the next read. */
  follow?: boolean;
}

export async function* splitLines(path: string, options: SplitOptions = {}): AsyncGenerator<RawLine> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let byte = options.start ?? 0; // where the current line starts
  let line = options.firstLine ?? 0;
  let pieces: Buffer[] = [];
  let length = 0;
  let head: Buffer | undefined;
  let crPending = false;

  const add = (piece: Buffer): void => {
    if (piece.length === 0) return;
    if (head === undefined && length + piece.length > max) {
      head = Buffer.concat([...pieces, piece.subarray(0, HEAD_BYTES)]).subarray(0, HEAD_BYTES);
      pieces = [];
    }
    if (head === undefined) pieces.push(piece);
    length += piece.length;
  };
  const finish = (lineEnd: number): RawLine => {
    line++;
    const endByte = byte + length + lineEnd;
    const out: RawLine =
      head !== undefined ? { line, head, length, endByte } : { line, bytes: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length), length, endByte };
    byte = endByte;
    pieces = [];
    length = 0;
    head = undefined;
    return out;
  };

  for await (const chunk of createReadStream(path, { start: byte }) as AsyncIterable<Buffer>) {
    let pos = 0;
    if (crPending) {
      // A CR ended the last chunk: with an LF after it, the two are one line end.
      crPending = false;
      const crlf = chunk[0] === 0x0a;
      yield finish(crlf ? 2 : 1);
      if (crlf) pos = 1;
    }
    let lf = -2;
    let cr = -2;
    while (pos < chunk.length) {
      if (lf !== -1 && lf < pos) lf = chunk.indexOf(0x0a, pos);
      if (cr !== -1 && cr < pos) cr = chunk.indexOf(0x0d, pos);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        add(chunk.subarray(pos));
        break;
      }
      add(chunk.subarray(pos, end));
      if (end === lf) {
        yield finish(1);
        pos = end + 1;
      } else if (end + 1 < chunk.length) {
        const crlf = chunk[end + 1] === 0x0a;
        yield finish(crlf ? 2 : 1);
        pos = end + (crlf ? 2 : 1);
      } else {
        crPending = true;
        pos = end + 1;
      }
    }
  }
  if (crPending) yield finish(1);
  else if (length > 0 && !options.follow) yield finish(0);
}

/**
 * Refuses, once for the whole file, an encoding that is not UTF-8 and would otherwise give one
 * rejection per line full of NUL bytes: UTF-16 or UTF-32 (by their byte order mark, or by the NUL
 * bytes every other byte that ASCII text has in UTF-16 without one).
 */
export async function checkEncoding(path: string, shown = path): Promise<void> {
  const file = await open(path, 'r');
  let start: Buffer;
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    start = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  const refuse = (what: string, from: string): never => {
    throw new EcouteError(
      'FILE_BAD_ENCODING',
      `${shown}: the file is ${what}; mention files must be UTF-8: convert it first, e.g. iconv -f ${from} -t UTF-8 ${shown} > converted${shown.match(/\.[a-z]+$/i)?.[0] ?? '.jsonl'}`,
    );
  };
  const starts = (...bytes: number[]) => bytes.every((b, k) => start[k] === b);
  if (starts(0xff, 0xfe, 0x00, 0x00)) refuse('UTF-32 little-endian (it starts with a UTF-32 byte order mark)', 'UTF-32LE');
  if (starts(0x00, 0x00, 0xfe, 0xff)) refuse('UTF-32 big-endian (it starts with a UTF-32 byte order mark)', 'UTF-32BE');
  if (starts(0xff, 0xfe)) refuse('UTF-16 little-endian (it starts with a UTF-16 byte order mark)', 'UTF-16LE');
  if (starts(0xfe, 0xff)) refuse('UTF-16 big-endian (it starts with a UTF-16 byte order mark)', 'UTF-16BE');
  let even = 0;
  let odd = 0;
  start.forEach((b, k) => {
    if (b === 0) k % 2 === 0 ? even++ : odd++;
  });
  const pairs = start.length / 2;
  if (pairs >= 2 && odd > pairs / 2 && even === 0) refuse('UTF-16 little-endian (a NUL byte after every other byte)', 'UTF-16LE');
  if (pairs >= 2 && even > pairs / 2 && odd === 0) refuse('UTF-16 big-endian (a NUL byte before every other byte)', 'UTF-16BE');
  if (even + odd > 0) throw new EcouteError('FILE_BAD_ENCODING', `${shown}: the file holds NUL bytes in its first ${start.length} bytes: it is not a UTF-8 text file`);
}
