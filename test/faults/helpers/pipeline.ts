// What every distributed fault test shares: a workspace whose config points at the given Kafka and
// Elasticsearch (unique topic and index prefixes), écoute's worker processes, the mentions a test
// publishes the way a connector does, and THE oracle:
//
//   every mention acknowledged (a publish that resolved, a webhook 2xx) is in the store or on the
//   dead-letter topic, exactly once, nothing else is there, and a fresh mention flows afterwards.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import { openBus, openStore } from '../../../src/app/runtime.js';
import { MentionPublisher } from '../../../src/connectors/publish.js';
import { mentionId } from '../../../src/core/ids.js';
import type { RawMention } from '../../../src/core/types.js';
import type { MentionStore } from '../../../src/store/types.js';
import type { Bus, Offsets } from '../../../src/streams/bus/types.js';
import type { DeadLetter } from '../../../src/streams/dead-letter.js';
import { workspace, type Workspace } from '../../helpers/cli.js';
import { ANALYZE_GROUP } from '../../../src/streams/analyze.js';
import { INDEX_GROUP } from '../../../src/streams/index-stage.js';

export const sum = (o: Offsets) => Object.values(o).reduce((a, b) => a + b, 0);
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Worker {
  child: ChildProcess;
  /** The last 8 KB of its stderr (its logs). */
  tail(): string;
  /** Its stdout so far (first 8 KB). */
  out(): string;
  /** Resolves with its exit code (or signal name). */
  exited: Promise<number | string>;
}

export interface FaultPipeline {
  run: string;
  ws: Workspace;
  config: Config;
  bus: Bus;
  store: MentionStore;
  workers: Worker[];
  start(args: string[]): Worker;
  /** Makes every document written so far visible to counts and searches (Elasticsearch refresh). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  brokers: string;
  elasticsearch: string;
  /** The node the workers use, when not `elasticsearch` (a recording proxy in front of it). */
  workerElasticsearch?: string;
  /** Extra YAML appended to the config (connectors, http, …). */
  extra?: string;
  /** Kafka bus settings appended inside the bus mapping. */
  bus?: string;
  /** Elasticsearch store settings appended inside the store mapping. */
  storeSettings?: string;
  partitions?: number;
}

export async function faultPipeline(name: string, o: PipelineOptions): Promise<FaultPipeline> {
  const run = `f${name}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const ws = workspace();
  const yaml = `data_dir: ${join(ws.dir, 'data')}
bus: { type: kafka, brokers: ['${o.brokers}'], topic_prefix: '${run}.', partitions: ${o.partitions ?? 3}${o.bus ? `, ${o.bus}` : ''} }
store: { type: elasticsearch, node: '${o.workerElasticsearch ?? o.elasticsearch}', index_prefix: '${run}-mentions'${o.storeSettings ? `, ${o.storeSettings}` : ''} }
brands: [{ id: acme, name: Acme, query: acme }]
${o.extra ?? ''}
`;
  writeFileSync(ws.config, yaml);
  // The test's own view of the store goes straight to Elasticsearch, never through a proxy.
  const config = parseConfig(yaml.replace(`node: '${o.workerElasticsearch ?? o.elasticsearch}'`, `node: '${o.elasticsearch}'`));
  const bus = openBus(config);
  const store = await openStore(config);
  const workers: Worker[] = [];
  const pipeline: FaultPipeline = {
    run,
    ws,
    config,
    bus,
    store,
    workers,
    start(args) {
      const child = ws.spawn(args);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(0, 8000)));
      const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
      const worker = { child, tail: () => err, out: () => out, exited };
      workers.push(worker);
      return worker;
    },
    async refresh() {
      const res = await fetch(`${o.elasticsearch}/${run}-mentions-*/_refresh`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
      await res.body?.cancel();
    },
    async close() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await bus.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await fetch(`${o.elasticsearch}/${run}-mentions-*`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    },
  };
  return pipeline;
}

/** A raw mention as a connector would hand it over; its id is mentionId('fault', `<tag>-<i>`). */
export function rawMention(tag: string, i: number, text?: string, months = 2): RawMention {
  return {
    source: 'fault',
    sourceId: `${tag}-${i}`,
    author: { id: `user${i % 37}`, name: `User ${i % 37}` },
    text: text ?? `Acme fault test ${tag} mention number ${i}: the delivery was late but support was kind.`,
    // Spread over `months` months of 2026: the writes touch that many monthly indices (shards per bulk).
    publishedAt: new Date(Date.UTC(2026, i % months, 1 + (i % 27), 12)).toISOString(),
  };
}

export const idOf = (tag: string, i: number) => mentionId('fault', `${tag}-${i}`);

/** Publishes mentions through the connectors' publisher; returns the ids it acknowledged (durable). */
export async function publishMentions(bus: Bus, mentions: RawMention[], batchSize = 200): Promise<string[]> {
  const publisher = new MentionPublisher({ bus, batchSize });
  for (const m of mentions) await publisher.add(m);
  await publisher.flush();
  return mentions.map((m) => mentionId(m.source, m.sourceId));
}

/** Waits (polling the event, not a delay) until `check` is true; fails with `what` after `ms`. */
export async function waitFor(what: () => string, check: () => Promise<boolean> | boolean, ms: number, alive?: () => void): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    alive?.();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await pause(250);
  }
}

/** Where both stages stand: committed / end offsets of each topic. */
export async function stageProgress(p: FaultPipeline) {
  return {
    analyzed: sum(await p.bus.committedOffsets('mentions.raw', ANALYZE_GROUP)),
    raw: sum(await p.bus.endOffsets('mentions.raw')),
    indexed: sum(await p.bus.committedOffsets('mentions.analyzed', INDEX_GROUP)),
    toIndex: sum(await p.bus.endOffsets('mentions.analyzed')),
  };
}

/**
 * Waits until both stages committed the end of their topics (and at least `minRaw` raw records):
 * logs where they stand every 30 s, and a timeout names the figures and the workers' last lines, so
 * a slow machine and a stuck stage can be told apart from the CI log.
 */
export async function waitForCatchUp(p: FaultPipeline, o: { ms: number; minRaw?: number; alive?: () => void; workers: () => Record<string, Worker> }): Promise<void> {
  let last = await stageProgress(p);
  let reportedAt = Date.now();
  const caughtUp = async () => {
    last = await stageProgress(p);
    if (Date.now() - reportedAt >= 30_000) {
      reportedAt = Date.now();
      console.error(`[faults] catching up: ${JSON.stringify(last)}`);
    }
    return last.analyzed >= last.raw && last.indexed >= last.toIndex && last.analyzed >= (o.minRaw ?? 0);
  };
  const stuckAt = () =>
    `both stages at the end of their topics; at ${JSON.stringify(last)}` +
    Object.entries(o.workers())
      .map(([name, w]) => `\n--- ${name} worker (last lines):\n${w.tail().slice(-1500)}`)
      .join('');
  await waitFor(stuckAt, caughtUp, o.ms, o.alive);
}

/** The dead letters of this run, each with the mention id it was about when one can be told. */
export async function deadLetters(bus: Bus): Promise<{ letter: DeadLetter; id?: string; headers: Record<string, string> }[]> {
  const records = await bus.read('mentions.dlq', {}, 100_000);
  return records.map((r) => {
    const letter = JSON.parse(r.value) as DeadLetter;
    // A test's poison records carry their id in a header, which the dead letter keeps.
    let id: string | undefined = r.headers?.['fault-id'];
    if (id === undefined) try {
      const input = JSON.parse(letter.input) as { id?: unknown; source?: unknown; sourceId?: unknown };
      if (typeof input.id === 'string') id = input.id;
      else if (typeof input.source === 'string' && typeof input.sourceId === 'string') id = mentionId(input.source, input.sourceId);
    } catch {
      /* poison input: not JSON */
    }
    return { letter, headers: r.headers ?? {}, ...(id !== undefined && { id }) };
  });
}

export interface OracleResult {
  stored: number;
  dead: number;
}

/**
 * THE oracle. `acked`: ids acknowledged to their producer. `expectDead`: the ids that must be dead
 * letters (the rest must be stored); `extraDead`: dead letters about records without a mention id
 * (poison bytes), counted but not matched to an id.
 */
export async function assertOracle(p: FaultPipeline, acked: string[], expectDead: Set<string> = new Set(), extraDead = 0, extraStored = 0): Promise<OracleResult> {
  const unique = new Set(acked);
  expect(unique.size, 'acknowledged ids are unique').toBe(acked.length);
  await p.refresh();
  const storedIds = await p.store.existing([...unique]);
  const count = await p.store.count({ duplicates: 'include' });
  const letters = await deadLetters(p.bus);
  const deadIds = letters.flatMap((l) => (l.id !== undefined ? [l.id] : []));
  const deadSet = new Set(deadIds);
  // Exactly once: nothing in the store but acknowledged mentions, each once (ids are documents).
  // extraStored: records a producer wrote but could not confirm (a 503 after a write that landed).
  expect(count, 'documents in the store = acknowledged mentions stored').toBe(storedIds.size + extraStored);
  expect(deadIds.length, 'each dead letter once').toBe(deadSet.size);
  const missing = [...unique].filter((id) => !storedIds.has(id) && !deadSet.has(id));
  expect(missing, 'acknowledged mentions neither stored nor dead-lettered').toEqual([]);
  const both = [...deadSet].filter((id) => storedIds.has(id));
  expect(both, 'both stored and dead-lettered').toEqual([]);
  expect([...deadSet].filter((id) => !expectDead.has(id)), 'dead letters not expected').toEqual([]);
  expect([...expectDead].filter((id) => !deadSet.has(id)), 'expected dead letters missing').toEqual([]);
  expect(letters.length - deadIds.length, 'dead letters of poison records').toBe(extraDead);
  return { stored: storedIds.size, dead: letters.length };
}

/** After recovery: one fresh mention goes all the way to the store. */
export async function assertFreshMentionFlows(p: FaultPipeline, tag: string, ms = 60_000, alive?: () => void): Promise<void> {
  const [id] = await publishMentions(p.bus, [rawMention(`${tag}-fresh`, 0)]);
  await waitFor(() => `the fresh mention ${id} in the store`, async () => (await p.store.existing([id!])).has(id!), ms, alive);
}

/** Documents in the store, or -1 while Elasticsearch cannot answer (a shard still starting, a node down). */
export async function storedCount(p: FaultPipeline): Promise<number> {
  try {
    return await p.store.count({ duplicates: 'include' });
  } catch {
    return -1;
  }
}
