// Configuration of the bluesky connector (`type: bluesky`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { secretFields } from '../../core/config/secret.js';
import { httpUrl, pullFields } from '../http/config.js';

export const BlueskyConnectorSchema = z
  .strictObject({
    type: z.literal('bluesky').describe('Connector type.'),
    query: z.string().min(1).describe('Search query (app.bsky.feed.searchPosts, Lucene-like syntax), newest first.'),
    identifier: z.string().min(1).describe('Handle (acme.bsky.social) or DID of the account whose app password is used.'),
    ...secretFields('app_password', 'app password of that account (Settings → Privacy and security → App passwords)'),
    service: httpUrl('The account\'s PDS, where sessions are created and searches are sent.').default('https://bsky.social'),
    ...pullFields({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 100, interval_ms: 60_000 }, rateWhy: 'Bluesky allows 3000 requests per 5 minutes.' }),
  })
  .refine((c) => (c.app_password_env ?? c.app_password_file) !== undefined, { message: 'app_password_env or app_password_file is required', path: ['app_password_env'] })
  .describe('Bluesky posts matching a search, with an app-password session (createSession, refreshed on expiry).');

export type BlueskyConnectorConfig = z.output<typeof BlueskyConnectorSchema>;
