// The alert routes of the HTTP API over a real SQLite AlertStore: lists with filters and cursors,
// one alert or incident, ack (admin only, who acknowledged = the token's name), feedback, 4xx with
// catalogue codes naming the parameter, the OpenAPI document, and 503 without an alert store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/alerts/store/index.js';
import { apiPlugin, loadTokens } from '../../src/api/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { makeAlert, makeIncident } from '../helpers/alert-fixtures.js';

const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
const dir = mkdtempSync(join(tmpdir(), 'ecoute-api-alerts-'));
const READ = 'read-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const config = ConfigSchema.parse({
  data_dir: dir,
  brands: [
    { id: 'acme', name: 'Acme', query: 'acme' },
    { id: 'globex', name: 'Globex', query: 'globex' },
  ],
  api: { tokens: [{ name: 'dash', scope: 'read', secret_env: 'T_READ' }, { name: 'ops-lead', scope: 'admin', secret_env: 'T_ADMIN' }] },
});

let store: EmbeddedMentionStore;
let alerts: SqliteAlertStore;
let server: HttpServer;
let bare: HttpServer;

function mount(withAlerts: boolean): HttpServer {
  const tokens = loadTokens(config.api, dir, { T_READ: READ, T_ADMIN: ADMIN });
  const s = createHttpServer({ host: '127.0.0.1', port: 0, log });
  s.register(apiPlugin({ store, brands: config.brands, tokens: tokens.tokens, rateLimitPerMinute: 10_000, log, ready: async () => undefined, ...(withAlerts && { alertStore: alerts }) }));
  return s;
}

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  alerts = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
  for (let i = 0; i < 4; i++) {
    const start = new Date(Date.UTC(2026, 2, 2, i)).toISOString();
    await alerts.recordAlert(makeAlert({ id: `a${i}`, brand: i === 3 ? 'globex' : 'acme', incidentId: i === 3 ? 'i2' : 'i1', windowStart: start, firedAt: new Date(Date.parse(start) + 3600_000).toISOString() }));
  }
  await alerts.upsertIncident(makeIncident({ id: 'i1', alertIds: ['a0', 'a1', 'a2'], openedAt: '2026-03-02T01:00:00.000Z' }));
  await alerts.upsertIncident(makeIncident({ id: 'i2', brand: 'globex', status: 'resolved', alertIds: ['a3'], openedAt: '2026-03-02T04:00:00.000Z', resolvedAt: '2026-03-02T08:00:00.000Z' }));
  server = mount(true);
  bare = mount(false);
  await server.app.ready();
  await bare.app.ready();
});

afterAll(async () => {
  await server.close();
  await bare.close();
  await store.close();
  await alerts.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: 'GET' | 'POST', url: string, token: string | null = READ, payload?: unknown, on = () => server) =>
  on().app.inject({ method, url, headers: token === null ? {} : { authorization: `Bearer ${token}` }, ...(payload !== undefined && { payload: payload as Record<string, unknown> }) });

describe('alert routes', () => {
  it('GET /api/alerts: newest first, filtered, paged with next_cursor', async () => {
    const all = (await call('GET', '/api/alerts')).json();
    expect(all.alerts.map((a: { id: string }) => a.id)).toEqual(['a3', 'a2', 'a1', 'a0']);
    expect(all.next_cursor).toBeNull();
    expect(all.alerts[0].explanation.summary).toContain('Negative share');
    expect((await call('GET', '/api/alerts?brand=acme&status=open')).json().alerts.map((a: { id: string }) => a.id)).toEqual(['a2', 'a1', 'a0']);
    const first = (await call('GET', '/api/alerts?limit=2')).json();
    expect(first.alerts).toHaveLength(2);
    const second = (await call('GET', `/api/alerts?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second.alerts.map((a: { id: string }) => a.id)).toEqual(['a1', 'a0']);
    expect((await call('GET', '/api/alerts?from=2026-03-02T01:00:00Z&to=2026-03-02T03:00:00Z')).json().alerts.map((a: { id: string }) => a.id)).toEqual(['a2', 'a1']);
  });

  it('GET /api/incidents and /api/incidents/:id with its alerts', async () => {
    expect((await call('GET', '/api/incidents')).json().incidents.map((i: { id: string }) => i.id)).toEqual(['i2', 'i1']);
    expect((await call('GET', '/api/incidents?status=open')).json().incidents.map((i: { id: string }) => i.id)).toEqual(['i1']);
    const one = (await call('GET', '/api/incidents/i1')).json();
    expect(one.incident).toMatchObject({ id: 'i1', status: 'open' });
    expect(one.alerts.map((a: { id: string }) => a.id)).toEqual(['a0', 'a1', 'a2']);
    expect((await call('GET', '/api/alerts/a1')).json().alert).toMatchObject({ id: 'a1', incidentId: 'i1' });
  });

  it('4xx with catalogue codes naming what was wrong', async () => {
    const cases: [string, number, string, string?][] = [
      ['/api/alerts/none', 404, 'API_ALERT_NOT_FOUND', 'id'],
      ['/api/incidents/none', 404, 'API_INCIDENT_NOT_FOUND', 'id'],
      ['/api/alerts?brand=nobody', 404, 'API_BRAND_NOT_FOUND', 'brand'],
      ['/api/alerts?status=closed', 400, 'API_BAD_PARAMETER', 'status'],
      ['/api/alerts?limit=0', 400, 'API_BAD_PARAMETER', 'limit'],
      ['/api/alerts?from=yesterday', 400, 'API_BAD_PARAMETER', 'from'],
      ['/api/alerts?from=2026-03-03&to=2026-03-02', 400, 'API_BAD_PARAMETER', 'to'],
      ['/api/alerts?cursor=xyz', 400, 'BAD_CURSOR', 'cursor'],
      ['/api/incidents?colour=red', 400, 'API_BAD_PARAMETER', 'colour'],
    ];
    for (const [url, status, code, parameter] of cases) {
      const res = await call('GET', url);
      expect([url, res.statusCode, res.json().error, res.json().parameter]).toEqual([url, status, code, parameter]);
    }
    expect((await call('GET', '/api/alerts', null)).statusCode).toBe(401);
  });

  it('ack needs admin; it records the token name, and the first ack stays', async () => {
    const denied = await call('POST', '/api/incidents/i1/ack', READ);
    expect([denied.statusCode, denied.json().error]).toEqual([403, 'API_FORBIDDEN']);
    const acked = await call('POST', '/api/incidents/i1/ack', ADMIN);
    expect(acked.statusCode).toBe(200);
    expect(acked.json().incident).toMatchObject({ id: 'i1', acknowledgedBy: 'ops-lead' });
    expect((await call('GET', '/api/incidents/i1')).json().incident.acknowledgedAt).toBe(acked.json().incident.acknowledgedAt);
    expect((await call('POST', '/api/alerts/a2/ack', ADMIN)).json().alert).toMatchObject({ id: 'a2', acknowledgedBy: 'ops-lead' });
    expect((await call('POST', '/api/alerts/none/ack', ADMIN)).json()).toMatchObject({ error: 'API_ALERT_NOT_FOUND' });
    expect((await call('POST', '/api/incidents/a2/ack', ADMIN)).json()).toMatchObject({ error: 'API_INCIDENT_NOT_FOUND' });
  });

  it('feedback: useful or not_useful, stored on the alert; anything else is a 400 naming feedback', async () => {
    const res = await call('POST', '/api/alerts/a1/feedback', ADMIN, { feedback: 'not_useful' });
    expect(res.statusCode).toBe(200);
    expect(res.json().alert.feedback).toBe('not_useful');
    expect((await alerts.getAlert('a1'))?.feedback).toBe('not_useful');
    const bad = await call('POST', '/api/alerts/a1/feedback', ADMIN, { feedback: 'meh' });
    expect([bad.statusCode, bad.json().error, bad.json().parameter]).toEqual([400, 'API_BAD_PARAMETER', 'feedback']);
    expect((await call('POST', '/api/alerts/a1/feedback', READ, { feedback: 'useful' })).statusCode).toBe(403);
    expect((await call('POST', '/api/alerts/zz/feedback', ADMIN, { feedback: 'useful' })).statusCode).toBe(404);
  });

  it('is in the OpenAPI document, and answers 503 without an alert store', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/alerts', '/api/alerts/{id}', '/api/incidents', '/api/incidents/{id}', '/api/alerts/{id}/ack', '/api/incidents/{id}/ack', '/api/alerts/{id}/feedback']));
    const res = await call('GET', '/api/alerts', READ, undefined, () => bare);
    expect([res.statusCode, res.json().error]).toEqual([503, 'API_ALERTS_UNAVAILABLE']);
  });
});
