// npm run bench:alerts — one JSON line:
// - latency: while 1,000 mentions a second flow into mentions.analyzed, the delay from the moment a
//   window can close (the first mention past its end is published) to the IncidentEvent leaving the
//   alerts stage (published on the `alerts` topic), p50 and p95, on the embedded bus and on Kafka.
//   Event time runs 900× faster than the clock (a 15-minute window a second), with a bad window
//   every 6th, so alerts keep coming;
// - backtest: BENCH_MENTIONS (default 1,000,000) generated mentions over 30 days in the embedded
//   store (bench/generated-mentions.ts), replayed through the default rules; mentions per second.
//   BENCH_DATA_DIR=/var/tmp/ecoute-bench keeps that store and reuses it (bench/reuse.ts);
//   BENCH_SKIP_LATENCY=1 runs the backtest alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BrandAlertsSchema } from '../src/alerts/config.js';
import { backtest } from '../src/alerts/backtest.js';
import { startAlertsStage } from '../src/alerts/stage.js';
import { SqliteAlertStore } from '../src/alerts/store/index.js';
import { openBus } from '../src/app/runtime.js';
import { parseConfig } from '../src/config/load.js';
import type { BrandConfig } from '../src/config/schema.js';
import type { AnalyzedMention } from '../src/core/types.js';
import { EmbeddedMentionStore } from '../src/store/embedded/index.js';
import type { Bus } from '../src/streams/bus/types.js';
import { seededRandom } from './demo-texts.js';
import { mentionAt, negativeTemplates, templates } from './generated-mentions.js';
import { alreadyLoaded, benchStoreFile } from './reuse.js';

const RATE = 1000;
const WINDOW = 15 * 60_000;
const SPEED = 900;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 40);
const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 1_000_000);
const T0 = Date.UTC(2026, 5, 1);
const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'ecoute-bench-alerts-'));
  dirs.push(d);
  return d;
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function liveMention(i: number, t: number, bad: boolean): AnalyzedMention {
  const score = bad ? -0.6 : 0.2 + 0.3 * Math.sin(i);
  return {
    id: `live-${i}`, source: 'reddit', sourceId: `live-${i}`, text: bad ? 'late parcel, refund please' : 'nice coffee machine',
    publishedAt: new Date(t).toISOString(), authorKey: `a-${i % 50_000}`, brands: ['acme'], analyzedAt: new Date(t).toISOString(),
    analysis: { lang: 'en', langConfidence: 1, tokens: 4, lemmas: [], terms: bad ? { late: 1, parcel: 1, refund: 1 } : { coffee: 1, machine: 1 }, fields: {}, sentiment: { score, label: score < -0.25 ? 'negative' : score > 0.25 ? 'positive' : 'neutral', confidence: 1, drivers: [] } },
  };
}

async function latency(bus: Bus): Promise<{ p50_ms: number | null; p95_ms: number | null; alerts: number }> {
  const dir = scratch();
  const mentions = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await mentions.ensureSchema();
  const alerts = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
  const brand: BrandConfig = { id: 'acme', name: 'Acme', query: 'acme', competitors: [], alerts: BrandAlertsSchema.parse({ default_window: '15m', grace_seconds: 0, rules: [{ name: 'tone', metric: 'mean_tone', cooldown_minutes: 0 }], resolve_windows: 1, incident_gap_minutes: 0 }) };
  const closable = new Map<number, number>(); // window end (event ms) → when it could close (real ms)
  const delays: number[] = [];
  const stage = startAlertsStage({
    bus, mentions, alerts, brands: [brand], tickMs: 60_000,
    onEvent: (e) => {
      if (e.kind === 'resolved' || !e.alert) return;
      const at = closable.get(Date.parse(e.alert.windowEnd));
      if (at !== undefined) delays.push(performance.now() - at);
    },
  });
  await stage.ready;
  const started = performance.now();
  let i = 0;
  const batch = RATE / 10;
  while (performance.now() - started < SECONDS * 1000) {
    const records = [];
    for (let k = 0; k < batch; k++, i++) {
      const t = T0 + Math.floor((i / RATE) * 1000 * SPEED);
      const w = Math.floor(t / WINDOW);
      if (!closable.has(w * WINDOW)) closable.set(w * WINDOW, performance.now());
      records.push({ key: `live-${i}`, value: JSON.stringify(liveMention(i, t, w % 6 === 5 && w > 12)) });
    }
    await bus.publish('mentions.analyzed', records);
    const next = started + (i / RATE) * 1000;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await new Promise((r) => setTimeout(r, 2000));
  await stage.close();
  await alerts.close();
  await mentions.close();
  return { p50_ms: round(percentile(delays, 0.5)), p95_ms: round(percentile(delays, 0.95)), alerts: delays.length };
}

async function backtestSpeed(): Promise<{ mentions: number; days: number; seconds: number; cpu_seconds: number; mentions_per_s: number; alerts: number; load_s: number; reused_store?: boolean }> {
  const kept = benchStoreFile(`alerts-backtest-${MENTIONS}`);
  const store = new EmbeddedMentionStore({ file: kept.file });
  await store.ensureSchema();
  const reused = await alreadyLoaded(store, kept, MENTIONS);
  const pool = templates(2000);
  const negative = negativeTemplates(pool);
  const random = seededRandom(7);
  const from = T0;
  const span = 30 * 86_400_000;
  const loadStart = performance.now();
  for (let i = 0; i < (reused ? 0 : MENTIONS); i += 5000) {
    const chunk: AnalyzedMention[] = [];
    for (let k = i; k < Math.min(MENTIONS, i + 5000); k++) {
      const m = mentionAt(k, pool, negative, random);
      // Thirty days in time order, all of them Acme's; the generator's bad week becomes days 20..26.
      const t = from + Math.floor((k / MENTIONS) * span);
      chunk.push({ ...m, brands: ['acme'], publishedAt: new Date(t).toISOString() });
    }
    await store.upsert(chunk);
  }
  const loadS = (performance.now() - loadStart) / 1000;
  const brand: BrandConfig = { id: 'acme', name: 'Acme', query: 'acme', competitors: [], alerts: BrandAlertsSchema.parse({ default_window: '1h' }) };
  // This process's CPU time too (speed-embedded): on a shared machine the wall time is mostly waiting for a core.
  const cpu = process.cpuUsage();
  const result = await backtest(store, [brand], { brand: 'acme', from: new Date(from).toISOString(), to: new Date(from + span).toISOString() });
  const used = process.cpuUsage(cpu);
  await store.close();
  kept.cleanup();
  const seconds = result.elapsedMs / 1000;
  return { mentions: result.mentions, days: 30, seconds: round(seconds)!, cpu_seconds: round((used.user + used.system) / 1e6)!, mentions_per_s: Math.round(result.mentions / seconds), alerts: result.alerts.length, load_s: round(loadS)!, ...(reused && { reused_store: true }) };
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

async function main(): Promise<void> {
  if (process.env.BENCH_SKIP_LATENCY === '1') {
    process.stdout.write(`${JSON.stringify({ bench: 'alerts', backtest: await backtestSpeed(), load_avg_1m: loadavg()[0] })}\n`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    return;
  }
  const embedded = openBus(parseConfig(`data_dir: ${scratch()}\nbus: { type: embedded, poll_interval_ms: 10 }\n`));
  const embeddedLatency = await latency(embedded);
  await embedded.close();
  let kafkaLatency: unknown = { skipped: 'no Kafka at KAFKA_BROKERS or 127.0.0.1:19092' };
  try {
    const kafka = openBus(parseConfig(`bus: { type: kafka, brokers: ['${process.env.KAFKA_BROKERS ?? '127.0.0.1:19092'}'], topic_prefix: 'bench-alerts-${Date.now().toString(36)}.', partitions: 1 }\n`));
    kafkaLatency = await latency(kafka);
    await kafka.close();
  } catch (error) {
    kafkaLatency = { skipped: (error as Error).message };
  }
  const speed = await backtestSpeed();
  process.stdout.write(`${JSON.stringify({
    bench: 'alerts', rate_per_s: RATE, seconds: SECONDS, window: '15m (event time 900× the clock)',
    window_close_to_event: { embedded: embeddedLatency, kafka: kafkaLatency },
    backtest: speed,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
  })}\n`);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

await main();
