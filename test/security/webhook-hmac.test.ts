// The webhook's HMAC cases on a real socket (the HTTP host listening on 127.0.0.1, requests by
// fetch): a wrong secret, a tampered body, a missing header, a replayed request, an old or future
// timestamp, an oversize body (declared or chunked). Each gets its own status and error code, and
// none is persisted: nothing reaches mentions.raw or the dead letters, and the bus file does not
// hold the refused body's text.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { SqliteStatusStore } from '../../src/connectors/status-store.js';
import type { RunningConnector } from '../../src/connectors/types.js';
import { WebhookConnectorSchema } from '../../src/connectors/webhook/config.js';
import { signRequest, webhookConnector } from '../../src/connectors/webhook/index.js';
import { computeSignature } from '../../src/connectors/webhook/signature.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const SECRET = 'whsec-sec14-crm-6b1f0e9d8c7a5b43';
const OTHER = 'whsec-sec14-shop-0a9b8c7d6e5f4a3b';
process.env.ECOUTE_WEBHOOK_CRM_SECRET = SECRET;
process.env.ECOUTE_WEBHOOK_SHOP_SECRET = OTHER;

const dir = mkdtempSync(join(tmpdir(), 'ecoute-sec-hmac-'));
const busFile = join(dir, 'bus.sqlite');
const logs: string[] = [];
let bus: EmbeddedBus;
let server: HttpServer;
let base = '';
let connectors: RunningConnector[] = [];

beforeAll(async () => {
  bus = new EmbeddedBus({ file: busFile });
  const log = createLogger({}, new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  const cursors = new SqliteCursorStore(':memory:');
  const statusStore = new SqliteStatusStore(':memory:');
  connectors = ['crm', 'shop'].map((source) =>
    webhookConnector.create(WebhookConnectorSchema.parse({ type: 'webhook', source, max_body_bytes: 4096 }), { bus, cursors, log, httpServer: server, dataDir: dir, statusStore }),
  );
  base = await server.listen();
});

afterAll(async () => {
  await server?.close();
  for (const c of connectors) await c.stop();
  await bus?.close();
});

let n = 0;
/** A body whose text is unique, so the bus file can be searched for it. */
const body = () => JSON.stringify({ id: `m-${++n}`, text: `Acme refused-body-marker-${n}-${Math.random().toString(36).slice(2)}` });

async function send(raw: string | Buffer | ReadableStream, headers: Record<string, string>, source = 'crm') {
  const res = await fetch(`${base}/ingest/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw, ...(raw instanceof ReadableStream && { duplex: 'half' }) } as RequestInit);
  return { status: res.status, json: (await res.json()) as { error?: string; reason?: string; accepted?: number } };
}

async function persisted(): Promise<{ raw: number; dlq: number }> {
  const raw = await bus.endOffsets('mentions.raw');
  const dlq = await bus.endOffsets('mentions.dlq');
  const sum = (o: Record<number, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return { raw: sum(raw), dlq: sum(dlq) };
}

const now = () => Date.now();
/** The bus file and its write-ahead log, where a written record would be. */
const busBytes = () => Buffer.concat([busFile, `${busFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
type Case = [string, () => { raw: string | Buffer | ReadableStream; headers: Record<string, string>; marker?: string; source?: string }, number, string];

const CASES: Case[] = [
  ['wrong secret', () => { const b = body(); return { raw: b, headers: signRequest('whsec-not-the-right-one-00000000', b), marker: b }; }, 401, 'WEBHOOK_BAD_SIGNATURE'],
  ['another source\'s secret', () => { const b = body(); return { raw: b, headers: signRequest(OTHER, b), marker: b }; }, 401, 'WEBHOOK_BAD_SIGNATURE'],
  ['tampered body (one character changed after signing)', () => { const b = body(); const h = signRequest(SECRET, b); const t = b.replace('Acme', 'Acmf'); return { raw: t, headers: h, marker: t }; }, 401, 'WEBHOOK_BAD_SIGNATURE'],
  ['tampered body (re-serialized JSON, same meaning)', () => { const b = body(); const h = signRequest(SECRET, b); const t = JSON.stringify(JSON.parse(b), null, 1); return { raw: t, headers: h, marker: t }; }, 401, 'WEBHOOK_BAD_SIGNATURE'],
  ['timestamp changed, signature kept', () => { const b = body(); const h = signRequest(SECRET, b); return { raw: b, headers: { ...h, 'X-Ecoute-Timestamp': String(Number(h['X-Ecoute-Timestamp']) + 1) }, marker: b }; }, 401, 'WEBHOOK_BAD_SIGNATURE'],
  ['missing signature header', () => { const b = body(); const { 'X-Ecoute-Signature': _s, ...h } = signRequest(SECRET, b); return { raw: b, headers: h, marker: b }; }, 401, 'WEBHOOK_UNSIGNED'],
  ['missing timestamp header', () => { const b = body(); const { 'X-Ecoute-Timestamp': _t, ...h } = signRequest(SECRET, b); return { raw: b, headers: h, marker: b }; }, 401, 'WEBHOOK_UNSIGNED'],
  ['no header at all', () => { const b = body(); return { raw: b, headers: {}, marker: b }; }, 401, 'WEBHOOK_UNSIGNED'],
  ['signature that is not hex', () => { const b = body(); return { raw: b, headers: { ...signRequest(SECRET, b), 'X-Ecoute-Signature': 'v1=zz' }, marker: b }; }, 401, 'WEBHOOK_UNSIGNED'],
  ['old timestamp (10 minutes ago, correctly signed)', () => { const b = body(); return { raw: b, headers: signRequest(SECRET, b, now() - 600_000), marker: b }; }, 401, 'WEBHOOK_STALE_TIMESTAMP'],
  ['future timestamp (10 minutes ahead)', () => { const b = body(); return { raw: b, headers: signRequest(SECRET, b, now() + 600_000), marker: b }; }, 401, 'WEBHOOK_STALE_TIMESTAMP'],
  ['oversize body, declared', () => { const b = JSON.stringify({ id: 'big', text: `oversize-marker ${'x'.repeat(8000)}` }); return { raw: b, headers: signRequest(SECRET, b), marker: 'oversize-marker' }; }, 413, 'WEBHOOK_TOO_LARGE'],
  [
    'oversize body, chunked (no Content-Length)',
    () => {
      const b = JSON.stringify({ id: 'big2', text: `chunked-oversize-marker ${'y'.repeat(8000)}` });
      const bytes = new TextEncoder().encode(b);
      const stream = new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.slice(i, i + 1000)); c.close(); } });
      return { raw: stream, headers: signRequest(SECRET, b), marker: 'chunked-oversize-marker' };
    },
    413,
    'WEBHOOK_TOO_LARGE',
  ],
];

describe('webhook HMAC: each refusal has its code, and nothing is persisted', () => {
  it.each(CASES)('%s → %i %s', async (_what, make, status, code) => {
    const before = await persisted();
    const c = make();
    const res = await send(c.raw, c.headers, c.source);
    expect(res.status).toBe(status);
    expect(res.json.error).toBe(code);
    expect(res.json.reason).toBeTruthy();
    expect(await persisted()).toEqual(before);
    if (c.marker) expect(busBytes().includes(Buffer.from(c.marker.slice(0, 60)))).toBe(false);
  });

  it('a replayed request: accepted once, then 401 WEBHOOK_REPLAY, written once', async () => {
    const b = body();
    const headers = signRequest(SECRET, b);
    const before = await persisted();
    const first = await send(b, headers);
    expect(first.status).toBe(202);
    const after = await persisted();
    expect(after.raw).toBe(before.raw + 1);
    // The marker check above can see a written record: this one is there.
    expect(busBytes().includes(Buffer.from(JSON.parse(b).text as string))).toBe(true);
    for (let i = 0; i < 3; i++) {
      const again = await send(b, headers);
      expect(again.status).toBe(401);
      expect(again.json.error).toBe('WEBHOOK_REPLAY');
    }
    expect(await persisted()).toEqual(after);
  });

  it('a correctly signed request passes (the table above could fail)', async () => {
    const b = body();
    const res = await send(b, { 'X-Ecoute-Timestamp': String(Math.floor(now() / 1000)), 'X-Ecoute-Signature': `v1=${computeSignature(SECRET, String(Math.floor(now() / 1000)), b).toString('hex')}` });
    expect(res.status).toBe(202);
  });

  it('no secret and no signature in any log line', () => {
    const all = logs.join('');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(OTHER);
    expect(all).not.toMatch(/v1=[0-9a-f]{64}/);
  });
});
