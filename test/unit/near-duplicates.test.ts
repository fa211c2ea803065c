import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { minhash, NearDuplicateDetector, similarity, SqliteFingerprintStore } from '../../src/streams/near-duplicates/index.js';
import type { AnalyzedMention, RawMention } from '../../src/core/types.js';
import { mentionId } from '../../src/core/ids.js';
import { startAnalyzeStage } from '../../src/streams/analyze.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const ARTICLE =
  'Acme Corp announced on Tuesday that it will open a new distribution centre near Lyon, creating two hundred jobs and promising next day delivery across the whole region by the spring of next year.';
const REVIEW = 'I bought this kettle three months ago and the switch already broke. Customer service told me it was not covered by the warranty, which is ridiculous for a product at this price. Avoid.';

describe('near-duplicates: MinHash', () => {
  it('finds syndicated copies, reposts and edited pastes similar, unrelated texts not', () => {
    const original = minhash(ARTICLE) as Uint32Array;
    expect(similarity(original, minhash(`BREAKING: ${ARTICLE} (Reuters)`) as Uint32Array)).toBeGreaterThan(0.9);
    expect(similarity(original, minhash(`${ARTICLE} https://t.co/abc123 #acme @acmecorp`) as Uint32Array)).toBe(1);
    expect(similarity(original, minhash(ARTICLE.replace('two hundred', '200')) as Uint32Array)).toBeGreaterThan(0.6);
    expect(similarity(original, minhash(REVIEW) as Uint32Array)).toBeLessThan(0.1);
  });

  it('leaves short texts alone: the same three words are two opinions', () => {
    expect(minhash('Great app, love it!')).toBeUndefined();
  });
});

describe('near-duplicates: detector', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('marks copies duplicateOf the first seen (a copy of a copy too), the same answer every time', async () => {
    const detector = new NearDuplicateDetector(new SqliteFingerprintStore(':memory:'));
    expect(await detector.check('a', ARTICLE, 1000)).toBeUndefined();
    expect(await detector.check('b', `${ARTICLE} (AFP)`, 2000)).toBe('a');
    expect(await detector.check('c', `Breaking: ${ARTICLE} (AFP)`, 3000)).toBe('a');
    expect(await detector.check('d', REVIEW, 4000)).toBeUndefined();
    expect(await detector.check('e', 'Great app', 5000)).toBeUndefined();
    expect(await detector.check('f', 'Great app', 6000)).toBeUndefined();
    // A replayed mention gets its first answer, and the original stays an original.
    expect(await detector.check('b', `${ARTICLE} (AFP)`, 9000)).toBe('a');
    expect(await detector.check('a', ARTICLE, 9000)).toBeUndefined();
  });

  it('never pairs mentions of different brands: the same words about two brands are two mentions', async () => {
    const detector = new NearDuplicateDetector(new SqliteFingerprintStore(':memory:'));
    const question = 'Does the new Barista 2 espresso machine work well with oat milk and almond milk, or does the frother clog after a week of use?';
    expect(await detector.check('acme-q', question, 1000, 'acme')).toBeUndefined();
    expect(await detector.check('globex-q', question, 2000, 'globex')).toBeUndefined();
    expect(await detector.check('acme-q2', `${question} Thanks!`, 3000, 'acme')).toBe('acme-q');
    expect(await detector.check('globex-q2', `${question} Thanks!`, 4000, 'globex')).toBe('globex-q');
  });

  it('remembers across restarts (a file store), and forgets after its window', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecoute-dedup-'));
    const file = join(dir, 'dedup.sqlite');
    let store = new SqliteFingerprintStore(file);
    await new NearDuplicateDetector(store).check('review-1', REVIEW, Date.now());
    await store.close();
    store = new SqliteFingerprintStore(file);
    expect(await new NearDuplicateDetector(store).check('review-2', `${REVIEW}!!`, Date.now())).toBe('review-1');
    await store.prune(Date.now() + 1);
    expect(await new NearDuplicateDetector(store).check('review-3', REVIEW, Date.now())).toBeUndefined();
    await store.close();
  });

  // Issue 15 (emb17): the band index is in memory; the rows are what is shared and kept.
  it('two stores on one file (an `ecoute ingest` beside `ecoute run`) see each other\'s fingerprints, batch after batch', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecoute-dedup-'));
    const file = join(dir, 'dedup.sqlite');
    const [one, two] = [new SqliteFingerprintStore(file), new SqliteFingerprintStore(file)];
    const m = (id: string, text: string) => ({ id, text, brands: [] }) as unknown as AnalyzedMention;
    const first = [m('r1', REVIEW), m('a1', ARTICLE)];
    await new NearDuplicateDetector(one).mark(first);
    const second = [m('r2', `${REVIEW}!!`), m('x', 'Something else entirely, about a different product and a different shop, written by someone who never saw the others.')];
    await new NearDuplicateDetector(two).mark(second);
    const third = [m('a2', `${ARTICLE} (AFP)`), m('x2', 'Something else entirely, about a different product and a different shop, written by someone who never saw the others. Really.')];
    await new NearDuplicateDetector(one).mark(third);
    expect([...first, ...second, ...third].map((x) => x.duplicateOf)).toEqual([undefined, undefined, 'r1', undefined, 'a1', 'x']);
    await one.close();
    await two.close();
  });

  it('a file of the former schema (a band table) keeps its fingerprints and decisions', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecoute-dedup-'));
    const file = join(dir, 'dedup.sqlite');
    const { openSqlite } = await import('../../src/core/sqlite.js');
    const { bands: bandsOf } = await import('../../src/streams/near-duplicates/index.js');
    const { toBuffer } = await import('../../src/streams/near-duplicates/minhash.js');
    const db = openSqlite(file, {
      synchronous: 'NORMAL',
      version: 1,
      schema: (d) =>
        d.exec(`
          CREATE TABLE IF NOT EXISTS fingerprints (id TEXT PRIMARY KEY, fingerprint BLOB NOT NULL, seen_at INTEGER NOT NULL, duplicate_of TEXT);
          CREATE TABLE IF NOT EXISTS fingerprint_bands (band INTEGER NOT NULL, value INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (band, value, id)) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS fingerprints_seen ON fingerprints (seen_at);
        `),
    });
    const fp = minhash(REVIEW) as Uint32Array;
    db.prepare('INSERT INTO fingerprints VALUES (?, ?, ?, ?)').run('old-1', toBuffer(fp), Date.now(), null);
    db.prepare('INSERT INTO fingerprints VALUES (?, ?, ?, ?)').run('old-2', toBuffer(fp), Date.now(), 'old-1');
    for (const [band, value] of bandsOf(fp)) db.prepare('INSERT INTO fingerprint_bands VALUES (?, ?, ?)').run(band, value, 'old-1');
    db.close();
    const store = new SqliteFingerprintStore(file);
    const detector = new NearDuplicateDetector(store);
    expect(await detector.check('new', `${REVIEW} Really.`, Date.now())).toBe('old-1');
    expect(await detector.check('old-2', REVIEW, Date.now())).toBe('old-1');
    expect((await store.get('old-1'))?.fingerprint).toEqual(fp);
    await store.close();
  });

  it('in the analyze stage: mentions.analyzed carries duplicateOf', async () => {
    const bus = new EmbeddedBus({ file: ':memory:', pollIntervalMs: 5 });
    const detector = new NearDuplicateDetector(new SqliteFingerprintStore(':memory:'));
    const consumer = startAnalyzeStage({
      bus,
      languages: ['en', 'fr'],
      matchBrands: () => [],
      authorKeySecret: 'test',
      markDuplicates: (mentions) => detector.mark(mentions),
    });
    const raw = (source: string, sourceId: string, text: string): RawMention => ({ source, sourceId, author: { id: 'x', name: 'x' }, text, publishedAt: '2026-11-03T12:00:00Z' });
    const mentions = [raw('rss', 'https://news.example/a', ARTICLE), raw('rss', 'https://other.example/b', `${ARTICLE} (AFP)`), raw('appstore', '1', REVIEW)];
    await bus.publish(
      'mentions.raw',
      mentions.map((m) => ({ key: mentionId(m.source, m.sourceId), value: JSON.stringify(m) })),
    );
    const until = Date.now() + 20_000;
    let analyzed: AnalyzedMention[] = [];
    while (analyzed.length < 3 && Date.now() < until) {
      analyzed = (await bus.read('mentions.analyzed', { 0: 0 })).map((r) => JSON.parse(r.value) as AnalyzedMention);
      await new Promise((r) => setTimeout(r, 10));
    }
    await consumer.close();
    await bus.close();
    expect(analyzed.map((m) => m.duplicateOf)).toEqual([undefined, mentionId('rss', 'https://news.example/a'), undefined]);
  });
});
