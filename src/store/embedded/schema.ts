// The embedded store's SQLite schema. Bump SCHEMA_VERSION with every change and add the migration
// step in migrate(); a file written by a newer écoute is refused rather than half-understood.
import type Database from 'better-sqlite3';
import { EcouteError } from '../../core/errors.js';
import { brandTonesOf } from '../brand-tone.js';
import type { AnalyzedMention } from '../../core/types.js';
import { ROLLUP_BACKFILL, ROLLUP_BACKFILL_V5, ROLLUP_SCHEMA } from './rollups.js';
import { backfillTermPacks, TERM_PACK_SCHEMA } from './term-packs.js';

export const SCHEMA_VERSION = 5;

const V1 = `
CREATE TABLE IF NOT EXISTS mentions (
  -- Integer key: the FTS rowid and the key of the side tables (smaller and faster than the text id).
  doc INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  lang TEXT NOT NULL,
  sentiment_label TEXT NOT NULL,
  sentiment_score REAL NOT NULL,
  published_at INTEGER NOT NULL, -- epoch ms, UTC
  author_key TEXT NOT NULL,
  json TEXT NOT NULL             -- the whole AnalyzedMention
);
CREATE INDEX IF NOT EXISTS mentions_published ON mentions (published_at, id);
CREATE INDEX IF NOT EXISTS mentions_author ON mentions (author_key);
CREATE INDEX IF NOT EXISTS mentions_lang ON mentions (lang, published_at);
CREATE INDEX IF NOT EXISTS mentions_source ON mentions (source, published_at);
CREATE INDEX IF NOT EXISTS mentions_sentiment ON mentions (sentiment_label, published_at);

CREATE TABLE IF NOT EXISTS mention_brands (
  doc INTEGER NOT NULL,
  brand TEXT NOT NULL,
  PRIMARY KEY (brand, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mention_brands_doc ON mention_brands (doc);

CREATE TABLE IF NOT EXISTS mention_terms (
  doc INTEGER NOT NULL,
  term TEXT NOT NULL,
  count REAL NOT NULL,
  PRIMARY KEY (doc, term)
) WITHOUT ROWID;

-- text = title + text, lemmas = analysis.lemmas joined by spaces. unicode61 with diacritics removed
-- folds case and accents like src/nlp/normalize.ts fold(). Contentless (the text is in mentions.json)
-- with contentless_delete so rows can be deleted; secure-delete (below) removes a deleted row's
-- tokens from the index at once, which GDPR erasure needs.
CREATE VIRTUAL TABLE IF NOT EXISTS mentions_fts USING fts5(
  text, lemmas,
  tokenize = 'unicode61 remove_diacritics 2',
  content = '', contentless_delete = 1
);
`;

// v2: near-duplicates. `duplicate_of` mirrors AnalyzedMention.duplicateOf (NULL: not a copy), so
// reads can leave copies out (SearchFilters.duplicates) without parsing the JSON. Files written by
// v1 already hold duplicateOf in mentions.json: the step backfills the column from it, in the same
// transaction as the ALTER, so no reader ever sees the column half filled. Only what the store's
// validator accepts today counts as a copy (a non-empty string naming another mention).
const V2 = `
ALTER TABLE mentions ADD COLUMN duplicate_of TEXT;
UPDATE mentions SET duplicate_of = json_extract(json, '$.duplicateOf')
  WHERE json_type(json, '$.duplicateOf') = 'text'
    AND trim(json_extract(json, '$.duplicateOf')) <> ''
    AND json_extract(json, '$.duplicateOf') <> id;
-- Counting the originals (duplicate_of IS NULL, the default of every read) scans this index alone.
CREATE INDEX IF NOT EXISTS mentions_duplicate_of ON mentions (duplicate_of);
`;

// v3: what the dashboard's aggregations read. `mention_terms.label` is the term's surface form in
// the mention (AnalyzedMention.analysis.labels; NULL: written as its key), for the label of top
// terms; `mention_fields` has one row per semantic field of a mention with the field's tone, for
// the field facet and per-field stats. Both are backfilled from mentions.json in the migration's
// transaction.
const V3 = `
ALTER TABLE mention_terms ADD COLUMN label TEXT;
UPDATE mention_terms SET label = (
  SELECT l.value FROM mentions m, json_each(m.json, '$.analysis.labels') l
  WHERE m.doc = mention_terms.doc AND l.key = mention_terms.term AND l.type = 'text'
) WHERE doc IN (SELECT doc FROM mentions WHERE json_type(json, '$.analysis.labels') = 'object');
CREATE TABLE IF NOT EXISTS mention_fields (
  doc INTEGER NOT NULL,
  field TEXT NOT NULL,
  tone REAL,
  PRIMARY KEY (field, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mention_fields_doc ON mention_fields (doc);
INSERT OR IGNORE INTO mention_fields (doc, field, tone)
  SELECT m.doc, f.key, CASE WHEN json_type(f.value, '$.tone') IN ('real', 'integer') THEN json_extract(f.value, '$.tone') END
  FROM mentions m, json_each(m.json, '$.analysis.fields') f
  WHERE json_type(m.json, '$.analysis.fields') = 'object';
`;

// v4: the rollups of top terms (term-packs.ts) and field stats (rollups.ts), backfilled from
// mention_terms / mention_fields / mention_brands in the migration's transaction, so a reader never
// sees them half filled; from then on every write keeps them current in its own transaction.
const V4 = ROLLUP_SCHEMA + TERM_PACK_SCHEMA + ROLLUP_BACKFILL;

// v5 (issue 16): the tone toward each brand where a mention names several
// (analysis.sentiment.byBrand), on the mention's brand row: `tone` and `label` (NULL: the mention's
// own, the case of every mention of one brand and of every file written before), and `field_sign`
// (−1: its semantic-field tones read reversed for that brand; src/store/brand-tone.ts). Filled from
// mentions.json, then the field rollups are rebuilt with the signs, in the migration's transaction.
const V5_COLUMNS = { tone: 'REAL', label: 'TEXT', field_sign: 'INTEGER' } as const;

function addBrandToneColumns(db: Database.Database): void {
  // Each column once: a file whose version was set back by hand (the migration tests) may hold them.
  const have = new Set((db.prepare("SELECT name FROM pragma_table_info('mention_brands')").pluck().all() as string[]));
  for (const [name, type] of Object.entries(V5_COLUMNS)) if (!have.has(name)) db.exec(`ALTER TABLE mention_brands ADD COLUMN ${name} ${type}`);
}

function backfillBrandTones(db: Database.Database): void {
  const set = db.prepare('UPDATE mention_brands SET tone = ?, label = ?, field_sign = ? WHERE doc = ? AND brand = ?');
  // In pages by doc (a connection cannot write while it iterates), in bounded memory.
  const page = db.prepare("SELECT doc, json FROM mentions WHERE doc > ? AND json_type(json, '$.analysis.sentiment.byBrand') = 'object' ORDER BY doc LIMIT 1000").raw();
  let after = -1;
  for (;;) {
    const rows = page.all(after) as [number, string][];
    for (const [doc, json] of rows) {
      for (const [brand, t] of brandTonesOf(JSON.parse(json) as AnalyzedMention)) set.run(t.score, t.label, t.fieldSign, doc, brand);
    }
    if (rows.length < 1000) return;
    after = rows[rows.length - 1]![0];
  }
}

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new EcouteError(
      'STORE_UNAVAILABLE',
      `store file has schema version ${current}, newer than this écoute understands (${SCHEMA_VERSION}); upgrade écoute`,
      { retriable: false },
    );
  }
  if (current < 1) {
    db.exec(V1);
    db.exec("INSERT INTO mentions_fts (mentions_fts, rank) VALUES ('secure-delete', 1)");
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(1);
  }
  if (current < 2) {
    db.exec(V2);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(2);
  }
  if (current < 3) {
    db.exec(V3);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(3);
  }
  if (current < 4) {
    db.exec(V4);
    backfillTermPacks(db);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(4);
  }
  if (current < 5) {
    addBrandToneColumns(db);
    backfillBrandTones(db);
    db.exec(ROLLUP_BACKFILL_V5);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(5);
  }
}
