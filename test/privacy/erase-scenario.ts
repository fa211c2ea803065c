// Privacy (issue 14, H4): the erasure scenario both modes run (erase-embedded.test.ts,
// erase-distributed.test.ts). Two people, each in a source that will bring them back: a JSONL file
// (source crm) and an Atom feed served on loopback (rss). After a first run their mentions are in
// the store, the topics, a dead letter and an alert's examples. The real CLI erases both
// (`ecoute privacy erase`); then every topic is replayed from offset 0 (the stages' group offsets
// reset), the connectors run again from scratch on the same file and feed, and `ecoute ingest`
// re-reads the original file. Zero documents of theirs come back.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import { runStages } from '../../src/app/stages.js';
import { startSources } from '../../src/app/connectors.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { authorKey } from '../../src/core/ids.js';
import { silentLogger } from '../../src/core/log.js';
import type { Alert } from '../../src/alerts/types.js';
import { waitUntilIndexed } from '../../src/streams/pipeline.js';
import type { Topic } from '../../src/streams/bus/types.js';
import { startServer } from '../helpers/connectors.js';
import { workspace } from '../helpers/cli.js';

export interface Person {
  author: string;
  handle: string;
  key: string;
}

export interface ScenarioResult {
  dataDir: string;
  people: Person[];
  /** `ecoute privacy erase --json` output, per person. */
  erasures: Record<string, unknown>[];
  ingestOutput: string;
}

async function pipeline(config: Readonly<Config>, reset: string[] = []): Promise<void> {
  const log = silentLogger;
  const runtime = await openRuntime(config, { check: true, reset, log });
  try {
    const stages = runStages(runtime, log);
    const sources = await startSources(runtime, log, { api: false });
    try {
      await Promise.all(sources.connectors.map((c) => c.caughtUp));
      await waitUntilIndexed(runtime);
      await runtime.store.refresh();
    } finally {
      await sources.stop();
      await stages.stop();
    }
  } finally {
    await runtime.close();
  }
}

async function withRuntime<T>(config: Readonly<Config>, work: (r: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(config, { log: silentLogger });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const TOPICS: Topic[] = ['mentions.raw', 'mentions.analyzed', 'mentions.dlq', 'alerts'];

async function topicText(runtime: Runtime, topic: Topic): Promise<string> {
  return (await runtime.bus.read(topic, {}, 100_000)).map((r) => r.value).join('\n');
}

/**
 * `modeYaml`: bus and store lines; `replay`: resets the stage groups' offsets to 0 (nothing runs).
 * Returns what the mode checks for "nowhere".
 */
export async function runErasureScenario(modeYaml: string, replay: (config: Readonly<Config>) => Promise<void>): Promise<ScenarioResult> {
  const tag = randomBytes(4).toString('hex');
  const fileHandle = `zq7-jane-${tag}`;
  const feedName = `zq7-feedperson-${tag}`;
  const atom = () => {
    const entry = (id: string, name: string, text: string) =>
      `<entry><id>urn:${id}</id><title>${text}</title><link href="https://example.com/${id}"/><updated>2026-11-30T10:00:00Z</updated><author><name>${name}</name></author><content type="text">${text}</content></entry>`;
    return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News ${tag}</title><id>urn:feed-${tag}</id><updated>2026-11-30T10:00:00Z</updated>${entry(`f1-${tag}`, feedName, 'Acme broke my order twice')}${entry(`f2-${tag}`, `feedother-${tag}`, 'Acme shipped on time')}</feed>`;
  };
  const feed = await startServer(() => ({ headers: { 'content-type': 'application/atom+xml' }, body: atom() }));
  try {
    const ws = workspace();
    const dataDir = join(ws.dir, 'data');
    const file = join(ws.dir, 'in.jsonl');
    writeFileSync(
      file,
      `${[
        { source: 'crm', id: `p-1-${tag}`, text: 'Acme delivery was late again, very disappointing', author: fileHandle },
        { source: 'crm', id: `p-2-${tag}`, text: 'Acme support answered fast, thanks', author: fileHandle },
        { source: 'crm', id: `o-1-${tag}`, text: 'Acme is fine for me', author: `other-${tag}` },
        // No text: refused by the connector, a dead letter carrying the handle.
        { source: 'crm', id: `p-bad-${tag}`, author: fileHandle },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n')}\n`,
    );
    writeFileSync(
      ws.config,
      `data_dir: ${dataDir}
${modeYaml}
brands:
  - { id: acme, name: Acme, query: acme }
connectors:
  - { type: file, path: ${file}, interval_ms: 600000 }
  - { type: rss, url: '${feed.url}/feed.xml', allow_private_networks: true, interval_ms: 600000 }
`,
    );
    const config = parseConfig(readFileSync(ws.config, 'utf8'), ws.config);

    // 1. A first run: both people are everywhere.
    await pipeline(config);
    const people = await withRuntime(config, async (runtime) => {
      const raws = (await runtime.bus.read('mentions.raw', {}, 100_000)).map((r) => JSON.parse(r.value) as { source: string; author: { id: string; name: string } });
      const fromFeed = raws.find((m) => m.author.name === feedName);
      expect(fromFeed, 'the feed person reached mentions.raw').toBeDefined();
      const people: Person[] = [
        { author: `crm:${fileHandle}`, handle: fileHandle, key: authorKey(runtime.authorKeySecret, 'crm', fileHandle) },
        { author: `${fromFeed!.source}:${fromFeed!.author.id}`, handle: feedName, key: authorKey(runtime.authorKeySecret, fromFeed!.source, fromFeed!.author.id) },
      ];
      expect(await runtime.store.count({ query: `author:"${people[0]!.key}"`, duplicates: 'include' })).toBe(2);
      expect(await runtime.store.count({ query: `author:"${people[1]!.key}"`, duplicates: 'include' })).toBe(1);
      expect(await topicText(runtime, 'mentions.dlq')).toContain(fileHandle);
      // An alert whose examples show the file person's mention (and another author's).
      const page = await runtime.store.search({ query: 'acme', limit: 100, duplicates: 'include' });
      const theirs = page.hits.find((h) => h.mention.authorKey === people[0]!.key)!.mention;
      const other = page.hits.find((h) => h.mention.authorKey !== people[0]!.key && h.mention.authorKey !== people[1]!.key)!.mention;
      const example = (m: typeof theirs) => ({ id: m.id, source: m.source, publishedAt: m.publishedAt, text: m.text, sentiment: m.analysis.sentiment.score, lang: m.analysis.lang });
      const alert = {
        id: `alert-${tag}`, brand: 'acme', rule: 'tone-drop', metric: 'mean_tone', window: '1h', windowStart: '2026-11-30T10:00:00.000Z', windowEnd: '2026-11-30T11:00:00.000Z',
        value: -0.5, baseline: 0.2, deviation: 4, severity: 'high', incidentId: `inc-${tag}`, firedAt: '2026-11-30T11:00:01.000Z',
        explanation: { summary: 'tone dropped', metric: 'mean_tone', window: '1h', windowStart: '2026-11-30T10:00:00.000Z', windowEnd: '2026-11-30T11:00:00.000Z', value: -0.5,
          baseline: { value: 0.2, spread: 0.1, method: 'mad', windows: 24 }, deviation: 4, deviationMethod: 'robust z', mentions: 3, uniqueAuthors: 2,
          fields: [], terms: [], sources: [], languages: [], examples: [example(theirs), example(other)], link: '/' },
      } as unknown as Alert;
      await runtime.alertStore.recordAlert(alert);
      await runtime.bus.publish('alerts', [{ key: alert.incidentId, value: JSON.stringify({ key: `${alert.incidentId}:opened:1`, kind: 'opened', incident: { id: alert.incidentId }, alert }) }]);
      return people;
    });

    // 2. The real CLI erases both.
    const erasures = people.map((p) => {
      const out = ws.run(['privacy', 'erase', '--author', p.author, '--json']);
      expect(out.code, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as Record<string, unknown>;
    });
    const fileErasure = erasures[0] as { store: number; alerts: number; topics: Record<string, { deleted: number; rewritten: number; kept: number }> };
    expect(fileErasure.store).toBe(2);
    expect(fileErasure.alerts).toBe(1);
    expect((erasures[1] as { store: number }).store).toBe(1);

    await withRuntime(config, async (runtime) => {
      for (const p of people) expect(await runtime.store.count({ query: `author:"${p.key}"`, duplicates: 'include' })).toBe(0);
      const stored = await runtime.alertStore.getAlert(`alert-${tag}`);
      expect(stored!.explanation.examples.map((e) => e.source)).toEqual(['crm']);
      expect(stored!.explanation.examples.every((e) => !e.text.includes('late again'))).toBe(true);
    });

    // 3. Everything that could bring them back: a replay of every topic from offset 0, the
    // connectors from scratch (cursors reset) on the same file and feed, `ecoute ingest` of the file.
    await replay(config);
    await pipeline(config, ['connectors']);
    const ingest = ws.run(['ingest', file, '--no-progress']);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stdout).toMatch(/2 suppressed \(erased authors\)/);

    await withRuntime(config, async (runtime) => {
      await runtime.store.refresh();
      for (const p of people) expect(await runtime.store.count({ query: `author:"${p.key}"`, duplicates: 'include' })).toBe(0);
      // The other authors are all there: the erasure took only the two people.
      expect(await runtime.store.count({ duplicates: 'include' })).toBe(2);
    });
    const exported = ws.run(['privacy', 'export', '--author', people[0]!.author]);
    expect(exported.code, exported.stderr).toBe(0);
    const access = JSON.parse(exported.stdout) as { mentions: unknown[]; suppression: { suppressed: boolean }; erasures: unknown[] };
    expect(access.mentions).toEqual([]);
    expect(access.suppression.suppressed).toBe(true);
    expect(access.erasures).toHaveLength(1);
    return { dataDir, people, erasures, ingestOutput: ingest.stdout };
  } finally {
    await feed.close();
  }
}

export { TOPICS };
