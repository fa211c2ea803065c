// The data files under data_dir: damage found at start (emptied, missing, not SQLite, cut WAL,
// failed integrity check, another file's data) is refused naming the file and the --reset flag;
// every SQLite failure carries a catalogue code and the file; a full disk is DISK_FULL, retriable.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, openSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Database } from '../../src/core/sqlite-driver.js';
import { describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../src/connectors/webhook/replay.js';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { SqliteFingerprintStore } from '../../src/streams/near-duplicates/index.js';
import { EcouteError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { checkDataDir, openSqlite, resetDataFiles } from '../../src/core/sqlite.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { ConsumedRecord } from '../../src/streams/bus/types.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'ecoute-datafiles-'));

/** What an error thrown by `work` says: its code and message. */
function failure(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    const e = error as EcouteError;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a failure');
}

async function busWithRecords(dir: string, n: number): Promise<void> {
  const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite') });
  await bus.publish('mentions.raw', Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })));
  await bus.close();
}

describe('data files: checked at start', () => {
  it('an emptied bus.sqlite (0 bytes) is refused, naming the file and --reset-bus', async () => {
    const dir = dataDir();
    await busWithRecords(dir, 500);
    truncateSync(join(dir, 'bus.sqlite'), 0);
    const f = failure(() => checkDataDir(dir));
    expect(f.code).toBe('DATA_FILE_DAMAGED');
    expect(f.message).toContain(join(dir, 'bus.sqlite'));
    expect(f.message).toMatch(/empty \(0 bytes\)/);
    expect(f.message).toContain('--reset-bus');
    // Opening it is refused too (every open goes through the same checks).
    expect(() => new EmbeddedBus({ file: join(dir, 'bus.sqlite') })).toThrow(/bus\.sqlite: is empty/);
  });

  it('a data file replaced by a new empty database (no tables) is refused', async () => {
    const dir = dataDir();
    await busWithRecords(dir, 3);
    const file = join(dir, 'bus.sqlite');
    truncateSync(file, 0);
    const fresh = new Database(file);
    fresh.pragma('journal_mode = WAL');
    fresh.close();
    expect(failure(() => checkDataDir(dir)).message).toMatch(/bus\.sqlite: holds no tables, though it was created/);
  });

  it('a known data file gone missing is refused; --reset-<name> starts it empty on purpose and sets the old one aside', async () => {
    const dir = dataDir();
    const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
    await store.ensureSchema();
    await store.close();
    copyFileSync(join(dir, 'store.sqlite'), join(dir, 'store.backup'));
    rmSync(join(dir, 'store.sqlite'));
    const f = failure(() => checkDataDir(dir));
    expect(f).toMatchObject({ code: 'DATA_FILE_DAMAGED' });
    expect(f.message).toMatch(/store\.sqlite: is missing, though it was created on/);
    expect(f.message).toContain('--reset-store');
    resetDataFiles(dir, ['store'], silentLogger);
    expect(() => checkDataDir(dir)).not.toThrow();
  });

  it('--reset-bus renames the damaged file (and its log) aside, never deletes it', async () => {
    const dir = dataDir();
    await busWithRecords(dir, 3);
    writeFileSync(join(dir, 'bus.sqlite'), 'not a database at all');
    expect(failure(() => checkDataDir(dir)).message).toMatch(/bus\.sqlite: is not an SQLite database/);
    const lines: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m) => void lines.push(m) };
    resetDataFiles(dir, ['bus'], log);
    const aside = readdirSync(dir).filter((f) => f.startsWith('bus.sqlite.set-aside-'));
    expect(aside).toHaveLength(1);
    expect(lines[0]).toMatch(/--reset-bus: .*bus\.sqlite set aside as .*starting it empty/);
    const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite') });
    expect(await bus.endOffsets('mentions.raw')).toEqual({ 0: 0 });
    await bus.close();
  });

  it('every problem is listed at once, each naming its file', async () => {
    const dir = dataDir();
    await busWithRecords(dir, 3);
    new SqliteCursorStore(join(dir, 'connectors.sqlite')).close();
    truncateSync(join(dir, 'bus.sqlite'), 0);
    writeFileSync(join(dir, 'connectors.sqlite'), Buffer.alloc(4096, 7));
    const f = failure(() => checkDataDir(dir));
    expect(f.message).toMatch(/^2 data files cannot be used/);
    expect(f.message).toContain(join(dir, 'bus.sqlite'));
    expect(f.message).toContain(join(dir, 'connectors.sqlite'));
  });

  it('a write-ahead log cut in the middle is refused (SQLite would silently drop the commits after the cut)', () => {
    const dir = dataDir();
    const live = join(dir, 'live');
    const file = join(live, 'store.sqlite');
    const db = openSqlite(file, { synchronous: 'NORMAL', schema: (d) => d.exec('CREATE TABLE t (v TEXT)') });
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(300));
    // The files as a crash leaves them: the database and its log, the log not yet checkpointed.
    const crashed = join(dir, 'crashed');
    mkdirSync(crashed);
    copyFileSync(file, join(crashed, 'store.sqlite'));
    copyFileSync(`${file}-wal`, join(crashed, 'store.sqlite-wal'));
    db.close();
    // A process killed between a frame's header and its page leaves 24 bytes of an uncommitted
    // frame: SQLite discards it, nothing committed is lost, so it is not damage.
    const killed = join(dir, 'killed');
    mkdirSync(killed);
    copyFileSync(join(crashed, 'store.sqlite'), join(killed, 'store.sqlite'));
    copyFileSync(join(crashed, 'store.sqlite-wal'), join(killed, 'store.sqlite-wal'));
    const frames = (statSync(join(killed, 'store.sqlite-wal')).size - 32) / 4120;
    expect(Number.isInteger(frames)).toBe(true);
    truncateSync(join(killed, 'store.sqlite-wal'), 32 + (frames - 1) * 4120 + 24);
    openSqlite(join(killed, 'store.sqlite'), { synchronous: 'NORMAL' }).close();

    const wal = join(crashed, 'store.sqlite-wal');
    truncateSync(wal, Math.floor(statSync(wal).size / 2));
    const f = failure(() => openSqlite(join(crashed, 'store.sqlite'), { synchronous: 'NORMAL' }));
    expect(f.code).toBe('DATA_FILE_DAMAGED');
    expect(f.message).toMatch(/store\.sqlite-wal ends in the middle of a page .*it was cut/);
    expect(f.message).toContain('--reset-store');
  });

  it("a page damaged inside the file fails SQLite's integrity check, naming the file", () => {
    const dir = dataDir();
    const file = join(dir, 'dedup.sqlite');
    const store = new SqliteFingerprintStore(file);
    void store.close();
    const db = new Database(file);
    db.exec('CREATE TABLE filler (v TEXT); CREATE INDEX filler_v ON filler (v)');
    const insert = db.prepare('INSERT INTO filler (v) VALUES (?)');
    for (let i = 0; i < 2000; i++) insert.run(`value ${i} ${'y'.repeat(50)}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // Scribble over a page in the middle of the file (a bad sector, a bad copy).
    const pages = statSync(file).size / 4096;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    const f = failure(() => checkDataDir(dir));
    expect(f.code).toBe('DATA_FILE_DAMAGED');
    expect(f.message).toContain(file);
    expect(f.message).toContain('--reset-dedup');
  });

  it('a file holding another data file (bus.sqlite copied over store.sqlite) is refused', async () => {
    const dir = dataDir();
    await busWithRecords(dir, 3);
    const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
    await store.ensureSchema();
    await store.close();
    copyFileSync(join(dir, 'bus.sqlite'), join(dir, 'store.sqlite'));
    expect(failure(() => checkDataDir(dir)).message).toMatch(/store\.sqlite: holds the embedded bus .*copy of bus\.sqlite/);
  });

  it('a data dir written before the manifest existed is adopted as is', async () => {
    const dir = dataDir();
    const db = new Database(join(dir, 'bus.sqlite'));
    db.exec('CREATE TABLE records (topic TEXT)');
    db.close();
    expect(() => checkDataDir(dir)).not.toThrow();
    expect(existsSync(join(dir, 'data-files.json'))).toBe(true);
    truncateSync(join(dir, 'bus.sqlite'), 0);
    expect(() => checkDataDir(dir)).toThrow(/bus\.sqlite: is empty/);
  });
});

describe('replay guard: fails closed', () => {
  it('an emptied signatures file is refused rather than forgetting what was accepted', () => {
    const dir = dataDir();
    const file = join(dir, 'webhook-signatures.sqlite');
    const guard = new ReplayGuard({ file, source: 'crm' });
    expect(guard.claim('sig-1')).toEqual({ ok: true });
    guard.commit('sig-1', Date.now() + 300_000);
    guard.close();
    truncateSync(file, 0);
    expect(() => new ReplayGuard({ file, source: 'crm' })).toThrow(/webhook-signatures\.sqlite: is empty .*--reset-replay-guard/s);
  });

  it('a deleted signatures file is refused too', async () => {
    const dir = dataDir();
    const file = join(dir, 'webhook-signatures.sqlite');
    new ReplayGuard({ file, source: 'crm' }).close();
    rmSync(file);
    expect(failure(() => new ReplayGuard({ file, source: 'crm' })).message).toMatch(/webhook-signatures\.sqlite: is missing/);
  });
});

describe('SQLite failures name the file and carry a code', () => {
  it('a full database (SQLITE_FULL) is DISK_FULL, retriable, naming the file; the records are not half written', async () => {
    const dir = dataDir();
    const file = join(dir, 'bus.sqlite');
    const bus = new EmbeddedBus({ file });
    // A real SQLITE_FULL without filling a disk: the database may not grow past its current size.
    const db = (bus as unknown as { db: BetterSqlite3.Database }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: 'z'.repeat(2000) }));
    const error = await bus.publish('mentions.raw', big).then(
      () => undefined,
      (e: unknown) => e as EcouteError,
    );
    expect(error).toMatchObject({ code: 'DISK_FULL', retriable: true });
    expect(error?.message).toContain(file);
    expect(await bus.endOffsets('mentions.raw')).toEqual({ 0: 0 });
    db.pragma('max_page_count = 1073741823');
    await bus.publish('mentions.raw', big);
    expect(await bus.endOffsets('mentions.raw')).toEqual({ 0: 200 });
    await bus.close();
  });

  it('a file that cannot be opened is DATA_FILE_UNAVAILABLE, naming it', () => {
    const dir = dataDir();
    const f = failure(() => openSqlite(join(dir, 'connectors.sqlite'), { readonly: true }));
    expect(f.code).toBe('DATA_FILE_UNAVAILABLE');
    expect(f.message).toContain(join(dir, 'connectors.sqlite'));
  });
});

describe('embedded bus consumer under a full disk', () => {
  it('a lease or commit write refused by a full disk is retried: the consumer stays up and handles each batch once', async () => {
    const bus = new EmbeddedBus({ file: join(dataDir(), 'bus.sqlite'), pollIntervalMs: 10, retryBackoffMs: 5 });
    const full = () => new EcouteError('DISK_FULL', 'cannot write data file bus.sqlite: the file system is full');
    const patched = bus as unknown as { commitIfOwner: EmbeddedBus['commitIfOwner']; acquireLease: EmbeddedBus['acquireLease'] };
    const commit = patched.commitIfOwner.bind(bus);
    const lease = patched.acquireLease.bind(bus);
    let commitFailures = 2;
    let leaseFailures = 2;
    patched.commitIfOwner = (...args) => {
      if (commitFailures-- > 0) throw full();
      return commit(...args);
    };
    patched.acquireLease = (...args) => {
      if (leaseFailures-- > 0) throw full();
      return lease(...args);
    };
    await bus.publish('mentions.raw', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    const handled: string[] = [];
    const errors: unknown[] = [];
    const consumer = bus.consume('mentions.raw', 'g', async (batch: ConsumedRecord[]) => void handled.push(...batch.map((r) => r.key)), {
      onError: (e) => void errors.push(e),
    });
    const end = Date.now() + 10_000;
    while ((await bus.committedOffsets('mentions.raw', 'g'))[0] !== 2) {
      if (Date.now() > end) throw new Error('never committed');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(handled).toEqual(['a', 'b']);
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => (e as EcouteError).code === 'DISK_FULL')).toBe(true);
    let finished = false;
    void consumer.done.then(() => (finished = true));
    await new Promise((r) => setImmediate(r));
    expect(finished).toBe(false);
    await consumer.close();
    await bus.close();
  });
});

describe('disk problems are reported once, not once per retry', () => {
  it('one error, a reminder at most once a minute, one line when space is back', async () => {
    const { diskSpace } = await import('../../src/core/disk-space.js');
    const { sqliteFailure } = await import('../../src/core/sqlite.js');
    const lines: { level: string; message: string }[] = [];
    const log: Logger = {
      ...silentLogger,
      error: (message) => void lines.push({ level: 'error', message }),
      warn: (message) => void lines.push({ level: 'warn', message }),
      info: (message) => void lines.push({ level: 'info', message }),
    };
    diskSpace.setLogger(log);
    try {
      const file = join(dataDir(), 'bus.sqlite');
      const full = sqliteFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), file, 'appending to mentions.raw')!;
      expect(full).toMatchObject({ code: 'DISK_FULL', retriable: true });
      const t0 = 1_000_000;
      for (let i = 0; i < 50; i++) diskSpace.failed(file, full, t0 + i * 1000);
      expect(lines.map((l) => l.level)).toEqual(['error']);
      expect(lines[0]!.message).toContain(`the file system is full: cannot write ${file}`);
      diskSpace.failed(file, full, t0 + 61_000);
      expect(lines.map((l) => l.level)).toEqual(['error', 'warn']);
      expect(lines[1]!.message).toMatch(/still cannot write .*bus\.sqlite.*51 writes failed/);
      expect(diskSpace.anyFailing()).toBe(true);
      // The temporary folder has room: the next successful write ends the outage.
      diskSpace.succeeded(file, t0 + 70_000);
      expect(lines[2]).toMatchObject({ level: 'info', message: expect.stringMatching(/^space is back .*resumed after 70 s/) });
      expect(diskSpace.anyFailing()).toBe(false);
    } finally {
      diskSpace.setLogger(silentLogger);
    }
  });

  it('SQLite I/O errors are DISK_IO_ERROR (retriable), a damaged page DATA_FILE_DAMAGED, each naming the file', async () => {
    const { sqliteFailure } = await import('../../src/core/sqlite.js');
    const file = '/srv/data/store.sqlite';
    expect(sqliteFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }), file, 'writing mentions')).toMatchObject({
      code: 'DISK_IO_ERROR',
      retriable: true,
      message: expect.stringContaining(file),
    });
    expect(sqliteFailure(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), file, 'reading')).toMatchObject({
      code: 'DATA_FILE_DAMAGED',
      retriable: false,
      message: expect.stringMatching(/store\.sqlite: .*--reset-store/),
    });
    expect(sqliteFailure(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }), file, 'x')).toBeUndefined();
  });
});

describe('replay guard on a full disk', () => {
  it('a signature the disk refuses to record is still refused from memory, and written once there is room', () => {
    const file = join(dataDir(), 'webhook-signatures.sqlite');
    const guard = new ReplayGuard({ file, source: 'crm' });
    const db = (guard as unknown as { db: BetterSqlite3.Database }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const expires = Date.now() + 300_000;
    const signatures = Array.from({ length: 3000 }, (_, i) => `${'s'.repeat(100)}${i}`);
    for (const s of signatures) {
      expect(guard.claim(s)).toEqual({ ok: true });
      guard.commit(s, expires);
    }
    const stored = () => (db.prepare('SELECT count(*) AS n FROM webhook_signatures').get() as { n: number }).n;
    expect(stored()).toBeLessThan(signatures.length);
    // Every one is refused, written or not: the guard fails closed.
    for (const s of signatures) expect(guard.claim(s)).toEqual({ ok: false, why: 'replay' });
    db.pragma('max_page_count = 1073741823');
    guard.prune();
    expect(stored()).toBe(signatures.length);
    guard.close();
    const reopened = new ReplayGuard({ file, source: 'crm' });
    expect(reopened.claim(signatures[signatures.length - 1]!)).toEqual({ ok: false, why: 'replay' });
    reopened.close();
  });
});
