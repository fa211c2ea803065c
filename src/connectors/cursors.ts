// Where connectors keep their cursors (how far they have read), in a small SQLite file under the
// data dir. A cursor is written only after the bus confirmed what was read up to it.
import type Database from 'better-sqlite3';
import { openSqlite } from '../core/sqlite.js';

export interface CursorStore {
  get<T>(connector: string): T | undefined;
  set(connector: string, cursor: unknown): void;
  close(): void;
}

export class SqliteCursorStore implements CursorStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSqlite(file, { synchronous: 'FULL' });
    this.db.exec('CREATE TABLE IF NOT EXISTS cursors (connector TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at INTEGER NOT NULL)');
  }

  get<T>(connector: string): T | undefined {
    const row = this.db.prepare('SELECT cursor FROM cursors WHERE connector = ?').get(connector) as { cursor: string } | undefined;
    return row ? (JSON.parse(row.cursor) as T) : undefined;
  }

  set(connector: string, cursor: unknown): void {
    this.db
      .prepare('INSERT INTO cursors (connector, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at')
      .run(connector, JSON.stringify(cursor), Date.now());
  }

  close(): void {
    this.db.close();
  }
}
