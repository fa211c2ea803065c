// The mention file format (JSONL, and CSV with the same column names): one mention per line, in
// snake_case. Validation turns a line into a RawMention or into a reason that names the line, the
// column and what was wrong, so a bad line can go to the dead-letter topic and the rest go on.
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { contentHash } from '../../core/ids.js';
import type { RawMention } from '../../core/types.js';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/i;

/** What a value is, as a reason says it: "a number", "an object", "null". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' || t === 'undefined' ? `an ${t}` : `a ${t}`;
}

/** A string field: absent is `required`, another type says what was found. */
const requiredString = (required = 'required') =>
  z.string({ error: (issue) => (issue.input === undefined ? required : `must be a string, got ${kindOf(issue.input)}`) });

/** Blank strings in a CSV cell mean "absent". */
const optionalText = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.string({ error: (issue) => `must be a string, got ${kindOf(issue.input)}` }).trim().min(1).optional(),
);
const optionalNumber = (inner: z.ZodNumber) =>
  // A CSV cell is text: "4" is read as 4; text that is no number stays text, for the reason to show it.
  z.preprocess((v) => (v === '' || v === null ? undefined : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v), inner.optional());

/** What a reason shows of a wrong value: a short string or number as written, else its kind. */
const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v === 'number' ? String(v) : kindOf(v));

/**
 * A real calendar date and time: Date.parse moves 2026-02-30 to March 2nd and 24:30 to the next
 * day instead of refusing them, so each part is checked against its range.
 */
function isRealDate(d: string): boolean {
  const m = ISO_DATE_TIME.exec(d);
  if (!m || Number.isNaN(Date.parse(d))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return false;
  const within = (part: string | undefined, max: number) => part === undefined || Number(part) <= max;
  return within(m[4], 23) && within(m[5], 59) && within(m[6], 59) && within(m[7], 23) && within(m[8], 59);
}

export const MentionLineSchema = z.object({
  source: z.preprocess((v) => (v === '' ? undefined : v), requiredString().trim().min(1, 'must not be empty')),
  id: z.preprocess(
    // A number id is kept as written; one beyond 2^53 reaches here only if it was read lossily (see
    // parseMentionJson), and is refused rather than stored rounded.
    (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v === '' ? undefined : v),
    z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'required (the id of the mention at its source)'
            : typeof issue.input === 'number'
              ? `a number that cannot be kept exactly (${issue.input}): write the id as a string`
              : `must be a string or a number, got ${kindOf(issue.input)}`,
      })
      .trim()
      .min(1, 'must not be empty'),
  ),
  text: requiredString().refine((t) => t.trim().length > 0, 'must not be empty'),
  title: optionalText,
  author: optionalText,
  url: optionalText.refine((u) => u === undefined || URL.canParse(u), 'must be an absolute URL'),
  published_at: optionalText.refine(
    (d) => d === undefined || isRealDate(d),
    {
      error: (issue) =>
        `must be an ISO 8601 date, e.g. 2026-11-03T14:05:00Z${ISO_DATE_TIME.test(String(issue.input)) ? `; ${String(issue.input)} is no such day or time` : ''}`,
    },
  ),
  rating: optionalNumber(
    z
      .number({ error: (issue) => `must be a number of stars${issue.input === undefined ? '' : `, got ${shown(issue.input)}`}` })
      .min(1, 'must be 1 to 5 stars')
      .max(5, 'must be 1 to 5 stars'),
  ),
  lang: optionalText.refine((l) => l === undefined || /^[a-z]{2,3}(?:[-_][a-z0-9]+)?$/i.test(l), 'must be a language code such as en or fr'),
});

export type LineCode = 'MENTION_BAD_JSON' | 'MENTION_INVALID' | 'MENTION_BAD_ENCODING' | 'MENTION_TOO_LARGE';
export type LineResult = { ok: true; mention: RawMention } | { ok: false; reason: string; code: LineCode };

/** Validates one parsed line. `now` is used when the line has no published_at. */
export function toRawMention(record: unknown, now: string): LineResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { ok: false, code: 'MENTION_INVALID', reason: 'a line must be a JSON object' };
  }
  const parsed = MentionLineSchema.safeParse(record);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message.replace(/^Invalid input: /, '')}`).join('; ');
    return { ok: false, code: 'MENTION_INVALID', reason };
  }
  const line = parsed.data;
  const known = new Set(Object.keys(MentionLineSchema.shape));
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !known.has(k)));
  const publishedAt = line.published_at === undefined ? undefined : new Date(line.published_at).toISOString();
  const rating = line.rating === undefined ? undefined : (line.rating - 1) / 4;
  const lang = line.lang?.toLowerCase();
  const mention: RawMention = {
    source: line.source,
    sourceId: line.id,
    author: { id: line.author ?? 'anonymous', name: line.author ?? 'anonymous' },
    text: line.text,
    publishedAt: publishedAt ?? new Date(now).toISOString(),
    ...(line.title !== undefined && { title: line.title }),
    ...(line.url !== undefined && { url: line.url }),
    // Stars 1..5 normalized to 0..1, the scale every source maps to.
    ...(rating !== undefined && { rating }),
    ...(lang !== undefined && { lang }),
    ...(Object.keys(extra).length > 0 && { raw: extra }),
    // Of what the line said: the time of ingestion filled in for a missing date is not content, so
    // the same undated line sent twice is a duplicate, not an update.
    contentHash: contentHash({ text: line.text, title: line.title, url: line.url, rating, lang, author: line.author, publishedAt }),
  };
  return { ok: true, mention };
}

/** An id JSON.parse could not keep exactly (an integer beyond 2^53: tweet and video ids are). */
const lossyId = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'number' && !Number.isSafeInteger((v as { id: number }).id);

/** The objects of a document that are mentions: the document itself, an array's items, or `mentions`' items. */
function mentionsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc !== null && typeof doc === 'object' && Array.isArray((doc as { mentions?: unknown }).mentions)) return [doc, ...(doc as { mentions: unknown[] }).mentions];
  return [doc];
}

/**
 * JSON.parse, except that a mention's number `id` beyond 2^53 keeps the digits as written (as a
 * string): JSON.parse would round 1234567890123456789 to ...800, and four distinct ids would become
 * one mention. The fast path is plain JSON.parse; only a document holding such an id is read a
 * second time, losslessly. Throws what JSON.parse throws.
 */
export function parseMentionJson(text: string): unknown {
  const doc: unknown = JSON.parse(text);
  const mentions = mentionsOf(doc);
  if (!mentions.some(lossyId)) return doc;
  let exact: unknown;
  try {
    exact = parseLossless(text);
  } catch {
    return doc; // valid for JSON.parse but not for lossless-json (a repeated key): the id is refused, not rounded
  }
  const exactMentions = mentionsOf(exact);
  mentions.forEach((m, k) => {
    const id = (exactMentions[k] as { id?: unknown } | undefined)?.id;
    if (lossyId(m) && isLosslessNumber(id)) (m as { id: unknown }).id = id.value;
  });
  return doc;
}

/** Parses and validates one JSONL line. */
export function parseJsonLine(text: string, now: string): LineResult {
  let record: unknown;
  try {
    record = parseMentionJson(text);
  } catch (error) {
    return { ok: false, code: 'MENTION_BAD_JSON', reason: `not JSON: ${(error as Error).message}` };
  }
  return toRawMention(record, now);
}
