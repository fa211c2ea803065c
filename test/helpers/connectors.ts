// Test harness of the pull connectors: a local HTTP server (node:http on 127.0.0.1, random port)
// that replays recorded-style responses and records the requests it got, an in-memory embedded bus,
// cursor and status stores, and a scheduler with millisecond back-offs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { Scheduler } from '../../src/connectors/scheduler.js';
import { SqliteStatusStore } from '../../src/connectors/status-store.js';
import type { ConnectorContext, RunningConnector } from '../../src/connectors/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { RawMention } from '../../src/core/types.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

export interface SeenRequest {
  method: string;
  /** Path and query string. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (request: SeenRequest) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  /** Requests whose path starts with this. */
  hits(prefix: string): SeenRequest[];
  close(): Promise<void>;
}

export async function startServer(route: Route): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(seen);
    try {
      const reply = await route(seen);
      const raw = reply.body;
      const body = raw === undefined ? '' : typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
      const json = raw !== undefined && typeof raw === 'object' && !Buffer.isBuffer(raw);
      res.writeHead(reply.status ?? 200, { 'content-type': json ? 'application/json' : 'text/plain', ...reply.headers });
      res.end(body);
    } catch (error) {
      res.writeHead(599);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function fixture(source: string, name: string): string {
  return readFileSync(new URL(`../fixtures/connectors/${source}/${name}`, import.meta.url), 'utf8');
}

export function jsonFixture<T = Record<string, unknown>>(source: string, name: string): T {
  const data = JSON.parse(fixture(source, name)) as Record<string, unknown>;
  delete data._doc;
  return data as T;
}

export interface Harness {
  bus: EmbeddedBus;
  cursors: SqliteCursorStore;
  statusStore: SqliteStatusStore;
  scheduler: Scheduler;
  context: ConnectorContext;
  /** Mentions on mentions.raw, in order. */
  mentions(): Promise<RawMention[]>;
  /** Dead letters on mentions.dlq (parsed values). */
  deadLetters(): Promise<{ code: string; reason: string; input: string }[]>;
  close(): Promise<void>;
}

export function harness(options: { maxRetryWaitMs?: number; retries?: number } = {}): Harness {
  const bus = new EmbeddedBus({ file: ':memory:' });
  const cursors = new SqliteCursorStore(':memory:');
  const statusStore = new SqliteStatusStore(':memory:');
  const scheduler = new Scheduler({
    retry: { retries: options.retries ?? 3, minBackoffMs: 5, maxBackoffMs: 20, maxRetryWaitMs: options.maxRetryWaitMs ?? 5_000 },
    random: () => 0.5,
  });
  return {
    bus,
    cursors,
    statusStore,
    scheduler,
    context: { bus, cursors, statusStore, scheduler, log: silentLogger },
    async mentions() {
      const records = await bus.read('mentions.raw', { 0: 0 });
      return records.map((r) => JSON.parse(r.value) as RawMention);
    },
    async deadLetters() {
      const records = await bus.read('mentions.dlq', { 0: 0 });
      return records.map((r) => JSON.parse(r.value) as { code: string; reason: string; input: string });
    },
    async close() {
      await bus.close();
      cursors.close();
      statusStore.close();
    },
  };
}

/** Runs one poll: starts the connector, waits for its first poll to end, stops it. */
export async function pollOnce(connector: RunningConnector): Promise<ReturnType<RunningConnector['status']>> {
  await connector.caughtUp;
  await connector.stop();
  return connector.status();
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
