// Where running connectors write their status, so `ecoute connectors status` (another process)
// can read it: two tables beside the cursors in data_dir/connectors.sqlite. The status row is
// rewritten after every poll; fetched counts go in 5-minute buckets, from which the per-hour rates
// are summed. Nothing here holds a secret: messages are scrubbed before they are saved.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ConnectorStatus } from './types.js';

const BUCKET_MS = 5 * 60_000;
const KEEP_MS = 7 * 24 * 3600_000;

export interface StoredStatus {
  status: ConnectorStatus;
  /** When the status row was last written (epoch ms). */
  updatedAt: number;
  /** Mentions made durable in the last 60 minutes. */
  fetchedLastHour: number;
  /** Mentions made durable in the last 24 hours. */
  fetchedLastDay: number;
}

export interface StatusStore {
  save(status: ConnectorStatus): void;
  /** Counts mentions made durable at `at` (epoch ms). */
  addFetched(connector: string, count: number, at?: number): void;
  read(connector: string, now?: number): StoredStatus | undefined;
  close(): void;
}

export class SqliteStatusStore implements StatusStore {
  private readonly db: Database.Database;

  constructor(file: string, options: { readonly?: boolean } = {}) {
    if (file !== ':memory:' && !options.readonly) mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    if (options.readonly) {
      this.db.pragma('busy_timeout = 10000');
      return;
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS connector_status (connector TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS connector_fetched (connector TEXT NOT NULL, bucket INTEGER NOT NULL, fetched INTEGER NOT NULL, PRIMARY KEY (connector, bucket));
    `);
  }

  save(status: ConnectorStatus): void {
    this.db
      .prepare('INSERT INTO connector_status (connector, status, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at')
      .run(status.name, JSON.stringify(status), Date.now());
  }

  addFetched(connector: string, count: number, at = Date.now()): void {
    if (count <= 0) return;
    const bucket = Math.floor(at / BUCKET_MS);
    this.db
      .prepare('INSERT INTO connector_fetched (connector, bucket, fetched) VALUES (?, ?, ?) ON CONFLICT (connector, bucket) DO UPDATE SET fetched = fetched + excluded.fetched')
      .run(connector, bucket, count);
    this.db.prepare('DELETE FROM connector_fetched WHERE connector = ? AND bucket < ?').run(connector, Math.floor((at - KEEP_MS) / BUCKET_MS));
  }

  read(connector: string, now = Date.now()): StoredStatus | undefined {
    if (!this.hasTables()) return undefined;
    const row = this.db.prepare('SELECT status, updated_at FROM connector_status WHERE connector = ?').get(connector) as { status: string; updated_at: number } | undefined;
    if (!row) return undefined;
    const since = (ms: number) =>
      (this.db.prepare('SELECT COALESCE(SUM(fetched), 0) AS n FROM connector_fetched WHERE connector = ? AND bucket > ?').get(connector, Math.floor((now - ms) / BUCKET_MS)) as { n: number }).n;
    return { status: JSON.parse(row.status) as ConnectorStatus, updatedAt: row.updated_at, fetchedLastHour: since(3600_000), fetchedLastDay: since(24 * 3600_000) };
  }

  close(): void {
    this.db.close();
  }

  private hasTables(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'connector_status'").get() !== undefined;
  }
}
