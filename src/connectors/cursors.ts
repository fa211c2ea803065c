// Where connectors keep their cursors (how far they have read), in a small SQLite file under the
// data dir. A cursor is written only after the bus confirmed what was read up to it.
import type Database from 'better-sqlite3';
import { guarded, openSqlite } from '../core/sqlite.js';

export interface CursorStore {
  get<T>(connector: string): T | undefined;
  set(connector: string, cursor: unknown): void;
  close(): void;
}

export class SqliteCursorStore implements CursorStore {
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    // The status store shares this file and creates its own tables (status-store.ts): both schemas
    // are created by whichever opens it first.
    this.db = openSqlite(file, { synchronous: 'FULL', version: 1, schema: connectorsSchema });
  }

  get<T>(connector: string): T | undefined {
    const row = guarded(this.file, `reading the cursor of ${connector}`, () => this.db.prepare('SELECT cursor FROM cursors WHERE connector = ?').get(connector)) as { cursor: string } | undefined;
    return row ? (JSON.parse(row.cursor) as T) : undefined;
  }

  /** Throws DISK_FULL (retriable) when the cursor cannot be written: the connector then reads the same lines again. */
  set(connector: string, cursor: unknown): void {
    guarded(this.file, `saving the cursor of ${connector}`, () =>
      this.db
        .prepare('INSERT INTO cursors (connector, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at')
        .run(connector, JSON.stringify(cursor), Date.now()),
    );
  }

  close(): void {
    this.db.close();
  }
}

/** Every table of data_dir/connectors.sqlite: the cursors, and the status rows of status-store.ts. */
export function connectorsSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS cursors (connector TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS connector_status (connector TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS connector_fetched (connector TEXT NOT NULL, bucket INTEGER NOT NULL, fetched INTEGER NOT NULL, PRIMARY KEY (connector, bucket));
  `);
}
