import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/core/sqlite-driver.js';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { copyOf, makeMention } from '../helpers/mentions.js';
import { storeContract } from './store.contract.js';
import { fieldAuthorsContract } from './store.field-authors.contract.js';
import { brandToneContract, comparative } from './store.brand-tone.contract.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-store-'));
  dirs.push(dir);
  return join(dir, 'store.sqlite');
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('embedded (SQLite)', async () => new EmbeddedMentionStore({ file: tempFile() }));
fieldAuthorsContract('embedded (SQLite)', async () => new EmbeddedMentionStore({ file: tempFile() }));
brandToneContract('embedded (SQLite)', async () => new EmbeddedMentionStore({ file: tempFile() }));
// The SQL path (no in-memory columns) must give the same answers.
brandToneContract('embedded (SQLite, SQL path)', async () => new EmbeddedMentionStore({ file: tempFile(), fastReads: false }));

describe('EmbeddedMentionStore specifics', () => {
  it('keeps its data across close and reopen, and creates the folder of the file', async () => {
    const file = join(tempFile(), '..', 'nested', 'deeper', 'store.sqlite');
    const first = new EmbeddedMentionStore({ file });
    await first.ensureSchema();
    await first.upsert([makeMention({ id: 'kept', text: 'durable words' })]);
    await first.close();
    await first.close(); // idempotent
    const second = new EmbeddedMentionStore({ file });
    await second.ensureSchema();
    expect((await second.search({ query: 'durable' })).hits.map((h) => h.mention.id)).toEqual(['kept']);
    await second.close();
  });

  it('two stores on one file (a CLI ingest beside the pipeline) see each other’s writes', async () => {
    const file = tempFile();
    const a = new EmbeddedMentionStore({ file });
    const b = new EmbeddedMentionStore({ file });
    await Promise.all([a.ensureSchema(), b.ensureSchema()]);
    for (let i = 0; i < 5; i++) {
      await a.upsert([makeMention({ id: `a-${i}`, text: 'written by a' })]);
      await b.upsert([makeMention({ id: `b-${i}`, text: 'written by b' })]);
    }
    expect(await a.count()).toBe(10);
    expect(await b.count({ query: 'written' })).toBe(10);
    await a.close();
    await b.close();
  });

  it('a write that cannot get the lock in time fails whole and retriable', async () => {
    const file = tempFile();
    const store = new EmbeddedMentionStore({ file, busyTimeoutMs: 50 });
    await store.ensureSchema();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.upsert([makeMention({ id: 'blocked' })])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await store.upsert([makeMention({ id: 'blocked' })])).created).toBe(1);
    await store.close();
  });

  it('refuses a file written by a newer schema', async () => {
    const file = tempFile();
    const store = new EmbeddedMentionStore({ file });
    await store.ensureSchema();
    await store.close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(999);
    db.close();
    const again = new EmbeddedMentionStore({ file });
    await expect(again.ensureSchema()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: /schema version 999/ });
    await again.close();
  });

  it('migrates a version 1 file: adds duplicate_of and fills it from the stored mentions', async () => {
    const file = tempFile();
    const original = makeMention({ id: 'v1-original', text: 'recall of the espresso machine', terms: { recall: 1 } });
    const first = new EmbeddedMentionStore({ file });
    await first.ensureSchema();
    await first.upsert([
      original,
      copyOf(original, { id: 'v1-copy' }),
      copyOf(original, { id: 'v1-copy-2' }),
      makeMention({ id: 'v1-odd', text: 'recall notice, odd marks' }),
      makeMention({ id: 'v1-self', text: 'recall notice, self mark' }),
    ]);
    await first.close();
    // Turn the file into what écoute wrote before v2: no duplicate_of column (the mentions' JSON
    // already carried duplicateOf), version 1. Two rows hold values v1 let through unchecked.
    const db = new Database(file);
    db.exec('DROP INDEX mentions_duplicate_of; ALTER TABLE mentions DROP COLUMN duplicate_of; DELETE FROM schema_version');
    db.exec('DROP TABLE mention_fields; ALTER TABLE mention_terms DROP COLUMN label');
    db.prepare('INSERT INTO schema_version (version) VALUES (1)').run();
    db.prepare("UPDATE mentions SET json = json_set(json, '$.duplicateOf', '') WHERE id = 'v1-odd'").run();
    db.prepare("UPDATE mentions SET json = json_set(json, '$.duplicateOf', 'v1-self') WHERE id = 'v1-self'").run();
    expect((db.prepare('PRAGMA table_info(mentions)').all() as { name: string }[]).map((c) => c.name)).not.toContain('duplicate_of');
    db.close();

    const store = new EmbeddedMentionStore({ file });
    await store.ensureSchema();
    expect(await store.count({ query: 'recall', duplicates: 'include' })).toBe(5);
    expect(await store.count({ query: 'recall' })).toBe(3);
    expect((await store.search({ query: 'recall', duplicates: 'only' })).hits.map((h) => h.mention.id).sort()).toEqual(['v1-copy', 'v1-copy-2']);
    expect(await store.topTerms({ query: 'espresso' })).toEqual([{ term: 'recall', label: 'recall', count: 1, mentions: 1 }]);
    await store.close();

    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT max(version) FROM schema_version').pluck().get()).toBe(5);
    expect(after.prepare('SELECT id, duplicate_of FROM mentions ORDER BY id').all()).toEqual([
      { id: 'v1-copy', duplicate_of: 'v1-original' },
      { id: 'v1-copy-2', duplicate_of: 'v1-original' },
      { id: 'v1-odd', duplicate_of: null },
      { id: 'v1-original', duplicate_of: null },
      { id: 'v1-self', duplicate_of: null },
    ]);
    after.close();
  });

  it('migrates a version 2 file: fills term labels and semantic fields from the stored mentions', async () => {
    const file = tempFile();
    const first = new EmbeddedMentionStore({ file });
    await first.ensureSchema();
    await first.upsert([
      makeMention({
        id: 'v2-a', lang: 'fr', brands: ['acme'], text: 'Service client absent.', terms: { servic: 1, 'servic client': 1 },
        analysis: { labels: { servic: 'service', 'servic client': 'service client' }, fields: { customer_service: { hits: 1, tone: -0.5 } } },
      }),
      makeMention({ id: 'v2-b', lang: 'fr', brands: ['acme'], text: 'Rien.', terms: { rien: 1 } }),
    ]);
    await first.close();
    // What écoute wrote before v3: no label column, no mention_fields (the JSON held both already).
    const db = new Database(file);
    db.exec('DROP TABLE mention_fields; ALTER TABLE mention_terms DROP COLUMN label; DELETE FROM schema_version');
    db.prepare('INSERT INTO schema_version (version) VALUES (2)').run();
    db.close();

    const store = new EmbeddedMentionStore({ file });
    await store.ensureSchema();
    expect(await store.topTerms({})).toEqual([
      { term: 'rien', label: 'rien', count: 1, mentions: 1 },
      { term: 'servic', label: 'service', count: 1, mentions: 1 },
      { term: 'servic client', label: 'service client', count: 1, mentions: 1 },
    ]);
    expect(await store.fieldStats({})).toEqual([{ field: 'customer_service', mentions: 1, share: 0.5, meanTone: -0.5 }]);
    expect((await store.facets({})).field).toEqual([{ value: 'customer_service', count: 1 }]);
    await store.close();
  });

  it('migrates a version 4 file: the tone toward each brand from the stored mentions (issue 16)', async () => {
    const file = tempFile();
    const first = new EmbeddedMentionStore({ file });
    await first.ensureSchema();
    await first.upsert([comparative('v4-compare', '2026-06-02T09:00:00Z'), makeMention({ id: 'v4-acme', brands: ['acme'], score: 0.2, publishedAt: '2026-06-02T10:00:00Z' })]);
    await first.close();
    // What écoute wrote before v5: mention_brands without the tone columns, field rollups unsigned.
    const db = new Database(file);
    db.exec('ALTER TABLE mention_brands DROP COLUMN tone; ALTER TABLE mention_brands DROP COLUMN label; ALTER TABLE mention_brands DROP COLUMN field_sign; DELETE FROM schema_version');
    db.exec("UPDATE field_rollup SET tone_sum = abs(tone_sum)");
    db.prepare('INSERT INTO schema_version (version) VALUES (4)').run();
    db.close();
    for (const fastReads of [true, false]) {
      const store = new EmbeddedMentionStore({ file, fastReads });
      await store.ensureSchema();
      const sov = await store.shareOfVoice({ brands: ['acme', 'globex'] });
      expect(sov.totals.find((t) => t.brand === 'acme')!.meanTone).toBeCloseTo((-0.6 + 0.2) / 2, 9);
      expect(sov.totals.find((t) => t.brand === 'globex')!.meanTone).toBeCloseTo(0.6, 9);
      // Whole days, no query: the rollups answer, rebuilt with the brand's field sign.
      expect((await store.fieldStats({ brand: 'acme', from: '2026-06-01', to: '2026-06-03' }))[0]).toMatchObject({ field: 'service', meanTone: -0.5 });
      expect(await store.count({ brand: 'acme', sentiment: 'negative' })).toBe(1);
      await store.close();
    }
  });

  it('works in memory, and a closed store refuses calls', async () => {
    const store = new EmbeddedMentionStore({ file: ':memory:' });
    await store.ensureSchema();
    await store.upsert([makeMention({ id: 'mem', text: 'in memory' })]);
    expect(await store.count({ query: 'memory' })).toBe(1);
    await store.close();
    await expect(store.count()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
