// What both benchmarks feed the pipeline with: the demo mentions, a seeded random (the same texts on
// every run), and varied texts made from them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DemoSample {
  source: string;
  text: string;
  title?: string;
  lang?: string;
  published_at: string;
  author?: string;
  rating?: number;
}

export function demoSamples(): DemoSample[] {
  const file = fileURLToPath(new URL('../../config/demo/mentions.jsonl', import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DemoSample);
}

/** mulberry32: a small seeded generator, the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Picks a demo mention and swaps a third of its words for words of another mention of the same
 * language: the length and vocabulary of real mentions, but texts that differ (the demo set
 * repeated as is would be all near-duplicates, which a real stream is not).
 */
export function variedSampler(samples: readonly DemoSample[], random: () => number): () => { sample: DemoSample; text: string } {
  const byLang = new Map<string, DemoSample[]>();
  for (const s of samples) byLang.set(s.lang ?? '', [...(byLang.get(s.lang ?? '') ?? []), s]);
  return () => {
    const sample = samples[Math.floor(random() * samples.length)]!;
    const pool = byLang.get(sample.lang ?? '') ?? samples;
    const donor = pool[Math.floor(random() * pool.length)]!.text.split(/\s+/);
    const text = sample.text
      .split(/\s+/)
      .map((word) => (random() < 0.33 ? donor[Math.floor(random() * donor.length)]! : word))
      .join(' ');
    return { sample, text };
  };
}
