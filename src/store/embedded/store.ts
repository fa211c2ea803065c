// The embedded MentionStore: one SQLite file (better-sqlite3, WAL) with an FTS5 index for the
// boolean query language and side tables for the aggregations. Several processes may share the
// file (a CLI ingest while the pipeline runs): writes take the lock up front (BEGIN IMMEDIATE) and
// wait up to busy_timeout for it instead of failing at once.
import { significantTerms } from '../significant.js';
import type { SignificantTerm, SignificantTermsRequest } from '../types.js';
import type Database from 'better-sqlite3';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { diskSpace } from '../../core/disk-space.js';
import { guarded, isDiskError, markSchemaCreated, openSqlite, sqliteFailure } from '../../core/sqlite.js';
import { mentionBody } from '../../core/mention-text.js';
import type { AnalyzedMention } from '../../core/types.js';
import { bucketStart, fillBuckets, intervalMs, intervalOrigin } from '../buckets.js';
import { decodeCursor, encodeCursor, requestFingerprint } from '../cursor.js';
import { badCursor, badRequest } from '../errors.js';
import type { QueryNode } from '../../query/ast.js';
import { compileSqlite, registerQueryFunctions } from '../../query/compile/sqlite.js';
import {
  DEFAULT_TERMS,
  MAX_LIMIT,
  resolveFilters,
  resolveInterval,
  resolveLimit,
  resolveQuery,
  resolveSort,
  type ResolvedFilters,
} from '../request.js';
import { emptyFacets, fieldStatsOf, resolveBrands, resolveFacetSize, resolveOptionalInterval, shareOfVoiceBuckets, shareOfVoiceTotals } from '../aggregate.js';
import type {
  Facets,
  FacetsRequest,
  FieldStat,
  FieldStatsRequest,
  ShareOfVoice,
  ShareOfVoiceRequest,
  BulkItemResult,
  BulkResult,
  MentionSignal,
  MentionStore,
  SearchFilters,
  SignalScanRequest,
  SearchHit,
  SearchPage,
  SearchRequest,
  TermCount,
  TimelineBucket,
  TimelineRequest,
  TopTermsRequest,
} from '../types.js';
import { itemId, validateMention } from '../validate.js';
import { migrate } from './schema.js';
import { brandTonesOf } from '../brand-tone.js';
import { fieldAuthors, fieldAuthorsFromColumns } from './field-authors.js';
import type { FieldAuthors, FieldAuthorsRequest } from '../types.js';
import { DocColumns, type DocRow } from './columns.js';
import { bucketsOf, compareBinary, distinctAuthors, facetsOf, newestCandidates, shareOfVoiceOf } from './column-reads.js';
import { addToRollups, dayNumber, onDayBoundary, rollupScope, rollupStatements, takeFromRollups, type RollupStatements } from './rollups.js';
import { TermDeltas, TermDictionary, termPackStatements, topTermsFromPacks, type TermPackStatements, type TermRows } from './term-packs.js';
import { exportPages } from './export-pages.js';
import { columnSignals, scanEmbeddedSignals } from './signals.js';

export interface EmbeddedMentionStoreOptions {
  /** Path of the SQLite file (its folder is created), or ':memory:'. */
  file: string;
  /** How long a write waits for another process's write lock before failing; default 10 000. */
  busyTimeoutMs?: number;
  /**
   * Answer reads from the in-memory columns and the rollup tables where they can (default true).
   * false: every read takes the plain SQL path; the tests compare both (test/unit/embedded-fast-reads.test.ts).
   */
  fastReads?: boolean;
  /**
   * Issue 15 (emb17): this store is the writer thread's (src/app/index-writer.ts): after each
   * commit of `upsert`, its column changes go to the main thread's store (followWriter), which
   * applies them instead of loading every column again because another connection committed.
   */
  onCommit?: ((commit: WriterCommit) => void) | undefined;
}

/** Issue 15 (emb17): one commit of the writer thread's store, as the main thread's store takes it. */
export interface WriterCommit {
  /** The column changes, in order: a doc's row, or a doc deleted. */
  changes: (DocRow | number)[];
  /** Another connection committed since this writer's previous commit (or none came before): the follower loads again. */
  otherCommitted: boolean;
}

/** Issue 15 (emb17): the writer thread's commits, as the main thread's store follows them. */
export interface WriterFeed {
  /** Gets one WriterCommit per commit, in order. */
  port: MessagePort;
  /** [0]: how many commits the writer has posted (incremented after each post). */
  posted: Int32Array;
}

type Statement = Database.Statement<unknown[], unknown>;

interface Statements {
  byId: Statement;
  insert: Statement;
  update: Statement;
  deleteBrands: Statement;
  deleteTerms: Statement;
  deleteFields: Statement;
  deleteFts: Statement;
  insertBrand: Statement;
  insertTerm: Statement;
  insertField: Statement;
  insertFts: Statement;
  get: Statement;
  existing: Statement;
  hashes: Statement;
  eraseFts: Statement;
  eraseBrands: Statement;
  eraseTerms: Statement;
  eraseFields: Statement;
  eraseMentions: Statement;
  authorDocs: Statement;
  rollups: RollupStatements;
  packs: TermPackStatements;
  oldKey: Statement;
  oldBrands: Statement;
  oldTerms: Statement;
}

/** A query and filters as SQL: `FROM <from> WHERE <where…>` with `params` in order. */
interface Plan {
  from: string;
  where: string[];
  params: (string | number)[];
  /** The FTS table is joined (bm25 is available). */
  fts: boolean;
  /**
   * Issue 16: the SQL of the tone, the tone label and a semantic field's sign (× x.tone) as the
   * request sees them: toward the filtered brand (its mention_brands row, joined as `xb`, where it
   * has one) or the mention's own.
   */
  tone: string;
  label: string;
  fieldSign: string;
}

const RETRIABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|CANTOPEN|PROTOCOL)/;
const STATEMENT_CACHE = 256;
/** How many MATCH expressions keep their rowids (see matchCache): 8 bytes a match each. */
const MATCH_CACHE = 4;
const COUNT_CACHE = 64;

export class EmbeddedMentionStore implements MentionStore {
  private readonly db: Database.Database;
  private readonly file: string;
  private statements: Statements | undefined;
  /** Prepared statements of generated SQL (search, aggregations), by SQL text. */
  private readonly cache = new Map<string, Statement>();
  private closed = false;
  private readonly fastReads: boolean;
  /** The in-memory columns (columns.ts), loaded on the first read that uses them. */
  private cols: DocColumns | undefined;
  /** PRAGMA data_version when `cols` was loaded: it changes when another connection commits. */
  private colsVersion = -1;
  /** Column changes of the write transaction under way, applied once it commits. */
  private pending: (DocRow | number)[] = [];
  /** The top-terms rollup changes of the write transaction under way (term-packs.ts). */
  private readonly termDeltas = new TermDeltas();
  private dict: TermDictionary | undefined;
  /**
   * The FTS5 rowids of the last few MATCH expressions, while nothing is written: the pages of a
   * cursor walk and the facets of a search page ask the same MATCH again. Emptied by every write
   * of this store and whenever another connection commits (with the columns).
   */
  private readonly matchCache = new Map<string, number[]>();
  /** Counts of the last few queries and filters, under the same rule (a cursor walk's pages share their total). */
  private readonly countCache = new Map<string, number>();
  private readonly writeBatch: Database.Transaction<(items: readonly unknown[]) => BulkItemResult[]>;
  /** Issue 15 (threads15): set when an item's write threw in writeBatchFast (see writeMentions). */
  private itemFailed = false;
  /** Issue 15 (threads15): the same batch without a savepoint per item (see upsert). */
  private readonly writeBatchFast: Database.Transaction<(items: readonly unknown[]) => BulkItemResult[]>;
  private readonly writeItem: (m: AnalyzedMention, publishedMs: number) => 'created' | 'updated' | 'unchanged';
  /** Issue 15 (emb17), writer side: see EmbeddedMentionStoreOptions.onCommit. */
  private readonly onCommit: ((commit: WriterCommit) => void) | undefined;
  /** data_version after this writer's last commit (its own commits leave it as it is), and in the transaction under way. */
  private writerVersion: number | undefined;
  private txnVersion: number | undefined;
  /** Issue 15 (emb17), follower side: the writer thread's feed, the commits taken from it, and when the columns last agreed with the file. */
  private writer: WriterFeed | undefined;
  private writerTaken = 0;
  private writerMark = 0;
  private writerOther = false;

  constructor(options: EmbeddedMentionStoreOptions) {
    const file = options.file;
    this.file = file;
    this.fastReads = options.fastReads ?? true;
    this.onCommit = options.onCommit;
    // WAL + NORMAL survives a killed process (the WAL is synced at checkpoints, not each commit).
    // openSqlite refuses a damaged, missing or emptied file, naming it (DATA_FILE_DAMAGED).
    this.db = openSqlite(file, { synchronous: 'NORMAL', ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }) });
    try {
      // Erased mentions (GDPR) are overwritten in the file, not just unlinked.
      this.db.pragma('secure_delete = FAST');
      this.db.pragma('cache_size = -32000');
      // What FTS5 cannot say (ordered proximity, title:, site:...) is checked by the matcher.
      registerQueryFunctions(this.db);
    } catch (error) {
      throw new EcouteError('STORE_UNAVAILABLE', `cannot open the store file ${file}: ${errorMessage(error)}`, { cause: error });
    }
    // Nested better-sqlite3 transactions are savepoints: one item's failure rolls back that item only.
    this.writeItem = this.db.transaction((m: AnalyzedMention, publishedMs: number) => this.writeOne(m, publishedMs));
    this.writeBatch = this.db.transaction((items: readonly unknown[]) => {
      this.noteWriterVersion();
      const results = items.map((item) => this.upsertOne(item));
      this.flushTermDeltas();
      return results;
    });
    // Issue 15 (threads15): a savepoint per item cost about a seventh of the embedded main thread;
    // the batch is written without them first, and only if an item's write throws is the whole
    // transaction rolled back and the batch written again with them (upsert), so one failing item
    // still fails alone.
    this.writeBatchFast = this.db.transaction((items: readonly unknown[]) => {
      this.noteWriterVersion();
      const results = items.map((item) => {
        const valid = validateMention(item);
        if ('error' in valid) return this.upsertOne(item);
        try {
          return { id: valid.mention.id, status: this.writeOne(valid.mention, valid.publishedMs) } satisfies BulkItemResult;
        } catch (error) {
          this.itemFailed = true;
          throw error;
        }
      });
      this.flushTermDeltas();
      return results;
    });
  }

  async ensureSchema(): Promise<void> {
    this.open();
  }

  /** The prepared statements, creating the schema on first use. */
  private open(): Statements {
    if (this.closed) throw new EcouteError('STORE_UNAVAILABLE', 'the store is closed', { retriable: false });
    if (this.statements) return this.statements;
    try {
      guarded(this.file, 'creating its tables', () => this.db.transaction(() => migrate(this.db)).immediate());
      markSchemaCreated(this.db, this.file);
    } catch (error) {
      if (error instanceof EcouteError) {
        throw error.message.includes(this.file) ? error : new EcouteError(error.code, `${this.file}: ${error.message}`, { cause: error, retriable: error.retriable });
      }
      throw new EcouteError('STORE_UNAVAILABLE', `cannot create the store schema in ${this.file}: ${errorMessage(error)}`, { cause: error });
    }
    const p = (sql: string): Statement => this.db.prepare(sql);
    this.statements = {
      byId: p("SELECT doc, json, json_extract(json, '$.contentHash') AS hash FROM mentions WHERE id = ?"),
      insert: p(
        `INSERT INTO mentions (id, source, source_id, lang, sentiment_label, sentiment_score, published_at, author_key, duplicate_of, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: p(
        `UPDATE mentions SET source = ?, source_id = ?, lang = ?, sentiment_label = ?, sentiment_score = ?,
         published_at = ?, author_key = ?, duplicate_of = ?, json = ? WHERE doc = ?`,
      ),
      deleteBrands: p('DELETE FROM mention_brands WHERE doc = ?'),
      deleteTerms: p('DELETE FROM mention_terms WHERE doc = ?'),
      deleteFields: p('DELETE FROM mention_fields WHERE doc = ?'),
      deleteFts: p('DELETE FROM mentions_fts WHERE rowid = ?'),
      insertBrand: p('INSERT OR IGNORE INTO mention_brands (doc, brand, tone, label, field_sign) VALUES (?, ?, ?, ?, ?)'),
      insertTerm: p('INSERT INTO mention_terms (doc, term, count, label) VALUES (?, ?, ?, ?)'),
      insertField: p('INSERT OR IGNORE INTO mention_fields (doc, field, tone) VALUES (?, ?, ?)'),
      insertFts: p('INSERT INTO mentions_fts (rowid, text, lemmas) VALUES (?, ?, ?)'),
      get: p('SELECT json FROM mentions WHERE id = ?'),
      existing: p('SELECT id FROM mentions WHERE id IN (SELECT value FROM json_each(?))'),
      hashes: p("SELECT id, json_extract(json, '$.contentHash') AS hash FROM mentions WHERE id IN (SELECT value FROM json_each(?))"),
      eraseFts: p('DELETE FROM mentions_fts WHERE rowid IN (SELECT doc FROM mentions WHERE author_key = ?)'),
      eraseBrands: p('DELETE FROM mention_brands WHERE doc IN (SELECT doc FROM mentions WHERE author_key = ?)'),
      eraseTerms: p('DELETE FROM mention_terms WHERE doc IN (SELECT doc FROM mentions WHERE author_key = ?)'),
      eraseFields: p('DELETE FROM mention_fields WHERE doc IN (SELECT doc FROM mentions WHERE author_key = ?)'),
      eraseMentions: p('DELETE FROM mentions WHERE author_key = ?'),
      authorDocs: p('SELECT doc FROM mentions WHERE author_key = ?'),
      rollups: rollupStatements(this.db),
      packs: termPackStatements(this.db),
      oldKey: p('SELECT published_at, duplicate_of IS NOT NULL FROM mentions WHERE doc = ?').raw(),
      oldBrands: p('SELECT brand FROM mention_brands WHERE doc = ?').pluck(),
      oldTerms: p('SELECT term, coalesce(label, term) AS label, count FROM mention_terms WHERE doc = ?'),
    };
    this.dict = new TermDictionary(this.db);
    return this.statements;
  }

  // --- writes -------------------------------------------------------------------------------

  async upsert(mentions: AnalyzedMention[]): Promise<BulkResult> {
    this.open();
    if (!Array.isArray(mentions)) throw new EcouteError('BAD_REQUEST', 'upsert: expects an array of mentions');
    let items: BulkItemResult[];
    try {
      items = mentions.length === 0 ? [] : this.writeMentions(mentions);
      const changes = this.pending;
      this.applyPending();
      if (this.onCommit && mentions.length > 0) this.postCommit(changes);
    } catch (error) {
      this.writeFailed();
      // The whole transaction failed (lock wait timed out, disk full): nothing landed, retry it all.
      throw new EcouteError('STORE_UNAVAILABLE', `cannot write to the store: ${errorMessage(error)}`, {
        cause: error,
        retriable: isRetriable(error),
      });
    }
    const result: BulkResult = { items, created: 0, updated: 0, unchanged: 0, failed: 0 };
    for (const item of items) result[item.status]++;
    return result;
  }

  /** Issue 15 (threads15): the batch without savepoints, or again with one per item if an item failed. */
  private writeMentions(mentions: AnalyzedMention[]): BulkItemResult[] {
    this.itemFailed = false;
    try {
      return guarded(this.file, 'writing mentions', () => this.writeBatchFast.immediate(mentions));
    } catch (error) {
      if (!this.itemFailed) throw error;
      this.writeFailed();
      return guarded(this.file, 'writing mentions', () => this.writeBatch.immediate(mentions));
    }
  }

  private upsertOne(item: unknown): BulkItemResult {
    const valid = validateMention(item);
    if ('error' in valid) {
      return { id: itemId(item), status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: valid.error, retriable: false } };
    }
    const { mention, publishedMs } = valid;
    try {
      return { id: mention.id, status: this.writeItem(mention, publishedMs) };
    } catch (error) {
      const retriable = isRetriable(error);
      // A full disk or an I/O error is named with the file and reported once (core/sqlite.ts).
      const known = retriable ? sqliteFailure(error, this.file, 'writing a mention') : undefined;
      if (known && isDiskError(known)) diskSpace.failed(this.file, known);
      return {
        id: mention.id,
        status: 'failed',
        error: { code: retriable ? 'STORE_UNAVAILABLE' : 'STORE_ITEM_INVALID', message: known?.message ?? errorMessage(error), retriable },
      };
    }
  }

  private writeOne(m: AnalyzedMention, publishedMs: number): 'created' | 'updated' | 'unchanged' {
    const s = this.statements!;
    const json = JSON.stringify(m);
    const existing = s.byId.get(m.id) as { doc: number; json: string; hash: unknown } | undefined;
    const a = m.analysis;
    const columns = [m.source, m.sourceId, a.lang, a.sentiment.label, a.sentiment.score, publishedMs, m.authorKey, m.duplicateOf ?? null, json];
    let doc: number;
    let old: TermRows | undefined;
    if (existing) {
      // The same content again (a re-sent mention): a duplicate, nothing stored changes.
      if (m.contentHash !== undefined && existing.hash === m.contentHash) return 'unchanged';
      // A replay of the same mention (the usual case of at-least-once delivery) changes nothing.
      if (existing.json === json) return 'updated';
      doc = existing.doc;
      // Out of the rollups first, while the old row and side rows still say what it added.
      takeFromRollups(s.rollups, doc);
      old = this.termRowsOf(doc);
      s.update.run(...columns, doc);
      s.deleteBrands.run(doc);
      s.deleteTerms.run(doc);
      s.deleteFields.run(doc);
      s.deleteFts.run(doc);
    } else {
      doc = Number(s.insert.run(m.id, ...columns).lastInsertRowid);
    }
    const brandTones = brandTonesOf(m);
    for (const brand of m.brands) {
      const t = brandTones.get(brand);
      s.insertBrand.run(doc, brand, t?.score ?? null, t?.label ?? null, t?.fieldSign ?? null);
    }
    const labels = a.labels ?? {};
    for (const [term, count] of Object.entries(a.terms)) {
      if (count <= 0) continue;
      const label = Object.hasOwn(labels, term) ? labels[term] : undefined;
      s.insertTerm.run(doc, term, count, label !== undefined && label !== term ? label : null);
    }
    for (const [field, hit] of Object.entries(a.fields ?? {})) s.insertField.run(doc, field, fieldTone(hit));
    s.insertFts.run(doc, mentionBody(m), a.lemmas.join(' '));
    addToRollups(s.rollups, doc);
    // Last, so an item that failed above (its savepoint rolled back) leaves no rollup change behind.
    if (old) this.termDeltas.add(old, -1);
    this.termDeltas.add(
      {
        day: dayNumber(publishedMs),
        dup: m.duplicateOf != null ? 1 : 0,
        brands: m.brands,
        terms: Object.entries(a.terms)
          .filter(([, count]) => count > 0)
          .map(([term, count]) => ({ term, label: Object.hasOwn(labels, term) ? labels[term]! : term, count })),
      },
      1,
    );
    // Last, so an item that failed above (its savepoint rolled back) leaves no column change behind.
    if (this.cols || this.onCommit) {
      this.pending.push({
        doc,
        publishedMs,
        score: a.sentiment.score,
        source: m.source,
        lang: a.lang,
        sentiment: a.sentiment.label,
        duplicate: m.duplicateOf != null,
        brands: m.brands,
        fields: Object.keys(a.fields ?? {}),
        fieldTones: Object.values(a.fields ?? {}).map(fieldTone),
        authorKey: m.authorKey,
        ...(brandTones.size > 0 && { brandTones }),
      });
    }
    return existing ? 'updated' : 'created';
  }

  async eraseAuthor(authorKey: string): Promise<number> {
    const s = this.open();
    if (typeof authorKey !== 'string' || authorKey === '') throw new EcouteError('BAD_REQUEST', 'eraseAuthor: authorKey must be a non-empty string');
    let docs: number[] = [];
    let erased: number;
    try {
      erased = this.db
      .transaction(() => {
        docs = s.authorDocs.pluck().all(authorKey) as number[];
        for (const doc of docs) {
          takeFromRollups(s.rollups, doc);
          this.termDeltas.add(this.termRowsOf(doc), -1);
        }
        this.flushTermDeltas();
        s.eraseFts.run(authorKey);
        s.eraseBrands.run(authorKey);
        s.eraseTerms.run(authorKey);
        s.eraseFields.run(authorKey);
        return s.eraseMentions.run(authorKey).changes;
      })
      .immediate();
    } catch (error) {
      this.writeFailed();
      throw error;
    }
    if (this.cols) {
      for (const doc of docs) this.cols.delete(doc);
      // No mention of theirs is left: the columns keep no trace of the key either.
      this.cols.authorKeys.forget(authorKey);
    }
    this.forgetMatches();
    return erased;
  }

  // Privacy (issue 14, H4): retention deletes mentions by id, through the same path as eraseAuthor.
  async eraseMentions(ids: readonly string[]): Promise<number> {
    const s = this.open();
    if (ids.length === 0) return 0;
    const docOf = this.db.prepare('SELECT doc FROM mentions WHERE id = ?').pluck();
    const deleteMention = this.db.prepare('DELETE FROM mentions WHERE doc = ?');
    const docs: number[] = [];
    let erased = 0;
    try {
      erased = this.db
        .transaction(() => {
          let n = 0;
          for (const id of ids) {
            const doc = docOf.get(id) as number | undefined;
            if (doc === undefined) continue;
            takeFromRollups(s.rollups, doc);
            this.termDeltas.add(this.termRowsOf(doc), -1);
            s.deleteFts.run(doc);
            s.deleteBrands.run(doc);
            s.deleteTerms.run(doc);
            s.deleteFields.run(doc);
            n += deleteMention.run(doc).changes;
            docs.push(doc);
          }
          this.flushTermDeltas();
          return n;
        })
        .immediate();
    } catch (error) {
      this.writeFailed();
      throw error;
    }
    if (this.cols) for (const doc of docs) this.cols.delete(doc);
    this.forgetMatches();
    return erased;
  }

  /** What mention `doc` adds to the top-terms rollup, read from its stored rows. */
  private termRowsOf(doc: number): TermRows {
    const s = this.statements!;
    const [publishedMs, dup] = s.oldKey.get(doc) as [number, number];
    return {
      day: dayNumber(publishedMs),
      dup,
      brands: s.oldBrands.all(doc) as string[],
      terms: s.oldTerms.all(doc) as { term: string; label: string; count: number }[],
    };
  }

  private flushTermDeltas(): void {
    if (!this.termDeltas.empty) this.termDeltas.flush(this.dict!, this.statements!.packs);
  }

  /** A write transaction rolled back: forget its pending changes and the codes it may have added. */
  private writeFailed(): void {
    this.pending = [];
    this.termDeltas.clear();
    this.dict?.drop();
  }

  private applyPending(): void {
    const cols = this.cols;
    const pending = this.pending;
    this.pending = [];
    this.forgetMatches();
    if (!cols) return;
    for (const change of pending) {
      if (typeof change === 'number') cols.delete(change);
      else cols.set(change);
    }
  }

  // ---- Issue 15 (emb17): the writer thread's store and the main thread's ----

  /** Writer side, inside the write transaction: did another connection commit since this writer's last commit? */
  private noteWriterVersion(): void {
    if (this.onCommit) this.txnVersion = this.db.pragma('data_version', { simple: true }) as number;
  }

  private postCommit(changes: (DocRow | number)[]): void {
    const otherCommitted = this.writerVersion === undefined || this.txnVersion !== this.writerVersion;
    this.writerVersion = this.txnVersion;
    this.onCommit!({ changes, otherCommitted });
  }

  /**
   * Follower side (the main thread's store, which the API reads): takes the writer thread's
   * commits as they come, so its columns stay current without loading them again. A commit of any
   * other connection (`ecoute ingest`, this store's own erasures) is seen as before: the columns
   * are loaded again on the next read. Between two of the writer's commits another process's
   * commit shows once the writer's next commit tells of it.
   */
  followWriter(feed: WriterFeed): void {
    this.writer = feed;
    feed.port.on('message', (commit: WriterCommit) => this.takeWriterCommit(commit));
    // The feed must not keep the process alive.
    feed.port.unref();
  }

  /** Every commit the writer posted so far, at once (the ones not delivered yet as events). */
  private takeWriterCommits(): void {
    const feed = this.writer;
    if (!feed) return;
    while (this.writerTaken < Atomics.load(feed.posted, 0)) {
      const got = receiveMessageOnPort(feed.port);
      if (!got) break;
      this.takeWriterCommit(got.message as WriterCommit);
    }
  }

  private takeWriterCommit(commit: WriterCommit): void {
    this.writerTaken++;
    if (commit.otherCommitted) this.writerOther = true;
    this.forgetMatches();
    const cols = this.cols;
    if (!cols) return;
    for (const change of commit.changes) {
      if (typeof change === 'number') cols.delete(change);
      else cols.set(change);
    }
  }

  /** The in-memory columns, current with the file; undefined when reads must take the SQL path. */
  private columns(): DocColumns | undefined {
    if (!this.fastReads) return undefined;
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (this.writer && this.cols && version !== this.colsVersion) {
      // Issue 15 (emb17): the file changed; if only the writer thread's commits changed it, their
      // column changes (applied as they came) make the columns current.
      this.takeWriterCommits();
      if (!this.writerOther && this.writerTaken !== this.writerMark) this.colsVersion = version;
      this.writerMark = this.writerTaken;
    }
    if (!this.cols || version !== this.colsVersion) {
      this.takeWriterCommits();
      this.writerOther = false;
      this.writerMark = this.writerTaken;
      // Another connection committed since (or first use): load again, in one read transaction.
      this.cols = this.db.transaction(() => DocColumns.load(this.db))();
      this.colsVersion = version;
      this.forgetMatches();
    }
    return this.cols.usable ? this.cols : undefined;
  }

  /**
   * The docs matching a query and filters, from the columns: the query's part SQLite must answer
   * (the FTS5 MATCH alone when that is all of it, else the whole plan), then the filters in code.
   */
  private matched(node: QueryNode, f: ResolvedFilters): { cols: DocColumns; docs: Int32Array } | undefined {
    const found = this.candidates(node, f);
    return found && { cols: found.cols, docs: found.cols.select(found.cols.filter(f), found.candidates) };
  }

  /** How many docs match, from the columns (undefined: take the SQL path); holds no list of them. */
  private matchCount(node: QueryNode, f: ResolvedFilters): number | undefined {
    if (!this.columns()) return undefined;
    const key = JSON.stringify([node, f]);
    const cached = this.countCache.get(key);
    if (cached !== undefined) return cached;
    const found = this.candidates(node, f);
    if (!found) return undefined;
    const n = found.cols.count(found.cols.filter(f), found.candidates);
    this.countCache.set(key, n);
    if (this.countCache.size > COUNT_CACHE) this.countCache.delete(this.countCache.keys().next().value!);
    return n;
  }

  /**
   * Issue 16: runs a read with the columns showing the tone toward the filtered brand
   * (DocColumns.withBrandTones); without a brand filter, or without columns, the read as it is.
   */
  private brandView<T>(f: ResolvedFilters, read: () => T): T {
    const cols = f.brand !== undefined ? this.columns() : undefined;
    return cols && cols.brandTones.size > 0 ? cols.withBrandTones(f.brand!, read) : read();
  }

  private forgetMatches(): void {
    this.matchCache.clear();
    this.countCache.clear();
  }

  /** The columns and the docs the query's SQL part gives (undefined: every doc). */
  private candidates(node: QueryNode, f: ResolvedFilters): { cols: DocColumns; candidates: number[] | undefined } | undefined {
    const cols = this.columns();
    if (!cols) return undefined;
    const q = compileSqlite(node);
    let candidates: number[] | undefined;
    if (q.where) {
      const plan = this.plan(node, f);
      candidates = this.prepared(`SELECT m.doc FROM ${plan.from}${whereSql(plan.where)}`).pluck().all(...plan.params) as number[];
    } else if (q.match !== undefined) {
      candidates = this.matchCache.get(q.match);
      if (candidates) this.matchCache.delete(q.match);
      else candidates = this.prepared('SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?').pluck().all(q.match) as number[];
      // Most recent last: the Map's order is the eviction order.
      this.matchCache.set(q.match, candidates);
      if (this.matchCache.size > MATCH_CACHE) this.matchCache.delete(this.matchCache.keys().next().value!);
    }
    return { cols, candidates };
  }

  /** Whether the rollups answer this request exactly (see rollups.ts): no text query, no finer filter. */
  private canUseRollups(node: QueryNode, f: ResolvedFilters): boolean {
    return (
      this.fastReads &&
      node.type === 'all' &&
      f.lang === undefined &&
      f.source === undefined &&
      f.sentiment === undefined &&
      onDayBoundary(f.fromMs) &&
      onDayBoundary(f.toMs)
    );
  }

  // --- reads --------------------------------------------------------------------------------

  async existing(ids: string[]): Promise<Set<string>> {
    const s = this.open();
    if (ids.length === 0) return new Set();
    const rows = s.existing.pluck().all(JSON.stringify(ids)) as string[];
    return new Set(rows);
  }

  async contentHashes(ids: string[]): Promise<Map<string, string | null>> {
    const s = this.open();
    if (ids.length === 0) return new Map();
    const rows = s.hashes.all(JSON.stringify(ids)) as { id: string; hash: unknown }[];
    return new Map(rows.map((r) => [r.id, typeof r.hash === 'string' ? r.hash : null]));
  }

  async get(id: string): Promise<AnalyzedMention | undefined> {
    const s = this.open();
    const json = s.get.pluck().get(id) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as AnalyzedMention);
  }

  /** A committed SQLite write is visible to every later read: nothing to do but check it is open. */
  async refresh(): Promise<void> {
    this.open();
  }

  async count(filters: SearchFilters & { query?: string } = {}): Promise<number> {
    this.open();
    const node = resolveQuery(filters.query);
    const f = resolveFilters(filters);
    return this.brandView(f, () => this.matchCount(node, f) ?? this.countPlan(this.plan(node, f)));
  }

  exportPages(request: SearchFilters & { query?: string }, options: { pageSize?: number } = {}): AsyncGenerator<AnalyzedMention[]> {
    return this.keysetExport(request, options);
  }

  /**
   * emb16 (issue 11, the export's rows/s): a query without a text part reads each page in one
   * keyset statement (the newest first along mentions_published, each row's JSON parsed once),
   * instead of a search per page (its key subquery joined back to the rows, its cursor encoded and
   * decoded, its total); the same pages in the same order. A text query pages through search (the
   * FTS matches filtered and cut on the columns).
   */
  private async *keysetExport(request: SearchFilters & { query?: string }, options: { pageSize?: number }): AsyncGenerator<AnalyzedMention[]> {
    this.open();
    const limit = options.pageSize ?? MAX_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`pageSize: must be a whole number from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
    const plan = this.plan(resolveQuery(request.query), resolveFilters(request));
    if (plan.fts) {
      yield* exportPages(this, request, options);
      return;
    }
    const order = ' ORDER BY m.published_at DESC, m.id DESC LIMIT ?';
    const first = `SELECT m.published_at, m.id, m.json FROM ${plan.from}${whereSql(plan.where)}${order}`;
    const next = `SELECT m.published_at, m.id, m.json FROM ${plan.from}${whereSql([...plan.where, '(m.published_at, m.id) < (?, ?)'])}${order}`;
    let after: [number, string] | undefined;
    for (;;) {
      this.open();
      const rows = (after ? this.prepared(next).raw().all(...plan.params, ...after, limit) : this.prepared(first).raw().all(...plan.params, limit)) as [number, string, string][];
      if (rows.length === 0) return;
      const page = new Array<AnalyzedMention>(rows.length);
      for (let i = 0; i < rows.length; i++) page[i] = JSON.parse(rows[i]![2]) as AnalyzedMention;
      const last = rows[rows.length - 1]!;
      after = [last[0], last[1]];
      yield page;
      if (rows.length < limit) return;
    }
  }

  async uniqueAuthors(filters: SearchFilters & { query?: string } = {}): Promise<number> {
    this.open();
    const node = resolveQuery(filters.query);
    const f = resolveFilters(filters);
    const matched = this.brandView(f, () => this.matched(node, f));
    if (matched) return distinctAuthors(matched.cols, matched.docs);
    const plan = this.plan(node, f);
    return this.prepared(`SELECT count(DISTINCT m.author_key) FROM ${plan.from}${whereSql(plan.where)}`).pluck().get(...plan.params) as number;
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    this.open();
    const filters = resolveFilters(request);
    return this.brandView(filters, () => this.searchPage(request, filters));
  }

  private searchPage(request: SearchRequest, filters: ResolvedFilters): SearchPage {
    const node = resolveQuery(request.query);
    const limit = resolveLimit(request.limit);
    const plan = this.plan(node, filters);
    // Relevance needs a text part to score; without one (empty, field-only or negative query) it
    // falls back to newest first.
    const byRelevance = resolveSort(request.sort) === 'relevance' && plan.fts;
    const sortKey = byRelevance ? 'r' : 'n';
    const fingerprint = requestFingerprint([node, filters, sortKey]);

    const where = [...plan.where];
    const params = [...plan.params];
    let after: { k: number; i: string } | undefined;
    if (request.cursor !== undefined) {
      const c = decodeCursor(request.cursor);
      if (c.f !== fingerprint || c.s !== sortKey) {
        throw badCursor('cursor: it belongs to another query, filters or sort order; start again without a cursor');
      }
      if (typeof c.i !== 'string' || typeof c.k !== 'number' || !Number.isFinite(c.k)) throw badCursor('cursor: malformed');
      after = { k: c.k, i: c.i };
      if (byRelevance) where.push('(bm25(mentions_fts), m.id) > (?, ?)');
      else where.push('(m.published_at, m.id) < (?, ?)');
      params.push(c.k, c.i);
    }
    // A text query newest first: the page from the columns (the FTS5 matches filtered and cut in
    // code) rather than SQLite joining every match to its row to sort them. Without a text query
    // SQLite walks mentions_published newest first and stops at the page, which is cheaper still.
    if (plan.fts && !byRelevance) {
      const matched = this.matched(node, filters);
      if (matched) return this.newestPage(matched.cols, matched.docs, limit, fingerprint, after);
    }
    // Sort and cut the page on the keys only, then read the page's documents: the sorter then
    // carries a few bytes per hit instead of each whole JSON document.
    const select = byRelevance ? 'm.doc, m.id, m.published_at, bm25(mentions_fts) AS rank' : 'm.doc, m.id, m.published_at';
    const order = byRelevance ? 'rank, m.id' : 'm.published_at DESC, m.id DESC';
    const outerOrder = byRelevance ? 'p.rank, p.id' : 'p.published_at DESC, p.id DESC';
    const sql =
      `SELECT j.json, p.id, p.published_at${byRelevance ? ', p.rank' : ''} ` +
      `FROM (SELECT ${select} FROM ${plan.from}${whereSql(where)} ORDER BY ${order} LIMIT ?) p ` +
      `JOIN mentions j ON j.doc = p.doc ORDER BY ${outerOrder}`;
    const rows = this.prepared(sql).all(...params, limit + 1) as { json: string; id: string; published_at: number; rank?: number }[];

    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const hits: SearchHit[] = page.map((r) => {
      const hit: SearchHit = { mention: JSON.parse(r.json) as AnalyzedMention };
      // bm25() is lower-is-better; the interface wants higher-is-better.
      if (r.rank !== undefined) hit.score = -r.rank;
      return hit;
    });
    const result: SearchPage = { hits, total: this.matchCount(node, filters) ?? this.countPlan(plan) };
    const last = page[page.length - 1];
    if (more && last) {
      result.nextCursor = encodeCursor({ s: sortKey, f: fingerprint, k: byRelevance ? last.rank! : last.published_at, i: last.id });
    }
    return result;
  }

  async timeline(request: TimelineRequest): Promise<TimelineBucket[]> {
    this.open();
    const interval = resolveInterval(request.interval);
    const filters = resolveFilters(request);
    const node = resolveQuery(request.query);
    const fromColumns = this.brandView(filters, () => {
      const matched = this.matched(node, filters);
      return matched && bucketsOf(matched.cols, matched.docs, interval);
    });
    if (fromColumns) return fillBuckets(fromColumns, interval, filters.fromMs, filters.toMs);
    const plan = this.plan(node, filters, true);
    const width = intervalMs(interval);
    const origin = intervalOrigin(interval);
    // Floor to the bucket also for instants before the origin (SQLite's % keeps the dividend's sign).
    const bucket = `(m.published_at - (((m.published_at - ${origin}) % ${width}) + ${width}) % ${width})`;
    const sql = `SELECT ${bucket} AS b, count(*) AS n, avg(${plan.tone}) AS tone FROM ${plan.from}${whereSql(plan.where)} GROUP BY b`;
    const rows = this.prepared(sql).all(...plan.params) as { b: number; n: number; tone: number | null }[];
    const hits = new Map<number, { count: number; meanTone: number | null }>();
    for (const r of rows) hits.set(bucketStart(r.b, interval), { count: r.n, meanTone: r.tone });
    return fillBuckets(hits, interval, filters.fromMs, filters.toMs);
  }

  async significantTerms(request: SignificantTermsRequest): Promise<SignificantTerm[]> {
    return significantTerms(this, request);
  }

  async topTerms(request: TopTermsRequest): Promise<TermCount[]> {
    this.open();
    const size = resolveLimit(request.size, 'size', DEFAULT_TERMS);
    const node = resolveQuery(request.query);
    const filters = resolveFilters(request);
    if (this.canUseRollups(node, filters)) {
      const scope = rollupScope(filters);
      const blobs = this.prepared(`SELECT data FROM term_packs WHERE ${scope.where}`).pluck().all(...scope.params) as Buffer[];
      return topTermsFromPacks(blobs, this.dict!, size);
    }
    const plan = this.plan(node, filters);
    // Without a query or other filters, the default (originals only) is "every term row but the
    // copies'": a NOT IN over the few copies costs less than an IN over the set of every original.
    const unscoped = this.plan(node, { ...filters, duplicates: 'include' }).where.length === 0;
    const copies = 'SELECT doc FROM mentions WHERE duplicate_of IS NOT NULL';
    const scope = !unscoped
      ? ` WHERE t.doc IN (SELECT m.doc FROM ${plan.from}${whereSql(plan.where)})`
      : filters.duplicates === 'exclude'
        ? ` WHERE t.doc NOT IN (${copies})`
        : filters.duplicates === 'only'
          ? ` WHERE t.doc IN (${copies})`
          : '';
    // Grouped by term and surface form first, so each term's label is its most frequent surface
    // form in the matching mentions (ties: the smallest), in the same pass as the counts.
    const sql =
      'SELECT term, label, count, mentions FROM (' +
      'SELECT term, label, sum(c) OVER w AS count, sum(n) OVER w AS mentions, row_number() OVER (PARTITION BY term ORDER BY n DESC, label) AS r ' +
      `FROM (SELECT t.term AS term, coalesce(t.label, t.term) AS label, sum(t.count) AS c, count(*) AS n FROM mention_terms t${scope} GROUP BY t.term, coalesce(t.label, t.term)) ` +
      'WINDOW w AS (PARTITION BY term)) WHERE r = 1 ORDER BY count DESC, term LIMIT ?';
    return this.prepared(sql).all(...plan.params, size) as TermCount[];
  }

  async facets(request: FacetsRequest): Promise<Facets> {
    this.open();
    const size = resolveFacetSize(request.size);
    const node = resolveQuery(request.query);
    const filters = resolveFilters(request);
    const fromColumns = this.brandView(filters, () => {
      const matched = this.matched(node, filters);
      return matched && facetsOf(matched.cols, matched.docs, size);
    });
    if (fromColumns) return fromColumns;
    const plan = this.plan(node, filters, true);
    const where = whereSql(plan.where);
    const out = emptyFacets();
    const column = (name: 'source' | 'lang' | 'sentiment', col: string): void => {
      const sql = `SELECT ${col} AS value, count(*) AS count FROM ${plan.from}${where} GROUP BY ${col} ORDER BY count DESC, value LIMIT ?`;
      out[name] = this.prepared(sql).all(...plan.params, size) as { value: string; count: number }[];
    };
    column('source', 'm.source');
    column('lang', 'm.lang');
    column('sentiment', plan.label);
    const side = (name: 'field' | 'brand', table: string, col: string): void => {
      const sql = `SELECT x.${col} AS value, count(*) AS count FROM ${plan.from} JOIN ${table} x ON x.doc = m.doc${where} GROUP BY x.${col} ORDER BY count DESC, value LIMIT ?`;
      out[name] = this.prepared(sql).all(...plan.params, size) as { value: string; count: number }[];
    };
    side('field', 'mention_fields', 'field');
    side('brand', 'mention_brands', 'brand');
    return out;
  }

  async fieldStats(request: FieldStatsRequest): Promise<FieldStat[]> {
    this.open();
    const node = resolveQuery(request.query);
    const filters = resolveFilters(request);
    if (this.canUseRollups(node, filters)) {
      const scope = rollupScope(filters);
      const sql =
        'SELECT field, sum(mentions) AS mentions, sum(toned) AS toned, sum(tone_sum) AS toneSum ' +
        `FROM field_rollup WHERE ${scope.where} GROUP BY field`;
      const rows = this.prepared(sql).all(...scope.params) as { field: string; mentions: number; toned: number; toneSum: number }[];
      const total = this.matchCount(node, filters) ?? this.countPlan(this.plan(node, filters));
      return fieldStatsOf(rows, total);
    }
    const plan = this.plan(node, filters, true);
    const total = this.matchCount(node, filters) ?? this.countPlan(plan);
    const sql =
      `SELECT x.field AS field, count(*) AS mentions, count(x.tone) AS toned, coalesce(sum(x.tone * ${plan.fieldSign}), 0) AS toneSum ` +
      `FROM ${plan.from} JOIN mention_fields x ON x.doc = m.doc${whereSql(plan.where)} GROUP BY x.field`;
    const rows = this.prepared(sql).all(...plan.params) as { field: string; mentions: number; toned: number; toneSum: number }[];
    return fieldStatsOf(rows, total);
  }

  async fieldAuthors(request: FieldAuthorsRequest): Promise<FieldAuthors> {
    this.open();
    const node = resolveQuery(request.query);
    const f = resolveFilters(request);
    const fromColumns = this.brandView(f, () => {
      const matched = this.matched(node, f);
      return matched && fieldAuthorsFromColumns(matched.cols, matched.docs);
    });
    return fromColumns ?? fieldAuthors((sql) => this.prepared(sql), this.plan(node, f, true));
  }

  async shareOfVoice(request: ShareOfVoiceRequest): Promise<ShareOfVoice> {
    this.open();
    const brands = resolveBrands(request.brands);
    const interval = resolveOptionalInterval(request.interval);
    const { brand: _ignored, ...rest } = request as ShareOfVoiceRequest & { brand?: string };
    const filters = resolveFilters(rest);
    const node = resolveQuery(request.query);
    const matched = this.matched(node, filters);
    if (matched) {
      const { sums, rows } = shareOfVoiceOf(matched.cols, matched.docs, brands, interval);
      const result: ShareOfVoice = { totals: shareOfVoiceTotals(brands, sums) };
      if (interval !== undefined) result.buckets = shareOfVoiceBuckets(brands, rows, interval, filters.fromMs, filters.toMs);
      return result;
    }
    const plan = this.plan(node, filters);
    const where = whereSql([...plan.where, 'x.brand IN (SELECT value FROM json_each(?))']);
    const params = [...plan.params, JSON.stringify(brands)];
    const from = `${plan.from} JOIN mention_brands x ON x.doc = m.doc`;
    const totalsSql = `SELECT x.brand AS brand, count(*) AS mentions, coalesce(sum(coalesce(x.tone, m.sentiment_score)), 0) AS toneSum FROM ${from}${where} GROUP BY x.brand`;
    const rows = this.prepared(totalsSql).all(...params) as { brand: string; mentions: number; toneSum: number }[];
    const result: ShareOfVoice = { totals: shareOfVoiceTotals(brands, new Map(rows.map((r) => [r.brand, r]))) };
    if (interval !== undefined) {
      const width = intervalMs(interval);
      const origin = intervalOrigin(interval);
      const bucket = `(m.published_at - (((m.published_at - ${origin}) % ${width}) + ${width}) % ${width})`;
      const sql = `SELECT ${bucket} AS bucketMs, x.brand AS brand, count(*) AS count FROM ${from}${where} GROUP BY bucketMs, x.brand`;
      const bucketRows = this.prepared(sql).all(...params) as { bucketMs: number; brand: string; count: number }[];
      result.buckets = shareOfVoiceBuckets(brands, bucketRows, interval, filters.fromMs, filters.toMs);
    }
    return result;
  }

  /** From the columns when they are usable (columnSignals), else in SQL keyset pages; the same records either way. */
  async *scanSignals(request: SignalScanRequest): AsyncGenerator<MentionSignal[]> {
    this.open();
    const matched = this.matched(resolveQuery(request.query), resolveFilters({ brand: request.brand, from: request.from, to: request.to, duplicates: 'include' }));
    // Issue 16: each signal carries the tone toward request.brand (both paths).
    if (matched) yield* columnSignals(this.db, matched.cols, matched.docs, request.pageSize, request.terms ?? true, request.brand);
    else yield* scanEmbeddedSignals(this.db, (n, f) => this.plan(n, f, true), request);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.statements = undefined;
    this.db.close();
  }

  // --- helpers ------------------------------------------------------------------------------

  /**
   * A page newest first of `docs` (the matches, from the columns) after the cursor's (published,
   * id): the candidates by instant in code, then their ids from SQLite to order the ties as the
   * SQL path does (published_at DESC, id DESC, ids in BINARY order).
   */
  private newestPage(cols: DocColumns, docs: Int32Array, limit: number, fingerprint: string, after: { k: number; i: string } | undefined): SearchPage {
    const total = docs.length;
    let pool = docs;
    if (after) {
      const older: number[] = [];
      const ties: number[] = [];
      for (const d of docs) {
        const p = cols.published[d]!;
        if (p < after.k) older.push(d);
        else if (p === after.k) ties.push(d);
      }
      if (ties.length > 0) {
        const ids = this.idsOf(ties);
        for (const d of ties) if (compareBinary(ids.get(d)!, after.i) < 0) older.push(d);
      }
      pool = Int32Array.from(older);
    }
    const candidates = newestCandidates(cols, pool, limit + 1);
    const rows = this.prepared('SELECT doc, id, published_at, json FROM mentions WHERE doc IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(Array.from(candidates)),
    ) as { doc: number; id: string; published_at: number; json: string }[];
    rows.sort((a, b) => b.published_at - a.published_at || compareBinary(b.id, a.id));
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const result: SearchPage = { hits: page.map((r) => ({ mention: JSON.parse(r.json) as AnalyzedMention })), total };
    const last = page[page.length - 1];
    if (more && last) result.nextCursor = encodeCursor({ s: 'n', f: fingerprint, k: last.published_at, i: last.id });
    return result;
  }

  private idsOf(docs: readonly number[]): Map<number, string> {
    const rows = this.prepared('SELECT doc, id FROM mentions WHERE doc IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(docs)) as [number, string][];
    return new Map(rows);
  }

  /**
   * `brandTone` (issue 16): the read needs the tone toward the filtered brand (plan.tone, label,
   * fieldSign): its mention_brands row is LEFT JOINed (m stays the outer loop, so the plan of the
   * read is unchanged). A tone filter with a brand always joins it: it filters on that tone.
   */
  private plan(node: QueryNode, f: ResolvedFilters, brandTone = false): Plan {
    const q = compileSqlite(node);
    const plan: Plan = { from: 'mentions m', where: [], params: [], fts: false, tone: 'm.sentiment_score', label: 'm.sentiment_label', fieldSign: '1' };
    if (q.match !== undefined) {
      plan.from = 'mentions_fts JOIN mentions m ON m.doc = mentions_fts.rowid';
      plan.where.push('mentions_fts MATCH ?');
      plan.params.push(q.match);
      plan.fts = true;
    }
    if (f.brand !== undefined && (brandTone || f.sentiment !== undefined)) {
      plan.from += ' LEFT JOIN mention_brands xb ON xb.doc = m.doc AND xb.brand = ?';
      // The join's placeholder comes before the WHERE's in the SQL text.
      plan.params.unshift(f.brand);
      plan.tone = 'coalesce(xb.tone, m.sentiment_score)';
      plan.label = 'coalesce(xb.label, m.sentiment_label)';
      plan.fieldSign = 'coalesce(xb.field_sign, 1)';
    }
    if (q.where) {
      plan.where.push(`(${q.where.sql})`);
      plan.params.push(...q.where.params);
    }
    const add = (sql: string, value: string | number): void => {
      plan.where.push(sql);
      plan.params.push(value);
    };
    if (f.brand !== undefined) add('m.doc IN (SELECT doc FROM mention_brands WHERE brand = ?)', f.brand);
    if (f.lang !== undefined) add('m.lang = ?', f.lang);
    if (f.source !== undefined) add('m.source = ?', f.source);
    if (f.sentiment !== undefined) add(`${plan.label} = ?`, f.sentiment);
    if (f.fromMs !== undefined) add('m.published_at >= ?', f.fromMs);
    if (f.toMs !== undefined) add('m.published_at < ?', f.toMs);
    // Originals are nearly every row: the unary + keeps the planner from choosing the duplicate_of
    // index for them (it would then sort every original to find a page of the newest, instead of
    // walking mentions_published and stopping at the page). Copies are few: `only` uses the index.
    if (f.duplicates === 'exclude') plan.where.push('+m.duplicate_of IS NULL');
    else if (f.duplicates === 'only') plan.where.push('m.duplicate_of IS NOT NULL');
    return plan;
  }

  private countPlan(plan: Plan): number {
    const sql = `SELECT count(*) FROM ${plan.from}${whereSql(plan.where)}`;
    return this.prepared(sql).pluck().get(...plan.params) as number;
  }

  /** A cached prepared statement for generated SQL (only our own SQL text; user values are bound). */
  private prepared(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (stmt) {
      // Refresh its place: the Map's order is the eviction order.
      this.cache.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.cache.size >= STATEMENT_CACHE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(sql, stmt);
    return stmt;
  }
}

/** A field's tone as stored: a finite number, else NULL (left out of the mean). */
function fieldTone(hit: unknown): number | null {
  const tone = (hit as { tone?: unknown } | null)?.tone;
  return typeof tone === 'number' && Number.isFinite(tone) ? tone : null;
}

function whereSql(where: readonly string[]): string {
  return where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
}

function isRetriable(error: unknown): boolean {
  if (error instanceof EcouteError) return error.retriable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRIABLE_SQLITE.test(code);
}
