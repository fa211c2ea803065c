// Where running connectors write their status, so `ecoute connectors status` (another process)
// can read it: two tables beside the cursors in data_dir/connectors.sqlite. The status row is
// rewritten after every poll; fetched counts go in 5-minute buckets, from which the per-hour rates
// are summed. Nothing here holds a secret: messages are scrubbed before they are saved.
import type Database from 'better-sqlite3';
import { isEcouteError } from '../core/errors.js';
import { guarded, isDiskError, openSqlite } from '../core/sqlite.js';
import { connectorsSchema } from './cursors.js';
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

  constructor(
    private readonly file: string,
    options: { readonly?: boolean } = {},
  ) {
    // NORMAL: a status row is rewritten after every poll; losing the last one to a power cut is harmless.
    this.db = options.readonly ? openSqlite(file, { readonly: true }) : openSqlite(file, { synchronous: 'NORMAL', version: 1, schema: connectorsSchema });
  }

  // Status is what `ecoute connectors status` shows, not data: when the disk is full it is not
  // written (the full disk is reported once by guarded), and the connector goes on.
  save(status: ConnectorStatus): void {
    this.bestEffort(`saving the status of ${status.name}`, () =>
      this.db
        .prepare('INSERT INTO connector_status (connector, status, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at')
        .run(status.name, JSON.stringify(status), Date.now()),
    );
  }

  addFetched(connector: string, count: number, at = Date.now()): void {
    if (count <= 0) return;
    const bucket = Math.floor(at / BUCKET_MS);
    this.bestEffort(`counting what ${connector} fetched`, () => {
      this.db
        .prepare('INSERT INTO connector_fetched (connector, bucket, fetched) VALUES (?, ?, ?) ON CONFLICT (connector, bucket) DO UPDATE SET fetched = fetched + excluded.fetched')
        .run(connector, bucket, count);
      this.db.prepare('DELETE FROM connector_fetched WHERE connector = ? AND bucket < ?').run(connector, Math.floor((at - KEEP_MS) / BUCKET_MS));
    });
  }

  private bestEffort(doing: string, work: () => void): void {
    try {
      guarded(this.file, doing, work);
    } catch (error) {
      if (!isDiskError(error) && !isEcouteError(error, 'DATA_FILE_BUSY')) throw error;
    }
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
