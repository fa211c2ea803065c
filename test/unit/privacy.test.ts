// Pseudonymization is real: after a run, no author handle is in mentions.analyzed, in the SQLite
// store or in Elasticsearch's _source (only authorKey), unless privacy.keep_author_handles is on.
// The raw topic carries the handle until analysis (documented, with its retention).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { RawMention } from '../../src/core/types.js';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import { analyzeMention } from '../../src/streams/analyze.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { workspace } from '../helpers/cli.js';
import { requireElasticsearch } from '../helpers/services.js';

const HANDLE = 'zq7-jane-doe-handle';
const EMAIL = 'jane.doe.zq7@example.com';

function lines(): string {
  return `${[
    { source: 'crm', id: 'p-1', text: 'Acme delivery was late again', author: HANDLE, customer_email: EMAIL, plan: 'gold' },
    { source: 'crm', id: 'p-2', text: 'Acme support answered fast, thanks', author: HANDLE, customer_email: EMAIL, plan: 'silver' },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n')}\n`;
}

/** Every byte of the store's files (main file, WAL), as text. */
function storeBytes(dataDir: string): string {
  return readdirSync(dataDir)
    .filter((f) => f.startsWith('store.sqlite'))
    .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
    .join('\n');
}

async function topic(dataDir: string, name: 'mentions.raw' | 'mentions.analyzed'): Promise<string[]> {
  const bus = new EmbeddedBus({ file: join(dataDir, 'bus.sqlite') });
  try {
    return (await bus.read(name, { 0: 0 })).map((r) => r.value);
  } finally {
    await bus.close();
  }
}

/** Runs `ecoute run` on a file connector until the mentions are searchable, then stops it. */
async function runOnce(privacy: string, rawKeys: string): Promise<{ dataDir: string; search: string }> {
  const seed = workspace();
  const dataDir = join(seed.dir, 'data');
  const file = join(seed.dir, 'in.jsonl');
  writeFileSync(file, lines());
  writeFileSync(
    seed.config,
    `data_dir: ${dataDir}
${privacy}
brands:
  - { id: acme, name: Acme, query: acme }
connectors:
  - { type: file, path: ${file}${rawKeys} }
`,
  );
  // `ecoute run` prints its summary once the first read of every source is searchable.
  const child = seed.spawn(['run']);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('indexed 2 mentions')) resolve();
    });
    void exited.then(() => reject(new Error(`ecoute run exited early: ${stdout}${stderr}`)));
  });
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stderr).not.toMatch(/\b(error|warn)/i);
  const search = seed.run(['search', 'acme', '--json']);
  expect(search.code, search.stderr).toBe(0);
  return { dataDir, search: search.stdout };
}

describe('privacy: config', () => {
  it('handles are not kept unless the config says so; the section is validated', () => {
    expect(parseConfig('{}', 't.yaml').privacy).toMatchObject({ keep_author_handles: false });
    expect(parseConfig('privacy: { keep_author_handles: true }', 't.yaml').privacy).toMatchObject({ keep_author_handles: true });
    expect(() => parseConfig('privacy: { keep_author_handles: yes please }', 't.yaml')).toThrow(/privacy\.keep_author_handles/);
    expect(() => parseConfig('privacy: { keep_handles: true }', 't.yaml')).toThrow(/privacy.*keep_handles/);
    expect(parseConfig('connectors: [{ type: file, path: x.jsonl }]', 't.yaml').connectors[0]).toMatchObject({ raw_keys: [] });
  });
});

describe('privacy: author handles (embedded bus and store)', () => {
  it('by default no handle leaves the analyze stage: mentions.analyzed, store.sqlite and search hold only authorKey', async () => {
    const { dataDir, search } = await runOnce('', '');
    const analyzed = await topic(dataDir, 'mentions.analyzed');
    expect(analyzed).toHaveLength(2);
    for (const value of analyzed) {
      expect(value).not.toContain(HANDLE);
      const m = JSON.parse(value) as { author?: unknown; authorKey: string; raw?: unknown };
      expect(m.author).toBeUndefined();
      expect(m.authorKey).toMatch(/^[\w-]{22}$/);
      // Extra columns are not kept unless the file connector lists them in raw_keys.
      expect(m.raw).toBeUndefined();
    }
    const keys = analyzed.map((v) => (JSON.parse(v) as { authorKey: string }).authorKey);
    expect(keys[0]).toBe(keys[1]);
    expect(storeBytes(dataDir)).not.toContain(HANDLE);
    expect(storeBytes(dataDir)).not.toContain(EMAIL);
    expect(search).not.toContain(HANDLE);
    expect(search.trim().split('\n')).toHaveLength(2);
    // Until analysis, the raw topic carries the handle (kept bus.retention_ms; README, Privacy);
    // the extra columns never reach it.
    const raw = await topic(dataDir, 'mentions.raw');
    expect(raw.join('\n')).toContain(HANDLE);
    expect(raw.join('\n')).not.toContain(EMAIL);
  }, 120_000);

  it('with privacy.keep_author_handles the handle is kept, and raw_keys keeps the columns it lists', async () => {
    const { dataDir } = await runOnce('privacy: { keep_author_handles: true }', ', raw_keys: [plan]');
    const analyzed = (await topic(dataDir, 'mentions.analyzed')).map((v) => JSON.parse(v) as { author?: unknown; raw?: unknown; authorKey: string });
    expect(analyzed.map((m) => [m.author, m.raw])).toEqual([
      [{ id: HANDLE, name: HANDLE }, { plan: 'gold' }],
      [{ id: HANDLE, name: HANDLE }, { plan: 'silver' }],
    ]);
    expect(storeBytes(dataDir)).toContain(HANDLE);
    expect(storeBytes(dataDir)).not.toContain(EMAIL);
  }, 120_000);
});

const url = await requireElasticsearch();

describe.skipIf(url === undefined)('privacy: author handles (Elasticsearch _source)', () => {
  const admin = new Client({ node: url ?? 'http://127.0.0.1:19200' });
  const prefix = `ecoute-test-privacy-${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` }).catch(() => ({ indices: [] }))).indices.map((i) => i.name);
    if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
    await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await admin.close();
  });

  it('the analyzed mention indexed in Elasticsearch has no handle in _source by default, and has it when kept', async () => {
    const store = new ElasticsearchMentionStore({ node: url!, indexPrefix: prefix, refreshOnWrite: 'immediate' });
    await store.ensureSchema();
    const raw = (id: string): RawMention => ({ source: 'mastodon', sourceId: id, author: { id: `${HANDLE}@social.example`, name: HANDLE, followers: 12 }, text: 'Acme delivery was late again', publishedAt: '2026-11-03T12:00:00Z', lang: 'en' });
    const options = { languages: ['en', 'fr'] as const, matchBrands: brandMatcher([{ id: 'acme', name: 'Acme', query: 'acme', competitors: [] }]), authorKeySecret: 'test-secret-0123456789' };
    const hidden = analyzeMention(raw('hidden'), options);
    const kept = analyzeMention(raw('kept'), { ...options, keepAuthorHandles: true });
    await store.upsert([hidden, kept]);
    const source = async (id: string) => (await admin.get({ index: `${prefix}-2026.11`, id })) as { _source: Record<string, unknown> };
    const h = await source(hidden.id);
    expect(JSON.stringify(h._source)).not.toContain(HANDLE);
    expect(h._source).toMatchObject({ authorKey: hidden.authorKey });
    expect(h._source.author).toBeUndefined();
    const k = await source(kept.id);
    expect(k._source.author).toEqual({ id: `${HANDLE}@social.example`, name: HANDLE, followers: 12 });
    expect(k._source.authorKey).toBe(hidden.authorKey);
    // Erasure works on the key either way.
    expect(await store.eraseAuthor(hidden.authorKey)).toBe(2);
    await store.close();
  }, 60_000);
});
