// A large store's worth of analyzed mentions, the same on every run: a few thousand texts made from
// the demo set (English and French) with a third of their words swapped for words of another text of
// the same language, each analyzed once by analyze() (terms, labels, tone, semantic fields); mention
// i of N reuses one of those analyses under its own id, date (90 days ending END, with a bad week),
// author, source and brands. Used by bench:search and the benchmarks that need a big history.
import { mentionBody } from '../src/core/mention-text.js';
import type { Analysis, AnalyzedMention } from '../src/core/types.js';
import { analyze } from '../src/nlp/analyze.js';
import { EmbeddedMentionStore } from '../src/store/embedded/index.js';
import type { MentionStore } from '../src/store/types.js';
import { demoSamples, seededRandom, variedSampler } from './demo-texts.js';

export const DAY = 86_400_000;
export const END = Date.UTC(2026, 10, 21);
export const DAYS = 90;
export const START = END - DAYS * DAY;
/** The bad week: a burst of extra mentions (days 60..66 of 90). */
export const BAD_FROM = START + 60 * DAY;
export const BAD_TO = BAD_FROM + 7 * DAY;
export const BRANDS = ['acme', 'globex', 'initech'];

export interface Template {
  source: string;
  title?: string;
  text: string;
  rating?: number;
  analysis: Analysis;
  brands: string[];
}

export function templates(count: number): Template[] {
  const nextText = variedSampler(demoSamples(), seededRandom(20261201));
  const out: Template[] = [];
  for (let i = 0; i < count; i++) {
    const { sample: s, text } = nextText();
    const body = mentionBody({ text, ...(s.title && { title: s.title }) });
    const rating = typeof s.rating === 'number' ? (s.rating - 1) / 4 : undefined;
    const analysis = analyze(body, { ...(s.lang && { lang: s.lang }), ...(rating !== undefined && { rating }) });
    // Brands as the demo's brand queries would find them; a brandless text gets one at random
    // (a third brand, initech, has no text of its own: a small competitor).
    const brands = BRANDS.filter((b) => body.toLowerCase().includes(b));
    out.push({ source: s.source, text, ...(s.title && { title: s.title }), ...(s.rating !== undefined && { rating: s.rating }), analysis, brands });
  }
  return out;
}

/** Mention `i` of the N, the same on every run and for every store. */
export function mentionAt(i: number, pool: readonly Template[], negative: readonly Template[], random: () => number): AnalyzedMention {
  const bad = random() < 0.12;
  // A bad-week mention is mostly a negative one, as in the demo's bad week.
  const from = bad && negative.length > 0 && random() < 0.6 ? negative : pool;
  const t = from[Math.floor(random() * from.length)]!;
  const publishedMs = bad ? BAD_FROM + Math.floor(random() * (BAD_TO - BAD_FROM)) : START + Math.floor(random() * (END - START));
  let brands = t.brands;
  if (brands.length === 0) {
    const r = random();
    brands = r < 0.45 ? ['acme'] : r < 0.8 ? ['globex'] : r < 0.95 ? ['initech'] : [];
  } else if (random() < 0.05) brands = [...brands, 'initech'];
  const id = `bench-${i.toString(36)}`;
  return {
    source: t.source,
    sourceId: id,
    id,
    ...(t.title && { title: t.title }),
    text: t.text,
    publishedAt: new Date(publishedMs).toISOString(),
    ...(t.rating !== undefined && { rating: t.rating }),
    authorKey: `author-${Math.floor(random() * random() * 60_000)}`,
    brands,
    analysis: t.analysis,
    contentHash: `h-${i}`,
    // About 1 % near-duplicates (reposts of an earlier mention).
    ...(i > 100 && random() < 0.01 && { duplicateOf: `bench-${Math.floor(random() * i).toString(36)}` }),
    analyzedAt: new Date(publishedMs + 1000).toISOString(),
  };
}

/** The templates a bad week draws from: the clearly negative ones. */
export function negativeTemplates(pool: readonly Template[]): Template[] {
  return pool.filter((t) => t.analysis.sentiment.score < -0.25);
}

/**
 * Loads mentions 0..n-1 into `store` and makes them visible; returns the seconds it took. Batches of
 * 5,000 in one transaction on SQLite; on Elasticsearch batches of 2,000 with two bulk requests in
 * flight (one per core of this machine). `adjust` may change each mention before it is written.
 */
export async function loadGenerated(
  store: MentionStore,
  n: number,
  pool: readonly Template[],
  adjust: (m: AnalyzedMention) => AnalyzedMention = (m) => m,
): Promise<number> {
  const random = seededRandom(4242);
  const negative = negativeTemplates(pool);
  const embedded = store instanceof EmbeddedMentionStore;
  const batch = embedded ? 5000 : 2000;
  const started = performance.now();
  let next = 0;
  let lastLog = started;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + batch);
      const mentions: AnalyzedMention[] = [];
      for (let i = from; i < next; i++) mentions.push(adjust(mentionAt(i, pool, negative, random)));
      const result = await store.upsert(mentions);
      if (result.failed > 0) throw new Error(`load: ${result.failed} mentions failed, e.g. ${JSON.stringify(result.items.find((x) => x.status === 'failed'))}`);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        process.stderr.write(`  loaded ${next} / ${n} (${Math.round(next / ((lastLog - started) / 1000))} docs/s)\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: embedded ? 1 : 2 }, worker));
  await store.refresh();
  return (performance.now() - started) / 1000;
}
