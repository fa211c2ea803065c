// The embedded store's fast reads (in-memory columns, rollup tables) against its plain SQL path, on
// random requests over a store with random writes, updates (which move mentions between days, brands,
// terms) and erasures: the answers must be the same. Counts, terms, labels and orders exactly;
// tone means and sums to 1e-9 (sums of doubles kept in rollups and added in another order may
// differ in the last bits).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import type { AnalyzedMention, SentimentLabel } from '../../src/core/types.js';
import type { SearchFilters, SignalScanRequest } from '../../src/store/types.js';
import { makeMention } from '../helpers/mentions.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
const WORDS = ['delivery', 'late', 'coffee', 'machine', 'refund', 'price', 'taste', 'barista', 'capsule', 'service'];
const BRANDS = ['acme', 'globex', 'initech'];
const SOURCES = ['rss', 'reddit', 'file'];
const FIELDS = ['customer_service', 'price', 'quality'];
const LABELS: SentimentLabel[] = ['positive', 'neutral', 'negative'];

function randomMention(r: () => number, id: string, copyOf?: string): AnalyzedMention {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const words = Array.from({ length: 3 + Math.floor(r() * 6) }, () => pick(WORDS));
  const terms: Record<string, number> = {};
  const labels: Record<string, string> = {};
  for (const w of words) {
    terms[w] = (terms[w] ?? 0) + 1;
    // Some terms carry a surface form, which varies between mentions (the label choice).
    if (r() < 0.3) labels[w] = pick([`${w}s`, `${w}!`]);
  }
  const fields: Record<string, { hits: number; tone: number }> = {};
  for (const f of FIELDS) if (r() < 0.4) fields[f] = { hits: 1, tone: Math.round((r() * 2 - 1) * 1000) / 1000 };
  const score = Math.round((r() * 2 - 1) * 1e6) / 1e6;
  const brands = BRANDS.filter(() => r() < 0.4);
  return makeMention({
    id,
    text: words.join(' '),
    lang: r() < 0.5 ? 'en' : 'fr',
    source: pick(SOURCES),
    score,
    label: pick(LABELS),
    brands,
    terms,
    // Mostly on the hour or at random instants over 20 days, some exactly on a day boundary.
    publishedAt: new Date(T0 + (r() < 0.1 ? Math.floor(r() * 20) * DAY : Math.floor(r() * 20 * DAY))).toISOString(),
    authorKey: `author-${Math.floor(r() * 15)}`,
    analysis: { labels, fields },
    ...(copyOf !== undefined && { duplicateOf: copyOf }),
    // Some with a title and a url (what an alert's examples show).
    ...(id.endsWith('3') && { title: `About ${words[0]}`, url: `https://example.org/${id}` }),
  });
}

function randomFilters(r: () => number): SearchFilters & { query?: string } {
  const f: SearchFilters & { query?: string } = {};
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.6) f.brand = pick([...BRANDS, 'nobody']);
  if (r() < 0.2) f.lang = pick(['en', 'fr']);
  if (r() < 0.15) f.source = pick(SOURCES);
  if (r() < 0.15) f.sentiment = pick(LABELS);
  if (r() < 0.7) {
    // Whole days (the rollups answer) or any instant (the raw path does).
    const from = T0 + (r() < 0.7 ? Math.floor(r() * 15) * DAY : Math.floor(r() * 15 * DAY));
    f.from = new Date(from).toISOString();
    if (r() < 0.8) f.to = new Date(from + (r() < 0.7 ? (1 + Math.floor(r() * 10)) * DAY : Math.floor(r() * 10 * DAY) + 1)).toISOString();
  }
  if (r() < 0.4) f.duplicates = pick(['include', 'only', 'exclude'] as const);
  if (r() < 0.4) f.query = pick(['delivery', 'late OR refund', 'coffee AND machine', 'price -taste', '-coffee', 'field:price', 'barista OR field:quality']);
  return f;
}

/** Rounds every number to 9 decimals, so tone sums compare to 1e-9. */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v));
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Every record of a scanSignals walk as plain data (the text and url read like an alert does). */
async function signals(store: EmbeddedMentionStore, request: SignalScanRequest): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const page of store.scanSignals(request)) {
    for (const s of page) out.push({ ...s, text: s.text, ...(s.url !== undefined && { url: s.url }) });
  }
  return out;
}

async function compare(fast: EmbeddedMentionStore, raw: EmbeddedMentionStore, r: () => number, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) {
    const f = randomFilters(r);
    const what = JSON.stringify(f);
    expect(await fast.count(f), `count ${what}`).toBe(await raw.count(f));
    expect(await fast.facets({ ...f, size: 5 }), `facets ${what}`).toEqual(await raw.facets({ ...f, size: 5 }));
    const interval = (['hour', 'day', 'week'] as const)[i % 3]!;
    if (f.from !== undefined || interval !== 'hour') {
      expect(rounded(await fast.timeline({ ...f, interval })), `timeline ${what}`).toEqual(rounded(await raw.timeline({ ...f, interval })));
    }
    expect(await fast.topTerms({ ...f, size: 6 }), `topTerms ${what}`).toEqual(await raw.topTerms({ ...f, size: 6 }));
    expect(rounded(await fast.fieldStats(f)), `fieldStats ${what}`).toEqual(rounded(await raw.fieldStats(f)));
    const { brand: _b, ...sovFilters } = f;
    const sov = { ...sovFilters, brands: ['globex', 'acme', 'nobody'], interval: 'day' as const };
    expect(rounded(await fast.shareOfVoice(sov)), `shareOfVoice ${what}`).toEqual(rounded(await raw.shareOfVoice(sov)));
    if (f.from !== undefined && f.to !== undefined) {
      const sig = { ...f, from: f.from, to: f.to, size: 5, minMentions: 1 };
      expect(await fast.significantTerms(sig), `significantTerms ${what}`).toEqual(await raw.significantTerms(sig));
    }
    // The reports' distinct authors and the perceived image's per-author field stats.
    expect(await fast.uniqueAuthors(f), `uniqueAuthors ${what}`).toBe(await raw.uniqueAuthors(f));
    expect(rounded(await fast.fieldAuthors(f)), `fieldAuthors ${what}`).toEqual(rounded(await raw.fieldAuthors(f)));
    // The alerts' history (copies included), oldest first: the same records, text and url included.
    const scan = { brand: f.brand ?? pick(r, BRANDS), from: f.from ?? new Date(T0).toISOString(), to: f.to ?? new Date(T0 + 30 * DAY).toISOString(), ...(f.query !== undefined && { query: f.query }), pageSize: 1 + Math.floor(r() * 40) };
    expect(await signals(fast, scan), `scanSignals ${what}`).toEqual(await signals(raw, scan));
    // Without terms (the backtest's first pass): the same records, terms and labels left empty.
    const light = await signals(fast, { ...scan, terms: false });
    expect(light, `scanSignals terms:false ${what}`).toEqual(await signals(raw, { ...scan, terms: false }));
    expect(light.every((s) => (s as { terms: string[]; labels?: unknown }).terms.length === 0 && (s as { labels?: unknown }).labels === undefined)).toBe(true);
    // Pages newest first, followed by cursor: the same hits in the same order, the same totals.
    let cf: string | undefined;
    let cr: string | undefined;
    for (let page = 0; page < 3; page++) {
      const a = await fast.search({ ...f, limit: 7, ...(cf && { cursor: cf }) });
      const b = await raw.search({ ...f, limit: 7, ...(cr && { cursor: cr }) });
      expect(a.total, `search total ${what}`).toBe(b.total);
      expect(a.hits.map((h) => h.mention.id), `search page ${page} ${what}`).toEqual(b.hits.map((h) => h.mention.id));
      expect(a.nextCursor === undefined).toBe(b.nextCursor === undefined);
      cf = a.nextCursor;
      cr = b.nextCursor;
      if (!cf || !cr) break;
    }
  }
}

describe('embedded store: fast reads equal the SQL path', () => {
  it('after random writes, updates and erasures, on random requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-fast-reads-'));
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const fast = new EmbeddedMentionStore({ file });
    const raw = new EmbeddedMentionStore({ file, fastReads: false });
    await fast.ensureSchema();
    const r = rng(20261201);
    const ids: string[] = [];
    for (let round = 0; round < 6; round++) {
      const batch: AnalyzedMention[] = [];
      for (let i = 0; i < 120; i++) {
        const roll = r();
        if (roll < 0.25 && ids.length > 0) {
          // An update: same id, new content (other day, brands, terms, tone).
          batch.push(randomMention(r, ids[Math.floor(r() * ids.length)]!));
        } else {
          const id = `m-${round}-${i}`;
          ids.push(id);
          batch.push(randomMention(r, id, roll > 0.9 && ids.length > 1 ? ids[0] : undefined));
        }
      }
      // Same ids twice in a batch are written in order (the last wins); failed items change nothing.
      batch.push({ ...batch[0]!, brands: 'not a list' } as unknown as AnalyzedMention);
      const result = await fast.upsert(batch);
      expect(result.failed).toBe(1);
      // Reads first (the columns load), then erasures the columns and rollups must follow.
      await compare(fast, raw, r, 8);
      for (let e = 0; e < 2; e++) expect(await fast.eraseAuthor(`author-${Math.floor(r() * 15)}`)).toBeGreaterThanOrEqual(0);
      // Retention's deletes by id (privacy, MentionStore.eraseMentions): columns and rollups follow too.
      await fast.eraseMentions(Array.from({ length: 5 }, () => pick(r, ids)));
      await compare(fast, raw, r, 8);
    }
    // The rollups hold no row no mention stands for.
    const probe = new EmbeddedMentionStore({ file });
    await probe.ensureSchema();
    await compare(probe, raw, r, 10);
    await Promise.all([fast.close(), raw.close(), probe.close()]);
  }, 120_000);

  it('sees a write made through another connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-fast-reads-'));
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const reader = new EmbeddedMentionStore({ file });
    const writer = new EmbeddedMentionStore({ file });
    await reader.ensureSchema();
    await writer.upsert([makeMention({ id: 'a', text: 'late delivery', brands: ['acme'] })]);
    expect(await reader.count({ brand: 'acme' })).toBe(1);
    await writer.upsert([makeMention({ id: 'b', text: 'late again', brands: ['acme'] })]);
    expect(await reader.count({ brand: 'acme' })).toBe(2);
    expect((await reader.facets({ query: 'late' })).brand).toEqual([{ value: 'acme', count: 2 }]);
    expect(await writer.eraseAuthor('key-of-a')).toBe(1);
    expect(await reader.count({ query: 'late', brand: 'acme' })).toBe(1);
    expect((await reader.topTerms({ brand: 'acme' })).map((t) => t.term)).toEqual(['again', 'late']);
    await Promise.all([reader.close(), writer.close()]);
  });
});
