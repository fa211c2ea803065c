// Rollup tables (schema v4): per brand × UTC day × copy-or-original, the sums field stats need
// (field_rollup, here) and top terms need (term_packs, term-packs.ts), kept in the same write
// transaction as the mention. A rollup row is the exact sum of
// the raw rows it stands for: a write adds a mention's rows, an update or an erasure takes the old
// ones back out first (while mention_terms / mention_fields still hold them) and drops the rollup
// rows that no mention holds any more. Brand '' is every mention (each once, whatever its brands).
//
// Reads use them only when the request is no finer than a rollup row: no text query, no lang /
// source / tone-label filter, and from/to on UTC day boundaries (else the raw path answers, which
// gives the same result; src/store/embedded/store.ts, canUseRollups).
import type Database from 'better-sqlite3';

export const DAY_MS = 86_400_000;

/** UTC day number of an epoch-ms instant (floored also before 1970). */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** UTC day number of an epoch-ms column (floored also before 1970). */
const dayOf = (col: string): string => `((${col} - ((${col} % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS}) / ${DAY_MS})`;

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS field_rollup (
  brand TEXT NOT NULL,
  day INTEGER NOT NULL,
  dup INTEGER NOT NULL,
  field TEXT NOT NULL,
  mentions INTEGER NOT NULL,  -- mentions holding the field
  toned INTEGER NOT NULL,     -- of which with a tone
  tone_sum REAL NOT NULL,
  PRIMARY KEY (brand, day, dup, field)
) WITHOUT ROWID;
`;

/** Every mention's (brand, doc) pairs, brand '' included once per mention. */
const BRANDS_OF_ALL = `(SELECT doc, brand FROM mention_brands UNION ALL SELECT doc, '' FROM mentions)`;

/**
 * The migration's backfill from the raw tables (run once, in the migration's transaction). It
 * rebuilds from scratch: whatever rollup rows a file already holds are recomputed, not added to.
 */
export const ROLLUP_BACKFILL = `
DELETE FROM field_rollup;
INSERT INTO field_rollup (brand, day, dup, field, mentions, toned, tone_sum)
  SELECT b.brand, ${dayOf('m.published_at')}, m.duplicate_of IS NOT NULL, x.field, count(*), count(x.tone), coalesce(sum(x.tone), 0)
  FROM mention_fields x JOIN mentions m ON m.doc = x.doc JOIN ${BRANDS_OF_ALL} b ON b.doc = x.doc
  GROUP BY 1, 2, 3, 4;
`;

/**
 * Schema v5 (issue 16): the same backfill with each brand's field sign (mention_brands.field_sign),
 * run after the v5 step filled it. V4's own backfill stays as it was: a v3 file passes through it
 * before the v5 columns exist.
 */
export const ROLLUP_BACKFILL_V5 = `
DELETE FROM field_rollup;
INSERT INTO field_rollup (brand, day, dup, field, mentions, toned, tone_sum)
  SELECT b.brand, ${dayOf('m.published_at')}, m.duplicate_of IS NOT NULL, x.field, count(*), count(x.tone), coalesce(sum(x.tone * b.fsign), 0)
  FROM mention_fields x JOIN mentions m ON m.doc = x.doc
  JOIN (SELECT doc, brand, coalesce(field_sign, 1) AS fsign FROM mention_brands UNION ALL SELECT doc, '', 1 FROM mentions) b ON b.doc = x.doc
  GROUP BY 1, 2, 3, 4;
`;

/** The rollup keys of one mention: its day and copy flag × '' and each of its brands. */
// b.fsign (schema v5, issue 16): −1 where the mention's field tones read reversed for the brand
// (mention_brands.field_sign, src/store/brand-tone.ts); brand '' is the mention's own tone.
const KEYS_OF_DOC = `
  (SELECT ${dayOf('published_at')} AS day, duplicate_of IS NOT NULL AS dup FROM mentions WHERE doc = @doc) d,
  (SELECT '' AS brand, 1 AS fsign UNION ALL SELECT brand, coalesce(field_sign, 1) FROM mention_brands WHERE doc = @doc) b`;

export interface RollupStatements {
  /** Adds (@sign 1) or takes out (@sign -1) the rollup rows of mention @doc. */
  fields: Database.Statement<[{ doc: number; sign: number }], unknown>;
  /** After taking mention @doc out: drops its rollup rows no mention holds any more. */
  pruneFields: Database.Statement<[{ doc: number }], unknown>;
}

export function rollupStatements(db: Database.Database): RollupStatements {
  return {
    fields: db.prepare(
      `INSERT INTO field_rollup (brand, day, dup, field, mentions, toned, tone_sum)
       SELECT b.brand, d.day, d.dup, x.field, @sign, @sign * (x.tone IS NOT NULL), @sign * coalesce(x.tone * b.fsign, 0)
       FROM ${KEYS_OF_DOC}, mention_fields x WHERE x.doc = @doc
       ON CONFLICT (brand, day, dup, field) DO UPDATE SET
         mentions = mentions + excluded.mentions, toned = toned + excluded.toned, tone_sum = tone_sum + excluded.tone_sum`,
    ),
    pruneFields: db.prepare(
      `DELETE FROM field_rollup WHERE mentions <= 0 AND (brand, day, dup, field) IN (
         SELECT b.brand, d.day, d.dup, x.field FROM ${KEYS_OF_DOC}, mention_fields x WHERE x.doc = @doc)`,
    ),
  };
}

/** Adds mention `doc` (its side rows written) to the rollups. */
export function addToRollups(s: RollupStatements, doc: number): void {
  s.fields.run({ doc, sign: 1 });
}

/** Takes mention `doc` out of the rollups; call while its mention row and side rows still exist. */
export function takeFromRollups(s: RollupStatements, doc: number): void {
  s.fields.run({ doc, sign: -1 });
  s.pruneFields.run({ doc });
}

/** The rollup's WHERE (brand, day range, copy flag) of a request, with its params. */
export function rollupScope(
  f: { brand?: string; fromMs?: number; toMs?: number; duplicates: 'exclude' | 'include' | 'only' },
): { where: string; params: (string | number)[] } {
  const where = ['brand = ?'];
  const params: (string | number)[] = [f.brand ?? ''];
  if (f.fromMs !== undefined) {
    where.push('day >= ?');
    params.push(f.fromMs / DAY_MS);
  }
  if (f.toMs !== undefined) {
    where.push('day < ?');
    params.push(f.toMs / DAY_MS);
  }
  if (f.duplicates !== 'include') {
    where.push('dup = ?');
    params.push(f.duplicates === 'only' ? 1 : 0);
  }
  return { where: where.join(' AND '), params };
}

/** Whole UTC days (or unbounded): a rollup row is never cut by the bound. */
export function onDayBoundary(ms: number | undefined): boolean {
  return ms === undefined || ms % DAY_MS === 0;
}
