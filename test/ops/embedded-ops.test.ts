// Operations in embedded mode, end to end through `ecoute run` (file connector + webhook, SQLite bus
// and store): /metrics after real traffic counts exactly what happened (received, sent, dropped by
// reason, errors by code, lag), the log lines are JSON with level, stage and mention id when stderr
// is not a terminal, /readyz is 503 naming a stuck consumer (the store file locked by another
// writer) and 200 again once it moves, and `ecoute status` shows it all, on screen and as JSON.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Database } from '../../src/core/sqlite-driver.js';
import { afterAll, describe, expect, it } from 'vitest';
import { mentionId } from '../../src/core/ids.js';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { mentionLines, workspace } from '../helpers/cli.js';
import { eventually, scrape, value, watch } from './helpers.js';

const SECRET = 'ops-test-webhook-secret-7d1f';
const GOOD = 30;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('operations, embedded', () => {
  it('metrics, JSON logs, readiness with a stuck consumer, and ecoute status', async () => {
    process.env.ECOUTE_WEBHOOK_CRM_SECRET = SECRET;
    const ws = workspace();
    const file = join(ws.dir, 'mentions.jsonl');
    // 30 good lines, one that is not JSON, one without text (a mention id can be named).
    writeFileSync(file, `${mentionLines(GOOD)}{not json\n${JSON.stringify({ source: 'bench', id: 'no-text', published_at: '2026-11-01T00:00:00Z' })}\n`);
    writeFileSync(
      ws.config,
      `data_dir: ${join(ws.dir, 'data')}
brands: [{ id: acme, name: Acme, query: acme }]
connectors:
  - { type: file, path: '${file}' }
  - { type: webhook, source: crm }
http: { port: 0 }
ops: { stuck_after_seconds: 2 }
`,
    );
    const child = ws.spawn(['run']);
    children.push(child);
    const io = watch(child);
    const base = (await io.until(/dashboard: (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;

    // The webhook: two good items and one invalid, signed.
    const body = JSON.stringify([
      { id: 'w1', text: 'Acme support was quick', author: 'a', published_at: '2026-11-02T10:00:00Z' },
      { id: 'w2', text: 'Acme again', author: 'b', published_at: '2026-11-02T10:01:00Z' },
      { id: 'w3', author: 'c' },
    ]);
    const posted = await fetch(`${base}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body });
    expect(posted.status).toBe(202);
    // One refused API request (no token): an error answer, counted by its code.
    expect((await fetch(`${base}/api/brands`)).status).toBe(401);

    const total = GOOD + 2; // what reaches mentions.raw
    let m = await scrape(`${base}/metrics`);
    await eventually('the index stage to store every mention', async () => {
      m = await scrape(`${base}/metrics`);
      return value(m, 'ecoute_mentions_sent_total', { stage: 'index' }) === total && value(m, 'ecoute_consumer_lag', { group: 'ecoute-index' }) === 0;
    });
    await eventually('the alerts stage to count every mention', async () => {
      m = await scrape(`${base}/metrics`);
      return value(m, 'ecoute_bus_consumed_records_total', { topic: 'mentions.analyzed', group: 'ecoute-alerts' }) === total;
    });
    expect(value(m, 'ecoute_bus_consumed_records_total', { topic: 'mentions.raw', group: 'ecoute-analyze' })).toBe(total);
    expect(value(m, 'ecoute_mentions_received_total', { stage: 'connector' })).toBe(GOOD + 2 + 3);
    expect(value(m, 'ecoute_mentions_sent_total', { stage: 'connector' })).toBe(total);
    expect(value(m, 'ecoute_mentions_dropped_total', { stage: 'connector', reason: 'MENTION_BAD_JSON' })).toBe(1);
    expect(value(m, 'ecoute_mentions_dropped_total', { stage: 'connector', reason: 'MENTION_INVALID' })).toBe(2);
    expect(value(m, 'ecoute_mentions_received_total', { stage: 'analyze' })).toBe(total);
    expect(value(m, 'ecoute_mentions_sent_total', { stage: 'analyze' })).toBe(total);
    expect(value(m, 'ecoute_mentions_received_total', { stage: 'index' })).toBe(total);
    expect(value(m, 'ecoute_errors_total', { code: 'MENTION_BAD_JSON' })).toBe(1);
    expect(value(m, 'ecoute_errors_total', { code: 'MENTION_INVALID' })).toBe(2);
    expect(value(m, 'ecoute_errors_total', { code: 'API_UNAUTHORIZED' })).toBe(1);
    expect(value(m, 'ecoute_analysis_duration_seconds_count')).toBe(total);
    expect(value(m, 'ecoute_store_bulk_duration_seconds_count', { store: 'embedded' })).toBeGreaterThan(0);
    expect(value(m, 'ecoute_bus_published_records_total', { topic: 'mentions.dlq' })).toBe(3);
    for (const [topic, group] of [['mentions.raw', 'ecoute-analyze'], ['mentions.analyzed', 'ecoute-index']]) {
      expect(m.filter((s) => s.name === 'ecoute_consumer_lag' && s.labels.topic === topic && s.labels.group === group)).toEqual([
        { name: 'ecoute_consumer_lag', labels: { topic, group, partition: '0' }, value: 0 },
      ]);
    }
    expect(value(m, 'ecoute_connector_fetches_total')).toBe(0); // the file connector is not an HTTP poller
    // No label carries an author or a mention text.
    expect(m.some((s) => Object.values(s.labels).some((v) => /user\d|Acme support/.test(v)))).toBe(false);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // The log: one JSON object a line (stderr is a pipe here), each with a level; the dead letter
    // of the line without text names its stage and its mention id.
    const lines = io.err().trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const p of parsed) expect(['debug', 'info', 'warn', 'error']).toContain(p.level);
    const dead = parsed.filter((p) => String(p.msg).startsWith('dead letter'));
    expect(dead).toHaveLength(3);
    expect(dead).toContainEqual(expect.objectContaining({ level: 'warn', stage: 'connector', code: 'MENTION_INVALID', mention_id: mentionId('bench', 'no-text') }));

    // A stuck consumer: another process holds the store's write lock, the index stage cannot write.
    const lock = new Database(join(ws.dir, 'data', 'store.sqlite'));
    lock.exec('BEGIN IMMEDIATE');
    try {
      const more = JSON.stringify([{ id: 'w4', text: 'Acme stuck?', author: 'd', published_at: '2026-11-02T11:00:00Z' }]);
      expect((await fetch(`${base}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, more) }, body: more })).status).toBe(202);
      let answer: { status: number; body: { error?: string; reason?: string } } = { status: 0, body: {} };
      await eventually('/readyz to say the index consumer is stuck', async () => {
        const r = await fetch(`${base}/readyz`);
        answer = { status: r.status, body: (await r.json()) as { error?: string; reason?: string } };
        return r.status === 503;
      });
      expect(answer.body.error).toBe('API_NOT_READY');
      expect(answer.body.reason).toMatch(/the consumer ecoute-index of mentions\.analyzed is stuck \(partition 0: 1 records behind, no progress for \d+ s\)/);
      m = await scrape(`${base}/metrics`);
      expect(value(m, 'ecoute_consumer_stuck', { topic: 'mentions.analyzed', group: 'ecoute-index' })).toBe(1);
      expect(value(m, 'ecoute_consumer_lag', { topic: 'mentions.analyzed', group: 'ecoute-index' })).toBe(1);
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    await eventually('/readyz to be 200 once the consumer moves', async () => (await fetch(`${base}/readyz`)).status === 200);

    // ecoute status, from another process, while run runs.
    const status = ws.run(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/bus {4}embedded {7}ok/);
    expect(status.stdout).toMatch(new RegExp(`store  embedded {7}ok, ${total + 1} mentions`));
    expect(status.stdout).toMatch(/ {2}index +mentions\.analyzed +0\n/);
    expect(status.stdout).toMatch(/dead letters {3}3 written to mentions\.dlq; last .*: MENTION_INVALID \(connector\)/);
    expect(status.stdout).toMatch(/webhook:crm {2}\[webhook\] {2}ok/);
    const json = JSON.parse(ws.run(['status', '--json']).stdout) as {
      services: { bus: { ok: boolean }; store: { ok: boolean; mentions: number } };
      stages: { stage: string; lag: number }[];
      dead_letters: { written: number; last: { code: string } };
      connectors: { name: string; recorded: boolean }[];
    };
    expect(json.services.bus.ok && json.services.store.ok).toBe(true);
    expect(json.services.store.mentions).toBe(total + 1);
    expect(json.stages.find((s) => s.stage === 'analyze')?.lag).toBe(0);
    expect(json.stages.find((s) => s.stage === 'index')?.lag).toBe(0);
    expect(json.dead_letters.written).toBe(3);
    expect(json.connectors.map((c) => c.name).sort()).toEqual([`file:${file}`, 'webhook:crm'].sort());

    child.kill('SIGTERM');
    const [code] = child.exitCode !== null ? [child.exitCode] : await once(child, 'exit');
    expect(code, io.err().slice(-2000)).toBe(0);
  }, 180_000);
});
