// Dead-letter records: what could not be ingested, analyzed or indexed, with why and where, so an
// operator can fix and replay it. One shape for every stage.
import type { ErrorCode, Stage } from '../core/errors.js';
import type { BusRecord } from './bus/types.js';

/** Inputs longer than this are cut in the dead letter (the reason says so). */
const MAX_INPUT_CHARS = 16_384;

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

export function deadLetterRecord(letter: Omit<DeadLetter, 'at' | 'truncated'>, headers?: Record<string, string>): BusRecord {
  const truncated = letter.input.length > MAX_INPUT_CHARS;
  const value: DeadLetter = {
    ...letter,
    input: truncated ? letter.input.slice(0, MAX_INPUT_CHARS) : letter.input,
    ...(truncated && { truncated }),
    at: new Date().toISOString(),
  };
  const key = letter.origin.file !== undefined ? `${letter.origin.file}:${letter.origin.line ?? 0}` : `${letter.origin.topic}:${letter.origin.partition}:${letter.origin.offset}`;
  return {
    key,
    value: JSON.stringify(value),
    headers: { 'ecoute-error-code': letter.code, 'ecoute-stage': letter.stage, ...headers },
  };
}
