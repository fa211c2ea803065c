// Issue 15 (threads15): analysis in worker threads gives the same analyzed mentions as analysis on
// the main thread: a few hundred English and French mentions (the demo set, varied, with copies
// for near-duplicates and records that cannot be read) through the analyze stage both ways, with
// brand field overrides and a brand calibration each thread rebuilds from the config; the records
// on mentions.analyzed and mentions.dlq are the same JSON, in the same order.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { mentionId } from '../../src/core/ids.js';
import type { RawMention } from '../../src/core/types.js';
import { brandFieldSets } from '../../src/nlp/fields.js';
import { CalibrationStore, saveCalibration } from '../../src/nlp/sentiment/calibration.js';
import { startAnalyzeStage, type AnalyzeStageOptions } from '../../src/streams/analyze.js';
import { AnalyzePool } from '../../src/streams/analyze-pool.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { brandToneTargets } from '../../src/streams/brand-targets.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { BusRecord, Topic } from '../../src/streams/bus/types.js';
import { NearDuplicateDetector, SqliteFingerprintStore } from '../../src/streams/near-duplicates/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ecoute-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = parseConfig(`
data_dir: ${dir}
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp"', fields: { barista_app: { en: [app, bluetooth], fr: [appli] } } }
  - { id: globex, name: Globex, query: globex }
`);

interface Sample {
  source: string;
  id?: string;
  title?: string;
  text: string;
  lang?: string;
  published_at: string;
  author?: string;
  rating?: number;
}

/** 305 records: the demo mentions, each again with a few words changed, some verbatim copies, and unreadable ones. */
function records(): BusRecord[] {
  const samples = readFileSync(new URL('../../config/demo/mentions.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Sample);
  const out: BusRecord[] = [];
  const push = (s: Sample, sourceId: string, text: string) => {
    const m: RawMention = {
      source: s.source,
      sourceId,
      author: { id: s.author ?? 'anon', name: s.author ?? 'anon' },
      text,
      publishedAt: s.published_at,
      ...(s.title && { title: s.title }),
      ...(s.lang && { lang: s.lang }),
      ...(s.rating !== undefined && { rating: s.rating / 5 }), // stars, as the connectors normalize them
    };
    out.push({ key: mentionId(m.source, m.sourceId), value: JSON.stringify(m) });
  };
  samples.slice(0, 180).forEach((s, i) => push(s, `orig-${i}`, s.text));
  // Copies (near-duplicates of the originals, for the one fingerprint state) and light edits.
  samples.slice(0, 120).forEach((s, i) => push(s, `copy-${i}`, i % 2 === 0 ? s.text : `${s.text} Merci / thanks.`));
  for (let i = 0; i < 5; i++) out.push({ key: `bad-${i}`, value: i % 2 === 0 ? '{"not json' : JSON.stringify({ source: 'x' }) });
  return out;
}

async function runStage(pool: AnalyzePool | undefined): Promise<{ analyzed: string[]; dead: string[] }> {
  const bus = new EmbeddedBus({ file: ':memory:', pollIntervalMs: 5 });
  const detector = new NearDuplicateDetector(new SqliteFingerprintStore(':memory:'));
  const calibrations = new CalibrationStore(dir);
  const options: AnalyzeStageOptions = {
    bus,
    languages: config.languages,
    matchBrands: brandMatcher(config.brands),
    brandFields: brandFieldSets(config.brands),
    calibrations: (brand) => calibrations.get(brand),
    brandTargets: brandToneTargets(config.brands), // as src/app/stages.ts: the per-brand tone of mentions naming two brands
    authorKeySecret: 'pool-test-secret',
    markDuplicates: (mentions) => detector.mark(mentions),
    ...(pool && { pool: (batch) => pool.analyze(batch) }),
  };
  const input = records();
  // In batches, as a connector publishes: the stage sees several batches, in order.
  for (let i = 0; i < input.length; i += 97) await bus.publish('mentions.raw', input.slice(i, i + 97));
  const consumer = startAnalyzeStage(options);
  const expected = input.length;
  const read = async (topic: Topic) => (await bus.read(topic, { 0: 0 })).map((r) => r.value);
  // Waits for the stage to have handled every record (an event: the group's committed offset).
  while ((await bus.committedOffsets('mentions.raw', 'ecoute-analyze'))[0] !== expected) await new Promise((r) => setTimeout(r, 20));
  const out = { analyzed: await read('mentions.analyzed'), dead: await read('mentions.dlq') };
  await consumer.close();
  await bus.close();
  return out;
}

/** analyzedAt is the clock at analysis: the one field that differs between two runs. */
const comparable = (json: string) => json.replace(/"analyzedAt":"[^"]+"/, '"analyzedAt":"-"');

describe('analysis in worker threads (issue 15)', () => {
  it('publishes the same analyzed mentions and dead letters as analysis on the main thread', async () => {
    saveCalibration(dir, { format: 'ecoute-calibration/1', brand: 'acme', matrix: [[0.5, 0, 0], [0, 0.2, 0], [0, 0, 0.5]], bias: [0.4, -0.3, -0.2] });
    const inThread = await runStage(undefined);
    const pool = new AnalyzePool(
      { languages: config.languages, brands: config.brands, dataDir: dir, authorKeySecret: 'pool-test-secret', keepAuthorHandles: false, calibrationReloadMs: 5000 },
      { threads: 2, chunkSize: 40 },
    );
    let pooled: { analyzed: string[]; dead: string[] };
    try {
      pooled = await runStage(pool);
    } finally {
      await pool.close();
    }
    expect(inThread.analyzed.length).toBe(300);
    expect(inThread.dead.length).toBe(5);
    // The test sees what it means to compare: EN and FR, near-duplicates, the field override, the calibration.
    const parsed = inThread.analyzed.map((v) => JSON.parse(v) as { analysis: { lang: string; fields?: Record<string, unknown> }; duplicateOf?: string; brands: string[] });
    expect(new Set(parsed.map((m) => m.analysis.lang))).toEqual(new Set(['en', 'fr']));
    expect(parsed.filter((m) => m.duplicateOf !== undefined).length).toBeGreaterThan(30);
    expect(parsed.some((m) => m.analysis.fields?.barista_app !== undefined)).toBe(true);
    expect(pooled.analyzed.map(comparable)).toEqual(inThread.analyzed.map(comparable));
    expect(pooled.dead.map((d) => d.replace(/"at":"[^"]+"/g, ''))).toEqual(inThread.dead.map((d) => d.replace(/"at":"[^"]+"/g, '')));
  }, 170_000);
});
