// The one check every connector's output passes (called by the publisher, and by the webhook to
// answer per item): `raw` is cut down to the keys the connector declares, then the mention is
// measured (iteratively, see bounds.ts) so that no value can overflow the stack of whatever
// serializes it later, nor make one record huge.
import type { RawMention } from '../core/types.js';
import { MAX_MENTION_DEPTH, MAX_RAW_CHARS, measureJson } from './bounds.js';

declare const checked: unique symbol;
/**
 * A mention that passed checkMention, as it may be published: the publisher takes it as is
 * (MentionPublisher.addChecked), so a mention checked to answer a request is not checked twice.
 */
export type PublishableMention = RawMention & { readonly [checked]: true };

export type CheckedMention = { ok: true; mention: PublishableMention } | { ok: false; code: 'MENTION_TOO_DEEP' | 'MENTION_TOO_LARGE'; reason: string };

/** The mention as it may be published (a copy when raw was cut), or why it may not. */
export function checkMention(mention: RawMention, rawKeys: readonly string[]): CheckedMention {
  const out = keepRawKeys(mention, rawKeys);
  const depth = measureJson(out, MAX_MENTION_DEPTH);
  if (!depth.ok && depth.why === 'deep') {
    return { ok: false, code: 'MENTION_TOO_DEEP', reason: `${depth.path}: nested more than ${MAX_MENTION_DEPTH} levels deep (the most a mention may carry)` };
  }
  if (out.raw !== undefined) {
    const size = measureJson(out.raw, MAX_MENTION_DEPTH, MAX_RAW_CHARS);
    if (!size.ok) {
      const keys = out.raw !== null && typeof out.raw === 'object' ? Object.keys(out.raw) : [];
      return {
        ok: false,
        code: 'MENTION_TOO_LARGE',
        reason: `raw: the extra fields${keys.length > 0 ? ` (${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''})` : ''} take more than ${MAX_RAW_CHARS} characters as JSON (the most a mention may carry besides its text)`,
      };
    }
  }
  return { ok: true, mention: out as PublishableMention };
}

/** Keeps only the declared keys of raw (an object); raw of any other shape, or left empty, is dropped. */
function keepRawKeys(mention: RawMention, rawKeys: readonly string[]): RawMention {
  const { raw, ...rest } = mention;
  if (raw === undefined) return mention;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || rawKeys.length === 0) return rest;
  const kept: Record<string, unknown> = {};
  for (const key of rawKeys) {
    if (Object.hasOwn(raw, key) && (raw as Record<string, unknown>)[key] !== undefined) kept[key] = (raw as Record<string, unknown>)[key];
  }
  return Object.keys(kept).length > 0 ? { ...rest, raw: kept } : rest;
}
