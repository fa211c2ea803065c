// npm run bench:embedded — the embedded mode (SQLite bus and store) under load. Prints one JSON line:
// - mentions_per_s: analyze + index throughput of N mentions published beforehand (the stages alone);
// - cpu: where the CPU went: the main thread (connectors, HTTP, near-duplicates, store writes) and
//   the whole process (the analysis threads too), in ms per mention; on a shared machine these hold
//   better than the wall clock: 1000 / main_ms_per_mention is what the main thread could take;
// - webhook_ms: answer time of one-mention webhook requests sent every 50 ms while the stages run
//   flat out (p50, p99, max);
// - rss_mb: peak RSS while mentions arrive through the webhook at 1× and at 2× the throughput just
//   measured (paced), with how many requests got 503 (backpressure) at 2×.
//   N=50000 npm run bench:embedded      (PHASE_S=10: seconds of each paced phase; THREADS: analyze threads)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { mentionId } from '../src/core/ids.js';
import { createLogger, silentLogger } from '../src/core/log.js';
import type { RawMention } from '../src/core/types.js';
import { startSources } from '../src/app/connectors.js';
import { openRuntime } from '../src/app/runtime.js';
import { runStages } from '../src/app/stages.js';
import { signRequest } from '../src/connectors/webhook/index.js';
import { waitUntilIndexed } from '../src/streams/pipeline.js';
import { demoSamples, seededRandom, variedSampler } from './demo-texts.js';

const total = Number(process.env.N ?? 50_000);
const phaseSeconds = Number(process.env.PHASE_S ?? 10);
const threads = process.env.THREADS;
const SECRET = 'bench-embedded-webhook-secret-0001';
process.env.ECOUTE_WEBHOOK_BENCH_SECRET = SECRET;
// The same texts on every run.
const nextText = variedSampler(demoSamples(), seededRandom(20261122));
let serial = 0;
function nextMention(prefix: string): RawMention {
  const { sample: s, text } = nextText();
  return {
    source: s.source,
    sourceId: `${prefix}-${serial++}`,
    author: { id: s.author ?? 'anon', name: s.author ?? 'anon' },
    text,
    publishedAt: s.published_at,
    ...(s.title && { title: s.title }),
    ...(s.lang && { lang: s.lang }),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'ecoute-bench-'));
const config = parseConfig(`
data_dir: ${dir}
bus: { type: embedded${threads !== undefined ? `, analyze_threads: ${threads}` : ''} }
http: { port: 0 }
connectors:
  - { type: webhook, source: bench, max_items: 1000, max_body_bytes: 8388608 }
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp"' }
  - { id: globex, name: Globex, query: globex }
`);
const runtime = await openRuntime(config);

// Publish everything first, then time the stages alone: the figure is analyze + index throughput.
const batch = 1000;
for (let i = 0; i < total; i += batch) {
  const records = [];
  for (let j = i; j < Math.min(total, i + batch); j++) {
    const mention = nextMention('bench');
    records.push({ key: mentionId(mention.source, mention.sourceId), value: JSON.stringify(mention) });
  }
  await runtime.bus.publish('mentions.raw', records);
}

/** CPU seconds of the main thread alone (Linux: /proc/self/task/<pid>/stat, utime + stime). */
function mainThreadCpuS(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const processCpuS = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

// The HTTP server on port 0: its address is in the log line startSources writes.
let listening = '';
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    listening ||= /HTTP server listening on (\S+);/.exec(chunk.toString())?.[1] ?? '';
    done();
  },
});
const sources = await startSources(runtime, createLogger({ level: 'info' }, sink), { api: false });
const base = listening;

async function post(mentions: RawMention[]): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify(mentions.map((m) => ({ id: m.sourceId, author: m.author.id, text: m.text, ...(m.title && { title: m.title }), published_at: m.publishedAt })));
  const t = performance.now();
  const res = await fetch(`${base}/ingest/bench`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

// ---- 1. Throughput, with one-mention webhook requests every 50 ms meanwhile ----
const mainBefore = mainThreadCpuS();
const cpuBefore = processCpuS();
const started = performance.now();
const stages = runStages(runtime, silentLogger);
let flat = true;
const answers: number[] = [];
const prober = (async () => {
  while (flat) {
    const r = await post([nextMention('probe')]);
    if (r.status === 202) answers.push(r.ms);
    await sleep(50);
  }
})();
await waitUntilIndexed(runtime, { pollMs: 20 });
flat = false;
await prober;
const seconds = (performance.now() - started) / 1000;
const mainMs = ((mainThreadCpuS() - mainBefore) * 1000) / total;
const processMs = ((processCpuS() - cpuBefore) * 1000) / total;
const rate = Math.round(total / seconds);
const rssAfterBurst = peakRss;

// ---- 2. Paced input through the webhook at 1× and 2× the rate just measured ----
async function paced(multiple: number): Promise<{ rss_mb: number; sent: number; accepted: number; refused_503: number }> {
  await waitUntilIndexed(runtime, { pollMs: 20 });
  peakRss = process.memoryUsage().rss;
  const perRequest = 100;
  const interval = (1000 * perRequest) / (rate * multiple);
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  const inFlight = new Set<Promise<void>>();
  const end = performance.now() + phaseSeconds * 1000;
  for (let next = performance.now(); performance.now() < end; next += interval) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    const mentions = Array.from({ length: perRequest }, () => nextMention(`x${multiple}`));
    sent += perRequest;
    const p = post(mentions).then((r) => {
      if (r.status === 202) accepted += perRequest;
      else if (r.status === 503) refused++;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    // A sender with a bounded number of requests open, as a real one has.
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { rss_mb: Math.round(peakRss / 2 ** 20), sent, accepted, refused_503: refused };
}
const at1 = await paced(1);
const at2 = await paced(2);
await waitUntilIndexed(runtime, { pollMs: 20 });

clearInterval(rssTimer);
await sources.stop();
await stages.stop();
const indexed = await runtime.store.count({ duplicates: 'include' });
const nearDuplicates = await runtime.store.count({ duplicates: 'only' });
await runtime.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'embedded',
    mentions: total,
    indexed,
    near_duplicates: nearDuplicates,
    seconds: Math.round(seconds * 100) / 100,
    mentions_per_s: rate,
    analyze_threads: config.bus.type === 'embedded' ? (config.bus.analyze_threads ?? availableParallelism()) : 0,
    cpu_ms_per_mention: { main_thread: Math.round(mainMs * 1000) / 1000, process: Math.round(processMs * 1000) / 1000 },
    webhook_ms: { requests: answers.length, p50: pct(answers, 50), p99: pct(answers, 99), max: pct(answers, 100) },
    rss_mb: { burst: Math.round(rssAfterBurst / 2 ** 20), at_1x: at1, at_2x: at2 },
    load_average_1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
  })}\n`,
);
