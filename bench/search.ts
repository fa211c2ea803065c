// npm run bench:search — the dashboard's reads on a large store. Loads N analyzed mentions (default
// 1,000,000) into each store, then replays what the dashboard asks for and prints one JSON line per
// store: p50/p95 per request kind, the export's rows/s, peak RSS and RSS during the export.
//   N=200000 npm run bench:search                     # smaller
//   STORES=embedded N=100000 npm run bench:search     # one store
//   ES_NODE=http://127.0.0.1:19200                    # the Elasticsearch node (default)
//   ES_PREFIX=bench-keep N=1000000 npm run bench:search  # reuse (or make and keep) this index prefix:
//                                                     # loaded only when it does not hold N mentions yet
//   BENCH_DATA_DIR=/var/tmp/ecoute-bench              # keep the SQLite store there and reuse it (bench/reuse.ts)
//
// Mentions: a few thousand texts made from the demo set (config/demo/mentions.jsonl, English and
// French) with a third of their words swapped for words of another text of the same language, each
// analyzed once by analyze() (terms, labels, tone, semantic fields); the N mentions reuse those
// analyses under their own ids, dates (90 days, with a bad week), authors, sources and brands.
// Analysing a million texts would take the NLP stage's time, which bench:nlp measures.
//
// Each store runs in its own child process, so its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { exportChunks } from '../src/api/export.js';
import { EmbeddedMentionStore } from '../src/store/embedded/index.js';
import { alreadyLoaded, benchStoreFile, mergeMonths, type BenchStoreFile } from './reuse.js';
import { ElasticsearchMentionStore } from '../src/store/elasticsearch/store.js';
import { seededRandom } from './demo-texts.js';
import { BRANDS, DAY, END, loadGenerated, templates, type Template } from './generated-mentions.js';
import type { MentionStore } from '../src/store/types.js';

const N = Number(process.env.N ?? 1_000_000);
const TEXTS = Math.min(N, Number(process.env.TEXTS ?? 4000));
const STORES = (process.env.STORES ?? 'embedded,elasticsearch').split(',').filter((s) => s !== '');
const ES_NODE = process.env.ES_NODE ?? 'http://127.0.0.1:19200';
const EXPORT_ROWS = Math.min(N, Number(process.env.EXPORT_ROWS ?? 100_000));
/** Timed repetitions per request kind (after WARMUP untimed ones). */
const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 3;
if (!Number.isInteger(N) || N < 1000) throw new Error(`N: a whole number of mentions, at least 1000, got ${process.env.N}`);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k]!;
}

const rssMb = (): number => Math.round(process.memoryUsage().rss / 1048576);

async function load(store: MentionStore, pool: readonly Template[]): Promise<{ seconds: number; docsPerS: number }> {
  const seconds = await loadGenerated(store, N, pool);
  return { seconds: Math.round(seconds * 10) / 10, docsPerS: Math.round(N / seconds) };
}

const QUERIES = [
  'livraison OR delivery',
  '"service client"',
  'retard OR late OR delayed',
  'app AND (crash OR bug)',
  'price OR prix',
  'capsule -globex',
  'machine',
  'coffee AND taste',
  'remboursement OR refund',
  'barista',
];

async function replay(store: MentionStore): Promise<Record<string, unknown>> {
  const random = seededRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // The dashboard's default window: the last 30 days; a chart point is one day.
  const window = (): { from: string; to: string } => {
    const days = pick([7, 30, 30, 90]);
    return { from: new Date(END - days * DAY).toISOString(), to: new Date(END).toISOString() };
  };
  const kinds: Record<string, () => Promise<unknown>> = {
    // GET /api/mentions: a page of hits (newest first) and the facets of the same query.
    query_with_facets: () => {
      const q = { query: pick(QUERIES), brand: pick(BRANDS), ...window() };
      return Promise.all([store.search({ ...q, limit: 20 }), store.facets(q)]);
    },
    timeline: () => store.timeline({ brand: pick(BRANDS), interval: 'day', ...window(), ...(random() < 0.3 && { query: pick(QUERIES) }) }),
    // GET /api/brands/:id/terms: top and significant terms.
    terms: () => {
      const w = window();
      const brand = pick(BRANDS);
      return Promise.all([store.topTerms({ brand, ...w, size: 30 }), store.significantTerms({ brand, ...w, size: 30 })]);
    },
    fields: () => store.fieldStats({ brand: pick(BRANDS), ...window() }),
    share_of_voice: () => store.shareOfVoice({ brands: BRANDS, interval: 'day', ...window() }),
  };
  const out: Record<string, unknown> = {};
  for (const [kind, run] of Object.entries(kinds)) {
    for (let i = 0; i < WARMUP; i++) await run();
    const ms: number[] = [];
    // This process's CPU time per request (speed-embedded): on a shared machine the wall time is
    // mostly waiting for a core, the CPU time is what the embedded store itself spends (for
    // Elasticsearch only the client's side).
    const cpu = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    const used = process.cpuUsage(cpu);
    ms.sort((a, b) => a - b);
    out[kind] = { p50_ms: Math.round(quantile(ms, 0.5)), p95_ms: Math.round(quantile(ms, 0.95)), cpu_ms_mean: Math.round((used.user + used.system) / 1000 / RUNS), runs: RUNS };
  }

  // A deep cursor page: newest first through a broad query, timing each page from 5,000 hits in.
  {
    const request = { query: pick(['machine OR coffee OR café', 'acme OR globex']), limit: 100 } as const;
    let cursor: string | undefined;
    const ms: number[] = [];
    for (let page = 0; page < 50 + RUNS; page++) {
      const t = performance.now();
      const result = await store.search({ ...request, ...(cursor && { cursor }) });
      const took = performance.now() - t;
      if (page >= 50) ms.push(took);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    ms.sort((a, b) => a - b);
    out.deep_cursor_page = { p50_ms: Math.round(quantile(ms, 0.5)), p95_ms: Math.round(quantile(ms, 0.95)), runs: ms.length, depth_from: 5000 };
  }

  // The export: EXPORT_ROWS rows of GET /api/mentions/export?format=jsonl, as the API makes them
  // (src/api/export.ts exportChunks: MentionStore.exportPages in the store's own page size, each row
  // serialized once as its JSONL line, one chunk per page; emb16: before, the bench serialized each
  // whole stored mention, which is not what the export sends). RSS sampled on every chunk.
  {
    let rows = 0;
    let bytes = 0;
    let pageSize = 0;
    const rss: number[] = [];
    const cpu = process.cpuUsage();
    const t = performance.now();
    for await (const chunk of await exportChunks(store, { duplicates: 'include' }, 'jsonl')) {
      let lines = 0;
      for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines++;
      pageSize = Math.max(pageSize, lines);
      rows += lines;
      bytes += chunk.length;
      rss.push(rssMb());
      if (rows >= EXPORT_ROWS) break;
    }
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const early = rss.slice(0, Math.max(1, Math.floor(rss.length / 10)));
    // es18: the largest RSS in each quarter of the export. Memory is flat when the last quarters
    // hold no more than the second: the first tenth alone (a few pages) is read before the heap
    // has grown to its working size, so "first tenth → max" showed growth where there was none
    // (at a million rows the same peak as at 100,000).
    const quarter = (q: number): number => Math.max(...rss.slice(Math.floor((rss.length * q) / 4), Math.max(Math.floor((rss.length * q) / 4) + 1, Math.floor((rss.length * (q + 1)) / 4))));
    out.export = {
      rows,
      seconds: Math.round(seconds * 100) / 100,
      rows_per_s: Math.round(rows / seconds),
      // Rows per second of this process's CPU time (see above).
      rows_per_cpu_s: Math.round(rows / ((used.user + used.system) / 1e6)),
      page_size: pageSize,
      mb: Math.round(bytes / 1048576),
      rss_mb_first_tenth_max: Math.max(...early),
      rss_mb_max: Math.max(...rss),
      rss_mb_max_by_quarter: [0, 1, 2, 3].map(quarter),
    };
  }
  return out;
}

async function runStore(kind: string): Promise<void> {
  const startedAt = new Date().toISOString();
  // The machine is shared: its load average (1 min) at the start and the end goes with the figures.
  const loadAtStart = Math.round(loadavg()[0]! * 10) / 10;
  const t0 = performance.now();
  const pool = templates(TEXTS);
  const analyzeSeconds = (performance.now() - t0) / 1000;
  let store: MentionStore;
  let kept: BenchStoreFile | undefined;
  let prefix: string | undefined;
  if (kind === 'embedded') {
    // The same data set as bench:report's (loadGenerated with the same N and TEXTS).
    kept = benchStoreFile(`generated-${N}-${TEXTS}`);
    store = new EmbeddedMentionStore({ file: kept.file });
  } else if (kind === 'elasticsearch') {
    // ES_PREFIX: a named prefix is kept after the run and reused by the next one (a million takes minutes to load).
    prefix = process.env.ES_PREFIX ?? `bench-search-${Date.now().toString(36)}`;
    // Loading as a bulk load: no refresh while writing (one at the end), as a re-index would.
    store = new ElasticsearchMentionStore({ node: ES_NODE, indexPrefix: prefix, refreshIntervalMs: 30_000, requestTimeoutMs: 120_000 });
  } else {
    throw new Error(`STORES: unknown store ${JSON.stringify(kind)} (embedded, elasticsearch)`);
  }
  await store.ensureSchema();
  const reuse = kind === 'elasticsearch' && process.env.ES_PREFIX !== undefined && (await store.count({ duplicates: 'include' })) === N;
  const loaded = reuse ? { seconds: 0, docsPerS: 0, reused: true } : kept && (await alreadyLoaded(store, kept, N)) ? { seconds: 0, docsPerS: 0, reused: true } : await load(store, pool);
  const rssAfterLoad = rssMb();
  // es16: closed months merged to one segment, as a deployment's maintenance does (merge.ts);
  // ES_MERGE=0 reads them as the load left them.
  const merge = store instanceof ElasticsearchMentionStore && process.env.ES_MERGE !== '0' ? await mergeMonths(store) : undefined;
  const requests = await replay(store);
  const count = await store.count({ duplicates: 'include' });
  await store.close();
  kept?.cleanup();
  if (prefix && process.env.ES_PREFIX === undefined) await deleteIndices(prefix);
  const targets = { p95_ms: 250, export_rows_per_s: 20_000 };
  const missed = Object.entries(requests)
    .filter(([k, v]) => k !== 'export' && (v as { p95_ms: number }).p95_ms > targets.p95_ms)
    .map(([k]) => k);
  if ((requests.export as { rows_per_s: number }).rows_per_s < targets.export_rows_per_s) missed.push('export');
  process.stdout.write(
    `${JSON.stringify({
      bench: 'search',
      store: kind,
      mentions: N,
      stored: count,
      texts_analyzed: TEXTS,
      analyze_seconds: Math.round(analyzeSeconds * 10) / 10,
      load_seconds: loaded.seconds,
      ...(reuse && { reused_index: prefix }),
      load_docs_per_s: loaded.docsPerS,
      ...(merge && { merged_months: merge }),
      ...('reused' in loaded && { reused_store: true }),
      requests,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      rss_after_load_mb: rssAfterLoad,
      targets,
      missed,
      started_at: startedAt,
      load_avg_1m: { start: loadAtStart, end: Math.round(loadavg()[0]! * 10) / 10 },
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      mem_gb: Math.round(totalmem() / 2 ** 30),
    })}\n`,
  );
}

async function deleteIndices(prefix: string): Promise<void> {
  const { Client } = await import('@elastic/elasticsearch');
  const client = new Client({ node: ES_NODE });
  try {
    await client.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await client.indices.delete({ index: `${prefix}-*` }).catch(() => undefined);
  } finally {
    await client.close();
  }
}

const child = process.env.BENCH_SEARCH_STORE;
if (child) {
  await runStore(child);
} else {
  // One child process per store: each one's peak RSS is its own.
  for (const kind of STORES) {
    process.stderr.write(`bench:search: ${kind}, ${N} mentions\n`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BENCH_SEARCH_STORE: kind } });
    if (r.status !== 0) process.exitCode = 1;
  }
}
