// Configuration of the mastodon connector (`type: mastodon`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { secretFields } from '../../core/config/secret.js';
import { httpUrl, pullFields } from '../http/config.js';

export const MastodonConnectorSchema = z
  .strictObject({
    type: z.literal('mastodon').describe('Connector type.'),
    instance: httpUrl('The Mastodon server to read from, e.g. https://mastodon.social (any instance).'),
    hashtags: z
      .array(z.string().regex(/^#?[\p{L}\p{N}_]+$/u, 'must be a hashtag (letters, digits, _), with or without #'))
      .default([])
      .describe('Hashtags whose public timelines are read (/api/v1/timelines/tag/:tag); no token needed.'),
    query: z.string().min(1).optional().describe('Full-text status search (/api/v2/search); needs access_token_env and an instance that allows it.'),
    ...secretFields('access_token', 'access token of an application on the instance (scope read:search)'),
    ...pullFields({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 60, interval_ms: 60_000 }, rateWhy: 'Mastodon allows 300 requests per 5 minutes.' }),
  })
  .refine((c) => c.hashtags.length > 0 || c.query !== undefined, { message: 'give hashtags, a query, or both', path: ['hashtags'] })
  .refine((c) => c.query === undefined || (c.access_token_env ?? c.access_token_file) !== undefined, {
    message: 'a query needs access_token_env or access_token_file (search requires a token)',
    path: ['query'],
  })
  .describe('Mastodon statuses: hashtag timelines and, with a token, full-text search, on any instance.');

export type MastodonConnectorConfig = z.output<typeof MastodonConnectorSchema>;
