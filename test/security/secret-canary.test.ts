// The secret canary: a known random value in every secret slot of the config (enumerated from the
// zod schema, so a new slot fails this test until it is filled here), then every error path the
// test can reach — upstreams that echo our headers, URL and body back in their error answers,
// webhook requests with wrong signatures, wrong API tokens, failing notifiers (webhook, Slack, SMTP
// refusing the login), failing report deliveries, a config error — and then a search for each value
// in stderr and stdout, every file of the data directory (topics, the store, dead letters, alerts,
// incidents, delivery logs, cursors, status), exports, reports and error messages: zero hits.
//
// Elasticsearch and Kafka have no credential slot in the config (schema below): nothing to fill.
// /metrics is not on this branch (ops part): the lead re-runs this search over it after merging.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertsDeliverySchema, type EmailNotifierConfig, type SlackNotifierConfig, type WebhookNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { EmailNotifier } from '../../src/alerts/notifiers/email.js';
import { deliver as deliverAlert, messageRenderer } from '../../src/alerts/notifiers/index.js';
import { SlackNotifier } from '../../src/alerts/notifiers/slack.js';
import { WebhookNotifier } from '../../src/alerts/notifiers/webhook.js';
import { ConfigSchema, type BrandConfig } from '../../src/config/schema.js';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { createLogger } from '../../src/core/log.js';
import { ReportDeliverySchema } from '../../src/reports/config.js';
import { deliver as deliverReport } from '../../src/reports/deliver/index.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { workspace } from '../helpers/cli.js';

const canary = (slot: string) => `CNRY${slot.replace(/[^a-z]/gi, '').slice(0, 10)}${randomBytes(12).toString('hex')}`;

/** Each secret slot of the config: the environment variable the config names, and its canary. */
const SLOTS = {
  'api.tokens[].secret': { env: 'SEC14_API_READ', value: canary('apiread') },
  'api.tokens[].secret#admin': { env: 'SEC14_API_ADMIN', value: canary('apiadmin') },
  'connectors[webhook].secret': { env: 'SEC14_WEBHOOK', value: canary('webhook') },
  'connectors[reddit].client_id': { env: 'SEC14_REDDIT_ID', value: canary('redditid') },
  'connectors[reddit].client_secret': { env: 'SEC14_REDDIT_SECRET', value: canary('redditsecret') },
  'connectors[mastodon].access_token': { env: 'SEC14_MASTODON', value: canary('mastodon') },
  'connectors[bluesky].app_password': { env: 'SEC14_BLUESKY', value: canary('bluesky') },
  'connectors[youtube].api_key': { env: 'SEC14_YOUTUBE', value: canary('youtube') },
  'alerts.notifiers[webhook].secret': { env: 'SEC14_ALERT_WEBHOOK', value: canary('alertwebhook') },
  'alerts.notifiers[slack].url': { env: 'SEC14_SLACK', value: '' /* a URL, set once the echo server listens */ },
  'alerts.notifiers[email].password': { env: 'SEC14_ALERT_SMTP', value: canary('alertsmtp') },
  'brands[].reports[].deliveries[email].smtp.password': { env: 'SEC14_REPORT_SMTP', value: canary('reportsmtp') },
  'brands[].reports[].deliveries[webhook].secret': { env: 'SEC14_REPORT_WEBHOOK', value: canary('reportwebhook') },
  // Not a config slot but a secret all the same: the key of the author pseudonyms (privacy).
  'env ECOUTE_AUTHOR_KEY': { env: 'ECOUTE_AUTHOR_KEY', value: canary('authorkey') },
};
const SLACK_PATH = `/services/T0SEC14/B0SEC14/${canary('slackpath')}`;

/** The secret slots the schema declares (meta secret: true on *_env / *_file fields), as "path.name". */
function schemaSlots(): string[] {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const found = new Set<string>();
  const walk = (node: unknown, path: string, variant: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const props = n.properties as Record<string, Record<string, unknown>> | undefined;
    const typeConst = (props?.type as { const?: string } | undefined)?.const;
    const here = typeConst ? `${path}[${typeConst}]` : path + variant;
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if ((value as { secret?: boolean }).secret === true) found.add(`${here}.${key.replace(/_(env|file)$/, '')}`.replace(/^\./, ''));
        walk(value, `${here}.${key}`, '');
      }
    }
    if (n.items) walk(n.items, path, '[]');
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const) for (const x of (n[k] as unknown[] | undefined) ?? []) walk(x, path, variant);
    if (n.default !== undefined && typeof n.default === 'object') return;
  };
  walk(schema, '', '');
  return [...found].sort();
}

interface Echo {
  server: Server;
  port: number;
  requests: string[];
  /** Resolves once `n` requests whose "METHOD path" matches arrived. */
  seen(match: RegExp, n?: number): Promise<void>;
}

/** An upstream that answers errors echoing back everything it was sent: headers, URL and body. */
async function echoServer(): Promise<Echo> {
  const requests: string[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = JSON.stringify({ error: 'echo', method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      requests.push(`${req.method} ${req.url}`);
      for (const w of waiters.splice(0)) w();
      const status = /token|session/i.test(req.url ?? '') ? 401 : 500;
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo-authorization': String(req.headers.authorization ?? '') }).end(echo);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    requests,
    async seen(match, n = 1) {
      while (requests.filter((r) => match.test(r)).length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** An SMTP server that refuses every login, repeating the password it was given in its answer. */
async function refusingSmtp(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      callback(new Error(`535 invalid credentials for ${auth.username} with password ${auth.password}`));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let echo: Echo;
let smtp: Awaited<ReturnType<typeof refusingSmtp>>;
/** Everything écoute wrote where a person or a process may read it. */
const outputs: { where: string; text: Buffer }[] = [];

beforeAll(async () => {
  echo = await echoServer();
  smtp = await refusingSmtp();
  SLOTS['alerts.notifiers[slack].url'].value = `http://127.0.0.1:${echo.port}${SLACK_PATH}`;
  for (const slot of Object.values(SLOTS)) process.env[slot.env] = slot.value;
});

afterAll(async () => {
  await new Promise((resolve) => echo?.server.close(resolve));
  await smtp?.close();
  for (const slot of Object.values(SLOTS)) delete process.env[slot.env];
});

/** Every form a secret may be written in (for the Slack URL, its secret path). */
function forms(value: string): string[] {
  const secret = value.startsWith('http') ? SLACK_PATH.split('/').pop()! : value;
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), secret.slice(4, 24)];
}

function hits(): string[] {
  const found: string[] = [];
  for (const [slot, { value }] of Object.entries(SLOTS)) {
    for (const form of forms(value)) for (const o of outputs) if (o.text.includes(form)) found.push(`${slot} in ${o.where}`);
  }
  return [...new Set(found)];
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secret canary', () => {
  it('every secret slot of the schema is filled here (a new slot must be added to SLOTS)', () => {
    const declared = schemaSlots();
    const filled = new Set(Object.keys(SLOTS).map((k) => k.replace(/#.*$/, '')));
    expect(declared.length).toBeGreaterThanOrEqual(12);
    expect(declared.filter((s) => !filled.has(s))).toEqual([]);
  });

  it('ecoute run with every slot filled, its error paths exercised: no secret in stderr, stdout, the data directory or the exports', async () => {
    const ws = workspace(`data_dir: ./data
http: { host: 127.0.0.1, port: 0 }
brands:
  - id: acme
    name: Acme
    query: acme
    reports:
      - name: weekly
        cron: '0 8 * * 1'
        period: week
        formats: [md]
        deliveries:
          - { type: email, smtp: { host: 127.0.0.1, port: ${smtp.port}, user: reports, password_env: SEC14_REPORT_SMTP, timeout_ms: 5000 }, from: r@example.org, to: [c@example.org] }
          - { type: webhook, url: 'http://127.0.0.1:${echo.port}/report-hook', secret_env: SEC14_REPORT_WEBHOOK }
api:
  tokens:
    - { name: dash, scope: read, secret_env: SEC14_API_READ }
    - { name: ops, scope: admin, secret_env: SEC14_API_ADMIN }
alerts:
  notifiers:
    - { type: webhook, name: hook, url: 'http://127.0.0.1:${echo.port}/alert-hook', secret_env: SEC14_ALERT_WEBHOOK, max_attempts: 1 }
    - { type: slack, name: chat, url_env: SEC14_SLACK, max_attempts: 1 }
    - { type: email, name: mail, host: 127.0.0.1, port: ${smtp.port}, username: alerts, password_env: SEC14_ALERT_SMTP, from: a@example.org, to: [c@example.org], max_attempts: 1 }
connectors:
  - { type: file, path: ./mentions.jsonl }
  - { type: webhook, source: crm, secret_env: SEC14_WEBHOOK }
  - { type: reddit, query: acme, client_id_env: SEC14_REDDIT_ID, client_secret_env: SEC14_REDDIT_SECRET, api_url: 'http://127.0.0.1:${echo.port}/reddit', oauth_api_url: 'http://127.0.0.1:${echo.port}/reddit-oauth', token_url: 'http://127.0.0.1:${echo.port}/reddit/api/v1/access_token', allow_private_networks: true, interval_ms: 1000 }
  - { type: mastodon, instance: 'http://127.0.0.1:${echo.port}/mastodon', query: acme, access_token_env: SEC14_MASTODON, allow_private_networks: true, interval_ms: 1000 }
  - { type: bluesky, query: acme, identifier: acme.example, app_password_env: SEC14_BLUESKY, service: 'http://127.0.0.1:${echo.port}/bluesky', allow_private_networks: true, interval_ms: 1000 }
  - { type: youtube, query: acme, api_key_env: SEC14_YOUTUBE, api_url: 'http://127.0.0.1:${echo.port}/youtube', allow_private_networks: true, interval_ms: 1000 }
`);
    writeFileSync(join(ws.dir, 'mentions.jsonl'), `${JSON.stringify({ source: 'forum', id: 'c1', text: 'Acme delivery was late', published_at: '2026-11-20T10:00:00Z', author: 'someone' })}\n`);
    const child = ws.spawn(['run']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      // Each pull connector tried its upstream twice (the first error was handled before the retry).
      await Promise.all([echo.seen(/reddit/, 2), echo.seen(/mastodon/, 2), echo.seen(/bluesky/, 2), echo.seen(/youtube/, 2)]);
      while (!/http:\/\/127\.0\.0\.1:\d+/.test(stdout)) {
        if (child.exitCode !== null) throw new Error(`ecoute run exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const base = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)![0];
      const read = SLOTS['api.tokens[].secret'].value;
      const admin = SLOTS['api.tokens[].secret#admin'].value;
      const webhookSecret = SLOTS['connectors[webhook].secret'].value;
      // Wrong tokens, a read token on an admin route, tokens in the query string.
      for (const [path, authorization] of [
        ['/api/brands', `Bearer ${read}x`],
        ['/api/mentions/export', `Bearer ${read}`],
        [`/api/brands?token=${admin}`, `Bearer ${admin.slice(0, -1)}`],
        [`/api/nope?access_token=${read}`, `Bearer ${read}`],
      ] as const) {
        const res = await fetch(`${base}${path}`, { headers: { authorization } });
        outputs.push({ where: `answer to ${path.slice(0, 20)}`, text: Buffer.from(JSON.stringify([...res.headers]) + (await res.text())) });
      }
      // The webhook: wrong secret (the secret itself used as a timestamp or signature), bad JSON, a good one.
      const body = JSON.stringify({ id: 'w1', text: 'Acme support was quick' });
      for (const headers of [
        signRequest(`${webhookSecret}-wrong`, body),
        { 'X-Ecoute-Timestamp': webhookSecret, 'X-Ecoute-Signature': `v1=${webhookSecret}` },
        signRequest(webhookSecret, body),
        signRequest(webhookSecret, body),
      ]) {
        const res = await fetch(`${base}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        outputs.push({ where: 'webhook answer', text: Buffer.from(JSON.stringify([...res.headers]) + (await res.text())) });
      }
      const bad = signRequest(webhookSecret, '{not json');
      const res = await fetch(`${base}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...bad }, body: '{not json' });
      outputs.push({ where: 'webhook answer', text: Buffer.from(await res.text()) });
      // What people read: search, exports (CSV, JSON lines), the report in every text format.
      for (const path of ['/api/mentions?q=acme', '/api/mentions/export?format=csv', '/api/mentions/export?format=jsonl', '/api/brands/acme/report?format=md&period=last-7d', '/api/brands/acme/report?format=html&period=last-7d', '/api/brands/acme/report?format=json&period=last-7d', '/api/alerts', '/api/incidents']) {
        const answer = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${admin}` } });
        outputs.push({ where: `answer to ${path}`, text: Buffer.from(await answer.text()) });
      }
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
    }
    outputs.push({ where: 'ecoute run stdout', text: Buffer.from(stdout) }, { where: 'ecoute run stderr', text: Buffer.from(stderr) });
    const status = ws.run(['connectors', 'status']);
    outputs.push({ where: 'ecoute connectors status', text: Buffer.from(status.stdout + status.stderr) });
    // Every file of the data directory: the embedded bus (topics, dead letters), the store,
    // alerts.sqlite (alerts, incidents, delivery log), reports.sqlite, cursors and status.
    const files = filesUnder(join(ws.dir, 'data'));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) outputs.push({ where: file.slice(ws.dir.length), text: readFileSync(file) });
    expect(stderr, 'the connectors did fail (the error paths ran)').toMatch(/reddit|mastodon|bluesky|youtube/i);
    // The test is live: the YouTube key went to the upstream in the URL, which echoed it back in its error body.
    expect(echo.requests.some((r) => r.includes(SLOTS['connectors[youtube].api_key'].value))).toBe(true);
    expect(hits()).toEqual([]);
  }, 240_000);

  it('failing notifiers and report deliveries: no secret in their errors, outcomes or logs', async () => {
    const lines: string[] = [];
    const log = createLogger({}, new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const brands = [{ id: 'acme', name: 'Acme', query: 'acme', competitors: [], language: 'en' }] as unknown as BrandConfig[];
    const render = messageRenderer(brands, 'https://ecoute.example.org');
    const parse = <T>(raw: object) => AlertsDeliverySchema.parse({ notifiers: [raw] }).notifiers[0] as T;
    const notifiers = [
      new WebhookNotifier(parse<WebhookNotifierConfig>({ type: 'webhook', name: 'hook', url: `http://127.0.0.1:${echo.port}/alert-hook`, secret_env: 'SEC14_ALERT_WEBHOOK', max_attempts: 1 }), render),
      new SlackNotifier(parse<SlackNotifierConfig>({ type: 'slack', name: 'chat', url_env: 'SEC14_SLACK', max_attempts: 1 }), render),
      new EmailNotifier(parse<EmailNotifierConfig>({ type: 'email', name: 'mail', host: '127.0.0.1', port: smtp.port, username: 'alerts', password_env: 'SEC14_ALERT_SMTP', from: 'a@example.org', to: ['c@example.org'], max_attempts: 1 }), render),
    ];
    for (const notifier of notifiers) {
      const outcome = await deliverAlert(notifier, openedEvent(`canary-${Math.random()}`));
      expect(outcome.status).not.toBe('sent');
      outputs.push({ where: `notifier outcome ${JSON.stringify(outcome).slice(0, 40)}`, text: Buffer.from(JSON.stringify(outcome)) });
      log.error('delivery failed', { outcome });
      await notifier.close();
    }
    const report = { data: { empty: true, message: 'nothing', brand: { id: 'acme', name: 'Acme' }, period: { from: '2026-11-02', to: '2026-11-09', label: 'W45' }, lang: 'en' }, files: [], schedule: 'weekly' } as never;
    for (const raw of [
      { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port, user: 'reports', password_env: 'SEC14_REPORT_SMTP', timeout_ms: 5000 }, from: 'r@example.org', to: ['c@example.org'] },
      { type: 'webhook', url: `http://127.0.0.1:${echo.port}/report-hook`, secret_env: 'SEC14_REPORT_WEBHOOK' },
    ]) {
      const error = await deliverReport(ReportDeliverySchema.parse(raw), report).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error, `${raw.type} delivery failed`).toBeInstanceOf(Error);
      outputs.push({ where: `report ${raw.type} error`, text: Buffer.from(`${error!.message} ${String(error!.stack)} ${JSON.stringify(error)}`) });
      log.error(error!.message, { error: String(error) });
    }
    // The echo server did get the secrets (the test is live): they went where they belong.
    expect(echo.requests.some((r) => r.includes(SLACK_PATH))).toBe(true);
    outputs.push({ where: 'in-process log', text: Buffer.from(lines.join('')) });
    expect(hits()).toEqual([]);
  }, 60_000);

  it('a config error names the slot, never the value', () => {
    process.env.SEC14_SHORT = 'CNRYshort1';
    const ws = workspace(`data_dir: ./data
api:
  tokens:
    - { name: dash, scope: read, secret_env: SEC14_SHORT }
`);
    const r = ws.run(['run']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/api\.tokens\[0\]/);
    expect(r.stdout + r.stderr).not.toContain('CNRYshort1');
    delete process.env.SEC14_SHORT;
  });
});
