// The webhook connector: POST /ingest/<source>, signed with HMAC-SHA256 over "<timestamp>.<raw body>".
// Signature, freshness, replay, size, content type, partial batches, and that a 202 means durable
// (the records are in the bus file when the answer arrives).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import type { RunningConnector } from '../../src/connectors/types.js';
import { signRequest, webhookConnector } from '../../src/connectors/webhook/index.js';
import { computeSignature } from '../../src/connectors/webhook/signature.js';
import { WebhookConnectorSchema, type WebhookConnectorConfig } from '../../src/connectors/webhook/config.js';
import { parseConfig } from '../../src/config/load.js';
import { isEcouteError } from '../../src/core/errors.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { RawMention } from '../../src/core/types.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { SqliteStatusStore } from '../../src/connectors/status-store.js';
import type { Bus, BusRecord, Topic } from '../../src/streams/bus/types.js';
import type { DeadLetter } from '../../src/streams/dead-letter.js';

const SECRET = 'whsec-zendesk-5f0c2b9e8d7a6c41';
const OTHER_SECRET = 'whsec-typeform-9a8b7c6d5e4f3a2b';

interface Setup {
  dir: string;
  busFile: string;
  bus: Bus;
  server: HttpServer;
  connectors: RunningConnector[];
  logs: string[];
  log: Logger;
  statusStore: SqliteStatusStore;
}

/** A bus whose writes can be made to fail or to wait, to test 503 and draining. */
class ControllableBus implements Bus {
  failNext = false;
  gate: Promise<void> | undefined;
  /** Called when a write reaches the gate and waits there. */
  onHeld: (() => void) | undefined;
  constructor(readonly inner: EmbeddedBus) {}
  async publish(topic: Topic, records: BusRecord[]): Promise<void> {
    if (this.gate) {
      this.onHeld?.();
      await this.gate;
    }
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk I/O error');
    }
    return this.inner.publish(topic, records);
  }
  consume: Bus['consume'] = (...args) => this.inner.consume(...args);
  endOffsets: Bus['endOffsets'] = (t) => this.inner.endOffsets(t);
  committedOffsets: Bus['committedOffsets'] = (t, g) => this.inner.committedOffsets(t, g);
  read: Bus['read'] = (...args) => this.inner.read(...args);
  close = () => this.inner.close();
}

function config(input: Partial<WebhookConnectorConfig> & { source: string }): WebhookConnectorConfig {
  return WebhookConnectorSchema.parse({ type: 'webhook', ...input });
}

let setup: Setup;
const savedEnv = { ...process.env };

async function start(
  configs: WebhookConnectorConfig[] = [config({ source: 'zendesk' })],
  options: { dir?: string; wrap?: (bus: EmbeddedBus) => Bus } = {},
): Promise<Setup> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ecoute-webhook-'));
  const busFile = join(dir, 'bus.sqlite');
  const embedded = new EmbeddedBus({ file: busFile });
  const bus = options.wrap ? options.wrap(embedded) : embedded;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({}, sink);
  const server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  const cursors = new SqliteCursorStore(':memory:');
  const statusStore = new SqliteStatusStore(':memory:');
  const connectors = configs.map((c) => webhookConnector.create(c, { bus, cursors, log, httpServer: server, dataDir: dir, statusStore }));
  await server.app.ready();
  setup = { dir, busFile, bus, server, connectors, logs, log, statusStore };
  return setup;
}

async function stop(s: Setup = setup): Promise<void> {
  await s.server.close();
  for (const c of s.connectors) await c.stop();
  await s.bus.close();
}

interface Sent {
  statusCode: number;
  headers: Record<string, unknown>;
  json: Record<string, unknown>;
  text: string;
}

const responses: string[] = [];

async function post(
  path: string,
  body: string | Buffer,
  options: { secret?: string; headers?: Record<string, string>; now?: number; sign?: boolean; contentType?: string } = {},
): Promise<Sent> {
  const signed = options.sign === false ? {} : signRequest(options.secret ?? SECRET, body, options.now);
  const res = await setup.server.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': options.contentType ?? 'application/json', ...signed, ...options.headers },
    payload: body,
  });
  responses.push(JSON.stringify(res.headers) + res.body);
  return { statusCode: res.statusCode, headers: res.headers, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {}, text: res.body };
}

const mention = (id: string, extra: Record<string, unknown> = {}) => ({ id, text: `Le support Acme a répondu vite, merci (${id})`, author: 'client-42', ...extra });

async function rawRecords(bus: Bus, topic: Topic = 'mentions.raw'): Promise<BusRecord[]> {
  return bus.read(topic, { 0: 0 });
}

beforeEach(() => {
  process.env.ECOUTE_WEBHOOK_ZENDESK_SECRET = SECRET;
  process.env.ECOUTE_WEBHOOK_TYPEFORM_SECRET = OTHER_SECRET;
});

afterEach(async () => {
  process.env = { ...savedEnv };
});

describe('webhook: signed requests', () => {
  it('answers 202 once the mentions are durable: they are in the bus file when the answer arrives', async () => {
    // ticket_tags is kept as raw because the config lists it (raw_keys); other extra fields are dropped.
    await start([config({ source: 'zendesk', raw_keys: ['ticket_tags'] })]);
    const body = JSON.stringify([mention('t-1', { rating: 5, lang: 'fr', published_at: '2026-11-03T14:05:00Z' }), mention('t-2', { url: 'https://support.example/t/2', ticket_tags: ['billing'] })]);
    const res = await post('/ingest/zendesk', body);
    expect(res.statusCode).toBe(202);
    expect(res.json).toMatchObject({ accepted: 2, rejected: [] });
    expect(typeof res.json.request_id).toBe('string');
    // `ecoute connectors status` sees the push source like a pull one.
    expect(setup.statusStore.read('webhook:zendesk')).toMatchObject({ status: { fetched: 2, type: 'webhook' }, fetchedLastHour: 2 });
    // Another connection to the same file sees the records at once: they were committed before the 202.
    const other = new EmbeddedBus({ file: setup.busFile });
    const records = await rawRecords(other);
    await other.close();
    expect(records).toHaveLength(2);
    const mentions = records.map((r) => JSON.parse(r.value) as RawMention);
    expect(mentions[0]).toMatchObject({ source: 'zendesk', sourceId: 't-1', rating: 1, lang: 'fr', publishedAt: '2026-11-03T14:05:00.000Z' });
    expect(mentions[1]).toMatchObject({ source: 'zendesk', sourceId: 't-2', url: 'https://support.example/t/2', raw: { ticket_tags: ['billing'] } });
    // And after closing and reopening the file.
    await stop();
    const reopened = new EmbeddedBus({ file: setup.busFile });
    expect(await rawRecords(reopened)).toHaveLength(2);
    await reopened.close();
  });

  it('takes one mention, an array, or {"mentions": [...]}; the source comes from the path', async () => {
    await start();
    expect((await post('/ingest/zendesk', JSON.stringify(mention('a')))).json).toMatchObject({ accepted: 1 });
    expect((await post('/ingest/zendesk', JSON.stringify({ mentions: [mention('b'), mention('c', { source: 'zendesk' })] }))).json).toMatchObject({ accepted: 2 });
    expect((await post('/ingest/zendesk', JSON.stringify(mention('d')), { contentType: 'application/json; charset=utf-8' })).statusCode).toBe(202);
    const records = await rawRecords(setup.bus);
    expect(records.map((r) => (JSON.parse(r.value) as RawMention).sourceId)).toEqual(['a', 'b', 'c', 'd']);
    expect(records.every((r) => (JSON.parse(r.value) as RawMention).source === 'zendesk')).toBe(true);
    await stop();
  });

  it('401 for a wrong signature, missing or malformed headers, a stale or future timestamp: each with its own reason, nothing written', async () => {
    await start();
    const body = JSON.stringify(mention('x'));
    const wrong = await post('/ingest/zendesk', body, { secret: 'not-the-secret-at-all-0000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json).toMatchObject({ error: 'WEBHOOK_BAD_SIGNATURE' });
    expect(wrong.json.reason).toMatch(/HMAC-SHA256/);

    const signed = signRequest(SECRET, body);
    const tampered = await post('/ingest/zendesk', body.replace('vite', 'lentement'), { sign: false, headers: signed });
    expect(tampered.json).toMatchObject({ error: 'WEBHOOK_BAD_SIGNATURE' });

    const noHeaders = await post('/ingest/zendesk', body, { sign: false });
    expect(noHeaders.statusCode).toBe(401);
    expect(noHeaders.json).toMatchObject({ error: 'WEBHOOK_UNSIGNED' });
    expect(noHeaders.json.reason).toMatch(/missing x-ecoute-timestamp/);

    const noSignature = await post('/ingest/zendesk', body, { sign: false, headers: { 'X-Ecoute-Timestamp': signed['X-Ecoute-Timestamp']! } });
    expect(noSignature.json).toMatchObject({ error: 'WEBHOOK_UNSIGNED' });
    expect(noSignature.json.reason).toMatch(/missing x-ecoute-signature/);

    const malformed = await post('/ingest/zendesk', body, { sign: false, headers: { ...signed, 'X-Ecoute-Signature': 'sha256=abc' } });
    expect(malformed.json).toMatchObject({ error: 'WEBHOOK_UNSIGNED' });
    expect(malformed.json.reason).toMatch(/v1=<64 hex digits>/);

    const stale = await post('/ingest/zendesk', body, { now: Date.now() - 10 * 60_000 });
    expect(stale.statusCode).toBe(401);
    expect(stale.json).toMatchObject({ error: 'WEBHOOK_STALE_TIMESTAMP' });
    expect(stale.json.reason).toMatch(/60[01] s in the past, beyond the 300 s tolerance/);

    const future = await post('/ingest/zendesk', body, { now: Date.now() + 10 * 60_000 });
    expect(future.json).toMatchObject({ error: 'WEBHOOK_STALE_TIMESTAMP' });
    expect(future.json.reason).toMatch(/in the future/);

    const ms = String(Date.now());
    const inMs = await post('/ingest/zendesk', body, {
      sign: false,
      headers: { 'X-Ecoute-Timestamp': ms, 'X-Ecoute-Signature': `v1=${computeSignature(SECRET, ms, body).toString('hex')}` },
    });
    expect(inMs.json).toMatchObject({ error: 'WEBHOOK_UNSIGNED' });
    expect(inMs.json.reason).toMatch(/milliseconds/);

    expect(await rawRecords(setup.bus)).toHaveLength(0);
    expect(await rawRecords(setup.bus, 'mentions.dlq')).toHaveLength(0);
    await stop();
  });

  it('a second signature entry (v1=...,v1=...) may carry the matching one', async () => {
    await start();
    const body = JSON.stringify(mention('rot'));
    const signed = signRequest(SECRET, body);
    const res = await post('/ingest/zendesk', body, {
      sign: false,
      headers: { ...signed, 'X-Ecoute-Signature': `v1=${'0'.repeat(64)}, ${signed['X-Ecoute-Signature']}` },
    });
    expect(res.statusCode).toBe(202);
    await stop();
  });

  it('401 for a replayed request, even after a restart; a new timestamp and signature is accepted', async () => {
    const first = await start();
    const body = JSON.stringify(mention('r-1'));
    const headers = signRequest(SECRET, body);
    expect((await post('/ingest/zendesk', body, { sign: false, headers })).statusCode).toBe(202);
    const replay = await post('/ingest/zendesk', body, { sign: false, headers });
    expect(replay.statusCode).toBe(401);
    expect(replay.json).toMatchObject({ error: 'WEBHOOK_REPLAY' });
    expect(replay.json.reason).toMatch(/already received/);
    await stop(first);

    // Same data dir, new process: the signature is still remembered.
    await start(undefined, { dir: first.dir });
    const afterRestart = await post('/ingest/zendesk', body, { sign: false, headers });
    expect(afterRestart.json).toMatchObject({ error: 'WEBHOOK_REPLAY' });
    const fresh = await post('/ingest/zendesk', body, { now: Date.now() + 1000 });
    expect(fresh.statusCode).toBe(202);
    expect(await rawRecords(setup.bus)).toHaveLength(2);
    await stop();
  });

  it('each source has its own secret; an unknown source is 404', async () => {
    await start([config({ source: 'zendesk' }), config({ source: 'typeform', secret_env: 'ECOUTE_WEBHOOK_TYPEFORM_SECRET' })]);
    const body = JSON.stringify(mention('s-1'));
    expect((await post('/ingest/typeform', body, { secret: OTHER_SECRET })).statusCode).toBe(202);
    const crossed = await post('/ingest/typeform', body, { secret: SECRET });
    expect(crossed.json).toMatchObject({ error: 'WEBHOOK_BAD_SIGNATURE' });
    const unknown = await post('/ingest/freshdesk', body);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json).toMatchObject({ error: 'WEBHOOK_UNKNOWN_SOURCE' });
    expect(unknown.json.reason).toMatch(/no webhook source "freshdesk"/);
    const records = await rawRecords(setup.bus);
    expect(records.map((r) => (JSON.parse(r.value) as RawMention).source)).toEqual(['typeform']);
    const get = await setup.server.app.inject({ method: 'GET', url: '/ingest/zendesk' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(JSON.parse(get.body)).toMatchObject({ error: 'HTTP_METHOD_NOT_ALLOWED' });
    await stop();
  });
});

describe('webhook: bodies', () => {
  it('413 for a body over max_body_bytes, before and after reading it', async () => {
    await start([config({ source: 'zendesk', max_body_bytes: 1000 }), config({ source: 'typeform', max_body_bytes: 100_000 })]);
    const big = JSON.stringify([mention('big', { text: 'x'.repeat(2000) })]);
    const res = await post('/ingest/zendesk', big);
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ error: 'WEBHOOK_TOO_LARGE' });
    expect(res.json.reason).toMatch(/larger than 1000 bytes, the max_body_bytes of source "zendesk"/);
    // Over the route's limit (the largest source's) too.
    const huge = await post('/ingest/typeform', JSON.stringify([mention('h', { text: 'x'.repeat(200_000) })]), { secret: OTHER_SECRET });
    expect(huge.statusCode).toBe(413);
    expect(await rawRecords(setup.bus)).toHaveLength(0);
    await stop();
  });

  it('413 for a chunked body (no Content-Length) over the limit, on a real socket', async () => {
    await start([config({ source: 'zendesk', max_body_bytes: 1000 })]);
    const url = new URL(await setup.server.listen());
    const body = JSON.stringify([mention('chunked', { text: 'y'.repeat(5000) })]);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: '/ingest/zendesk', method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // write() without Content-Length: Transfer-Encoding: chunked.
      for (let i = 0; i < body.length; i += 500) req.write(body.slice(i, i + 500));
      req.end();
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body)).toMatchObject({ error: 'WEBHOOK_TOO_LARGE' });
    await stop();
  });

  it('400 for malformed JSON, 415 for another content type; no stack in any answer', async () => {
    await start();
    const bad = await post('/ingest/zendesk', '[{"id": "a", "text": ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json).toMatchObject({ error: 'WEBHOOK_BAD_JSON' });
    expect(bad.json.reason).toMatch(/not JSON/);
    const empty = await post('/ingest/zendesk', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json.reason).toMatch(/empty/);
    const notUtf8 = await post('/ingest/zendesk', Buffer.from([0x7b, 0xff, 0x7d]));
    expect(notUtf8.json.reason).toMatch(/UTF-8/);
    const scalar = await post('/ingest/zendesk', '42');
    expect(scalar.json).toMatchObject({ error: 'WEBHOOK_BAD_JSON' });
    const text = await post('/ingest/zendesk', 'id,text\n1,hello', { contentType: 'text/csv' });
    expect(text.statusCode).toBe(415);
    expect(text.json).toMatchObject({ error: 'WEBHOOK_NOT_JSON' });
    expect(text.json.reason).toMatch(/application\/json; got "text\/csv"/);
    const latin1 = await post('/ingest/zendesk', '{}', { contentType: 'application/json; charset=iso-8859-1' });
    expect(latin1.statusCode).toBe(415);
    for (const r of [bad, empty, notUtf8, scalar, text, latin1]) expect(r.text).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
    await stop();
  });

  it('a partly valid array: 202, the valid ones written, the invalid ones listed and dead-lettered', async () => {
    await start();
    const body = JSON.stringify([
      mention('ok-1'),
      { id: 'no-text' },
      mention('ok-2', { rating: 4 }),
      mention('other-source', { source: 'freshdesk' }),
      mention('bad-rating', { rating: 9 }),
      'not an object',
    ]);
    const res = await post('/ingest/zendesk', body);
    expect(res.statusCode).toBe(202);
    expect(res.json.accepted).toBe(2);
    const rejected = res.json.rejected as { index: number; reason: string }[];
    expect(rejected.map((r) => r.index)).toEqual([1, 3, 4, 5]);
    expect(rejected[0]!.reason).toMatch(/text: required/);
    expect(rejected[1]!.reason).toMatch(/source: "freshdesk" differs from the source in the path \(\/ingest\/zendesk\)/);
    expect(rejected[2]!.reason).toMatch(/rating: must be 1 to 5 stars/);
    expect(rejected[3]!.reason).toMatch(/must be a JSON object/);
    expect((await rawRecords(setup.bus)).map((r) => (JSON.parse(r.value) as RawMention).sourceId)).toEqual(['ok-1', 'ok-2']);
    const dead = await rawRecords(setup.bus, 'mentions.dlq');
    expect(dead).toHaveLength(4);
    const letters = dead.map((r) => JSON.parse(r.value) as DeadLetter);
    expect(letters[0]).toMatchObject({ stage: 'connector', code: 'MENTION_INVALID', origin: { file: `webhook:zendesk#${String(res.json.request_id)}`, line: 1 } });
    expect(JSON.parse(letters[0]!.input)).toEqual({ id: 'no-text' });
    expect(dead.every((r) => r.headers?.['ecoute-ingest-id'] === res.json.request_id)).toBe(true);
    await stop();
  });

  it('all invalid: 400 with every reason, nothing written; an empty array is 400 too', async () => {
    await start();
    const res = await post('/ingest/zendesk', JSON.stringify([{ id: 'a' }, { text: 'no id' }]));
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ error: 'WEBHOOK_NO_VALID_MENTION', accepted: 0 });
    expect((res.json.rejected as unknown[]).length).toBe(2);
    const empty = await post('/ingest/zendesk', '[]');
    expect(empty.statusCode).toBe(400);
    expect(empty.json).toMatchObject({ error: 'WEBHOOK_NO_VALID_MENTION', accepted: 0, rejected: [] });
    expect(await rawRecords(setup.bus)).toHaveLength(0);
    expect(await rawRecords(setup.bus, 'mentions.dlq')).toHaveLength(0);
    await stop();
  });
});

describe('webhook: poison values and oversize requests', () => {
  /** `{"a":{"a":…}}` nested `depth` levels, as JSON text (built without recursion). */
  const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it('an item nested 5,000 levels deep is rejected with its reason (202 for the others), never a 500', async () => {
    await start([config({ source: 'zendesk', raw_keys: ['form'] })]);
    const good = JSON.stringify(mention('ok-1'));
    // In a kept extra field, in a field of the mention format, and in an item that is not an object.
    const body = `[${good},{"id":"deep-kept","text":"Acme","form":${deepJson(5000)}},{"id":"deep-text","text":${deepJson(5000)}},[${deepJson(5000)}],{"id":"deep-dropped","text":"Acme dropped extra","other":${deepJson(5000)}}]`;
    const res = await post('/ingest/zendesk', body);
    expect(res.statusCode).toBe(202);
    expect(res.json).toMatchObject({ accepted: 2, rejected_count: 3 });
    const rejected = res.json.rejected as { index: number; code: string; reason: string }[];
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'MENTION_TOO_DEEP'],
      [2, 'MENTION_INVALID'],
      [3, 'MENTION_INVALID'],
    ]);
    expect(rejected[0]!.reason).toMatch(/^raw\.form(\.a)+: nested more than 32 levels deep/);
    // An extra field that is not kept (not in raw_keys) is dropped, deep or not.
    const written = (await rawRecords(setup.bus)).map((r) => JSON.parse(r.value) as RawMention);
    expect(written.map((m) => [m.sourceId, m.raw])).toEqual([
      ['ok-1', undefined],
      ['deep-dropped', undefined],
    ]);
    // The dead letters hold the items as sent, cut at their bound and marked so.
    const letters = (await rawRecords(setup.bus, 'mentions.dlq')).map((r) => JSON.parse(r.value) as DeadLetter);
    expect(letters.map((l) => [l.origin.line, l.code, l.truncated])).toEqual([
      [1, 'MENTION_TOO_DEEP', true],
      [2, 'MENTION_INVALID', true],
      [3, 'MENTION_INVALID', true],
    ]);
    expect(letters[0]!.input.startsWith('{"id":"deep-kept","text":"Acme","form":{"a":{"a":')).toBe(true);
    await stop();
  });

  it('more items than max_items: 413 WEBHOOK_TOO_MANY_ITEMS, nothing written', async () => {
    await start([config({ source: 'zendesk', max_items: 10 })]);
    const res = await post('/ingest/zendesk', JSON.stringify(Array.from({ length: 11 }, (_, i) => mention(`m-${i}`))));
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ error: 'WEBHOOK_TOO_MANY_ITEMS', items: 11, max_items: 10, accepted: 0 });
    expect(res.json.reason).toMatch(/holds 11 mentions, more than 10, the max_items of source "zendesk"/);
    expect(await rawRecords(setup.bus)).toHaveLength(0);
    expect(await rawRecords(setup.bus, 'mentions.dlq')).toHaveLength(0);
    // Exactly max_items is fine.
    expect((await post('/ingest/zendesk', JSON.stringify(Array.from({ length: 10 }, (_, i) => mention(`m-${i}`))))).statusCode).toBe(202);
    await stop();
  });

  it('the default max_items refuses the 400,000 invalid items of an 800 KB body', async () => {
    await start();
    const body = `[${Array.from({ length: 400_000 }, () => '0').join(',')}]`;
    const res = await post('/ingest/zendesk', body);
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ error: 'WEBHOOK_TOO_MANY_ITEMS', items: 400_000, max_items: 1000 });
    expect(res.text.length).toBeLessThan(2000);
    expect(await rawRecords(setup.bus, 'mentions.dlq')).toHaveLength(0);
    await stop();
  });

  it('the answer lists the first 20 reasons and counts them all; every invalid item is dead-lettered', async () => {
    await start([config({ source: 'zendesk', max_items: 5000 })]);
    const items: unknown[] = [mention('ok-1'), ...Array.from({ length: 3000 }, (_, i) => ({ id: `bad-${i}` }))];
    const res = await post('/ingest/zendesk', JSON.stringify(items));
    expect(res.statusCode).toBe(202);
    expect(res.json).toMatchObject({ accepted: 1, rejected_count: 3000 });
    const rejected = res.json.rejected as { index: number; code: string; reason: string }[];
    expect(rejected).toHaveLength(20);
    expect(rejected[0]).toEqual({ index: 1, code: 'MENTION_INVALID', reason: 'text: required' });
    expect(rejected[19]!.index).toBe(20);
    expect(await rawRecords(setup.bus, 'mentions.dlq')).toHaveLength(3000);
    // All invalid: 400, the same bounded detail.
    const none = await post('/ingest/zendesk', JSON.stringify(items.slice(1)));
    expect(none.statusCode).toBe(400);
    expect(none.json).toMatchObject({ error: 'WEBHOOK_NO_VALID_MENTION', accepted: 0, rejected_count: 3000 });
    expect(none.json.rejected as unknown[]).toHaveLength(20);
    await stop();
  });
});

describe('webhook: failures and load', () => {
  it('503 when the bus write fails (retriable): the same signed request, retried, is then accepted', async () => {
    let bus!: ControllableBus;
    await start(undefined, { wrap: (inner) => (bus = new ControllableBus(inner)) });
    const body = JSON.stringify([mention('b-1')]);
    const headers = signRequest(SECRET, body);
    bus.failNext = true;
    const failed = await post('/ingest/zendesk', body, { sign: false, headers });
    expect(failed.statusCode).toBe(503);
    expect(failed.json).toMatchObject({ error: 'BUS_UNAVAILABLE' });
    expect(failed.headers['retry-after']).toBe('5');
    expect(failed.text).not.toMatch(/disk I\/O/);
    const retried = await post('/ingest/zendesk', body, { sign: false, headers });
    expect(retried.statusCode).toBe(202);
    expect(await rawRecords(bus)).toHaveLength(1);
    expect(setup.connectors[0]!.status()).toMatchObject({ fetched: 1, lastError: { message: expect.stringMatching(/could not be written/) } });
    await stop();
  });

  it('a bus that holds the write (a paused broker): 503 with Retry-After after bus_timeout_ms, never 2xx; the retry is accepted', async () => {
    let bus!: ControllableBus;
    await start([config({ source: 'zendesk', bus_timeout_ms: 300 })], { wrap: (inner) => (bus = new ControllableBus(inner)) });
    let open!: () => void;
    bus.gate = new Promise<void>((r) => (open = r));
    const held = new Promise<void>((r) => (bus.onHeld = r));
    const body = JSON.stringify([mention('held-1')]);
    const headers = signRequest(SECRET, body);
    const answer = post('/ingest/zendesk', body, { sign: false, headers });
    await held; // admitted, its bus write waiting on the gate
    const first = await answer; // answered while the write is still held
    expect(first.statusCode).toBe(503);
    expect(first.json).toMatchObject({ error: 'BUS_UNAVAILABLE' });
    expect(Number(first.headers['retry-after'])).toBeGreaterThan(0);
    expect(setup.connectors[0]!.status()).toMatchObject({ fetched: 0 });
    // The broker comes back: the held write may land, and the sender's retry of the same signed
    // request is accepted (the signature was not spent on a 503); the mention id is the same, so the
    // store keeps one mention.
    open();
    bus.gate = undefined;
    const retried = await post('/ingest/zendesk', body, { sign: false, headers });
    expect(retried.statusCode).toBe(202);
    expect(setup.connectors[0]!.status()).toMatchObject({ fetched: 1 });
    const ids = (await rawRecords(bus)).map((r) => (JSON.parse(r.value) as RawMention).sourceId);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ids)).toEqual(new Set(['held-1']));
    await stop();
  });

  it('over max_in_flight: 503 with Retry-After; closing the server lets the request in flight finish with its 202', async () => {
    let bus!: ControllableBus;
    await start([config({ source: 'zendesk', max_in_flight: 1 })], { wrap: (inner) => (bus = new ControllableBus(inner)) });
    let open!: () => void;
    bus.gate = new Promise<void>((r) => (open = r));
    const held = new Promise<void>((r) => (bus.onHeld = r));
    const slowBody = JSON.stringify([mention('slow')]);
    const slow = post('/ingest/zendesk', slowBody);
    await held; // the first request is in flight: admitted, its bus write waiting
    const busy = await post('/ingest/zendesk', JSON.stringify([mention('second')]));
    expect(busy.statusCode).toBe(503);
    expect(busy.json).toMatchObject({ error: 'WEBHOOK_BUSY' });
    expect(busy.headers['retry-after']).toBe('1');
    // The server is closed while the request is still held (close() does not wait for injected
    // requests): only then may its write go on.
    await setup.server.close();
    open();
    bus.gate = undefined;
    expect((await slow).statusCode).toBe(202);
    for (const c of setup.connectors) await c.stop();
    expect(await rawRecords(bus)).toHaveLength(1);
    await bus.close();
  });

  it('bounded replay memory: the signatures of expired timestamps are forgotten', async () => {
    const { ReplayGuard } = await import('../../src/connectors/webhook/replay.js');
    const guard = new ReplayGuard({ file: ':memory:', source: 'zendesk', maxEntries: 2 });
    const now = 1_000_000;
    expect(guard.claim('a', now)).toEqual({ ok: true });
    guard.commit('a', now + 1000);
    expect(guard.claim('a', now)).toEqual({ ok: false, why: 'replay' });
    expect(guard.claim('b', now)).toEqual({ ok: true });
    expect(guard.claim('b', now)).toEqual({ ok: false, why: 'in-flight' });
    guard.commit('b', now + 2000);
    expect(guard.claim('c', now)).toMatchObject({ ok: false, why: 'full', retryAfterMs: 1000 });
    // Once "a" expired it is pruned and there is room again.
    expect(guard.claim('c', now + 1500)).toEqual({ ok: true });
    guard.release('c');
    expect(guard.size()).toBe(1);
    guard.close();
  });
});

describe('webhook: secrets', () => {
  it('the secret never appears in logs or answers', async () => {
    process.env.ECOUTE_LOG_LEVEL = 'debug';
    await start();
    const body = JSON.stringify([mention('s-1'), { id: 'bad' }]);
    await post('/ingest/zendesk', body);
    await post('/ingest/zendesk', body, { secret: 'an-attacker-guess-1234567' });
    await post('/ingest/zendesk', body, { now: 0 });
    await post('/ingest/zendesk', '{oops');
    await post('/ingest/nowhere', body);
    await post('/ingest/zendesk', body, { contentType: 'text/plain' });
    await stop();
    const logText = setup.logs.join('');
    expect(logText).toMatch(/refused a request/);
    expect(logText).toMatch(/POST \/ingest\/zendesk 202/);
    for (const text of [logText, ...responses]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    }
    // Nor the expected signature of a refused request.
    expect(logText).not.toMatch(/[0-9a-f]{64}/);
  });

  it('a missing or short secret stops the start with a message naming where it was looked for, not the value', async () => {
    delete process.env.ECOUTE_WEBHOOK_ZENDESK_SECRET;
    const server = createHttpServer({ host: '127.0.0.1', port: 0, log: createLogger({}, new Writable({ write: (_c, _e, d) => d() })) });
    const bus = new EmbeddedBus({ file: ':memory:' });
    const context = { bus, cursors: new SqliteCursorStore(':memory:'), log: createLogger(), httpServer: server };
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        if (isEcouteError(error, 'CONFIG_INVALID')) return error.message;
        throw error;
      }
      throw new Error('expected an error');
    };
    expect(message(() => webhookConnector.create(config({ source: 'zendesk' }), context))).toMatch(/environment variable ECOUTE_WEBHOOK_ZENDESK_SECRET is not set/);
    process.env.MY_SHORT = 'tiny-secret';
    const short = message(() => webhookConnector.create(config({ source: 'zendesk', secret_env: 'MY_SHORT' }), context));
    expect(short).toMatch(/shorter than 16 characters/);
    expect(short).not.toContain('tiny-secret');
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-webhook-secret-'));
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
    const fromFile = webhookConnector.create(config({ source: 'zendesk', secret_file: join(dir, 'secret') }), context);
    expect(message(() => webhookConnector.create(config({ source: 'zendesk', secret_file: join(dir, 'secret') }), context))).toMatch(
      /two webhook connectors have the source "zendesk"/,
    );
    expect(message(() => webhookConnector.create(config({ source: 'typeform', secret_file: join(dir, 'missing') }), context))).toMatch(
      /file .*missing cannot be read/,
    );
    await server.app.ready();
    setup = { ...setup, server };
    const res = await post('/ingest/zendesk', JSON.stringify(mention('f')));
    expect(res.statusCode).toBe(202);
    await server.close();
    await fromFile.stop();
    await bus.close();
  });

  it('config: the webhook section is validated, its secret fields marked secret in the JSON Schema', async () => {
    const ok = parseConfig('connectors:\n  - { type: webhook, source: zendesk, secret_env: ECOUTE_WEBHOOK_ZENDESK_SECRET }\n');
    expect(ok.connectors[0]).toEqual({
      type: 'webhook',
      bus_timeout_ms: 10_000,
      source: 'zendesk',
      secret_env: 'ECOUTE_WEBHOOK_ZENDESK_SECRET',
      max_body_bytes: 1048576,
      tolerance_ms: 300000,
      max_in_flight: 64,
      max_items: 1000,
      raw_keys: [],
    });
    expect(ok.http).toEqual({ host: '127.0.0.1', port: 8080, request_timeout_ms: 30_000 });
    let message = '';
    try {
      parseConfig('connectors:\n  - { type: webhook, source: Zen Desk, secret_env: A, secret_file: /x, secret: s3cr3t }\n');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/connectors\[0\]\.source: must be lower-case/);
    expect(message).toMatch(/connectors\[0\]\.secret: unknown key/);
    const { configJsonSchema } = await import('../../src/config/json-schema.js');
    const text = JSON.stringify(configJsonSchema());
    expect(text).toMatch(/"secret_env":\{[^}]*"secret":true/);
    expect(text).toMatch(/"secret_file":\{[^}]*"secret":true/);
  });
});
