// Configuration of alert delivery (top-level `alerts` in the config): the named notifiers, which
// brands, severities and incident changes each one gets, and how hard it tries. Credentials (the
// webhook's signing secret, the Slack incoming-webhook URL, the SMTP password) are never written in
// the file: each names an environment variable or a file (`*_env`, `*_file`, marked secret), read
// at start into a Secret that never reaches a log, a topic, a dead letter or the store.
import { z } from 'zod';
import { duration } from '../../core/config/fields.js';
import { secretFields } from '../../core/config/secret.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const EVENT_KINDS = ['opened', 'updated', 'resolved'] as const;

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, "-" or "_"')
  .describe('Name of this notifier, unique: it keys the delivery log (each incident change is sent once per notifier) and appears in logs and dead letters.');

/** What every notifier shares: what it gets, and its retries. */
const common = {
  name,
  brands: z.array(z.string().min(1)).default([]).describe('Brand ids whose incidents this notifier gets; empty (the default): every brand.'),
  min_severity: z.enum(SEVERITIES).default('low').describe('Least severity sent: low (everything), medium, high or critical.'),
  events: z
    .array(z.enum(EVENT_KINDS))
    .min(1)
    .default(['opened', 'updated', 'resolved'])
    .describe('Which incident changes are sent: opened (the first alert), updated (a further alert joined it), resolved (back within its band).'),
  max_attempts: z.number().int().min(1).max(20).default(5).describe('Tries of one message before it is dead-lettered (to mentions.dlq, without any credential).'),
  retry_min_ms: duration('Wait before the first retry; it doubles on each retry (a Retry-After answered by the receiver is honoured on top)', 1000),
  retry_max_ms: duration('Longest wait between two tries, a Retry-After included', 60_000),
  timeout_ms: duration('Time the receiver has to answer one try', 10_000),
  // Issue 14, security: the receiver is the operator's own, often on the internal network.
  allow_private_networks: z
    .boolean()
    .default(true)
    .describe(
      'Let the receiver be on loopback or a private network (an internal chat or incident tool). Cloud metadata addresses (169.254.169.254, fd00:ec2::254...) are refused anyway, and redirects are never followed. Set false to refuse every non-public address.',
    ),
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const WebhookNotifierSchema = z
  .strictObject({
    type: z.literal('webhook'),
    ...common,
    url: httpUrl.describe('Where the JSON is POSTed. Use https:// outside one machine.'),
    ...secretFields('secret', 'HMAC-SHA256 signing secret (at least 16 characters; the receiver verifies X-Ecoute-Signature with it)'),
  })
  .refine((c) => c.secret_env !== undefined || c.secret_file !== undefined, { message: 'needs secret_env or secret_file (the signing secret)', path: ['secret_env'] })
  .describe('A generic webhook: each incident change POSTed as JSON, signed with HMAC-SHA256, with an Idempotency-Key (docs/alerts-delivery.md).');

export const SlackNotifierSchema = z
  .strictObject({
    type: z.literal('slack'),
    ...common,
    ...secretFields('url', 'Slack-compatible incoming-webhook URL (https://hooks.slack.com/services/...): whoever has it can post, so it is a secret'),
  })
  .refine((c) => c.url_env !== undefined || c.url_file !== undefined, { message: 'needs url_env or url_file (the incoming-webhook URL)', path: ['url_env'] })
  .describe('A Slack (or Mattermost, Rocket.Chat...) incoming webhook: the explanation as message blocks, with the dashboard link.');

export const EmailNotifierSchema = z
  .strictObject({
    type: z.literal('email'),
    ...common,
    host: z.string().min(1).describe('SMTP server host name.'),
    port: z.number().int().min(1).max(65535).default(587).describe('SMTP port: 587 (submission, STARTTLS), 465 (implicit TLS, set secure) or 25.'),
    secure: z.boolean().default(false).describe('TLS from the first byte (port 465). Off: STARTTLS is used when the server offers it.'),
    require_tls: z.boolean().default(false).describe('Refuse to send unless the connection is upgraded with STARTTLS.'),
    username: z.string().min(1).optional().describe('SMTP user name, when the server asks for one (with password_env or password_file).'),
    ...secretFields('password', 'SMTP password'),
    from: z.string().min(3).describe('Sender, e.g. "écoute <alerts@example.org>".'),
    to: z.array(z.string().min(3)).min(1).describe('Recipients.'),
  })
  .refine((c) => c.username === undefined || c.password_env !== undefined || c.password_file !== undefined, { message: 'username needs password_env or password_file', path: ['username'] })
  .describe('Email through SMTP (nodemailer): an HTML and a text part, in the brand\'s language.');

export const NotifierSchema = z.discriminatedUnion('type', [WebhookNotifierSchema, SlackNotifierSchema, EmailNotifierSchema]).describe('Where alerts are sent.');

export const AlertsDeliverySchema = z
  .strictObject({
    notifiers: z
      .array(NotifierSchema)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((n, i) => {
          if (seen.has(n.name)) ctx.addIssue({ code: 'custom', message: `notifier name "${n.name}" is used twice`, path: [i, 'name'] });
          seen.add(n.name);
        });
      })
      .describe('Where incident changes are sent (webhook, slack, email). None: alerts are only stored, listed and shown on the dashboard.'),
    public_url: httpUrl
      .optional()
      .describe('Base URL of the dashboard as recipients reach it (e.g. https://ecoute.example.org), for the links in messages. Default: http://<http.host>:<http.port>.'),
  })
  .describe('Alert delivery: notifiers (the rules themselves are per brand, brands[].alerts).');

export type NotifierConfig = z.output<typeof NotifierSchema>;
export type WebhookNotifierConfig = z.output<typeof WebhookNotifierSchema>;
export type SlackNotifierConfig = z.output<typeof SlackNotifierSchema>;
export type EmailNotifierConfig = z.output<typeof EmailNotifierSchema>;
export type AlertsDeliveryConfig = z.output<typeof AlertsDeliverySchema>;
export const ALERTS_DELIVERY_DEFAULT: AlertsDeliveryConfig = { notifiers: [] };
