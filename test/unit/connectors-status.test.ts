import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatStatuses, sourceStatuses } from '../../src/cli/commands/connectors.js';
import { main } from '../../src/cli/main.js';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { HackerNewsConnector, type HackerNewsConnectorConfig } from '../../src/connectors/hackernews/index.js';
import { SqliteStatusStore } from '../../src/connectors/status-store.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { readSecret, redactSecrets, requireSecret, scrubSecrets, Secret } from '../../src/core/config/secret.js';
import { harness, jsonFixture, startServer, type TestServer } from '../helpers/connectors.js';

describe('connector status, persisted for another process', () => {
  let dir: string;
  let server: TestServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecoute-status-'));
    server = await startServer((req) => (req.query.get('page') === '0' ? { body: jsonFixture('hackernews', 'page1.json') } : { status: 500, body: 'down' }));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a running connector writes what `ecoute connectors status` reads: success, error, lag, per hour, back-off', async () => {
    const configText = `
data_dir: ${dir}
connectors:
  - { type: hackernews, query: acme, api_url: '${server.url}/api/v1', allow_private_networks: true, interval_ms: 60000 }
  - { type: rss, url: 'https://example.com/feed.xml' }
`;
    const config = parseConfig(configText);
    const file = join(dir, 'connectors.sqlite');
    const h = harness();
    const cursors = new SqliteCursorStore(file);
    const statusStore = new SqliteStatusStore(file);
    const connector = new HackerNewsConnector(config.connectors[0] as HackerNewsConnectorConfig, { ...h.context, cursors, statusStore });
    await connector.caughtUp;
    await connector.stop();

    // Another process: a read-only connection to the same file.
    const reader = new SqliteStatusStore(file, { readonly: true });
    const statuses = sourceStatuses(config.connectors, reader);
    reader.close();
    expect(statuses[0]).toMatchObject({ name: 'hackernews:acme', type: 'hackernews', recorded: true, last_error: null, fetched_last_hour: 1, backing_off: false });
    expect(statuses[0]?.lag_ms).toBeGreaterThanOrEqual(0);
    expect(statuses[1]).toMatchObject({ name: 'rss:https://example.com/feed.xml', recorded: false });
    const text = formatStatuses(statuses);
    expect(text).toMatch(/hackernews:acme {2}\[hackernews\]\n {2}last success {2}\S+ \(\d+ s ago\)\n {2}last error {4}none\n {2}lag {11}\d+ s\n {2}fetched {7}1 in the last hour/);
    expect(text).toContain('rss:https://example.com/feed.xml  [rss]\n  not run yet');

    // The CLI reads the same file.
    const configFile = join(dir, 'ecoute.yaml');
    writeFileSync(configFile, configText);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['node', 'ecoute', 'connectors', 'status', '-c', configFile, '--json'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const json = JSON.parse(out.join('')) as { name: string; fetched_last_hour: number }[];
    expect(json.map((s) => [s.name, s.fetched_last_hour])).toEqual([
      ['hackernews:acme', 1],
      ['rss:https://example.com/feed.xml', 0],
    ]);
    cursors.close();
    statusStore.close();
    await h.close();
  });

  it('shows a failing source as backing off, with its error', () => {
    const store = new SqliteStatusStore(':memory:');
    const now = Date.now();
    store.save({
      name: 'rss:https://example.com/feed.xml',
      type: 'rss',
      fetched: 0,
      rejected: 0,
      lastError: { at: new Date(now - 1000).toISOString(), message: 'GET example.com/feed.xml: HTTP 503 Service Unavailable' },
      backingOffUntil: new Date(now + 120_000).toISOString(),
    });
    const [status] = sourceStatuses(parseConfig(`connectors: [{ type: rss, url: 'https://example.com/feed.xml' }]`).connectors, store, now);
    expect(status).toMatchObject({ backing_off: true, lag_ms: null, last_error: { message: 'GET example.com/feed.xml: HTTP 503 Service Unavailable' } });
    expect(formatStatuses([status!], now)).toMatch(/backing off {3}yes, until .* \(in 2 min\)/);
    store.close();
  });
});

describe('secrets', () => {
  it('reads a secret from the environment or a file, naming where it came from, never printing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-secret-'));
    try {
      writeFileSync(join(dir, 'token'), 's3cr3t-from-file\n');
      const fromEnv = readSecret({ api_key_env: 'X_KEY' }, 'api_key', { X_KEY: 's3cr3t-from-env' }) as Secret;
      expect(fromEnv.reveal()).toBe('s3cr3t-from-env');
      expect(fromEnv.origin).toBe('environment variable X_KEY');
      expect(`${fromEnv}`).toBe('[secret]');
      expect(JSON.stringify({ fromEnv })).toBe('{"fromEnv":"[secret]"}');
      expect(inspect(fromEnv)).toBe('[secret]');
      expect(readSecret({ api_key_file: join(dir, 'token') }, 'api_key')?.reveal()).toBe('s3cr3t-from-file');
      expect(readSecret({}, 'api_key')).toBeUndefined();
      expect(() => readSecret({ api_key_env: 'NOT_SET_ANYWHERE' }, 'api_key', {})).toThrow('api_key_env: environment variable NOT_SET_ANYWHERE is not set');
      expect(() => readSecret({ api_key_file: join(dir, 'missing') }, 'api_key')).toThrow(/api_key_file: cannot read .*missing: ENOENT/);
      expect(() => requireSecret({}, 'app_password')).toThrow('app_password_env (or app_password_file) is required');
      expect(scrubSecrets('failed with key=s3cr3t-from-env and s3cr3t-from-env', [fromEnv])).toBe('failed with key=[secret] and [secret]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks secret fields in the schema and redacts them from a config', () => {
    const config = parseConfig(`
connectors:
  - { type: youtube, query: acme, api_key_env: YOUTUBE_API_KEY }
  - { type: reddit, query: acme, client_id_env: REDDIT_ID, client_secret_file: /run/secrets/reddit }
  - { type: file, path: ./x.jsonl }
`);
    const redacted = redactSecrets(config, ConfigSchema) as { connectors: Record<string, unknown>[] };
    expect(redacted.connectors[0]).toMatchObject({ type: 'youtube', query: 'acme', api_key_env: '[secret]' });
    expect(redacted.connectors[1]).toMatchObject({ client_id_env: '[secret]', client_secret_file: '[secret]' });
    expect(redacted.connectors[2]).toMatchObject({ type: 'file', path: './x.jsonl' });
    expect(redacted.connectors[1]).not.toHaveProperty('client_secret_env');
  });

  it('rejects a connector that lacks the credential it cannot work without', () => {
    expect(() => parseConfig('connectors: [{ type: youtube, query: acme }]')).toThrow(/connectors\[0\]\.api_key_env: api_key_env or api_key_file is required/);
    expect(() => parseConfig('connectors: [{ type: bluesky, query: acme, identifier: me.bsky.social }]')).toThrow(/app_password_env or app_password_file is required/);
    expect(() => parseConfig('connectors: [{ type: reddit, query: acme, client_id_env: A }]')).toThrow(/client_secret_env or client_secret_file is required with a client id/);
    expect(() => parseConfig('connectors: [{ type: rss, url: "ftp://example.com/feed" }]')).toThrow(/connectors\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/);
    expect(() => parseConfig('connectors: [{ type: appstore, app_id: "id284882215" }]')).toThrow(/app_id: must be the numeric App Store id/);
  });
});
