// Configuration of the appstore connector (`type: appstore`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { httpUrl, pullFields } from '../http/config.js';

export const AppStoreConnectorSchema = z
  .strictObject({
    type: z.literal('appstore').describe('Connector type.'),
    app_id: z
      .string()
      .regex(/^\d+$/, 'must be the numeric App Store id (the digits after "id" in the app URL)')
      .describe('The app, by its numeric id: apps.apple.com/us/app/acme/id<app_id>.'),
    country: z
      .string()
      .regex(/^[a-z]{2}$/i, 'must be a two-letter country code such as us or fr')
      .transform((c) => c.toLowerCase())
      .default('us')
      .describe('Storefront whose reviews are read (reviews are per country): us, fr, gb, ca, ...'),
    api_url: httpUrl('Base URL of the feed (change only for tests).').default('https://itunes.apple.com'),
    ...pullFields({ interval_ms: 60 * 60_000, rate: { concurrency: 1, interval_cap: 20, interval_ms: 60_000 }, rateWhy: 'Apple does not document a limit: stay low.' }),
  })
  .describe('App Store customer reviews of one app in one country, with star ratings (the public JSON reviews feed, 10 pages of 50 most recent).');

export type AppStoreConnectorConfig = z.output<typeof AppStoreConnectorSchema>;
