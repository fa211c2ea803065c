// The mention file format (JSONL, and CSV with the same column names): one mention per line, in
// snake_case. Validation turns a line into a RawMention or into a reason that names the line, the
// column and what was wrong, so a bad line can go to the dead-letter topic and the rest go on.
import { z } from 'zod';
import type { RawMention } from '../../core/types.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Blank strings in a CSV cell mean "absent". */
const optionalText = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().trim().min(1).optional());
const optionalNumber = (inner: z.ZodNumber) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : typeof v === 'string' ? Number(v) : v), inner.optional());

export const MentionLineSchema = z.object({
  source: z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: 'required' }).trim().min(1, 'must not be empty')),
  id: z.preprocess(
    (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v === '' ? undefined : v),
    z.string({ error: 'required (the id of the mention at its source)' }).trim().min(1, 'must not be empty'),
  ),
  text: z.string({ error: 'required' }).refine((t) => t.trim().length > 0, 'must not be empty'),
  title: optionalText,
  author: optionalText,
  url: optionalText.refine((u) => u === undefined || URL.canParse(u), 'must be an absolute URL'),
  published_at: optionalText.refine(
    (d) => d === undefined || (ISO_DATE_TIME.test(d) && !Number.isNaN(Date.parse(d))),
    'must be an ISO 8601 date, e.g. 2026-11-03T14:05:00Z',
  ),
  rating: optionalNumber(z.number({ error: 'must be a number of stars' }).min(1, 'must be 1 to 5 stars').max(5, 'must be 1 to 5 stars')),
  lang: optionalText.refine((l) => l === undefined || /^[a-z]{2,3}(?:[-_][a-z0-9]+)?$/i.test(l), 'must be a language code such as en or fr'),
});

export type LineResult = { ok: true; mention: RawMention } | { ok: false; reason: string; code: 'MENTION_BAD_JSON' | 'MENTION_INVALID' };

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
  const mention: RawMention = {
    source: line.source,
    sourceId: line.id,
    author: { id: line.author ?? 'anonymous', name: line.author ?? 'anonymous' },
    text: line.text,
    publishedAt: new Date(line.published_at ?? now).toISOString(),
    ...(line.title !== undefined && { title: line.title }),
    ...(line.url !== undefined && { url: line.url }),
    // Stars 1..5 normalized to 0..1, the scale every source maps to.
    ...(line.rating !== undefined && { rating: (line.rating - 1) / 4 }),
    ...(line.lang !== undefined && { lang: line.lang.toLowerCase() }),
    ...(Object.keys(extra).length > 0 && { raw: extra }),
  };
  return { ok: true, mention };
}

/** Parses and validates one JSONL line. */
export function parseJsonLine(text: string, now: string): LineResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'MENTION_BAD_JSON', reason: `not JSON: ${(error as Error).message}` };
  }
  return toRawMention(record, now);
}
