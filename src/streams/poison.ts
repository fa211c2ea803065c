// Poison records on a topic: what a stage must dead-letter before it even tries to parse a record,
// so one bad record costs one dead letter and never a stalled or crashed stage (faults-dist, issue 14).
//
// - bytes that are not UTF-8 (the bus marks them: ConsumedRecord.unreadable), which a lossy decode
//   would otherwise turn into U+FFFD and store as if they were text;
// - a value over MAX_RECORD_BYTES: écoute's own producers never write one (produce_max_bytes), and
//   analyzing it would yield a record the next topic refuses, so the stage would retry it forever;
// - JSON nested deeper than MAX_RECORD_DEPTH, found by a scan that needs no recursion (JSON.parse of
//   a deep enough document throws RangeError, and a merely deep one fails in Elasticsearch later).
import type { ConsumedRecord } from './bus/types.js';

/** Kafka's default message.max.bytes: no stage of écoute produces more. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** A mention is flat apart from `raw` (itself bounded to 32 levels by the connectors). */
export const MAX_RECORD_DEPTH = 40;

/** Why `record` must go to the dead-letter topic unread, or undefined when it may be parsed. */
export function poisonReason(record: ConsumedRecord): string | undefined {
  if (record.unreadable) return record.unreadable;
  const bytes = Buffer.byteLength(record.value, 'utf8');
  if (bytes > MAX_RECORD_BYTES) return `value of ${bytes} bytes, over the ${MAX_RECORD_BYTES} a record may hold`;
  const depth = jsonDepth(record.value, MAX_RECORD_DEPTH);
  if (depth > MAX_RECORD_DEPTH) return `JSON nested more than ${MAX_RECORD_DEPTH} levels deep`;
  return undefined;
}

/** The nesting depth of a JSON text, counted up to `stopAt + 1` (brackets inside strings skipped). */
export function jsonDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > stopAt) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
