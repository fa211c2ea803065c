// The embedded AlertStore: data_dir/alerts.sqlite (SQLite, WAL, through core's openSqlite like every
// data file, so a damaged or emptied file is refused and a full disk is a retriable DISK_FULL).
// Each alert and incident is kept whole as JSON beside the columns it is filtered and sorted on.
// The alerts carry their incident's status (updated with the incident), so "alerts of open
// incidents" needs no join, the same way the Elasticsearch store does it.
import type Database from 'better-sqlite3';
import { guarded, openSqlite } from '../../core/sqlite.js';
import { secretScrubber } from '../../core/scrub.js';
import type { Alert, Incident } from '../types.js';
import { checkQuery, encodeCursor, keptAck, withoutExamples, type CheckedQuery } from './page.js';
import type { AlertQuery, AlertStore, DeliveryRecord, DeliveryStatus } from './types.js';

/** PRAGMA user_version of alerts.sqlite; a file of a newer version is refused (upgrade écoute). */
export const ALERTS_SCHEMA_VERSION = 1;

function alertsSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alerts (
      id TEXT PRIMARY KEY, brand TEXT NOT NULL, rule TEXT NOT NULL, incident_id TEXT NOT NULL,
      incident_status TEXT NOT NULL DEFAULT 'open', fired_at INTEGER NOT NULL, window_start INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts (fired_at DESC, id DESC);
    CREATE INDEX IF NOT EXISTS alerts_by_brand ON alerts (brand, fired_at DESC, id DESC);
    CREATE INDEX IF NOT EXISTS alerts_by_incident ON alerts (incident_id);
    CREATE TABLE IF NOT EXISTS incidents (
      id TEXT PRIMARY KEY, brand TEXT NOT NULL, status TEXT NOT NULL, opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS incidents_by_time ON incidents (opened_at DESC, id DESC);
    CREATE INDEX IF NOT EXISTS incidents_by_brand_status ON incidents (brand, status);
    CREATE TABLE IF NOT EXISTS deliveries (
      key TEXT NOT NULL, notifier TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, at TEXT NOT NULL, error TEXT,
      PRIMARY KEY (key, notifier));
  `);
}

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export class SqliteAlertStore implements AlertStore {
  private readonly db: Database.Database;

  constructor(private readonly file: string) {
    // FULL: a 'sent' delivery row is what keeps a restart from sending the same alert twice.
    this.db = openSqlite(file, { synchronous: 'FULL', version: ALERTS_SCHEMA_VERSION, schema: alertsSchema });
  }

  private run<T>(doing: string, work: () => T): T {
    return guarded(this.file, doing, work);
  }

  async ensureSchema(): Promise<void> {
    // Created when opened (openSqlite's schema option).
  }

  async recordAlert(alert: Alert): Promise<'created' | 'exists'> {
    return this.run(`recording alert ${alert.id}`, () =>
      this.db
        .transaction((): 'created' | 'exists' => {
          const status = (this.db.prepare('SELECT status FROM incidents WHERE id = ?').get(alert.incidentId) as { status: string } | undefined)?.status ?? 'open';
          const result = this.db
            .prepare('INSERT INTO alerts (id, brand, rule, incident_id, incident_status, fired_at, window_start, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
            .run(alert.id, alert.brand, alert.rule, alert.incidentId, status, ms(alert.firedAt), ms(alert.windowStart), JSON.stringify(alert));
          return result.changes === 1 ? 'created' : 'exists';
        })
        .immediate(),
    );
  }

  async upsertIncident(incident: Incident): Promise<void> {
    this.run(`saving incident ${incident.id}`, () =>
      this.db
        .transaction(() => {
          const stored = this.readIncident(incident.id);
          const kept = keptAck(incident, stored);
          this.db
            .prepare(
              'INSERT INTO incidents (id, brand, status, opened_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET brand = excluded.brand, status = excluded.status, opened_at = excluded.opened_at, updated_at = excluded.updated_at, body = excluded.body',
            )
            .run(kept.id, kept.brand, kept.status, ms(kept.openedAt), ms(kept.updatedAt), JSON.stringify(kept));
          this.db.prepare('UPDATE alerts SET incident_status = ? WHERE incident_id = ?').run(kept.status, kept.id);
        })
        .immediate(),
    );
  }

  private readIncident(id: string): Incident | undefined {
    const row = this.db.prepare('SELECT body FROM incidents WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Incident) : undefined;
  }

  private readAlert(id: string): Alert | undefined {
    const row = this.db.prepare('SELECT body FROM alerts WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Alert) : undefined;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    return this.run(`reading alert ${id}`, () => this.readAlert(id));
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return this.run(`reading incident ${id}`, () => this.readIncident(id));
  }

  async listAlerts(q?: AlertQuery): Promise<{ items: Alert[]; nextCursor?: string }> {
    const c = checkQuery('alerts', q);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (c.brand !== undefined) (where.push('brand = ?'), args.push(c.brand));
    if (c.fromMs !== undefined) (where.push('window_start >= ?'), args.push(c.fromMs));
    if (c.toMs !== undefined) (where.push('window_start < ?'), args.push(c.toMs));
    if (c.status !== undefined) (where.push('incident_status = ?'), args.push(c.status));
    return this.page(c, 'alerts', 'fired_at', where, args, (body) => JSON.parse(body) as Alert);
  }

  async listIncidents(q?: AlertQuery): Promise<{ items: Incident[]; nextCursor?: string }> {
    const c = checkQuery('incidents', q);
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (c.brand !== undefined) (where.push('brand = ?'), args.push(c.brand));
    if (c.fromMs !== undefined) (where.push('updated_at >= ?'), args.push(c.fromMs));
    if (c.toMs !== undefined) (where.push('opened_at < ?'), args.push(c.toMs));
    if (c.status !== undefined) (where.push('status = ?'), args.push(c.status));
    return this.page(c, 'incidents', 'opened_at', where, args, (body) => JSON.parse(body) as Incident);
  }

  private page<T>(c: CheckedQuery, table: 'alerts' | 'incidents', time: 'fired_at' | 'opened_at', where: string[], args: (string | number)[], parse: (body: string) => T) {
    if (c.after) {
      where.push(`(${time} < ? OR (${time} = ? AND id < ?))`);
      args.push(c.after.t, c.after.t, c.after.id);
    }
    const sql = `SELECT id, ${time} AS t, body FROM ${table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${time} DESC, id DESC LIMIT ?`;
    const rows = this.run(`listing ${table}`, () => this.db.prepare(sql).all(...args, c.limit + 1) as { id: string; t: number; body: string }[]);
    const more = rows.length > c.limit;
    const kept = more ? rows.slice(0, c.limit) : rows;
    const last = kept[kept.length - 1];
    return { items: kept.map((r) => parse(r.body)), ...(more && last && { nextCursor: encodeCursor(last.t, last.id, c.fingerprint) }) };
  }

  async openIncidents(brand: string): Promise<Incident[]> {
    const rows = this.run(`reading the open incidents of ${brand}`, () =>
      this.db.prepare("SELECT body FROM incidents WHERE brand = ? AND status = 'open' ORDER BY opened_at, id").all(brand) as { body: string }[],
    );
    return rows.map((r) => JSON.parse(r.body) as Incident);
  }

  async acknowledge(id: string, by?: string): Promise<Alert | Incident | undefined> {
    const at = new Date().toISOString();
    return this.run(`acknowledging ${id}`, () =>
      this.db
        .transaction((): Alert | Incident | undefined => {
          const alert = this.readAlert(id);
          if (alert) {
            if (alert.acknowledgedAt) return alert;
            const acked: Alert = { ...alert, acknowledgedAt: at, ...(by !== undefined && { acknowledgedBy: by }) };
            this.db.prepare('UPDATE alerts SET body = ? WHERE id = ?').run(JSON.stringify(acked), id);
            return acked;
          }
          const incident = this.readIncident(id);
          if (!incident) return undefined;
          if (incident.acknowledgedAt) return incident;
          const acked: Incident = { ...incident, acknowledgedAt: at, ...(by !== undefined && { acknowledgedBy: by }) };
          this.db.prepare('UPDATE incidents SET body = ? WHERE id = ?').run(JSON.stringify(acked), id);
          return acked;
        })
        .immediate(),
    );
  }

  async setFeedback(alertId: string, feedback: 'useful' | 'not_useful'): Promise<Alert | undefined> {
    return this.run(`saving feedback on alert ${alertId}`, () =>
      this.db
        .transaction((): Alert | undefined => {
          const alert = this.readAlert(alertId);
          if (!alert) return undefined;
          const updated: Alert = { ...alert, feedback };
          this.db.prepare('UPDATE alerts SET body = ? WHERE id = ?').run(JSON.stringify(updated), alertId);
          return updated;
        })
        .immediate(),
    );
  }

  async recordDelivery(d: DeliveryRecord): Promise<void> {
    this.run(`recording the delivery of ${d.key} to ${d.notifier}`, () =>
      this.db
        .prepare(
          "INSERT INTO deliveries (key, notifier, status, attempts, at, error) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, notifier) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, at = excluded.at, error = excluded.error WHERE deliveries.status != 'sent'",
        )
        .run(d.key, d.notifier, d.status, d.attempts, d.at, d.error === undefined ? null : secretScrubber.scrub(d.error)),
    );
  }

  async deliveryStatus(key: string, notifier: string): Promise<DeliveryStatus | undefined> {
    const row = this.run(`reading the delivery of ${key} to ${notifier}`, () => this.db.prepare('SELECT status FROM deliveries WHERE key = ? AND notifier = ?').get(key, notifier)) as
      | { status: DeliveryStatus }
      | undefined;
    return row?.status;
  }

  // Privacy (issue 14, H4).
  async eraseMentionExamples(mentionIds: ReadonlySet<string>): Promise<number> {
    if (mentionIds.size === 0) return 0;
    return this.run('erasing mentions from alert examples', () =>
      this.db
        .transaction(() => {
          let changed = 0;
          const update = this.db.prepare('UPDATE alerts SET body = ? WHERE id = ?');
          for (const row of this.db.prepare('SELECT id, body FROM alerts').all() as { id: string; body: string }[]) {
            const alert = JSON.parse(row.body) as Alert;
            const kept = withoutExamples(alert, mentionIds);
            if (kept) {
              update.run(JSON.stringify(kept), row.id);
              changed++;
            }
          }
          return changed;
        })
        .immediate(),
    );
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
