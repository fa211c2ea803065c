// The query parameters of the API as zod schemas: one source for validation (every parameter is
// checked here, and a bad one is a 400 naming it) and for the OpenAPI document (z.toJSONSchema).
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { MAX_LIMIT } from '../store/request.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `2026-11-03` (midnight UTC) or an ISO 8601 instant with its offset → ISO instant. */
const date = (what: string) =>
  z
    .string()
    .refine((v) => (DAY.test(v) || INSTANT.test(v)) && !Number.isNaN(Date.parse(DAY.test(v) ? `${v}T00:00:00Z` : v)), {
      message: 'must be a date, YYYY-MM-DD or an ISO 8601 time such as 2026-11-03T14:00:00Z',
    })
    .transform((v) => new Date(DAY.test(v) ? `${v}T00:00:00Z` : v).toISOString())
    .describe(what);

const int = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .describe(what);

export const q = z.string().max(10_000, 'must be at most 10000 characters').describe('Query in the écoute query language (README, "Query language"); empty: everything.');
export const brand = z.string().min(1).max(200).describe('Only mentions of this brand (an id of GET /api/brands).');
export const from = date('Published at or after (YYYY-MM-DD or ISO 8601).');
export const to = date('Published before (YYYY-MM-DD or ISO 8601).');
export const lang = z.enum(['en', 'fr', 'other']).describe('Only this language.');
export const source = z.string().min(1).max(200).describe('Only this source (rss, reddit, trustpilot, ...).');
export const sentiment = z.enum(['positive', 'neutral', 'negative', 'mixed']).describe('Only this tone.');
export const field = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a semantic field name such as delivery').describe('Only mentions in this semantic field.');
export const interval = z.enum(['hour', 'day', 'week']).describe('Bucket size.');

/** The filters every mention route shares. */
export const filterShape = { q: q.optional(), brand: brand.optional(), from: from.optional(), to: to.optional(), lang: lang.optional(), source: source.optional(), sentiment: sentiment.optional(), field: field.optional() };

export const MentionsQuery = z.strictObject({
  ...filterShape,
  sort: z.enum(['newest', 'relevance']).default('newest').describe('newest first, or relevance (best match first).'),
  cursor: z.string().min(1).max(4096).optional().describe('next_cursor of the previous page (same query and filters).'),
  limit: int(1, MAX_LIMIT, 'Hits per page.').default(20),
});

export const ExportQuery = z.strictObject({ ...filterShape, format: z.enum(['csv', 'jsonl']).default('csv').describe('csv (spreadsheet-safe) or jsonl (one JSON object a line).') });

const period = { from: from.optional(), to: to.optional(), q: q.optional() };
export const TimelineQuery = z.strictObject({ ...period, interval: interval.default('day') });
export const TermsQuery = z.strictObject({ ...period, size: int(1, 100, 'Terms per list.').default(20) });
export const FieldsQuery = z.strictObject(period);
export const ShareOfVoiceQuery = z.strictObject({ from: from.optional(), to: to.optional(), interval: interval.optional() });
export const NoQuery = z.strictObject({});
export const ValidateBody = z.strictObject({ q: z.string().max(10_000, 'must be at most 10000 characters').describe('The query to check.') });
export const IdParams = z.strictObject({ id: z.string().min(1).max(512).describe('The id.') });

/** Validates `value` against `schema`; a failure is a 400 API_BAD_PARAMETER naming the first bad parameter. */
export function parseParams<T extends z.ZodType>(schema: T, value: unknown, where = 'query parameter'): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let parameter = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    parameter = issue.keys[0];
    reason = `unknown ${where}; the route takes ${Object.keys((schema as unknown as z.ZodObject).shape).join(', ') || 'none'}`;
  } else if (issue.code === 'invalid_type' && issue.expected === 'string' && Array.isArray((value as Record<string, unknown>)?.[parameter ?? ''])) {
    reason = 'given more than once';
  } else if (issue.code === 'invalid_value') {
    reason = `must be one of ${issue.values.map(String).join(', ')}`;
  }
  const got = parameter !== undefined ? (value as Record<string, unknown> | undefined)?.[parameter] : undefined;
  const shown = typeof got === 'string' ? ` (got "${got.length > 60 ? `${got.slice(0, 60)}…` : got}")` : '';
  throw new HttpError(400, 'API_BAD_PARAMETER', `${parameter ?? where}: ${reason}${shown}`, parameter !== undefined ? { body: { parameter } } : {});
}

/** The JSON Schema of a route's parameters, for the OpenAPI document (the "input" side: what a client sends). */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}
