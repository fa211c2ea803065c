// `ecoute alerts list` and `ecoute alerts ack` on the built CLI, over a data dir whose alerts.sqlite
// holds alerts and incidents (written by the same SqliteAlertStore the engine uses).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/alerts/store/index.js';
import { makeAlert, makeIncident } from '../helpers/alert-fixtures.js';
import { workspace, type Workspace } from '../helpers/cli.js';

let ws: Workspace;

beforeAll(async () => {
  ws = workspace();
  const store = new SqliteAlertStore(join(ws.dir, 'data', 'alerts.sqlite'));
  await store.recordAlert(makeAlert({ id: 'acme-tone-1', incidentId: 'inc-acme-1', firedAt: '2026-03-02T11:05:00.000Z' }));
  await store.recordAlert(makeAlert({ id: 'globex-vol-1', brand: 'globex', rule: 'volume-spike', metric: 'volume', value: 240, baseline: 31, incidentId: 'inc-globex-1', firedAt: '2026-03-01T08:05:00.000Z' }));
  await store.upsertIncident(makeIncident({ id: 'inc-acme-1', alertIds: ['acme-tone-1'], openedAt: '2026-03-02T11:05:00.000Z' }));
  await store.upsertIncident(makeIncident({ id: 'inc-globex-1', brand: 'globex', status: 'resolved', alertIds: ['globex-vol-1'], openedAt: '2026-03-01T08:05:00.000Z', resolvedAt: '2026-03-01T12:00:00.000Z', summary: 'Globex mentions jumped to 240 an hour (usually 31).' }));
  await store.close();
});

describe('ecoute alerts', () => {
  it('list prints incidents newest first with their alerts; --brand and --status filter', () => {
    const all = ws.run(['alerts', 'list']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('inc-acme-1  acme  OPEN  high  opened 2026-03-02T11:05:00.000Z  (not acknowledged)');
    expect(all.stdout).toContain('  - acme-tone-1  tone-drop  negative_share 62% (usual 18%, deviation 6.4)');
    expect(all.stdout.indexOf('inc-acme-1')).toBeLessThan(all.stdout.indexOf('inc-globex-1'));
    expect(all.stdout).toContain('  - globex-vol-1  volume-spike  volume 240 (usual 31');
    const open = ws.run(['alerts', 'list', '--status', 'open']);
    expect(open.stdout).not.toContain('inc-globex-1');
    const globex = ws.run(['alerts', 'list', '--brand', 'globex', '--json']);
    const lines = globex.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ incident: { id: 'inc-globex-1', status: 'resolved' }, alerts: [{ id: 'globex-vol-1', value: 240 }] });
  });

  it('refuses a bad flag with exit code 2, naming it', () => {
    const status = ws.run(['alerts', 'list', '--status', 'closed']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('--status: must be open or resolved');
    const brand = ws.run(['alerts', 'list', '--brand', 'initech']);
    expect(brand.code).toBe(2);
    expect(brand.stderr).toContain('no brand "initech"');
  });

  it('ack acknowledges an incident once; an unknown id is ALERT_NOT_FOUND', () => {
    const acked = ws.run(['alerts', 'ack', 'inc-acme-1']);
    expect(acked.code).toBe(0);
    expect(acked.stdout).toMatch(/^acknowledged incident inc-acme-1 at \S+ by cli/);
    expect(ws.run(['alerts', 'list', '--status', 'open']).stdout).toMatch(/inc-acme-1 .*\(acknowledged \S+ by cli/);
    const again = ws.run(['alerts', 'ack', 'inc-acme-1']);
    expect(again.stdout.split(' at ')[1]?.split(' ')[0]).toBe(acked.stdout.split(' at ')[1]?.split(' ')[0]);
    expect(ws.run(['alerts', 'ack', 'acme-tone-1']).stdout).toMatch(/^acknowledged alert acme-tone-1/);
    const missing = ws.run(['alerts', 'ack', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[ALERT_NOT_FOUND] no alert or incident with id "nope"');
  });
});
