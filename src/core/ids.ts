import { createHash, createHmac } from 'node:crypto';

/**
 * The mention id: a stable hash of source and id at the source, so the same mention fetched twice,
 * by any connector run or replay, is one document.
 */
export function mentionId(source: string, sourceId: string): string {
  return createHash('sha256').update(source).update('\u0000').update(sourceId).digest('hex').slice(0, 32);
}

/** Keyed hash of an author: stable for one key, not reversible without it. */
export function authorKey(key: string, source: string, authorId: string): string {
  return createHmac('sha256', key).update(source).update('\u0000').update(authorId).digest('base64url').slice(0, 22);
}
