// The seam between the near-duplicate detector (src/streams/near-duplicates) and where its
// fingerprints live: SQLite beside an analyze stage (index.ts), or Elasticsearch shared by every
// analyze worker (src/store/elasticsearch/fingerprints.ts, issue 15, dedup16). Types only, so a
// store may implement it without importing the stages.

export interface FingerprintEntry {
  id: string;
  /** MinHash signature. */
  fingerprint: Uint32Array;
  /** When it was first seen (epoch ms): the earliest of near-duplicates is the original. */
  seenAt: number;
  duplicateOf?: string;
}

/** The persistent index of recent fingerprints, by LSH band. Async, so a networked store fits. */
export interface FingerprintStore {
  get(id: string): Promise<FingerprintEntry | undefined>;
  /** Entries sharing at least one of these [band, value] pairs. */
  candidates(bandValues: [number, number][]): Promise<FingerprintEntry[]>;
  put(entry: FingerprintEntry, bandValues: [number, number][]): Promise<void>;
  /** Forgets fingerprints first seen before `before` (epoch ms). */
  prune(before: number): Promise<void>;
  /** Runs a batch of lookups and writes as one unit, where the store can (one commit, not one per mention). */
  batch?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Inside `batch`: the ids and band values the batch will look up, read in one round trip, so the
   * per-mention `get` and `candidates` that follow are answered from memory (a networked store).
   */
  prefetch?(ids: string[], bandValues: [number, number][][]): Promise<void>;
  /**
   * A shared store (several analyze workers): after a batch's writes are visible, for each of these
   * ids the entries sharing a band with it that were written before it in the store's one write
   * order, read fresh: of two copies written at the same moment by two workers, the later writer
   * learns of the earlier one (and the earlier one finds nothing before it), so one stays original.
   */
  recheck?(bandValues: Map<string, [number, number][]>): Promise<Map<string, FingerprintEntry[]>>;
  /** Records that `id`, written as an original, is a near-duplicate of `duplicateOf` after all (see recheck). */
  redirect?(id: string, duplicateOf: string): Promise<void>;
  close(): Promise<void>;
}

