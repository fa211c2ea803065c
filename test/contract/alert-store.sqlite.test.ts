// The AlertStore contract against SQLite (data_dir/alerts.sqlite), then what is specific to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAlertStore, SqliteAlertStore } from '../../src/alerts/store/index.js';
import { makeAlert } from '../helpers/alert-fixtures.js';
import { alertStoreContract } from './alert-store.contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-alerts-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

alertStoreContract('SQLite', async () => new SqliteAlertStore(join(tempDir(), 'alerts.sqlite')));

describe('SqliteAlertStore specifics', () => {
  it('openAlertStore on an embedded config opens data_dir/alerts.sqlite, which keeps its rows across a reopen', async () => {
    const dir = tempDir();
    const first = await openAlertStore({ data_dir: dir, store: { type: 'embedded' } });
    await first.recordAlert(makeAlert({ id: 'kept' }));
    await first.recordDelivery({ key: 'k', notifier: 'ops', status: 'sent', attempts: 1, at: new Date().toISOString() });
    await first.close();
    const second = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
    expect((await second.getAlert('kept'))?.id).toBe('kept');
    expect(await second.deliveryStatus('k', 'ops')).toBe('sent');
    await second.close();
  });

  it('refuses a file of a newer schema version', async () => {
    const dir = tempDir();
    const store = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
    await store.close();
    const { Database } = await import('../../src/core/sqlite-driver.js');
    const db = new Database(join(dir, 'alerts.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteAlertStore(join(dir, 'alerts.sqlite'))).toThrow(/schema version 99, newer/);
  });
});
