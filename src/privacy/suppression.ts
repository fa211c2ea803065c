// Privacy (issue 14, H4): the suppression list. An erased person's authorKey is kept here so the
// pipeline drops their mentions at the analyze and index stages, whatever brings them back (a
// replay, a backfill, a connector re-fetch).
export interface SuppressionList {
  /** True when this author (authorKey, already pseudonymized) was erased: drop the mention. */
  has(authorKey: string): boolean;
}
