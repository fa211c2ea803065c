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

/** What decides whether a repeated mention (same source and id) changed: the fields its source gave. */
export interface MentionContent {
  text: string;
  title?: string | undefined;
  url?: string | undefined;
  rating?: number | undefined;
  lang?: string | undefined;
  author?: string | undefined;
  /** As the source gave it; absent when the source gave none (a filled-in time is not content). */
  publishedAt?: string | undefined;
}

/**
 * Hash of a mention's content. The rule for a repeated id: the same content is a duplicate (nothing
 * stored changes), other content is an update (the stored mention is replaced). Fixed field order,
 * absent fields as null, so the hash does not depend on how the object was built.
 */
export function contentHash(c: MentionContent): string {
  const fields = [c.text, c.title ?? null, c.url ?? null, c.rating ?? null, c.lang ?? null, c.author ?? null, c.publishedAt ?? null];
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 22);
}
