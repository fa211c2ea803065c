// MinHash over word shingles, with LSH banding. Mentions are short (a review, a post, a news
// lead): a one-word edit moves a 64-bit SimHash of a 35-word text by 7 to 11 bits, as far as
// unrelated noise goes, while MinHash estimates the Jaccard similarity of the shingle sets
// directly (a one-word edit in 35 words keeps it near 0.85). Pure.

export const SHINGLE_WORDS = 3;
/** Hash functions in a signature. */
export const PERMUTATIONS = 64;
/** LSH: 16 bands of 4 rows. Texts with Jaccard 0.7 share a band with probability 0.99, at 0.3 with 0.12. */
export const BANDS = 16;
const ROWS = PERMUTATIONS / BANDS;

/** Lower-cased words, accents kept; URLs, @handles and #hashtags dropped (they differ between reposts). */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/[@#](\p{L}|\p{N}|_)+/gu, ' ')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function shingles(text: string): Set<string> {
  return shinglesOf(words(text));
}

function shinglesOf(w: string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= w.length; i++) out.add(w.slice(i, i + SHINGLE_WORDS).join(' '));
  return out;
}

/**
 * The MinHash signature of `text`, or undefined when it has fewer than `minWords` words (too short
 * to call a copy: "great app" said twice is two opinions). Permutation i of a shingle hashed to
 * (a, b) is a + i·b mod 2³², the double-hashing family.
 */
export function minhash(text: string, minWords = 12): Uint32Array | undefined {
  const w = words(text);
  if (w.length < minWords) return undefined;
  const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const shingle of shinglesOf(w)) {
    // Two independent 32-bit hashes of the shingle (FNV-1a from two seeds, then murmur3's
    // finalizer for avalanche): a cryptographic digest per shingle cost more than the rest of
    // the analysis of a mention.
    const a = fmix32(fnv1a(shingle, 0x811c9dc5));
    const b = fmix32(fnv1a(shingle, 0x01000193 ^ 0x5bd1e995)) | 1;
    for (let i = 0; i < PERMUTATIONS; i++) {
      const h = (a + Math.imul(i, b)) >>> 0;
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return signature;
}

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Estimated Jaccard similarity: the share of equal slots. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < PERMUTATIONS; i++) if (a[i] === b[i]) equal++;
  return equal / PERMUTATIONS;
}

/** The signature's LSH bands, as [band index, 32-bit hash of its rows]. */
export function bands(signature: Uint32Array): [number, number][] {
  const out: [number, number][] = [];
  for (let band = 0; band < BANDS; band++) {
    // FNV-1a over the band's rows.
    let h = 0x811c9dc5;
    for (let r = 0; r < ROWS; r++) {
      const v = signature[band * ROWS + r] as number;
      for (let byte = 0; byte < 4; byte++) {
        h ^= (v >>> (byte * 8)) & 0xff;
        h = Math.imul(h, 0x01000193) >>> 0;
      }
    }
    out.push([band, h]);
  }
  return out;
}

export function toBuffer(signature: Uint32Array): Buffer {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
}

export function fromBuffer(buffer: Buffer): Uint32Array {
  const copy = new Uint32Array(buffer.length / 4);
  for (let i = 0; i < copy.length; i++) copy[i] = buffer.readUInt32LE(i * 4);
  return copy;
}
