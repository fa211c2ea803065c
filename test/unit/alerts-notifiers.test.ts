// The notifiers against real receivers: a local HTTP server for the webhook and the Slack-compatible
// webhook (the signature verified with node:crypto as a receiver would), and a real in-process SMTP
// server (smtp-server) whose mail is parsed with mailparser.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertsDeliverySchema, type EmailNotifierConfig, type SlackNotifierConfig, type WebhookNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { EmailNotifier } from '../../src/alerts/notifiers/email.js';
import { deliver, messageRenderer } from '../../src/alerts/notifiers/index.js';
import { SlackNotifier } from '../../src/alerts/notifiers/slack.js';
import { WebhookNotifier } from '../../src/alerts/notifiers/webhook.js';
import { retryAfterMs } from '../../src/alerts/notifiers/http.js';
import type { BrandConfig } from '../../src/config/schema.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const SECRET = 'whsec-test-0123456789abcdef';
process.env.TEST_ALERT_WEBHOOK_SECRET = SECRET;
process.env.TEST_SMTP_PASSWORD = 'smtp-pass-s3cret';

const brands = [
  { id: 'acme', name: 'Acme', query: 'acme', competitors: [], language: 'en' },
  { id: 'boulange', name: 'La Boulange', query: 'boulange', competitors: [], language: 'fr' },
] as unknown as BrandConfig[];
const render = messageRenderer(brands, 'https://ecoute.example.org/base');

function notifierConfig<T>(raw: Record<string, unknown>): T {
  return AlertsDeliverySchema.parse({ notifiers: [raw] }).notifiers[0] as T;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
async function receiver(answers?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(answers);
  closers.push(() => r.close());
  return r;
}

/** What a receiver does (docs/alerts-delivery.md): HMAC-SHA256 of "<timestamp>.<raw body>", compared in constant time. */
function verifies(headers: Record<string, string | string[] | undefined>, body: string, secret: string): boolean {
  const timestamp = String(headers['x-ecoute-timestamp']);
  const given = String(headers['x-ecoute-signature']).replace(/^v1=/, '');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex')) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

describe('webhook notifier', () => {
  it('POSTs the event as JSON with a signature a receiver verifies and the idempotency key', async () => {
    const r = await receiver();
    const config = notifierConfig<WebhookNotifierConfig>({ type: 'webhook', name: 'ops', url: `${r.url}/hook`, secret_env: 'TEST_ALERT_WEBHOOK_SECRET' });
    const event = openedEvent('a1');
    const outcome = await deliver(new WebhookNotifier(config, 'https://ecoute.example.org'), event);
    expect(outcome).toMatchObject({ status: 'sent', attempts: 1 });
    const [req] = await r.received(1);
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['idempotency-key']).toBe(event.key);
    expect(req?.headers['x-ecoute-event']).toBe('opened');
    expect(verifies(req!.headers, req!.body, SECRET)).toBe(true);
    expect(verifies(req!.headers, req!.body, 'another-secret-0123456')).toBe(false);
    expect(verifies(req!.headers, req!.body.replace('tone-drop', 'tone-drip'), SECRET)).toBe(false);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({ key: event.key, kind: 'opened', incident: { id: event.incident.id }, alert: { id: 'a1' } });
    expect(body.dashboardUrl).toBe(`https://ecoute.example.org${event.alert!.explanation.link}`);
    expect(req!.body).not.toContain(SECRET);
  });

  it('retries 503 and 429 with back-off, honouring Retry-After, then sends', async () => {
    const r = await receiver([{ status: 503, body: 'busy' }, { status: 429, headers: { 'retry-after': '0' } }, { status: 204 }]);
    const config = notifierConfig<WebhookNotifierConfig>({ type: 'webhook', name: 'ops', url: r.url, secret_env: 'TEST_ALERT_WEBHOOK_SECRET', retry_min_ms: 10, retry_max_ms: 50 });
    const failures: string[] = [];
    const outcome = await deliver(new WebhookNotifier(config), openedEvent('a2'), { onFailedTry: (e) => failures.push(`${e.code} ${e.retriable}`) });
    expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
    expect(failures).toEqual(['NOTIFY_HTTP true', 'NOTIFY_HTTP true']);
    const requests = await r.received(3);
    expect(new Set(requests.map((q) => q.headers['idempotency-key']))).toEqual(new Set([openedEvent('a2').key]));
  });

  it('gives up after max_attempts, and at once on a 400 no retry can fix', async () => {
    const down = await receiver([{ status: 500 }]);
    const config = notifierConfig<WebhookNotifierConfig>({ type: 'webhook', name: 'ops', url: down.url, secret_env: 'TEST_ALERT_WEBHOOK_SECRET', max_attempts: 3, retry_min_ms: 5, retry_max_ms: 10 });
    const outcome = await deliver(new WebhookNotifier(config), openedEvent('a3'));
    expect(outcome).toMatchObject({ status: 'dead_lettered', attempts: 3, error: { code: 'NOTIFY_HTTP' } });
    expect(down.requests).toHaveLength(3);
    const refused = await receiver([{ status: 400, body: 'bad payload' }]);
    const outcome2 = await deliver(new WebhookNotifier({ ...config, url: refused.url }), openedEvent('a4'));
    expect(outcome2).toMatchObject({ status: 'dead_lettered', attempts: 1 });
    expect(refused.requests).toHaveLength(1);
  });

  it('a receiver that cannot be reached is NOTIFY_UNREACHABLE, retried', async () => {
    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    const config = notifierConfig<WebhookNotifierConfig>({ type: 'webhook', name: 'ops', url, secret_env: 'TEST_ALERT_WEBHOOK_SECRET', max_attempts: 2, retry_min_ms: 5, retry_max_ms: 10 });
    const outcome = await deliver(new WebhookNotifier(config), openedEvent('a5'));
    expect(outcome).toMatchObject({ status: 'dead_lettered', attempts: 2, error: { code: 'NOTIFY_UNREACHABLE', retriable: true } });
  });

  it('refuses to start without its secret, naming the variable and not a value', () => {
    const config = notifierConfig<WebhookNotifierConfig>({ type: 'webhook', name: 'ops', url: 'https://example.org/h', secret_env: 'TEST_UNSET_SECRET_VAR' });
    expect(() => new WebhookNotifier(config)).toThrow(expect.objectContaining({ code: 'NOTIFY_CONFIG', message: expect.stringContaining('TEST_UNSET_SECRET_VAR') }));
    expect(() => AlertsDeliverySchema.parse({ notifiers: [{ type: 'webhook', name: 'ops', url: 'https://example.org/h' }] })).toThrow(/secret_env or secret_file/);
    expect(() => AlertsDeliverySchema.parse({ notifiers: [{ type: 'slack', name: 'x', url_env: 'A' }, { type: 'slack', name: 'x', url_env: 'B' }] })).toThrow(/used twice/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('slack notifier', () => {
  it('posts blocks with the summary, metric, value and baseline, fields and terms, examples as plain text, and the link', async () => {
    const r = await receiver();
    process.env.TEST_SLACK_URL = `${r.url}/services/T000/B000/XXXXsecretpart`;
    const config = notifierConfig<SlackNotifierConfig>({ type: 'slack', name: 'comms', url_env: 'TEST_SLACK_URL' });
    const outcome = await deliver(new SlackNotifier(config, render), openedEvent('s1'));
    expect(outcome.status).toBe('sent');
    const [req] = await r.received(1);
    expect(req?.url).toBe('/services/T000/B000/XXXXsecretpart');
    const payload = JSON.parse(req!.body) as { text: string; blocks: { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { type: string; url?: string; text?: unknown }[] }[] };
    expect(payload.text).toContain('Acme');
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'New incident · high' } });
    expect(payload.blocks[1]?.text?.text).toContain('Negative share of Acme rose to 62%');
    const facts = payload.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);
    expect(facts).toEqual(expect.arrayContaining(['*Negative share*\n62%', '*Usual*\n18%', '*Rule*\ntone-drop']));
    const texts = payload.blocks.filter((b) => b.type === 'section' && b.text).map((b) => b.text!);
    expect(texts.find((t) => t.text.startsWith('Semantic fields'))?.text).toContain('delivery (30, 63% / 10%)');
    expect(texts.find((t) => t.text.startsWith('Terms'))?.text).toContain('late (22)');
    const example = texts.find((t) => t.text.includes('<script>'));
    expect(example?.type).toBe('plain_text'); // a stranger's words are never mrkdwn
    const button = payload.blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(button?.url).toBe('https://ecoute.example.org/base/?brand=acme&from=2026-03-02T10%3A00%3A00.000Z&to=2026-03-02T11%3A00%3A00.000Z&sentiment=negative');
  });

  it('never shows the URL (the credential) in an error', async () => {
    const r = await receiver([{ status: 404, body: 'no_service' }]);
    process.env.TEST_SLACK_URL2 = `${r.url}/services/T000/B000/YYYYsecretpart`;
    const config = notifierConfig<SlackNotifierConfig>({ type: 'slack', name: 'comms', url_env: 'TEST_SLACK_URL2', max_attempts: 1 });
    const outcome = await deliver(new SlackNotifier(config, render), openedEvent('s2'));
    expect(outcome.status).toBe('dead_lettered');
    if (outcome.status !== 'dead_lettered') return;
    expect(outcome.error.message).toContain('slack notifier comms');
    expect(outcome.error.message).not.toContain('YYYYsecretpart');
  });
});

describe('email notifier', () => {
  async function smtp(): Promise<{ port: number; mails: ParsedMail[]; auth: string[]; received(n: number): Promise<ParsedMail[]> }> {
    const mails: ParsedMail[] = [];
    const auth: string[] = [];
    const waiters: (() => void)[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onAuth(a, _session, cb) {
        auth.push(`${a.username}:${a.password}`);
        cb(null, { user: a.username });
      },
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            for (const w of waiters.splice(0)) w();
            cb();
          })
          .catch(cb);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.server.address() as AddressInfo).port;
    const received = async (n: number): Promise<ParsedMail[]> => {
      while (mails.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return mails;
    };
    return { port, mails, auth, received };
  }

  it('arrives at the SMTP server with the explanation in a text and an HTML part, mention text escaped', async () => {
    const server = await smtp();
    const config = notifierConfig<EmailNotifierConfig>({ type: 'email', name: 'mail', host: '127.0.0.1', port: server.port, username: 'ecoute', password_env: 'TEST_SMTP_PASSWORD', from: 'écoute <alerts@example.org>', to: ['comms@example.org'] });
    const notifier = new EmailNotifier(config, render);
    closers.push(() => notifier.close());
    const event = openedEvent('e1');
    expect((await deliver(notifier, event)).status).toBe('sent');
    const [mail] = await server.received(1);
    expect(server.auth).toEqual(['ecoute:smtp-pass-s3cret']);
    expect(mail?.subject).toBe('[écoute] Acme · New incident · high: Negative share of Acme rose to 62% (usually 18%), driven by delivery.');
    expect(mail?.from?.value[0]).toMatchObject({ name: 'écoute', address: 'alerts@example.org' });
    expect(mail?.headers.get('x-ecoute-idempotency-key')).toBe(event.key);
    const text = mail?.text ?? '';
    expect(text).toContain('Negative share: 62%');
    expect(text).toContain('Usual: 18%');
    expect(text).toContain('Semantic fields over-weighing: delivery (30, 63% / 10%)');
    expect(text).toContain('"My parcel is 2 weeks late <script>alert(1)</script> & nobody answers" (reddit');
    expect(text).toContain('Open the mentions in the dashboard: https://ecoute.example.org/base/?brand=acme');
    const html = String(mail?.html);
    expect(html).toContain('My parcel is 2 weeks late &lt;script&gt;alert(1)&lt;/script&gt; &amp; nobody answers');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<a href="https://ecoute.example.org/base/?brand=acme&amp;from=');
  });

  it('is written in the brand\'s language (French)', async () => {
    const server = await smtp();
    const config = notifierConfig<EmailNotifierConfig>({ type: 'email', name: 'mail', host: '127.0.0.1', port: server.port, from: 'alerts@example.org', to: ['comms@example.org'] });
    const notifier = new EmailNotifier(config, render);
    closers.push(() => notifier.close());
    const event = openedEvent('e2', { brand: 'boulange', explanation: { ...openedEvent('x').alert!.explanation, summary: 'La part négative de La Boulange monte à 62 % (habituellement 18 %).' } });
    expect((await deliver(notifier, event)).status).toBe('sent');
    const [mail] = await server.received(1);
    expect(mail?.subject).toContain('La Boulange · Nouvel incident · élevée');
    expect(mail?.text).toContain('Part négative: 62 %');
    expect(mail?.text).toContain('Voir les mentions dans le tableau de bord');
    expect(String(mail?.html)).toContain('<html lang="fr">');
  });

  it('an SMTP server that is down is NOTIFY_SMTP, retried', async () => {
    const server = await smtp();
    const port = server.port;
    await closers.pop()!();
    const config = notifierConfig<EmailNotifierConfig>({ type: 'email', name: 'mail', host: '127.0.0.1', port, from: 'a@example.org', to: ['b@example.org'], max_attempts: 2, retry_min_ms: 5, retry_max_ms: 10 });
    const notifier = new EmailNotifier(config, render);
    closers.push(() => notifier.close());
    expect(await deliver(notifier, openedEvent('e3'))).toMatchObject({ status: 'dead_lettered', attempts: 2, error: { code: 'NOTIFY_SMTP', retriable: true } });
  });
});
