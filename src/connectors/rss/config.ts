// Configuration of the rss connector (`type: rss`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { httpUrl, pullFields } from '../http/config.js';

export const RssConnectorSchema = z
  .strictObject({
    type: z.literal('rss').describe('Connector type.'),
    url: httpUrl('The feed: RSS 2.0 or Atom (news sites, blogs, Google Alerts "deliver to RSS feed").'),
    ...pullFields({ interval_ms: 15 * 60_000, rate: { concurrency: 1, interval_cap: 10, interval_ms: 60_000 }, rateWhy: 'Feeds are small sites: be gentle.' }),
  })
  .describe('An RSS 2.0 or Atom feed, polled with conditional GET (ETag, Last-Modified).');

export type RssConnectorConfig = z.output<typeof RssConnectorSchema>;
