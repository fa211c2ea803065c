// Configuration of the hackernews connector (`type: hackernews`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { httpUrl, pullFields } from '../http/config.js';

export const HackerNewsConnectorSchema = z
  .strictObject({
    type: z.literal('hackernews').describe('Connector type.'),
    query: z.string().min(1).describe('Full-text query sent to the Algolia HN search API (e.g. "acme"). Quote phrases as you would on hn.algolia.com.'),
    tags: z
      .enum(['story', 'comment', 'both'])
      .default('both')
      .describe('Which items to fetch: stories, comments, or both.'),
    hits_per_page: z.number().int().min(1).max(1000).default(100).describe('Items per page (Algolia allows up to 1000).'),
    api_url: httpUrl('Base URL of the API (change only for a mirror or tests).').default('https://hn.algolia.com/api/v1'),
    ...pullFields({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 100, interval_ms: 60_000 }, rateWhy: 'Algolia allows 10,000 requests an hour per IP.' }),
  })
  .describe('Hacker News stories and comments through the Algolia HN search API (search_by_date). No key needed.');

export type HackerNewsConnectorConfig = z.output<typeof HackerNewsConnectorSchema>;
