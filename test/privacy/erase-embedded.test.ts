// Privacy (issue 14, H4), embedded mode: erase two people, replay every topic, re-run the
// connectors, re-ingest the file: nothing of theirs comes back, and their handles are in no byte of
// the data directory (free pages and WAL included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/core/sqlite-driver.js';
import { describe, expect, it } from 'vitest';
import { runErasureScenario } from './erase-scenario.js';

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('privacy erase, embedded', () => {
  it('erases a person for good: nothing comes back, the handle is in no byte of the data dir', async () => {
    const result = await runErasureScenario('', async (config) => {
      // A replay: the stages' groups read every topic again from offset 0.
      const db = new Database(join(config.data_dir, 'bus.sqlite'));
      db.prepare('DELETE FROM group_offsets').run();
      db.close();
    });
    const topics = (result.erasures[0] as { topics: Record<string, { deleted: number; rewritten: number }> }).topics;
    // The raw and analyzed records of their 2 mentions, their dead letter, the alert event rewritten.
    expect(topics['mentions.raw']!.deleted).toBe(2);
    expect(topics['mentions.analyzed']!.deleted).toBe(2);
    expect(topics['mentions.dlq']!.deleted).toBe(1);
    expect(topics.alerts!.rewritten).toBe(1);
    // The replayed, re-fetched and re-ingested data was dropped before any write: every byte of
    // every file (SQLite files with their WAL, the manifest, the key file) is free of the handles.
    const all = files(result.dataDir);
    expect(all.some((f) => f.endsWith('store.sqlite'))).toBe(true);
    for (const p of result.people) {
      for (const f of all) {
        const bytes = readFileSync(f);
        expect(bytes.includes(Buffer.from(p.handle)), `${p.handle} in ${f}`).toBe(false);
      }
    }
    console.log(JSON.stringify({ erasures: result.erasures.map((e) => ({ store: e.store, topics: e.topics, alerts: e.alerts, reportLog: e.reportLog })) }));
  }, 240_000);
});
