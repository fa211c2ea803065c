// wink's English model with its core V8-serialized in the cache directory (src/nlp/wink-model.ts):
// the object wink-nlp receives has the package's parts, the core read back from the cache equals
// the one the package's own loader builds (null prototypes included; the lexeme table, which fills
// itself as it is read, by what every word reads and by the words wink adds), and an unreadable
// cache file is loaded the package's way again.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const cacheDir = mkdtempSync(join(tmpdir(), 'ecoute-wink-cache-'));
const previous = process.env.ECOUTE_CACHE_DIR;

async function freshModule(): Promise<typeof import('../../src/nlp/wink-model.js')> {
  vi.resetModules();
  return import('../../src/nlp/wink-model.js');
}

interface Core {
  features: Record<string, unknown> & { lexeme: { hash: Record<string, number | undefined> } & Record<string, unknown> };
}

function packageCore(): unknown {
  return (require('wink-eng-lite-web-model/dist/load-core-model.js') as () => unknown)();
}

describe('wink model with a cached core', () => {
  beforeEach(() => {
    process.env.ECOUTE_CACHE_DIR = cacheDir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.ECOUTE_CACHE_DIR;
    else process.env.ECOUTE_CACHE_DIR = previous;
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('has the parts of the package model, add-ons included', async () => {
    const { englishWinkModel } = await freshModule();
    const ours = englishWinkModel();
    const theirs = require('wink-eng-lite-web-model') as Record<string, unknown> & { addons: Record<string, unknown> };
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(ours.addons).sort()).toEqual(Object.keys(theirs.addons).sort());
    for (const key of Object.keys(theirs)) expect(typeof ours[key]).toBe(typeof theirs[key]);
  });

  it('gives the core the package builds, from the package on a miss and from the cache after', async () => {
    const first = await freshModule();
    const loaded = first.englishWinkModel().core();
    expect(readdirSync(join(cacheDir, 'wink'))).toEqual([expect.stringMatching(/^wink-eng-lite-web-model-[\d.]+-\d+\.v8$/)]);
    const expected = packageCore() as Core;
    expect(isDeepStrictEqual(loaded, expected)).toBe(true);
    // A new process reads the file; a second instance in the same process gets its own copy.
    const second = await freshModule();
    const fromFile = second.englishWinkModel().core() as Core;
    // The lexeme table fills itself as it is read (wink-model.ts, memoTable): equal by what it answers.
    const { hash, ...lexemeRest } = fromFile.features.lexeme;
    const { hash: expectedHash, ...expectedRest } = expected.features.lexeme;
    const withoutLexeme = (core: Core) => ({ ...core, features: { ...core.features, lexeme: undefined } });
    expect(isDeepStrictEqual(withoutLexeme(fromFile), withoutLexeme(expected))).toBe(true);
    expect(isDeepStrictEqual(lexemeRest, expectedRest)).toBe(true);
    const words = Object.keys(expectedHash);
    expect(words.length).toBeGreaterThan(80_000);
    for (const word of words) if (hash[word] !== expectedHash[word]) throw new Error(`lexeme ${word}: ${hash[word]} instead of ${expectedHash[word]}`);
    for (const word of words.slice(0, 1000)) expect(hash[word]).toBe(expectedHash[word]); // read again: from the object itself
    for (const absent of ['zzqxwvk', 'delivery,', '__proto__', 'constructor', 'toString']) expect(hash[absent]).toBe(expectedHash[absent]);
    // wink adds a word it meets as `hash[word] = index`; read back, and the other instance unaffected.
    hash['zzqxwvk'] = 90_001;
    hash['delivery,'] = 90_002;
    expect([hash['zzqxwvk'], hash['delivery,'], hash['delivery']]).toEqual([90_001, 90_002, expectedHash['delivery']]);
    const another = second.englishWinkModel().core() as Core;
    expect(another).not.toBe(fromFile);
    expect(another.features.lexeme.hash).not.toBe(hash);
    expect([another.features.lexeme.hash['zzqxwvk'], another.features.lexeme.hash['delivery,']]).toEqual([undefined, undefined]);
  });

  it('loads the package way again when the cache file is unreadable', async () => {
    const dir = join(cacheDir, 'wink');
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), 'not a V8 serialization');
    const { englishWinkModel, isModelWord } = await freshModule();
    expect(isModelWord('delivery')).toBeUndefined();
    expect(isDeepStrictEqual(englishWinkModel().core(), packageCore())).toBe(true);
    expect(isModelWord('delivery')).toBe(true);
    expect(isModelWord('zzqxwvk')).toBe(false);
  });
});
