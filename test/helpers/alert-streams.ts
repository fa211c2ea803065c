// Generated mention streams for the alert tests: seeded (the same stream every run), hour by hour,
// with a Poisson number of mentions per hour and Gaussian tones, and the shapes the issue names
// (a real drop, a weekly rhythm, a small brand, one angry author).
import type { MentionSignal } from '../../src/store/types.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC. */
export const T0 = Date.UTC(2026, 5, 1);

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function poisson(random: () => number, lambda: number): number {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(random)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > l);
  return k - 1;
}

export interface StreamShape {
  days: number;
  /** Mean mentions per hour at hour `h` (ms since T0). */
  rate: (t: number) => number;
  /** Mean tone at `t`. */
  tone: (t: number) => number;
  toneSd?: number;
  authors?: number;
  seed?: number;
  terms?: (t: number, random: () => number) => string[];
  fields?: (t: number) => string[];
}

let serial = 0;

export function signal(t: number, score: number, author: string, extra: Partial<MentionSignal> = {}): MentionSignal {
  serial++;
  return {
    id: `gen-${serial}`,
    publishedMs: t,
    authorKey: author,
    score,
    label: score > 0.25 ? 'positive' : score < -0.25 ? 'negative' : 'neutral',
    lang: 'en',
    source: 'reddit',
    fields: [],
    terms: ['coffee', 'machine'],
    text: `generated mention ${serial}, tone ${score.toFixed(2)}`,
    ...extra,
  };
}

/** The stream, oldest first. */
export function generate(shape: StreamShape): MentionSignal[] {
  const random = seeded(shape.seed ?? 12);
  const out: MentionSignal[] = [];
  const authors = shape.authors ?? 20_000;
  for (let h = 0; h < shape.days * 24; h++) {
    const start = T0 + h * HOUR;
    const n = poisson(random, shape.rate(start));
    const times = Array.from({ length: n }, () => start + Math.floor(random() * HOUR)).sort((a, b) => a - b);
    for (const t of times) {
      const score = Math.max(-1, Math.min(1, shape.tone(t) + (shape.toneSd ?? 0.35) * gaussian(random)));
      out.push(signal(t, score, `author-${Math.floor(random() * authors)}`, {
        ...(shape.terms && { terms: shape.terms(t, random) }),
        ...(shape.fields && { fields: shape.fields(t) }),
      }));
    }
  }
  return out;
}
