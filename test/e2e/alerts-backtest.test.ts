// The backtest on the demo data (config/demo/, what `npm start` loads), through the real CLI and the
// API: the default rules find the bad delivery week (2026-11-06 .. 11-12) and nothing else.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPlugin, loadTokens } from '../../src/api/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { ROOT, workspace, type Workspace } from '../helpers/cli.js';

const BAD_FROM = '2026-11-06T00:00:00.000Z';
const BAD_TO = '2026-11-13T00:00:00.000Z';
const TOKEN = 'backtest-token-0123456789abcdef';

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
  const ingest = ws.run(['ingest', join(ROOT, 'config/demo/mentions.jsonl'), '--no-progress']);
  expect(ingest.code, ingest.stderr).toBe(0);
}, 120_000);

describe('ecoute alerts backtest on the demo data', () => {
  it('--json: one line per alert with exactly the documented keys, all in the bad week', () => {
    const r = ws.run(['alerts', 'backtest', '--brand', 'acme', '--from', '2026-10-22', '--to', '2026-11-21', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['rule', 'metric', 'window_start', 'window_end', 'value', 'baseline', 'severity', 'explanation']);
      expect(line.window_start as string >= BAD_FROM && (line.window_start as string) < BAD_TO).toBe(true);
    }
    const explanation = lines[0]!.explanation as { summary: string; fields: { value: string }[]; examples: unknown[]; link: string };
    expect(explanation.fields.map((f) => f.value)).toContain('delivery');
    expect(explanation.examples).toHaveLength(3);
    expect(explanation.link).toMatch(/^\/\?brand=acme&from=2026-11-/);
  });

  it('text output says what fired and why, and how many mentions it replayed', () => {
    const r = ws.run(['alerts', 'backtest', '--brand', 'acme', '--from', '2026-10-22', '--to', '2026-11-21']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backtest of acme from 2026-10-22T00:00:00.000Z to 2026-11-21T00:00:00.000Z: tone-drop \(mean_tone, 1d, balanced\), volume-spike \(volume, 1d, balanced\)\n/);
    expect(r.stdout).toMatch(/2026-11-0\d.*volume-spike/);
    // The planted crisis: its volume spike, and its tone drop when the tone reads it (every alert is in the bad days, above).
    expect(r.stdout).toMatch(/\n[12] alerts? in 1 incident; \d+ mentions replayed in/);
    expect(ws.run(['alerts', 'backtest', '--brand', 'globex', '--from', '2026-10-22', '--to', '2026-11-21', '--json']).stdout).toBe('');
  });

  it('bad options are usage errors naming them', () => {
    expect(ws.run(['alerts', 'backtest', '--brand', 'nobody']).stderr).toMatch(/--brand: no brand "nobody"; the brands are acme, globex/);
    expect(ws.run(['alerts', 'backtest', '--brand', 'acme', '--preset', 'loud']).stderr).toMatch(/--preset: must be one of sensitive, balanced, strict/);
    const rule = ws.run(['alerts', 'backtest', '--brand', 'acme', '--rule', 'nope']);
    expect(rule.stderr).toMatch(/\[ALERTS_RULE_UNKNOWN\] brand acme has no rule "nope"; its rules are tone-drop, volume-spike/);
    expect(ws.run(['alerts', 'backtest', '--brand', 'acme', '--from', '2026-11-21', '--to', '2026-10-22']).code).toBe(2);
  });
});

describe('POST /api/alerts/backtest', () => {
  let server: HttpServer;
  let store: EmbeddedMentionStore;
  const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
  beforeAll(async () => {
    store = new EmbeddedMentionStore({ file: join(ws.dir, 'data', 'store.sqlite') });
    const config = ConfigSchema.parse({
      data_dir: join(ws.dir, 'data'),
      brands: [{ id: 'acme', name: 'Acme', query: 'acme' }],
      api: { tokens: [{ name: 't', scope: 'read', secret_env: 'ECOUTE_TEST_BACKTEST' }] },
    });
    const tokens = loadTokens(config.api, join(ws.dir, 'data'), { ECOUTE_TEST_BACKTEST: TOKEN });
    server = createHttpServer({ host: '127.0.0.1', port: 0, log });
    server.register(apiPlugin({ store, brands: config.brands, tokens: tokens.tokens, rateLimitPerMinute: 1000, log, ready: async () => undefined }));
    await server.app.ready();
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
  });
  const post = (body: unknown) => server.app.inject({ method: 'POST', url: '/api/alerts/backtest', headers: { authorization: `Bearer ${TOKEN}` }, payload: body as object });

  it('gives the same alerts as the CLI', async () => {
    const res = await post({ brand: 'acme', from: '2026-10-22', to: '2026-11-21' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { alerts: { rule: string; window_start: string }[]; incidents: number; mentions: number };
    const cli = ws.run(['alerts', 'backtest', '--brand', 'acme', '--from', '2026-10-22', '--to', '2026-11-21', '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; window_start: string });
    expect(body.alerts.map((a) => [a.rule, a.window_start])).toEqual(cli.map((a) => [a.rule, a.window_start]));
    expect(body.mentions).toBeGreaterThan(0);
  });

  it('tries rules being edited, and names what is wrong in them', async () => {
    const sensitive = await post({ brand: 'acme', from: '2026-10-22', to: '2026-11-21', rules: [{ name: 'neg', metric: 'mean_tone', preset: 'sensitive' }] });
    expect(sensitive.statusCode, sensitive.body).toBe(200);
    for (const a of (sensitive.json() as { alerts: { rule: string; window_start: string }[] }).alerts) {
      expect(a.rule).toBe('neg');
      expect(a.window_start >= BAD_FROM && a.window_start < BAD_TO).toBe(true);
    }
    const bad = await post({ brand: 'acme', rules: [{ name: 'x', metric: 'volume', query: 'source:(' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'rules' });
    expect((bad.json() as { reason: string }).reason).toMatch(/^rules\[0\]\.query: /);
    expect((await post({ brand: 'nobody' })).statusCode).toBe(404);
    expect((await post({ brand: 'acme', rule: 'nope' })).json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'rule' });
  });
});
