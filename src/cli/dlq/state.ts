// What `ecoute dlq` remembers about dead letters: which were replayed (so a second replay does not
// send them again) and, on Kafka, which were dropped (Kafka cannot delete one record). One small
// SQLite file, data_dir/dead-letters.sqlite, scoped by bus (the embedded file, or the Kafka topic),
// so two deployments sharing a data dir never mix their marks.
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { guarded, openSqlite } from '../../core/sqlite.js';

export type Mark = { status: 'replayed' | 'dropped'; at: string; to?: string };

const SCHEMA = `CREATE TABLE IF NOT EXISTS marks (
  scope TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, target TEXT,
  PRIMARY KEY (scope, id)) WITHOUT ROWID;`;

export class DeadLetterState {
  private readonly db: Database.Database;
  readonly file: string;

  constructor(dataDir: string, private readonly scope: string) {
    this.file = join(dataDir, 'dead-letters.sqlite');
    // FULL: a replay is marked on disk before the command says it is done.
    this.db = openSqlite(this.file, { synchronous: 'FULL', version: 1, schema: (db) => db.exec(SCHEMA) });
  }

  marks(): Map<string, Mark> {
    const rows = this.db.prepare<[string], { id: string; status: Mark['status']; at: string; target: string | null }>('SELECT id, status, at, target FROM marks WHERE scope = ?').all(this.scope);
    return new Map(rows.map((r) => [r.id, { status: r.status, at: r.at, ...(r.target !== null && { to: r.target }) }]));
  }

  mark(ids: readonly string[], mark: Mark): void {
    const put = this.db.prepare<[string, string, string, string, string | null]>(
      'INSERT INTO marks (scope, id, status, at, target) VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, id) DO UPDATE SET status = excluded.status, at = excluded.at, target = excluded.target',
    );
    guarded(this.file, 'marking dead letters', () => this.db.transaction(() => ids.forEach((id) => put.run(this.scope, id, mark.status, mark.at, mark.to ?? null))).immediate());
  }

  close(): void {
    this.db.close();
  }
}
