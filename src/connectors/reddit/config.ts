// Configuration of the reddit connector (`type: reddit`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { duration } from '../../core/config/fields.js';
import { secretFields } from '../../core/config/secret.js';
import { httpUrl, pullFields } from '../http/config.js';

export const RedditConnectorSchema = z
  .strictObject({
    type: z.literal('reddit').describe('Connector type.'),
    query: z.string().min(1).describe('Reddit search query (e.g. "acme OR \\"acme corp\\""), newest first.'),
    subreddit: z
      .string()
      .regex(/^[A-Za-z0-9_]{2,21}$/, 'must be a subreddit name without r/')
      .optional()
      .describe('Search only this subreddit (name without r/); all of Reddit when absent.'),
    comments: z.boolean().default(true).describe('Also read the comments of the matching posts.'),
    max_comment_posts: z
      .number()
      .int()
      .nonnegative()
      .default(10)
      .describe('Posts whose comments are read per poll (the newest matching posts; one request each).'),
    comment_window_ms: duration('How long after a post its comments keep being read', 3 * 24 * 3600_000),
    ...secretFields('client_id', 'OAuth client id of your Reddit app (script or web app)'),
    ...secretFields('client_secret', 'OAuth client secret of your Reddit app'),
    user_agent: z
      .string()
      .min(1)
      .optional()
      .describe(
        'User-Agent Reddit sees; its API rules ask for "<platform>:<app id>:<version> (by /u/<username>)". Defaults to écoute\'s own descriptive User-Agent.',
      ),
    api_url: httpUrl('Base URL without OAuth (change only for tests).').default('https://www.reddit.com'),
    oauth_api_url: httpUrl('Base URL with OAuth (change only for tests).').default('https://oauth.reddit.com'),
    token_url: httpUrl('OAuth token endpoint (client credentials grant).').default('https://www.reddit.com/api/v1/access_token'),
    ...pullFields({
      interval_ms: 5 * 60_000,
      rate: { concurrency: 1, interval_cap: 10, interval_ms: 60_000 },
      rateWhy: 'Reddit allows about 100 requests a minute with OAuth, far fewer without; X-Ratelimit-Remaining/Reset are honoured too.',
    }),
  })
  .refine((c) => (c.client_id_env ?? c.client_id_file) === undefined || (c.client_secret_env ?? c.client_secret_file) !== undefined, {
    message: 'client_secret_env or client_secret_file is required with a client id',
    path: ['client_secret_env'],
  })
  .describe('Reddit posts matching a search (/search.json) and their comments; OAuth client credentials when configured.');

export type RedditConnectorConfig = z.output<typeof RedditConnectorSchema>;
