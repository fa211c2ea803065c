// The body of POST /ingest/<source>: one mention, an array of mentions, or { "mentions": [...] },
// each in the mention file format (src/connectors/file/mention-line.ts). The source comes from
// the path; a mention that names another source is rejected rather than silently re-labelled.
import { HttpError } from '../../http/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import { MAX_INPUT_CHARS } from '../../streams/dead-letter.js';
import { boundedJson } from '../bounds.js';
import { parseMentionJson, toRawMention } from '../file/mention-line.js';
import { checkMention, type PublishableMention } from '../output.js';

export interface ItemRejection {
  index: number;
  code: ErrorCode;
  reason: string;
  /** The item as JSON, for the dead-letter topic (cut at the dead letters' bound: see truncated). */
  input: string;
  truncated?: boolean;
}

export interface ValidatedBody {
  mentions: { index: number; mention: PublishableMention }[];
  rejections: ItemRejection[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and parses the raw body into its items; throws a 400 that says what is wrong. */
export function parseItems(raw: Buffer): unknown[] {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw badJson('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw badJson('the body is empty: send one mention, an array of mentions, or {"mentions": [...]}');
  let doc: unknown;
  try {
    doc = parseMentionJson(text); // JSON.parse, but a number id beyond 2^53 keeps its digits
  } catch (error) {
    throw badJson(`the body is not JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(doc)) return doc;
  if (doc !== null && typeof doc === 'object' && 'mentions' in doc) {
    const { mentions, ...rest } = doc as { mentions: unknown };
    if (!Array.isArray(mentions)) throw badJson('"mentions" must be an array of mentions');
    const others = Object.keys(rest);
    if (others.length > 0) throw badJson(`a batch object holds only "mentions"; unexpected ${others.map((k) => JSON.stringify(k)).join(', ')}`);
    return mentions;
  }
  if (doc === null || typeof doc !== 'object') throw badJson('the body must be a mention (a JSON object), an array of mentions, or {"mentions": [...]}');
  return [doc];
}

/**
 * Validates every item; one bad item never fails the others. `rawKeys`: the extra fields kept
 * (checkMention, the same check the publisher makes, so the answer counts what is published).
 */
export function validateItems(items: unknown[], source: string, now: string, lang?: string, rawKeys: readonly string[] = []): ValidatedBody {
  const out: ValidatedBody = { mentions: [], rejections: [] };
  items.forEach((item, index) => {
    // Serialized only when rejected, and without recursion: an item nested thousands of levels
    // deep must be refused like any other, not crash the request.
    const reject = (code: ErrorCode, reason: string) => {
      const input = boundedJson(item, MAX_INPUT_CHARS);
      out.rejections.push({ index, code, reason, input: input.text, ...(input.truncated && { truncated: true }) });
    };
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      reject('MENTION_INVALID', 'a mention must be a JSON object');
      return;
    }
    const given = (item as { source?: unknown }).source;
    if (given !== undefined && given !== null && given !== '' && (typeof given !== 'string' || given.trim() !== source)) {
      reject(
        'MENTION_INVALID',
        `source: ${typeof given === 'string' ? JSON.stringify(given.slice(0, 100)) : `a ${Array.isArray(given) ? 'array' : typeof given}`} differs from the source in the path (/ingest/${source}); leave "source" out or post to /ingest/${typeof given === 'string' ? given.trim().slice(0, 100) : '<source>'}`,
      );
      return;
    }
    const result = toRawMention({ ...item, source }, now);
    if (!result.ok) {
      reject(result.code, result.reason);
      return;
    }
    if (lang !== undefined && result.mention.lang === undefined) result.mention.lang = lang;
    const checked = checkMention(result.mention, rawKeys);
    if (!checked.ok) {
      reject(checked.code, checked.reason);
      return;
    }
    out.mentions.push({ index, mention: checked.mention });
  });
  return out;
}

function badJson(reason: string): HttpError {
  return new HttpError(400, 'WEBHOOK_BAD_JSON', reason);
}
