// The word caches of the analysis (lemmas, stems, folds, valences) are keyed by what streams in:
// a stream of unique garbage words must not grow them forever. A full cache is emptied and starts
// over, which costs a few recomputations and no bookkeeping on the hot path.

/** Stores `value` under `key`, emptying `cache` first when it already holds `max` entries. Returns `value`. */
export function remember<K, V>(cache: Map<K, V>, key: K, value: V, max: number): V {
  if (cache.size >= max) cache.clear();
  cache.set(key, value);
  return value;
}
