// Issue 15 (emb17): the LSH band index of the local fingerprints, in memory. In SQLite it was a
// table keyed by (band, value, id): sixteen rows per original at random places in the B-tree, so
// each batch's commit rewrote most of the table's pages into the WAL (a third of the embedded main
// thread at 50,000 mentions, and growing with the table). Here each entry is a 32-bit key (the band
// and its salted value mixed) and the sequence number of the fingerprint's row, in two typed arrays
// with open addressing (linear probing): 8 bytes an entry at a load between 0.35 and 0.7, about 250
// bytes per original fingerprint in the window. The rows themselves stay in SQLite (index.ts), in
// insertion order, and the index is rebuilt from them when the store opens and after a prune.
// Two different (band, value) pairs may share a key: the candidates are then one row too many,
// which the similarity check drops (the detector compares every candidate's signature).

const EMPTY = 0;
const MAX_LOAD = 0.7;

/** The 32-bit key of a band's salted value (never 0, the empty slot). */
export function bandKey(band: number, value: number): number {
  let h = Math.imul(value ^ Math.imul(band + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0 || 1;
}

export class BandIndex {
  private keys: Uint32Array;
  private seqs: Uint32Array;
  private used = 0;

  constructor(capacity = 1 << 12) {
    let size = 1 << 12;
    while (size * MAX_LOAD < capacity) size <<= 1;
    this.keys = new Uint32Array(size);
    this.seqs = new Uint32Array(size);
  }

  get size(): number {
    return this.used;
  }

  /** Adds one entry per band of the row `seq` (band values as stored: [band, salted value]). */
  add(seq: number, bandValues: readonly (readonly [number, number])[]): void {
    if ((this.used + bandValues.length) > this.keys.length * MAX_LOAD) this.grow();
    for (const [band, value] of bandValues) this.insert(bandKey(band, value), seq);
  }

  /** The rows sharing at least one of these bands (each once, in no particular order). */
  lookup(bandValues: readonly (readonly [number, number])[], into: Set<number> = new Set()): Set<number> {
    const mask = this.keys.length - 1;
    for (const [band, value] of bandValues) {
      const key = bandKey(band, value);
      for (let slot = key & mask; this.keys[slot] !== EMPTY; slot = (slot + 1) & mask) {
        if (this.keys[slot] === key) into.add(this.seqs[slot]!);
      }
    }
    return into;
  }

  private insert(key: number, seq: number): void {
    const mask = this.keys.length - 1;
    let slot = key & mask;
    while (this.keys[slot] !== EMPTY) {
      // The same row's band again (a replayed put): one entry is enough.
      if (this.keys[slot] === key && this.seqs[slot] === seq) return;
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.seqs[slot] = seq;
    this.used++;
  }

  private grow(): void {
    const [keys, seqs] = [this.keys, this.seqs];
    this.keys = new Uint32Array(keys.length * 2);
    this.seqs = new Uint32Array(keys.length * 2);
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.insert(keys[i]!, seqs[i]!);
  }
}

/** The stored form of a fingerprint's band values: 16 little-endian uint32 (the salted values, in band order). */
export function packBands(bandValues: readonly (readonly [number, number])[]): Buffer {
  const out = Buffer.alloc(bandValues.length * 8);
  bandValues.forEach(([band, value], i) => {
    out.writeUInt32LE(band >>> 0, i * 8);
    out.writeUInt32LE(value >>> 0, i * 8 + 4);
  });
  return out;
}

export function unpackBands(buffer: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 8 <= buffer.length; i += 8) out.push([buffer.readUInt32LE(i), buffer.readUInt32LE(i + 4)]);
  return out;
}
