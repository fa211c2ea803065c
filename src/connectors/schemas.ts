// Config schemas of the pull connectors that speak HTTP (added to the connectors union in
// src/core/config/schema.ts). Every field says what it is; credentials are read from the
// environment or a file, never written here (see src/core/config/secret.ts). This file imports
// only zod, so schema.ts can import it without a cycle.
import { z } from 'zod';
import { secretFields } from '../core/config/secret.js';

const Lang = z.enum(['en', 'fr']);

const ms = (what: string, fallback: number) => z.number().int().positive().default(fallback).describe(`${what}, in milliseconds`);

const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe(what);

function rateLimit(fallback: { concurrency: number; interval_cap: number; interval_ms: number }, why: string) {
  return z
    .strictObject({
      concurrency: z.number().int().positive().default(fallback.concurrency).describe('Requests in flight at once to this host.'),
      interval_cap: z.number().int().positive().default(fallback.interval_cap).describe('At most this many requests start per interval_ms.'),
      interval_ms: ms('The window interval_cap counts over', fallback.interval_ms),
    })
    .default(fallback)
    .describe(
      `Pace of requests to the host, shared by every connector that talks to it (the strictest wins). ${why} Retries back off exponentially with jitter; 429 and Retry-After pause the host.`,
    );
}

/** Fields every HTTP pull connector has. */
function common(defaults: { interval_ms: number; rate: { concurrency: number; interval_cap: number; interval_ms: number }; rateWhy: string }) {
  return {
    name: z
      .string()
      .min(1)
      .regex(/^[^\n]+$/, 'must be one line')
      .optional()
      .describe(
        'Stable name of this source: keys its cursor and its line in `ecoute connectors status`. Defaults to "<type>:<query, feed or app>". Renaming it starts reading afresh.',
      ),
    interval_ms: ms('How often the source is polled for new mentions', defaults.interval_ms),
    lang: Lang.optional().describe('Language hint for mentions whose source does not say their language (detection still runs).'),
    timeout_ms: ms('Time one request has to answer completely (headers and body)', 30_000),
    max_pages: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe('Most pages read per poll. A backlog longer than this is read over the following polls; the first run reads this many pages back, then only what is new.'),
    allow_private_networks: z
      .boolean()
      .default(false)
      .describe(
        'Let requests reach loopback, private (10/8, 172.16/12, 192.168/16), link-local, CGNAT and unique-local IPv6 addresses. Off by default so a URL (or a redirect, or a DNS answer) cannot make écoute probe the internal network; cloud metadata addresses (169.254.169.254, fd00:ec2::254) are refused even when on.',
      ),
    rate_limit: rateLimit(defaults.rate, defaults.rateWhy),
  };
}

export const RssConnectorSchema = z
  .strictObject({
    type: z.literal('rss').describe('Connector type.'),
    url: httpUrl('The feed: RSS 2.0 or Atom (news sites, blogs, Google Alerts "deliver to RSS feed").'),
    ...common({ interval_ms: 15 * 60_000, rate: { concurrency: 1, interval_cap: 10, interval_ms: 60_000 }, rateWhy: 'Feeds are small sites: be gentle.' }),
  })
  .describe('An RSS 2.0 or Atom feed, polled with conditional GET (ETag, Last-Modified).');

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
    ...common({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 100, interval_ms: 60_000 }, rateWhy: 'Algolia allows 10,000 requests an hour per IP.' }),
  })
  .describe('Hacker News stories and comments through the Algolia HN search API (search_by_date). No key needed.');

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
    ...common({ interval_ms: 60 * 60_000, rate: { concurrency: 1, interval_cap: 20, interval_ms: 60_000 }, rateWhy: 'Apple does not document a limit: stay low.' }),
  })
  .describe('App Store customer reviews of one app in one country, with star ratings (the public JSON reviews feed, 10 pages of 50 most recent).');

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
    comment_window_ms: ms('How long after a post its comments keep being read', 3 * 24 * 3600_000),
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
    ...common({
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
    ...common({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 60, interval_ms: 60_000 }, rateWhy: 'Mastodon allows 300 requests per 5 minutes.' }),
  })
  .refine((c) => c.hashtags.length > 0 || c.query !== undefined, { message: 'give hashtags, a query, or both', path: ['hashtags'] })
  .refine((c) => c.query === undefined || (c.access_token_env ?? c.access_token_file) !== undefined, {
    message: 'a query needs access_token_env or access_token_file (search requires a token)',
    path: ['query'],
  })
  .describe('Mastodon statuses: hashtag timelines and, with a token, full-text search, on any instance.');

export const BlueskyConnectorSchema = z
  .strictObject({
    type: z.literal('bluesky').describe('Connector type.'),
    query: z.string().min(1).describe('Search query (app.bsky.feed.searchPosts, Lucene-like syntax), newest first.'),
    identifier: z.string().min(1).describe('Handle (acme.bsky.social) or DID of the account whose app password is used.'),
    ...secretFields('app_password', 'app password of that account (Settings → Privacy and security → App passwords)'),
    service: httpUrl('The account\'s PDS, where sessions are created and searches are sent.').default('https://bsky.social'),
    ...common({ interval_ms: 5 * 60_000, rate: { concurrency: 2, interval_cap: 100, interval_ms: 60_000 }, rateWhy: 'Bluesky allows 3000 requests per 5 minutes.' }),
  })
  .refine((c) => (c.app_password_env ?? c.app_password_file) !== undefined, { message: 'app_password_env or app_password_file is required', path: ['app_password_env'] })
  .describe('Bluesky posts matching a search, with an app-password session (createSession, refreshed on expiry).');

export const YouTubeConnectorSchema = z
  .strictObject({
    type: z.literal('youtube').describe('Connector type.'),
    query: z.string().min(1).describe('Search query for videos (search.list, newest first).'),
    ...secretFields('api_key', 'YouTube Data API v3 key (Google Cloud console → APIs & Services → Credentials)'),
    max_videos: z.number().int().min(1).max(50).default(25).describe('Videos taken from each search page (search.list costs 100 quota units per call).'),
    comments: z.boolean().default(true).describe('Also read the comment threads of the matching videos (commentThreads.list, 1 unit per call).'),
    comment_window_ms: ms('How long after a video its comments keep being read', 7 * 24 * 3600_000),
    region_code: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
      .optional()
      .describe('Videos viewable in this country (ISO 3166-1 alpha-2).'),
    api_url: httpUrl('Base URL of the API (change only for tests).').default('https://www.googleapis.com/youtube/v3'),
    ...common({
      interval_ms: 30 * 60_000,
      rate: { concurrency: 2, interval_cap: 60, interval_ms: 60_000 },
      rateWhy: 'The binding limit is the daily quota (10,000 units by default): keep interval_ms long.',
    }),
  })
  .refine((c) => (c.api_key_env ?? c.api_key_file) !== undefined, { message: 'api_key_env or api_key_file is required', path: ['api_key_env'] })
  .describe('YouTube videos matching a query (Data API v3), then their comment threads. Needs an API key.');

export const PULL_CONNECTOR_SCHEMAS = [
  RssConnectorSchema,
  HackerNewsConnectorSchema,
  AppStoreConnectorSchema,
  RedditConnectorSchema,
  MastodonConnectorSchema,
  BlueskyConnectorSchema,
  YouTubeConnectorSchema,
] as const;

export type RssConnectorConfig = z.output<typeof RssConnectorSchema>;
export type HackerNewsConnectorConfig = z.output<typeof HackerNewsConnectorSchema>;
export type AppStoreConnectorConfig = z.output<typeof AppStoreConnectorSchema>;
export type RedditConnectorConfig = z.output<typeof RedditConnectorSchema>;
export type MastodonConnectorConfig = z.output<typeof MastodonConnectorSchema>;
export type BlueskyConnectorConfig = z.output<typeof BlueskyConnectorSchema>;
export type YouTubeConnectorConfig = z.output<typeof YouTubeConnectorSchema>;
export type HttpConnectorConfig =
  | RssConnectorConfig
  | HackerNewsConnectorConfig
  | AppStoreConnectorConfig
  | RedditConnectorConfig
  | MastodonConnectorConfig
  | BlueskyConnectorConfig
  | YouTubeConnectorConfig;
