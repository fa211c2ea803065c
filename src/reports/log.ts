// The delivery log, data_dir/reports.sqlite: which scheduled run went to which destination, so a
// restart, a catch-up or a retry never sends a report twice; and when each schedule was first seen,
// so a run "missed while écoute was down" is told from one before the schedule existed.
import type Database from 'better-sqlite3';
import { guarded, openSqlite } from '../core/sqlite.js';

export const REPORTS_FILE = 'reports.sqlite';

export type DeliveryState = 'sent' | 'failed';

export class ReportLog {
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    this.db = openSqlite(file, {
      version: 1,
      schema: (db) =>
        db.exec(`
CREATE TABLE IF NOT EXISTS schedules (key TEXT PRIMARY KEY, first_seen_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (schedule TEXT NOT NULL, run_at_ms INTEGER NOT NULL, done_at_ms INTEGER NOT NULL, PRIMARY KEY (schedule, run_at_ms));
CREATE TABLE IF NOT EXISTS deliveries (
  schedule TEXT NOT NULL, run_at_ms INTEGER NOT NULL, destination TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL, at_ms INTEGER NOT NULL, error TEXT,
  PRIMARY KEY (schedule, run_at_ms, destination)
);`),
    });
  }

  /** When the schedule was first seen (recorded now if never). */
  firstSeen(schedule: string, nowMs: number): number {
    return guarded(this.file, 'recording a schedule', () => {
      this.db.prepare('INSERT OR IGNORE INTO schedules (key, first_seen_ms) VALUES (?, ?)').run(schedule, nowMs);
      return this.db.prepare('SELECT first_seen_ms FROM schedules WHERE key = ?').pluck().get(schedule) as number;
    });
  }

  /** Every destination of the run got its report. */
  runDone(schedule: string, runAtMs: number): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE schedule = ? AND run_at_ms = ?').get(schedule, runAtMs) !== undefined;
  }

  markRunDone(schedule: string, runAtMs: number, nowMs: number): void {
    guarded(this.file, 'recording a run', () => this.db.prepare('INSERT OR IGNORE INTO runs (schedule, run_at_ms, done_at_ms) VALUES (?, ?, ?)').run(schedule, runAtMs, nowMs));
  }

  status(schedule: string, runAtMs: number, destination: string): DeliveryState | undefined {
    return this.db.prepare('SELECT status FROM deliveries WHERE schedule = ? AND run_at_ms = ? AND destination = ?').pluck().get(schedule, runAtMs, destination) as DeliveryState | undefined;
  }

  record(schedule: string, runAtMs: number, destination: string, status: DeliveryState, nowMs: number, error?: string): void {
    guarded(this.file, 'recording a delivery', () =>
      this.db
        .prepare(
          `INSERT INTO deliveries (schedule, run_at_ms, destination, status, attempts, at_ms, error) VALUES (?, ?, ?, ?, 1, ?, ?)
           ON CONFLICT (schedule, run_at_ms, destination) DO UPDATE SET status = excluded.status, attempts = attempts + 1, at_ms = excluded.at_ms, error = excluded.error`,
        )
        .run(schedule, runAtMs, destination, status, nowMs, error ?? null),
    );
  }

  /** The log, newest first (for `ecoute`'s operators and the tests). */
  deliveries(schedule?: string): { schedule: string; runAt: string; destination: string; status: DeliveryState; attempts: number; error: string | null }[] {
    const rows = this.db
      .prepare(`SELECT schedule, run_at_ms, destination, status, attempts, error FROM deliveries${schedule ? ' WHERE schedule = ?' : ''} ORDER BY run_at_ms DESC, destination`)
      .all(...(schedule ? [schedule] : [])) as { schedule: string; run_at_ms: number; destination: string; status: DeliveryState; attempts: number; error: string | null }[];
    return rows.map((r) => ({ schedule: r.schedule, runAt: new Date(r.run_at_ms).toISOString(), destination: r.destination, status: r.status, attempts: r.attempts, error: r.error }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
