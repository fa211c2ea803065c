// A hostile (or careless) server echoes the connector's token back: in an item that goes to the
// dead-letter topic, in a mention's text, in an error body. No topic, log line or stored status may
// carry it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MastodonConnector, MastodonConnectorSchema } from '../../src/connectors/mastodon/index.js';
import type { Logger } from '../../src/core/log.js';
import { Scrubber, scrubbingLogger } from '../../src/core/scrub.js';
import { harness, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';

const TOKEN = 'hostile-echo-token-7f3a9c';

function recordingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  const log: Logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => log };
  return log;
}

describe('secrets never leave through what a server sends back', () => {
  let h: Harness;
  let server: TestServer;
  let replies: Reply[];
  let lines: string[];

  beforeEach(async () => {
    h = harness({ retries: 0 });
    lines = [];
    h.context.log = recordingLogger(lines);
    replies = [];
    process.env.TEST_HOSTILE_TOKEN = TOKEN;
    server = await startServer(() => replies.shift() ?? { body: { accounts: [], statuses: [], hashtags: [] } });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
    delete process.env.TEST_HOSTILE_TOKEN;
  });

  const config = () =>
    MastodonConnectorSchema.parse({ type: 'mastodon', instance: server.url, hashtags: [], query: 'acme', access_token_env: 'TEST_HOSTILE_TOKEN', allow_private_networks: true, interval_ms: 60_000 });

  it('scrubs the token from dead letters (input and reason), mentions, the stored status and log lines', async () => {
    replies.push({
      body: {
        accounts: [],
        hashtags: [],
        statuses: [
          // Valid: the token is echoed in the text and in the URL (URL-encoded there).
          { id: '2', uri: `https://m.example/s/2`, url: `https://m.example/s/2?t=${encodeURIComponent(TOKEN)}`, created_at: '2026-11-03T10:00:00.000Z', content: `<p>Acme rocks, your token is ${TOKEN}</p>`, account: { acct: 'eve' } },
          // Invalid (no uri): goes to the dead-letter topic with its input.
          { id: '1', created_at: '2026-11-03T09:00:00.000Z', content: `Bearer ${TOKEN}`, account: { acct: 'eve' } },
        ],
      },
    });
    const status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(status.fetched).toBe(1);
    const dead = await h.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.input).toContain('Bearer [secret]');
    expect(JSON.stringify(dead)).not.toContain(TOKEN);
    const [mention] = await h.mentions();
    expect(mention?.text).toBe('Acme rocks, your token is [secret]');
    expect(JSON.stringify(mention)).not.toContain(TOKEN);
    expect(JSON.stringify(mention)).not.toContain(encodeURIComponent(TOKEN));
  });

  it('scrubs an error body that echoes the token from the status, the stored status and the log', async () => {
    replies.push({ status: 403, body: { error: `token ${TOKEN} is not allowed here` } });
    const connector = new MastodonConnector(config(), h.context);
    const status = await pollOnce(connector);
    expect(status.lastError?.message).toMatch(/HTTP 403/);
    expect(status.lastError?.message).toContain('[secret]');
    expect(JSON.stringify(h.statusStore.read(connector.name))).not.toContain(TOKEN);
    expect(lines.some((l) => l.includes('HTTP 403'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});

describe('the scrubber', () => {
  it('replaces every form of a value, in strings, keys and nested values, and leaves clean values as they are', () => {
    const s = new Scrubber();
    s.add('abc'); // too short to be a credential: would scrub ordinary words
    s.add('s3cr3t/value+1');
    expect(s.scrub('x s3cr3t/value+1 y s3cr3t%2Fvalue%2B1 z')).toBe('x [secret] y [secret] z');
    expect(s.scrub('abc')).toBe('abc');
    const clean = { a: ['b', { c: 1 }] };
    expect(s.scrubValue(clean)).toBe(clean);
    expect(s.scrubValue({ 's3cr3t/value+1': ['ok', { deep: 'a "s3cr3t/value+1"' }] })).toEqual({ '[secret]': ['ok', { deep: 'a "[secret]"' }] });
  });

  it('a scrubbing logger scrubs messages and fields', () => {
    const s = new Scrubber();
    s.add('tok-123456');
    const lines: string[] = [];
    scrubbingLogger(recordingLogger(lines), s).warn('got tok-123456', { header: 'Bearer tok-123456' });
    expect(lines).toEqual(['warn got [secret] {"header":"Bearer [secret]"}']);
  });
});

describe('every log line is scrubbed, whoever wrote it', () => {
  it('createLogger replaces a secret read by the process, in text and JSON lines', async () => {
    const { PassThrough } = await import('node:stream');
    const { createLogger } = await import('../../src/core/log.js');
    const { secretScrubber } = await import('../../src/core/scrub.js');
    const value = 'log-line-secret-91c2e0d4';
    secretScrubber.add(value);
    const out: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    createLogger({}, stream).warn(`upstream said: bad token ${value}`, { echoed: value });
    const previous = process.env.ECOUTE_LOG;
    process.env.ECOUTE_LOG = 'json';
    try {
      createLogger({}, stream).error('echo', { body: `{"token":"${value}"}` });
    } finally {
      if (previous === undefined) delete process.env.ECOUTE_LOG;
      else process.env.ECOUTE_LOG = previous;
    }
    expect(out).toHaveLength(2);
    for (const line of out) {
      expect(line).not.toContain(value);
      expect(line).toContain('[secret]');
    }
  });

  it('a value nested thousands of levels deep does not make the scrubber throw', async () => {
    const { Scrubber: S } = await import('../../src/core/scrub.js');
    const scrubber = new S();
    scrubber.add('deep-secret-value-1234');
    let deep: unknown = 'deep-secret-value-1234';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(() => scrubber.scrubValue({ raw: deep })).not.toThrow();
  });
});
