// npm run bench:es-ceiling — issue 15 ("raise the ceiling first"): Elasticsearch's own write rate
// for the analyzed mentions of bench:e2e, under each write-path setting, in one run, so that each
// change is measured beside the others at the same load. N (default 20,000) raw mentions like
// bench:e2e's (demo tweets, posts and reviews in English and French, a third of their words varied)
// are analyzed once (kept in BENCH_DIR/analyzed-<N>.jsonl for the next run), then written to a
// fresh index prefix per variant:
//   VARIANTS="upsert:2000x2@1000,upsert:2000x4@1000,bulk:2000x2@1000,..."
//   kind:  upsert = the store's upsert (locates stored copies, then _bulk), what the index worker does;
//          bulk = a plain _bulk of the same documents (index ops), no lookup: Elasticsearch alone;
//   BxC:   B documents a request, C requests in flight;  @R: refresh_interval in ms (-1: off while writing).
// Per variant: docs/s (wall clock, until refreshed and counted), Elasticsearch's CPU ms per document
// (its JVM's utime+stime from /proc, which holds better than the rate on a shared machine), the
// 1-minute load average. Indices are deleted after each variant. One JSON line per variant.
//   N=20000 npm run bench:es-ceiling      (LIMIT=5000: the first 5,000 of the cached documents)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { mentionId } from '../src/core/ids.js';
import type { AnalyzedMention } from '../src/core/types.js';
import { toRawMention } from '../src/connectors/file/mention-line.js';
import { AnalyzePool } from '../src/streams/analyze-pool.js';
import type { ConsumedRecord } from '../src/streams/bus/types.js';
import { ElasticsearchMentionStore } from '../src/store/elasticsearch/index.js';
import { monthlyIndex, toDocument } from '../src/store/elasticsearch/schema.js';
import { validateMention } from '../src/store/validate.js';
import { ELASTICSEARCH_URL } from '../src/services/index.js';
import { parseConfig } from '../src/config/load.js';
import { demoSamples, seededRandom, variedSampler } from './demo-texts.js';

const total = Number(process.env.N ?? 20_000);
const esNode = process.env.ELASTICSEARCH_URL ?? ELASTICSEARCH_URL;
const benchRoot = process.env.BENCH_DIR ?? '/var/tmp/ecoute-bench-es';
const prefix = process.env.PREFIX ?? 'bench-ceil';
const variants = (process.env.VARIANTS ?? 'upsert:2000x2@1000,upsert:2000x4@1000,upsert:1000x4@1000,upsert:500x4@1000,upsert:2000x2@30000,bulk:2000x2@1000,bulk:2000x4@1000').split(',');
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
const say = (what: string) => process.stderr.write(`  [es-ceiling ${new Date().toISOString().slice(11, 19)} load ${load1()}] ${what}\n`);

/** The Elasticsearch JVM on this machine, if it runs here (its CPU time is read from /proc). */
function elasticsearchPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('org.elasticsearch.bootstrap.Elasticsearch')) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ---- The analyzed mentions (cached) ----
mkdirSync(benchRoot, { recursive: true });
const cache = join(benchRoot, `analyzed-${total}.jsonl`);
let analyzed: AnalyzedMention[];
if (existsSync(cache)) {
  analyzed = readFileSync(cache, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AnalyzedMention);
} else {
  say(`analyzing ${total} mentions (once; kept in ${cache})`);
  const nextText = variedSampler(demoSamples(), seededRandom(20261202));
  const raw: ConsumedRecord[] = Array.from({ length: total }, (_, i) => {
    const { sample: s, text } = nextText();
    const line = { source: s.source, id: `ceil-${i.toString(36)}`, text, author: s.author ?? 'anon', published_at: s.published_at, ...(s.title && { title: s.title }), ...(typeof s.rating === 'number' && { rating: s.rating }), ...(s.lang && { lang: s.lang }) };
    const r = toRawMention(line, new Date().toISOString());
    if (!r.ok) throw new Error(`line refused: ${r.reason}`);
    return { topic: 'mentions.raw', partition: 0, offset: i, timestamp: Date.now(), key: mentionId(line.source, line.id), value: JSON.stringify(r.mention) };
  });
  const config = parseConfig(`data_dir: ${benchRoot}\nbrands:\n  - { id: acme, name: Acme, query: 'acme OR "acme corp"' }\n  - { id: globex, name: Globex, query: globex }\n`);
  const pool = new AnalyzePool({ languages: config.languages, brands: config.brands, dataDir: benchRoot, authorKeySecret: 'bench-es', keepAuthorHandles: false, calibrationReloadMs: 5000 }, { threads: availableParallelism() });
  analyzed = [];
  for (let i = 0; i < raw.length; i += 2000) {
    const out = await pool.analyze(raw.slice(i, i + 2000));
    for (const a of out.analyzed) analyzed.push(JSON.parse(a.value) as AnalyzedMention);
  }
  await pool.close();
  writeFileSync(cache, analyzed.map((a) => JSON.stringify(a)).join('\n') + '\n');
}
// LIMIT: write only the first LIMIT of them (a shorter run on the same cached documents).
if (process.env.LIMIT) analyzed = analyzed.slice(0, Number(process.env.LIMIT));
const docBytes = Math.round(analyzed.reduce((n, a) => n + toDocument(a, Date.parse(a.publishedAt)).length, 0) / analyzed.length);

const client = new Client({ node: esNode, requestTimeout: 120_000 });
const esPid = elasticsearchPid();
async function dropPrefix(p: string): Promise<void> {
  const indices = Object.keys(await client.indices.get({ index: `${p}*`, allow_no_indices: true, expand_wildcards: 'all' }));
  if (indices.length > 0) await client.indices.delete({ index: indices });
  const templates = await client.indices.getIndexTemplate({ name: `${p}*` }).catch(() => ({ index_templates: [] }));
  for (const t of templates.index_templates) await client.indices.deleteIndexTemplate({ name: t.name });
}

const run = `${prefix}-${Date.now().toString(36)}`;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void dropPrefix(run).finally(() => process.exit(130)));
try {
  for (const [n, variant] of variants.entries()) {
    const m = /^(upsert|bulk):(\d+)x(\d+)@(-?\d+)$/.exec(variant);
    if (!m) throw new Error(`VARIANTS: "${variant}" is not kind:BxC@refresh_ms`);
    const [, kind, b, c, r] = m;
    const batch = Number(b);
    const concurrency = Number(c);
    const refreshMs = Number(r);
    const indexPrefix = `${run}-${n}`;
    // The store puts the template (and so the mapping and refresh_interval) in place.
    const store = new ElasticsearchMentionStore({ node: esNode, indexPrefix, requestTimeoutMs: 120_000, refreshIntervalMs: refreshMs < 0 ? 1000 : refreshMs });
    await store.upsert(analyzed.slice(0, 1)); // template and the first month in place
    if (refreshMs < 0) await client.indices.putSettings({ index: `${indexPrefix}-*`, settings: { refresh_interval: '-1' } });
    const docs = analyzed.slice(1);
    const bodies = kind === 'bulk' ? docs.map((a) => ({ id: a.id, index: monthlyIndex(indexPrefix, Date.parse(a.publishedAt)), doc: toDocument(validOrThrow(a), Date.parse(a.publishedAt)) })) : [];
    const load0 = load1();
    const cpu0 = cpuMs(esPid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < docs.length) {
          const from = next;
          next += batch;
          if (kind === 'upsert') {
            const res = await store.upsert(docs.slice(from, from + batch));
            if (res.failed > 0) throw new Error(`${variant}: ${res.failed} failed`);
          } else {
            const operations: string[] = [];
            for (const w of bodies.slice(from, from + batch)) operations.push(JSON.stringify({ index: { _index: w.index, _id: w.id } }), w.doc);
            const res = await client.bulk<string>({ operations });
            if (res.errors) throw new Error(`${variant}: bulk errors`);
          }
        }
      }),
    );
    if (refreshMs < 0) await client.indices.putSettings({ index: `${indexPrefix}-*`, settings: { refresh_interval: '1s' } });
    await client.indices.refresh({ index: `${indexPrefix}-*` });
    const ms = performance.now() - t0;
    const esCpu = cpuMs(esPid) - cpu0;
    const count = (await client.count({ index: `${indexPrefix}-*` })).count;
    if (count !== analyzed.length) throw new Error(`${variant}: ${count} documents counted, ${analyzed.length} written`);
    await store.close();
    await dropPrefix(indexPrefix);
    console.log(
      JSON.stringify({
        bench: 'es-ceiling',
        variant,
        kind,
        batch,
        in_flight: concurrency,
        refresh_interval_ms: refreshMs,
        docs: docs.length,
        doc_bytes_mean: docBytes,
        docs_per_s: Math.round(docs.length / (ms / 1000)),
        es_cpu_ms_per_doc: Number((esCpu / docs.length).toFixed(3)),
        load_1m: [load0, load1()],
      }),
    );
  }
} finally {
  await dropPrefix(run).catch(() => undefined);
  await client.close();
}

function validOrThrow(a: AnalyzedMention): AnalyzedMention {
  const v = validateMention(a);
  if ('error' in v) throw new Error(`invalid analyzed mention: ${v.error}`);
  return v.mention;
}
