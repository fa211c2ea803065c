// wink-eng-lite-web-model for our two wink-nlp instances, with its core model kept V8-serialized in
// the cache directory (issue 15, "The command line").
//
// Why: requiring the model package parses its 3 MB core JSON at module load, and each wink-nlp
// instance then deep-copies it (JSON round trip) and decodes its base64 lexicon character by
// character: two thirds of `ecoute analyze`'s start went there. The loaded core (typed arrays,
// hash tables, Sets) is plain data, so it is written once, V8-serialized, under the cache
// directory, and read back in a few milliseconds for each instance. Each instance still gets its
// own copy: wink's cache writes new words into the model it was given.
//
// The model object wink-nlp receives is the package's own (dist/model.js) with `core` replaced;
// the other parts are the package's modules, required one by one so that the core JSON is only
// parsed on a cache miss. test/unit/wink-model.test.ts keeps its keys equal to the package's and
// the analyses equal with and without the cache.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ecouteCacheDir } from '../core/cache-dir.js';

const require = createRequire(import.meta.url);

const PACKAGE = 'wink-eng-lite-web-model';

/** What winkNLP() takes: the package's model object (its typings are wink-nlp's `Model`). */
export type WinkModel = Record<string, unknown> & { core: () => unknown; addons: Record<string, unknown> };

interface CachedCore {
  /** The features whose value → index table the loader built (rebuilt on load, see restore). */
  hashed: string[];
  /** The loaded core without those tables. */
  core: { features: Record<string, { list: unknown[]; hash?: Record<string, number> }> } & Record<string, unknown>;
}

let model: WinkModel | undefined;
let serialized: Buffer | undefined;
/** The lexeme table of the first core loaded: which words the model knows (see isModelWord). */
let lexemes: { hash: Record<string, number>; intrinsicSize: number } | undefined;

let version: string | undefined;

/** The installed model package's version (read once: the cache file's name and the lemma table's header both need it). */
export function winkModelVersion(): string {
  version ??= (JSON.parse(readFileSync(require.resolve(`${PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * Whether `word` is one of the model's own lexemes (not one a wink-nlp instance added since), once
 * a core is loaded; undefined before. Words an instance adds get indexes past the intrinsic size.
 */
export function isModelWord(word: string): boolean | undefined {
  if (lexemes === undefined) return undefined;
  const index = lexemes.hash[word];
  return index !== undefined && index < lexemes.intrinsicSize;
}

function remember<T>(core: T): T {
  if (lexemes === undefined) {
    const lexeme = (core as { features: { lexeme: { hash: Record<string, number>; intrinsicSize: number } } }).features.lexeme;
    lexemes = { hash: lexeme.hash, intrinsicSize: lexeme.intrinsicSize };
  }
  return core;
}

/** The cache file's path: package version and core JSON size in its name, so an upgrade misses. */
function cacheFile(): string {
  const coreJson = join(dirname(require.resolve(`${PACKAGE}/package.json`)), 'dist', 'languages', 'cur', 'models', 'eng-core-web-model.json');
  return join(ecouteCacheDir(), 'wink', `${PACKAGE}-${winkModelVersion()}-${statSync(coreJson).size}.v8`);
}

/**
 * The core without its value → index tables. They are dictionaries of up to 87,593 keys made with
 * Object.create(null): V8 deserializes such an object several times slower than a loop builds it
 * again from the feature's list, and gives it back with Object.prototype.
 */
function withoutTables(core: CachedCore['core']): CachedCore {
  const hashed = Object.keys(core.features).filter((name) => core.features[name]!.hash !== undefined);
  const features = { ...core.features };
  for (const name of hashed) features[name] = { ...features[name]!, hash: undefined };
  return { hashed, core: { ...core, features } };
}

/**
 * A table of this many values or more is built lazily (see memoTable): the
 * lexeme table (87,593 words) only; the others are a few thousand at most.
 */
const MAP_TABLE_MIN = 10_000;

/** Distinct words a lexeme table keeps as absent (see memoTable). */
const MISSES_KEPT = 200_000;

/**
 * The value → index tables again: value → its index in the feature's list, as the package's loader
 * builds them (read-core-model.js). A small one is a null-prototype object, as there. The lexeme
 * table (87,593 words) is built lazily, see memoTable: building an 87,593-key dictionary object was
 * a fifth of `ecoute analyze`'s start.
 */
function restore({ hashed, core }: CachedCore): unknown {
  for (const name of hashed) {
    const feature = core.features[name]!;
    const list = feature.list as string[];
    if (list.length >= MAP_TABLE_MIN) {
      feature.hash = memoTable(list);
      continue;
    }
    const hash = Object.create(null) as Record<string, number>;
    for (let k = 0; k < list.length; k += 1) hash[list[k]!] = k;
    feature.hash = hash;
  }
  return core;
}

/**
 * A dictionary object that fills itself as it is read. Its prototype is a Proxy over a Map of the
 * whole list (a Map of 87,593 keys builds in a fraction of the object's time): a word read for
 * the first time misses the object, reaches the Proxy, and is copied onto the object, so every
 * later read of it is a plain property read. wink uses the table two ways (cache.js: `hash[value]`
 * to read an index, `hash[value] = index` for a word it adds); both land on the object. With the
 * Proxy answering every read (emb15 to perf19), its trap was 7 % of analyze()'s time on tweets.
 */
function memoTable(list: readonly string[]): Record<string, number> {
  const map = new Map<string, number>();
  for (let k = 0; k < list.length; k += 1) map.set(list[k]!, k);
  let misses = 0;
  const own = (receiver: object, key: string, value: number | undefined) => Object.defineProperty(receiver, key, { value, writable: true, enumerable: true, configurable: true });
  const whole = new Proxy(Object.create(null) as Record<string, number>, {
    get: (_target, key, receiver: object) => {
      if (typeof key !== 'string') return undefined;
      const value = map.get(key);
      // A miss is kept too (wink's tokenizer probes "word," and "(word" before splitting them),
      // up to MISSES_KEPT distinct ones so that a long run's memory stays bounded.
      if (value !== undefined) own(receiver, key, value);
      else if (misses < MISSES_KEPT) {
        misses += 1;
        own(receiver, key, undefined);
      }
      return value;
    },
    set: (_target, key, value: number, receiver: object) => {
      if (typeof key !== 'string') return false;
      map.set(key, value);
      own(receiver, key, value);
      return true;
    },
    has: (_target, key) => typeof key === 'string' && map.has(key),
  });
  return Object.create(whole) as Record<string, number>;
}

/** The loaded core from the cache, or from the package's own loader (then written to the cache). */
function loadCore(): unknown {
  if (serialized !== undefined) return remember(restore(deserialize(serialized) as CachedCore));
  const file = cacheFile();
  try {
    serialized = readFileSync(file);
    return remember(restore(deserialize(serialized) as CachedCore));
  } catch {
    serialized = undefined; // not cached yet, or unreadable: load it the package's way
  }
  const loadCoreModel = require(`${PACKAGE}/dist/load-core-model.js`) as () => CachedCore['core'];
  const core = loadCoreModel();
  const buffer = serialize(withoutTables(core));
  serialized = buffer;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Written aside, then renamed: a concurrent reader sees the whole file or none.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, buffer, { mode: 0o644 });
    renameSync(partial, file);
  } catch {
    // read-only or full disk: load it again next time
  }
  return remember(core);
}

/** The model object to give winkNLP(): the package's parts, with the cached core. */
export function englishWinkModel(): WinkModel {
  if (model !== undefined) return model;
  const part = (name: string): unknown => require(`${PACKAGE}/dist/${name}.js`);
  const addons = Object.create(null) as Record<string, unknown>;
  addons.stem = part('porter-stemmer');
  // Its WordNet exception lists take 50 ms to load; only contractions and the tagged instance's
  // words call it (lemma-table.ts), so it is loaded on its first call.
  let lemmatize: ((...args: unknown[]) => unknown) | undefined;
  addons.lemmatize = (...args: unknown[]): unknown => (lemmatize ??= part('lemmatize') as (...a: unknown[]) => unknown)(...args);
  addons.readabilityStats = part('readability-stats');
  addons.wordVectors = undefined;
  const built = Object.create(null) as WinkModel;
  built.core = loadCore;
  built.sbd = part('load-sbd-model');
  built.pos = part('load-pos-model');
  built.ner = part('load-ner-model');
  built.negation = part('load-negation-model');
  built.sa = part('load-sa-model');
  built.metaCER = part('load-cer-meta-model');
  built.featureFn = part('feature');
  built.addons = addons;
  model = built;
  return model;
}
