// Opaque keyset cursors: base64url JSON of the last hit's sort key plus a fingerprint of the request
// it belongs to, so a cursor replayed with another query or sort is an error, not a silent jump.
import { createHash } from 'node:crypto';
import { badCursor } from './errors.js';

export function encodeCursor(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  if (typeof cursor !== 'string' || cursor === '' || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw badCursor('cursor: malformed (not a cursor returned by a previous page)');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('cursor: malformed (not a cursor returned by a previous page)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badCursor('cursor: malformed (not a cursor returned by a previous page)');
  }
  return value as Record<string, unknown>;
}

/** Short fingerprint of what a cursor depends on (query, filters, sort). */
export function requestFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 12);
}
