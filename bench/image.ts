// npm run bench:image — the image analysis (analyzeImage: the brand, its previous period, its two
// competitors, emerging terms) on a period holding N mentions of the brand (default 1,000,000).
// Prints one JSON line per store: seconds per analysis (cold, then the median of RUNS warm ones)
// and the seconds of fieldAuthors alone, the store's part.
//   N=200000 npm run bench:image              # smaller
//   STORES=embedded npm run bench:image       # one store
//   ES_NODE=http://127.0.0.1:19200            # the Elasticsearch node (default)
//
// Mentions: those of bench:search (bench/generated-mentions.ts: analyses of varied demo texts, 90
// days with a bad week, 60 000 authors, about 1 % near-duplicates), every one of them about Acme
// (some also about Globex or Initech, its competitors here), so the 90 days hold N of Acme's.
import { Client } from '@elastic/elasticsearch';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrandSchema } from '../src/config/schema.js';
import { analyzeImage } from '../src/image/index.js';
import { EmbeddedMentionStore } from '../src/store/embedded/index.js';
import { ElasticsearchMentionStore } from '../src/store/elasticsearch/store.js';
import type { MentionStore } from '../src/store/types.js';
import { END, loadGenerated, START, templates, type Template } from './generated-mentions.js';

const N = Number(process.env.N ?? 1_000_000);
const TEXTS = Math.min(N, Number(process.env.TEXTS ?? 4000));
const STORES = (process.env.STORES ?? 'embedded,elasticsearch').split(',').filter((s) => s !== '');
const ES_NODE = process.env.ES_NODE ?? 'http://127.0.0.1:19200';
const RUNS = Number(process.env.RUNS ?? 3);

const brands = [
  BrandSchema.parse({
    id: 'acme',
    name: 'Acme',
    query: 'acme',
    competitors: ['globex', 'initech'],
    intended_image: { fields: { quality: { weight: 4, tone: 0.7 }, innovation: { weight: 3, tone: 0.6 }, ethics_environment: { weight: 2, tone: 0.6 }, sophistication: { weight: 2, tone: 0.5 }, service_support: { weight: 1, tone: 0.5 } } },
  }),
  BrandSchema.parse({ id: 'globex', name: 'Globex', query: 'globex' }),
  BrandSchema.parse({ id: 'initech', name: 'Initech', query: 'initech' }),
];

/** Every mention is Acme's too, so the brand's image rests on all N. */
async function load(store: MentionStore, pool: readonly Template[]): Promise<number> {
  const seconds = await loadGenerated(store, N, pool, (m) => ({ ...m, brands: [...new Set(['acme', ...m.brands])] }));
  return Math.round(seconds * 10) / 10;
}

const seconds = async (job: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await job();
  return Math.round((performance.now() - t) / 10) / 100;
};

async function runStore(kind: string): Promise<void> {
  const pool = templates(TEXTS);
  let store: MentionStore;
  let dir: string | undefined;
  let prefix: string | undefined;
  if (kind === 'embedded') {
    dir = mkdtempSync(join(tmpdir(), 'ecoute-bench-image-'));
    store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  } else if (kind === 'elasticsearch') {
    prefix = `bench-image-${Date.now().toString(36)}`;
    store = new ElasticsearchMentionStore({ node: ES_NODE, indexPrefix: prefix, refreshIntervalMs: 30_000, requestTimeoutMs: 120_000 });
  } else throw new Error(`STORES: unknown store ${JSON.stringify(kind)} (embedded, elasticsearch)`);
  try {
    await store.ensureSchema();
    const loadSeconds = await load(store, pool);
    const period = { from: new Date(START).toISOString(), to: new Date(END).toISOString() };
    const request = { brand: 'acme', ...period };
    let analysis = await analyzeImage(store, brands, request);
    const cold = await seconds(async () => (analysis = await analyzeImage(store, brands, request)));
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await seconds(() => analyzeImage(store, brands, request)));
    warm.sort((a, b) => a - b);
    const fieldAuthors = await seconds(() => store.fieldAuthors({ brand: 'acme', ...period }));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'image',
        store: kind,
        mentions_in_period: analysis.mentions,
        unique_authors: analysis.uniqueAuthors,
        competitors: analysis.competitors.map((c) => ({ brand: c.brand, mentions: c.mentions })),
        load_seconds: loadSeconds,
        analysis_seconds_first: cold,
        analysis_seconds_median: warm[Math.floor(warm.length / 2)],
        field_authors_seconds: fieldAuthors,
        congruence: Math.round(analysis.congruence!.score * 1000) / 1000,
        cpus: cpus().length,
        node: process.version,
      })}\n`,
    );
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (prefix) {
      const admin = new Client({ node: ES_NODE });
      const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` })).indices.map((i) => i.name);
      if (names.length > 0) await admin.indices.delete({ index: names });
      await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
      await admin.close();
    }
  }
}

for (const kind of STORES) await runStore(kind);
