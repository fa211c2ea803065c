// Privacy (issue 14, H4): the suppression list. An erased person's authorKey is kept here so the
// pipeline drops their mentions at the analyze and index stages (and before mentions.raw, see
// suppressing-bus.ts), whatever brings them back (a replay, a backfill, a connector re-fetch).
export interface SuppressionList {
  /** True when this author (authorKey, already pseudonymized) was erased: drop the mention. */
  has(authorKey: string): boolean;
}

/** One erased author, as the suppression list keeps it: the key only, never the handle. */
export interface SuppressionEntry {
  authorKey: string;
  /** When the erasure was asked (ISO 8601). */
  at: string;
}

/** One line of the erasure log: what was erased, when and by whom, never the content. */
export interface ErasureLogEntry {
  authorKey: string;
  /** The source part of the `--author` given (not personal: a source name). */
  source: string;
  at: string;
  /** Who asked: the CLI's user, or the API token's name. */
  by: string;
  /** What was removed, per place (see ErasureReport). */
  counts: Record<string, number>;
}

/**
 * Where the suppression list and the erasure log persist: data_dir/privacy.sqlite (embedded) or two
 * Elasticsearch indices (distributed), so every process and every machine sees an erasure without
 * a restart.
 */
export interface PrivacyLedger extends SuppressionList {
  suppress(entry: SuppressionEntry): Promise<void>;
  entry(authorKey: string): Promise<SuppressionEntry | undefined>;
  logErasure(entry: ErasureLogEntry): Promise<void>;
  /** Newest first; only this author's when a key is given. */
  erasures(authorKey?: string): Promise<ErasureLogEntry[]>;
  /** Re-reads the list now (distributed: it is otherwise re-read every suppression_refresh_ms). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** An empty list (a test that does not erase anybody). */
export const NO_SUPPRESSIONS: SuppressionList = { has: () => false };
