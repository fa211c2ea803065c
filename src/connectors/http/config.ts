// Config fields every HTTP pull connector has (name, interval, timeout, pages, private networks,
// rate limit), spread into each one's schema in its own folder. Credentials are read from the
// environment or a file, never written in the config (secretFields, src/core/config/secret.ts).
import { z } from 'zod';
import { duration, LangSchema } from '../../core/config/fields.js';

export const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe(what);

function rateLimit(fallback: { concurrency: number; interval_cap: number; interval_ms: number }, why: string) {
  return z
    .strictObject({
      concurrency: z.number().int().positive().default(fallback.concurrency).describe('Requests in flight at once to this host.'),
      interval_cap: z.number().int().positive().default(fallback.interval_cap).describe('At most this many requests start per interval_ms.'),
      interval_ms: duration('The window interval_cap counts over', fallback.interval_ms),
    })
    .default(fallback)
    .describe(
      `Pace of requests to the host, shared by every connector that talks to it (the strictest wins). ${why} Retries back off exponentially with jitter; 429 and Retry-After pause the host.`,
    );
}

/** Fields every HTTP pull connector has. */
export function pullFields(defaults: { interval_ms: number; rate: { concurrency: number; interval_cap: number; interval_ms: number }; rateWhy: string }) {
  return {
    name: z
      .string()
      .min(1)
      .regex(/^[^\n]+$/, 'must be one line')
      .optional()
      .describe(
        'Stable name of this source: keys its cursor and its line in `ecoute connectors status`. Defaults to "<type>:<query, feed or app>". Renaming it starts reading afresh.',
      ),
    interval_ms: duration('How often the source is polled for new mentions', defaults.interval_ms),
    lang: LangSchema.optional().describe('Language hint for mentions whose source does not say their language (detection still runs).'),
    timeout_ms: duration('Time one request has to answer completely (headers and body)', 30_000),
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

/** What the poller reads of every pull connector's config: its type and the fields above. */
export type PullConnectorConfig = { type: string } & z.output<z.ZodObject<ReturnType<typeof pullFields>>>;
