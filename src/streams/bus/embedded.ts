// The embedded bus: a durable log in one SQLite file (WAL), so a record that `publish` confirmed
// survives kill -9 and power loss (its commit is synced: synchronous=FULL). Commits of what the
// pipeline derives from the log (offsets, leases, mentions.analyzed) are not synced one by one
// (synchronous=NORMAL): the log is one sequence, so a power cut can only take its newest commits,
// and the next synced publish carries the earlier ones to disk with it; what a cut took is read
// and analysed again from the records before it (at-least-once, every write downstream is
// idempotent by id). One partition per topic (total order, hence
// order per key). A consumer group is owned by one consumer at a time through a lease row, so two
// processes sharing the file (`ecoute run` and `ecoute ingest`) never both handle the same records;
// a lease whose process died is taken over at once.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { EcouteError, isEcouteError } from '../../core/errors.js';
import { guarded, isDiskError, openSqlite } from '../../core/sqlite.js';
import { WalCheckpointer } from '../../core/wal-checkpointer.js';
import type {
  BatchHandler,
  Bus,
  BusRecord,
  ConsumedRecord,
  ConsumeOptions,
  Consumer,
  Offsets,
  PrivacyDecision,
  Topic,
} from './types.js';

export interface EmbeddedBusOptions {
  /** SQLite file, or ':memory:' (tests). */
  file: string;
  /** Consumed records older than this are deleted. */
  retentionMs?: number;
  /** How often an idle consumer polls for records written by another process. */
  pollIntervalMs?: number;
  /** How long a consumer group lease lasts without renewal. */
  leaseMs?: number;
  /** Back-off after a failed handler: doubles from this up to 30 s. */
  retryBackoffMs?: number;
  /**
   * The WAL's checkpoints in a thread of their own instead of inside the main thread's commits
   * (`ecoute run`, issue 15: the webhook's answers no longer wait for them). Default false.
   */
  checkpointInThread?: boolean;
}

/**
 * Topics whose records are derived from records of the log itself: their appends need no sync of
 * their own (see the header). Everything a source published (a webhook's 202, a file connector's
 * cursor, a dead letter of rejected input) is synced before `publish` resolves.
 */
const DERIVED_TOPICS: ReadonlySet<Topic> = new Set<Topic>(['mentions.analyzed']);

const PARTITION = 0;

const SCHEMA = `
      CREATE TABLE IF NOT EXISTS records (
        topic TEXT NOT NULL, offset INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        headers TEXT, ts INTEGER NOT NULL, PRIMARY KEY (topic, offset)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS topic_ends (topic TEXT PRIMARY KEY, next_offset INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS group_offsets (
        topic TEXT NOT NULL, grp TEXT NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, grp));
      CREATE TABLE IF NOT EXISTS group_leases (
        topic TEXT NOT NULL, grp TEXT NOT NULL, owner TEXT NOT NULL, pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, PRIMARY KEY (topic, grp));
    `;

const DEFAULT_BATCH = 500;

interface RecordRow {
  topic: Topic;
  offset: number;
  key: string;
  value: string;
  headers: string | null;
  ts: number;
}

export class EmbeddedBus implements Bus {
  private readonly db: Database.Database;
  readonly file: string;
  private readonly appended = new EventEmitter();
  private readonly consumers = new Set<EmbeddedConsumer>();
  private readonly retentionMs: number;
  private readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly retryBackoffMs: number;
  private readonly retentionTimer: NodeJS.Timeout;
  private readonly checkpointer: WalCheckpointer | undefined;
  private closed = false;

  private readonly stmt: {
    end: Database.Statement<[string], { next_offset: number }>;
    setEnd: Database.Statement<[string, number]>;
    insert: Database.Statement<[string, number, string, string, string | null, number]>;
    fetch: Database.Statement<[string, number, number], RecordRow>;
    committed: Database.Statement<[string, string], { next_offset: number }>;
    commit: Database.Statement<[string, string, number]>;
    lease: Database.Statement<[string, string], { owner: string; pid: number; expires_at: number }>;
    putLease: Database.Statement<[string, string, string, number, number]>;
    dropLease: Database.Statement<[string, string, string]>;
    retain: Database.Statement<[number]>;
  };
  private readonly syncFull: Database.Statement;
  private readonly syncNormal: Database.Statement;
  // Built once: better-sqlite3 compiles a wrapper on every transaction() call.
  private readonly tx: {
    append: Database.Transaction<(topic: Topic, records: BusRecord[], now: number) => void>;
    commitIfOwner: Database.Transaction<(topic: Topic, group: string, owner: string, nextOffset: number) => boolean>;
    acquireLease: Database.Transaction<(topic: Topic, group: string, owner: string) => boolean>;
  };

  constructor(options: EmbeddedBusOptions) {
    // NORMAL by default, FULL around the publishes a source is answered on (see the header).
    this.file = options.file;
    this.db = openSqlite(options.file, { synchronous: 'NORMAL', version: 1, schema: (db) => db.exec(SCHEMA) });
    this.syncFull = this.db.prepare('PRAGMA synchronous = FULL');
    this.syncNormal = this.db.prepare('PRAGMA synchronous = NORMAL');
    const memory = options.file === ':memory:' || options.file === '';
    this.checkpointer = options.checkpointInThread && !memory ? new WalCheckpointer(this.db, options.file) : undefined;
    this.stmt = {
      end: this.db.prepare('SELECT next_offset FROM topic_ends WHERE topic = ?'),
      setEnd: this.db.prepare(
        'INSERT INTO topic_ends (topic, next_offset) VALUES (?, ?) ON CONFLICT (topic) DO UPDATE SET next_offset = excluded.next_offset',
      ),
      insert: this.db.prepare('INSERT INTO records (topic, offset, key, value, headers, ts) VALUES (?, ?, ?, ?, ?, ?)'),
      fetch: this.db.prepare('SELECT * FROM records WHERE topic = ? AND offset >= ? ORDER BY offset LIMIT ?'),
      committed: this.db.prepare('SELECT next_offset FROM group_offsets WHERE topic = ? AND grp = ?'),
      commit: this.db.prepare(
        'INSERT INTO group_offsets (topic, grp, next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, grp) DO UPDATE SET next_offset = MAX(next_offset, excluded.next_offset)',
      ),
      lease: this.db.prepare('SELECT owner, pid, expires_at FROM group_leases WHERE topic = ? AND grp = ?'),
      putLease: this.db.prepare(
        'INSERT INTO group_leases (topic, grp, owner, pid, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (topic, grp) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, expires_at = excluded.expires_at',
      ),
      dropLease: this.db.prepare('DELETE FROM group_leases WHERE topic = ? AND grp = ? AND owner = ?'),
      retain: this.db.prepare(
        `DELETE FROM records WHERE ts < ? AND offset < COALESCE(
           (SELECT MIN(g.next_offset) FROM group_offsets g WHERE g.topic = records.topic), 9223372036854775807)`,
      ),
    };
    this.tx = {
      append: this.db.transaction((topic: Topic, records: BusRecord[], now: number) => {
        let next = this.stmt.end.get(topic)?.next_offset ?? 0;
        for (const record of records) {
          const headers = record.headers && Object.keys(record.headers).length > 0 ? JSON.stringify(record.headers) : null;
          this.stmt.insert.run(topic, next++, record.key, record.value, headers, now);
        }
        this.stmt.setEnd.run(topic, next);
      }),
      commitIfOwner: this.db.transaction((topic: Topic, group: string, owner: string, nextOffset: number) => {
        const lease = this.stmt.lease.get(topic, group);
        if (!lease || lease.owner !== owner) return false;
        this.stmt.commit.run(topic, group, nextOffset);
        this.stmt.putLease.run(topic, group, owner, process.pid, Date.now() + this.leaseMs);
        return true;
      }),
      acquireLease: this.db.transaction((topic: Topic, group: string, owner: string) => {
        const lease = this.stmt.lease.get(topic, group);
        const now = Date.now();
        const free = !lease || lease.owner === owner || lease.expires_at < now || !processAlive(lease.pid);
        if (free) this.stmt.putLease.run(topic, group, owner, process.pid, now + this.leaseMs);
        return free;
      }),
    };
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 200;
    this.appended.setMaxListeners(0);
    this.applyRetention();
    this.retentionTimer = setInterval(() => {
      // A damaged file is reported by the consumers and publishers that meet it, not by a timer.
      try {
        this.applyRetention();
      } catch {
        // see above
      }
    }, 60_000);
    this.retentionTimer.unref();
  }

  async publish(topic: Topic, records: BusRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    const now = Date.now();
    // A full disk fails the publish with DISK_FULL (retriable): the caller keeps its records.
    // A source is answered on a publish of its records: their commit is on disk, not only in the OS cache.
    guarded(this.file, `appending to ${topic}`, () =>
      DERIVED_TOPICS.has(topic) ? this.tx.append.immediate(topic, records, now) : this.synced(() => this.tx.append.immediate(topic, records, now)),
    );
    this.appended.emit(topic);
  }

  consume(topic: Topic, group: string, handler: BatchHandler, options: ConsumeOptions = {}): Consumer {
    this.assertOpen();
    const consumer = new EmbeddedConsumer(this, topic, group, handler, options);
    this.consumers.add(consumer);
    void consumer.done.finally(() => this.consumers.delete(consumer)).catch(() => undefined);
    return consumer;
  }

  async endOffsets(topic: Topic): Promise<Offsets> {
    return { [PARTITION]: this.endOffset(topic) };
  }

  async committedOffsets(topic: Topic, group: string): Promise<Offsets> {
    return { [PARTITION]: this.committed(topic, group) };
  }

  async read(topic: Topic, from: Offsets, limit = 10_000): Promise<ConsumedRecord[]> {
    this.assertOpen();
    return this.fetch(topic, from[PARTITION] ?? 0, limit);
  }

  // Issue 14, faults-embedded part (`ecoute dlq drop`): the log's rows themselves are deleted; the
  // offsets around them stay as they are (a read skips the gap).
  async deleteRecords(topic: Topic, records: { partition: number; offset: number }[]): Promise<number> {
    this.assertOpen();
    const remove = this.db.prepare<[string, number]>('DELETE FROM records WHERE topic = ? AND offset = ?');
    return guarded(this.file, `deleting records of ${topic}`, () =>
      this.synced(() => this.db.transaction(() => records.filter((r) => r.partition === PARTITION).reduce((n, r) => n + remove.run(topic, r.offset).changes, 0)).immediate()),
    );
  }

  /** Checkpoints the bus's own thread ran (0 without `checkpointInThread`); for tests and metrics. */
  get checkpointsInThread(): number {
    return this.checkpointer?.checkpoints ?? 0;
  }

  /** Runs `write` with its commit synced (synchronous=FULL), the connection's NORMAL again after. */
  private synced<T>(write: () => T): T {
    this.syncFull.run();
    try {
      return write();
    } finally {
      this.syncNormal.run();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    this.closed = true;
    clearInterval(this.retentionTimer);
    await this.checkpointer?.close();
    this.db.close();
  }

  // ---- Privacy (issue 14, H4): see Bus.privacyRewrite / privacyExpire. ----

  async privacyRewrite(topic: Topic, decide: (record: ConsumedRecord) => PrivacyDecision): Promise<{ deleted: number; rewritten: number }> {
    this.assertOpen();
    let deleted = 0;
    let rewritten = 0;
    const del = this.db.prepare('DELETE FROM records WHERE topic = ? AND offset = ?');
    const set = this.db.prepare('UPDATE records SET value = ? WHERE topic = ? AND offset = ?');
    const PAGE = 2000;
    // Page by page, each page one transaction: the log stays writable meanwhile.
    for (let from = 0; ; ) {
      const page = this.fetch(topic, from, PAGE);
      if (page.length === 0) break;
      // An erasure reported done stays done through a power cut: synced.
      guarded(this.file, `erasing from ${topic}`, () =>
        this.synced(() =>
          this.db
            .transaction(() => {
              for (const record of page) {
                const d = decide(record);
                if (d === 'delete') deleted += del.run(topic, record.offset).changes;
                else if (d !== 'keep') rewritten += set.run(d.value, topic, record.offset).changes;
              }
            })
            .immediate(),
        ),
      );
      from = page[page.length - 1]!.offset + 1;
    }
    return { deleted, rewritten };
  }

  async privacyExpire(topic: Topic, beforeMs: number, source?: string): Promise<number> {
    this.assertOpen();
    return guarded(this.file, `expiring ${topic}`, () =>
      this.synced(() =>
        source === undefined
          ? this.db.prepare('DELETE FROM records WHERE topic = ? AND ts < ?').run(topic, beforeMs).changes
          : this.db
              .prepare("DELETE FROM records WHERE topic = ? AND ts < ? AND json_valid(value) AND json_extract(value, '$.source') = ?")
              .run(topic, beforeMs, source).changes,
      ),
    );
  }

  // ---- used by EmbeddedConsumer ----

  endOffset(topic: Topic): number {
    return guarded(this.file, `reading the end of ${topic}`, () => this.stmt.end.get(topic)?.next_offset ?? 0);
  }

  committed(topic: Topic, group: string): number {
    return guarded(this.file, `reading the offset of ${group} on ${topic}`, () => this.stmt.committed.get(topic, group)?.next_offset ?? 0);
  }

  fetch(topic: Topic, from: number, limit: number): ConsumedRecord[] {
    return guarded(this.file, `reading ${topic}`, () => this.stmt.fetch.all(topic, from, limit)).map((row) => ({
      topic: row.topic,
      partition: PARTITION,
      offset: row.offset,
      key: row.key,
      value: row.value,
      ...(row.headers ? { headers: JSON.parse(row.headers) as Record<string, string> } : {}),
      timestamp: row.ts,
    }));
  }

  /** Commits only while the caller still holds the group's lease; false if it lost it. */
  commitIfOwner(topic: Topic, group: string, owner: string, nextOffset: number): boolean {
    return guarded(this.file, `committing the offset of ${group} on ${topic}`, () => this.tx.commitIfOwner.immediate(topic, group, owner, nextOffset));
  }

  /** Takes or renews the group's lease; false while another live consumer holds it. */
  acquireLease(topic: Topic, group: string, owner: string): boolean {
    return guarded(this.file, `renewing the lease of ${group} on ${topic}`, () => this.tx.acquireLease.immediate(topic, group, owner));
  }

  releaseLease(topic: Topic, group: string, owner: string): void {
    if (this.closed) return;
    // Best effort: a lease left behind by a failed write expires, or is taken over once this process is gone.
    try {
      guarded(this.file, `releasing the lease of ${group} on ${topic}`, () => this.stmt.dropLease.run(topic, group, owner));
    } catch {
      // reported by guarded when it is a disk problem
    }
  }

  /** Resolves when a record is appended to `topic` in this process, or after the poll interval. */
  waitForAppend(topic: Topic, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off(topic, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.appended.once(topic, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Deletes records every group of the topic has read and that are older than the retention. A
   * topic nobody consumes (the dead-letter topic) keeps its records for the retention period.
   */
  applyRetention(): void {
    if (this.closed) return;
    const cutoff = Date.now() - this.retentionMs;
    // Runs from a timer: a failure (disk full: a delete needs log space too) must not escape it.
    try {
      guarded(this.file, 'deleting records past retention', () => this.stmt.retain.run(cutoff));
    } catch (error) {
      if (!isDiskError(error) && !isEcouteError(error, 'DATA_FILE_BUSY')) throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EcouteError('BUS_CLOSED', 'bus is closed');
  }
}

/**
 * Doubles from `base` up to 30 s; up to 5 s for a full disk or an I/O error, so écoute resumes
 * within seconds of space coming back (a retry on a full disk costs one failed write).
 */
function backoffMs(base: number, failures: number, error: unknown): number {
  const cap = isDiskError(error) ? 5_000 : 30_000;
  return Math.min(cap, base * 2 ** Math.min(failures - 1, 8));
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class EmbeddedConsumer implements Consumer {
  readonly done: Promise<void>;
  private readonly owner = `${process.pid}:${randomUUID()}`;
  private readonly stopping = new AbortController();
  /** When the lease must next be renewed (0: not held). */
  private renewAt = 0;

  constructor(
    private readonly bus: EmbeddedBus,
    private readonly topic: Topic,
    private readonly group: string,
    private readonly handler: BatchHandler,
    private readonly options: ConsumeOptions,
  ) {
    this.done = this.run();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.done.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    const maxBatch = this.options.maxBatch ?? DEFAULT_BATCH;
    let failures = 0;
    // After a failed handler or a failed write of the bus itself, wait before trying again.
    const pause = async (error: unknown, batch: ConsumedRecord[]) => {
      failures++;
      this.options.onError?.(error, batch);
      await sleep(backoffMs(this.bus.retryBackoffMs, failures, error), undefined, { signal }).catch(() => undefined);
    };
    try {
      while (!signal.aborted) {
        let batch: ConsumedRecord[];
        try {
          // The lease is written only when a third of it has run out, not on every poll (a write per
          // batch and per idle poll).
          const now = Date.now();
          if (now >= this.renewAt) {
            if (!this.bus.acquireLease(this.topic, this.group, this.owner)) {
              this.renewAt = 0;
              await sleep(Math.min(1000, this.bus.leaseMs / 4), undefined, { signal }).catch(() => undefined);
              continue;
            }
            this.renewAt = now + this.bus.leaseMs / 3;
          }
          const from = this.bus.committed(this.topic, this.group);
          batch = this.bus.fetch(this.topic, from, maxBatch);
        } catch (error) {
          // A full disk (the lease is a write) or a file locked past busy_timeout: wait and retry;
          // anything else (a damaged file) stops the consumer, and its stage reports it.
          if (!isEcouteError(error) || !error.retriable) throw error;
          await pause(error, []);
          continue;
        }
        if (batch.length === 0) {
          await this.bus.waitForAppend(this.topic, signal);
          continue;
        }
        try {
          await this.handler(batch);
        } catch (error) {
          // At-least-once: nothing is committed, the same batch comes again after a back-off.
          await pause(error, batch);
          continue;
        }
        failures = 0;
        const last = batch[batch.length - 1] as ConsumedRecord;
        // The batch is handled: its commit is retried until it lands, rather than handling the
        // batch again (a full disk can refuse the commit after the handler's own writes fitted).
        // Stopping while it fails leaves it uncommitted: the next consumer handles it again (at-least-once).
        for (let attempt = 0; attempt === 0 || !signal.aborted; attempt++) {
          try {
            // Losing the lease here means another consumer took over (we stalled past the lease):
            // it re-reads from the last commit, so the batch is handled again, never skipped.
            if (this.bus.commitIfOwner(this.topic, this.group, this.owner, last.offset + 1)) this.renewAt = Date.now() + this.bus.leaseMs / 3;
            else this.renewAt = 0;
            failures = 0;
            break;
          } catch (error) {
            if (!isEcouteError(error) || !error.retriable) throw error;
            await pause(error, []);
          }
        }
        // es18 (issue 15, webhook under load): one turn of the event loop between batches. SQLite
        // answers synchronously, so a consumer with a backlog and a handler that needs no I/O (the
        // alerts stage) could go from batch to batch in microtasks alone, and the HTTP server on
        // the same thread would answer nothing until the backlog was gone; now a request waits for
        // one batch at most.
        await nextTurn();
      }
    } finally {
      this.bus.releaseLease(this.topic, this.group, this.owner);
    }
  }
}
