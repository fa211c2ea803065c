// Configuration of the youtube connector (`type: youtube`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { duration } from '../../core/config/fields.js';
import { secretFields } from '../../core/config/secret.js';
import { httpUrl, pullFields } from '../http/config.js';

export const YouTubeConnectorSchema = z
  .strictObject({
    type: z.literal('youtube').describe('Connector type.'),
    query: z.string().min(1).describe('Search query for videos (search.list, newest first).'),
    ...secretFields('api_key', 'YouTube Data API v3 key (Google Cloud console → APIs & Services → Credentials)'),
    max_videos: z.number().int().min(1).max(50).default(25).describe('Videos taken from each search page (search.list costs 100 quota units per call).'),
    comments: z.boolean().default(true).describe('Also read the comment threads of the matching videos (commentThreads.list, 1 unit per call).'),
    comment_window_ms: duration('How long after a video its comments keep being read', 7 * 24 * 3600_000),
    region_code: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
      .optional()
      .describe('Videos viewable in this country (ISO 3166-1 alpha-2).'),
    api_url: httpUrl('Base URL of the API (change only for tests).').default('https://www.googleapis.com/youtube/v3'),
    ...pullFields({
      interval_ms: 30 * 60_000,
      rate: { concurrency: 2, interval_cap: 60, interval_ms: 60_000 },
      rateWhy: 'The binding limit is the daily quota (10,000 units by default): keep interval_ms long.',
    }),
  })
  .refine((c) => (c.api_key_env ?? c.api_key_file) !== undefined, { message: 'api_key_env or api_key_file is required', path: ['api_key_env'] })
  .describe('YouTube videos matching a query (Data API v3), then their comment threads. Needs an API key.');

export type YouTubeConnectorConfig = z.output<typeof YouTubeConnectorSchema>;
