// Dead-letter records: what could not be ingested, analyzed or indexed, with why and where, so an
// operator can fix and replay it. One shape for every stage.
import type { ErrorCode, Stage } from '../core/errors.js';
import type { BusRecord } from './bus/types.js';

/** Inputs longer than this are cut in the dead letter (the reason says so). */
export const MAX_INPUT_CHARS = 16_384;

export interface DeadLetter {
  stage: Stage;
  code: ErrorCode;
  reason: string;
  /** Where the input came from: a file and line, or a topic offset. */
  origin: { file?: string; line?: number; topic?: string; partition?: number; offset?: number };
  /** The input as received (truncated). */
  input: string;
  truncated?: boolean;
  at: string;
}

export const INGEST_ID_HEADER = 'ecoute-ingest-id';

/** `truncated` in: the input was already cut by its producer (boundedJson); it stays marked. */
export function deadLetterRecord(letter: Omit<DeadLetter, 'at'>, headers?: Record<string, string>): BusRecord {
  const truncated = letter.truncated === true || letter.input.length > MAX_INPUT_CHARS;
  const value: DeadLetter = {
    ...letter,
    input: truncated ? letter.input.slice(0, MAX_INPUT_CHARS) : letter.input,
    ...(truncated && { truncated }),
    at: new Date().toISOString(),
  };
  const key = letter.origin.file !== undefined ? `${letter.origin.file}:${letter.origin.line ?? 0}` : `${letter.origin.topic}:${letter.origin.partition}:${letter.origin.offset}`;
  // The headers carry the essentials so a consumer of the dead-letter topic can route or replay
  // without parsing the value: what went wrong, in which stage, and where the record came from.
  const origin: Record<string, string> = {};
  if (letter.origin.topic !== undefined) origin['ecoute-origin-topic'] = letter.origin.topic;
  if (letter.origin.partition !== undefined) origin['ecoute-origin-partition'] = String(letter.origin.partition);
  if (letter.origin.offset !== undefined) origin['ecoute-origin-offset'] = String(letter.origin.offset);
  if (letter.origin.file !== undefined) origin['ecoute-origin-file'] = letter.origin.file;
  if (letter.origin.line !== undefined) origin['ecoute-origin-line'] = String(letter.origin.line);
  return {
    key,
    value: JSON.stringify(value),
    headers: { ...headers, 'ecoute-error-code': letter.code, 'ecoute-stage': letter.stage, 'ecoute-error': letter.reason.slice(0, 512), ...origin },
  };
}

/**
 * Operations (issue 14, gaps14): a stage's dead letter names the mention its input record was keyed
 * by (mentions.raw and mentions.analyzed are keyed by the mention id), so that the dead-letter log
 * line carries `mention_id` even when the input cannot be read (poison: not UTF-8, oversize, deep).
 */
export const MENTION_ID_HEADER = 'ecoute-mention-id';

export function withMentionId(record: { key: string; headers?: Record<string, string> | undefined }): Record<string, string> | undefined {
  if (!/^[0-9a-f]{32}$/.test(record.key)) return record.headers;
  return { ...record.headers, [MENTION_ID_HEADER]: record.key };
}
