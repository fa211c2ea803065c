// npm run bench:report — a brand's report over a period holding N mentions (default 1,000,000),
// built and rendered as HTML and as PDF, on each store. One JSON line per store: load time, the
// report's numbers (build_s: every aggregation, the image analysis included), HTML and PDF render
// times (each from the store, i.e. build + render), pages of the PDF, peak RSS.
//   N=100000 npm run bench:report            # smaller
//   STORES=embedded npm run bench:report     # one store
//   ES_NODE=http://127.0.0.1:19200           # the Elasticsearch node (default)
//   ES_PREFIX=bench-keep STORES=elasticsearch npm run bench:report
//                                            # reuse (or make and keep) this index prefix: loaded only
//                                            # when it does not hold N mentions yet (bench:search's
//                                            # ES_PREFIX index holds the same mentions)
//   BENCH_DATA_DIR=/var/tmp/ecoute-bench     # keep the SQLite store there and reuse it (bench/reuse.ts)
// The mentions are bench/generated-mentions.ts's (90 days ending END, with a bad week); the report's
// period is those 90 days, so all N are in it.
import { cpus, loadavg } from 'node:os';
import type { BrandConfig } from '../src/config/schema.js';
import { buildReport, renderReport, reportSources } from '../src/reports/index.js';
import { launchChromium } from '../src/reports/pdf.js';
import { EmbeddedMentionStore } from '../src/store/embedded/index.js';
import { alreadyLoaded, benchStoreFile, mergeMonths } from './reuse.js';
import { ElasticsearchMentionStore } from '../src/store/elasticsearch/store.js';
import type { MentionStore } from '../src/store/types.js';
import { END, loadGenerated, START, templates, type Template } from './generated-mentions.js';

const N = Number(process.env.N ?? 1_000_000);
const TEXTS = Math.min(N, Number(process.env.TEXTS ?? 4000));
const STORES = (process.env.STORES ?? 'embedded,elasticsearch').split(',').filter((s) => s !== '');
const ES_NODE = process.env.ES_NODE ?? 'http://127.0.0.1:19200';

const BRANDS: BrandConfig[] = [
  {
    id: 'acme',
    name: 'Acme',
    query: 'acme',
    competitors: ['globex', 'initech'],
    intended_image: { default_tone: 0.5, fields: { quality: { weight: 4, tone: 0.6 }, innovation: { weight: 3, tone: 0.5 }, service_support: { weight: 1, tone: 0.4 }, ethics_environment: { weight: 2, tone: 0.5 } } },
  } as BrandConfig,
  { id: 'globex', name: 'Globex', query: 'globex', competitors: [] },
  { id: 'initech', name: 'Initech', query: 'initech', competitors: [] },
];

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const load = (store: MentionStore, pool: readonly Template[]): Promise<number> => loadGenerated(store, N, pool);

const round = (s: number) => Math.round(s * 100) / 100;

async function measure(name: string, store: MentionStore, pool: readonly Template[], reuse?: () => Promise<boolean>): Promise<Record<string, unknown>> {
  await store.ensureSchema();
  const reused = reuse !== undefined && (await reuse());
  const loadS = reused ? 0 : await load(store, pool);
  // es16: closed months merged, as in bench:search (ES_MERGE=0: as the load left them).
  const merge = store instanceof ElasticsearchMentionStore && process.env.ES_MERGE !== '0' ? await mergeMonths(store) : undefined;
  const timer = setInterval(sample, 200);
  const period = { from: new Date(START).toISOString(), to: new Date(END).toISOString(), label: 'bench' };
  const request = { brand: 'acme', period, timeZone: 'UTC' };
  const sources = reportSources(store, BRANDS);
  // HTML: from the store to the page (every aggregation, the image analysis, the charts).
  let t = performance.now();
  // This process's CPU time for the build (speed-embedded): on a shared machine the wall time is
  // mostly waiting for a core (for Elasticsearch only the client's side).
  const cpu = process.cpuUsage();
  const data = await buildReport(sources, request);
  const buildS = (performance.now() - t) / 1000;
  const buildCpu = process.cpuUsage(cpu);
  const html = await renderReport(data, 'html');
  const htmlS = (performance.now() - t) / 1000;
  // PDF: from the store again, then printed by Chromium (its start included).
  t = performance.now();
  const browser = await launchChromium();
  const pdf = await renderReport(await buildReport(sources, request), 'pdf', { browser });
  const pdfS = (performance.now() - t) / 1000;
  await browser.close();
  clearInterval(timer);
  sample();
  return {
    bench: 'report',
    store: name,
    mentions: N,
    mentions_in_period: data.shareOfVoice.reduce((a, s) => a + s.mentions, 0) > 0 ? data.headline.volume.current : 0,
    load_s: round(loadS),
    ...(reused && { reused_index: true }),
    ...(merge && { merged_months: merge }),
    load_avg_1m: loadavg().map((x) => Math.round(x * 10) / 10)[0],
    build_s: round(buildS),
    build_cpu_s: round((buildCpu.user + buildCpu.system) / 1e6),
    html_s: round(htmlS),
    html_target_s: 10,
    pdf_s: round(pdfS),
    pdf_target_s: 20,
    html_bytes: html.body.length,
    pdf_bytes: pdf.body.length,
    pdf_pages: Number(/\/Type\s*\/Pages[^>]*\/Count\s+(\d+)/.exec(pdf.body.toString('latin1'))?.[1] ?? NaN),
    peak_rss_mb: Math.round(peakRss / 1048576),
    cpus: cpus().length,
  };
}

const pool = templates(TEXTS);
for (const name of STORES) {
  if (name === 'embedded') {
    // The same data set as bench:search's (loadGenerated with the same N and TEXTS).
    const kept = benchStoreFile(`generated-${N}-${TEXTS}`);
    const store = new EmbeddedMentionStore({ file: kept.file });
    try {
      process.stdout.write(`${JSON.stringify(await measure(name, store, pool, () => alreadyLoaded(store, kept, N)))}\n`);
    } finally {
      await store.close();
      kept.cleanup();
    }
  } else if (name === 'elasticsearch') {
    const keep = process.env.ES_PREFIX;
    const prefix = keep ?? `ecoute-bench-report-${Date.now().toString(36)}`;
    const store = new ElasticsearchMentionStore({ node: ES_NODE, indexPrefix: prefix, refreshIntervalMs: 30_000, requestTimeoutMs: 120_000 });
    try {
      process.stdout.write(`${JSON.stringify(await measure(name, store, pool, keep !== undefined ? async () => (await store.count({ duplicates: 'include' })) === N : undefined))}\n`);
    } finally {
      // A named prefix (ES_PREFIX) is kept for the next run.
      if (keep === undefined) {
        const { Client } = await import('@elastic/elasticsearch');
        const admin = new Client({ node: ES_NODE });
        const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` }).catch(() => ({ indices: [] as { name: string }[] }))).indices.map((i) => i.name);
        if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
        await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
        await admin.close();
      }
      await store.close();
    }
  } else throw new Error(`STORES: unknown store ${name} (embedded, elasticsearch)`);
}
