// compareBinary (speed-embedded): SQLite's BINARY order (UTF-8 bytes) without encoding each text,
// checked against the encoded comparison on texts mixing ASCII, accents, characters above the
// surrogates (U+E000..U+FFFF) and astral ones (surrogate pairs), where UTF-16 and UTF-8 orders part.
import { describe, expect, it } from 'vitest';
import { compareBinary } from '../../src/store/embedded/column-reads.js';

const ALPHABET = ['a', 'b', 'z', 'é', 'ÿ', '\u4e00', '\ue000', '\uffee', '😀', '😁', '𝄞', '\u0000'];

describe('compareBinary', () => {
  it('orders as the UTF-8 bytes do', () => {
    let s = 7;
    const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const text = () => Array.from({ length: Math.floor(r() * 5) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');
    const sign = (x: number) => Math.sign(x);
    let differing = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = text();
      const b = r() < 0.3 ? a + text() : text();
      const expected = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
      if (sign(a < b ? -1 : a > b ? 1 : 0) !== expected) differing++;
      expect(sign(compareBinary(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(expected);
    }
    // The cases where the plain JS order is wrong were met.
    expect(differing).toBeGreaterThan(100);
  });
});
