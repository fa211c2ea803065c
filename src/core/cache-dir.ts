// écoute's cache directory, shared by what keeps derived files between runs: the services'
// downloads (Kafka jars, Elasticsearch), the parsed lexicons and wink's serialized model.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** ECOUTE_CACHE_DIR, default ~/.cache/ecoute. */
export function ecouteCacheDir(): string {
  return process.env.ECOUTE_CACHE_DIR || join(homedir(), '.cache', 'ecoute');
}
