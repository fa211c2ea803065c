// wink's English model with its core V8-serialized in the cache directory (src/nlp/wink-model.ts):
// the object wink-nlp receives has the package's parts, the core read back from the cache equals
// the one the package's own loader builds (null prototypes included), and an unreadable cache file
// is loaded the package's way again.
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
    const expected = packageCore();
    expect(isDeepStrictEqual(loaded, expected)).toBe(true);
    // A new process reads the file; a second instance in the same process gets its own copy.
    const second = await freshModule();
    const fromFile = second.englishWinkModel().core() as { features: { lexeme: { hash: object } } };
    expect(isDeepStrictEqual(fromFile, expected)).toBe(true);
    expect(Object.getPrototypeOf(fromFile.features.lexeme.hash)).toBeNull();
    const another = second.englishWinkModel().core() as typeof fromFile;
    expect(another).not.toBe(fromFile);
    expect(another.features.lexeme.hash).not.toBe(fromFile.features.lexeme.hash);
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
