// The repeated-id rule through the file connector of `ecoute run`: the connector publishes every
// line, the analyze stage passes on the line's content hash, and the store decides: the same
// content again changes nothing stored (unchanged), other content replaces it (updated).
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { fileConnector } from '../../src/connectors/file/index.js';
import { FileConnectorSchema } from '../../src/connectors/file/config.js';
import { mentionId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/core/log.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { analyzeBatch } from '../../src/streams/analyze.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { Offsets } from '../../src/streams/bus/types.js';
import { indexBatch } from '../../src/streams/index-stage.js';

const line = (id: string, text: string, extra: Record<string, unknown> = {}) => `${JSON.stringify({ source: 'export', id, text, ...extra })}\n`;

describe('repeated ids through the file connector, the analyze stage and the store', () => {
  it('a same-content repeat leaves the stored mention unchanged; changed content replaces it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-repeat-'));
    const bus = new EmbeddedBus({ file: ':memory:' });
    const cursors = new SqliteCursorStore(join(dir, 'cursors.sqlite'));
    const store = new EmbeddedMentionStore({ file: ':memory:' });
    await store.ensureSchema();
    const file = join(dir, 'feed.jsonl');
    const options = { languages: ['en', 'fr'] as const, matchBrands: () => ['acme'], authorKeySecret: 'a-test-secret-of-some-length' };
    let raw: Offsets = { 0: 0 };
    let analyzed: Offsets = { 0: 0 };
    /** One pass of the connector, then the two stages over what it published. */
    const pass = async () => {
      const connector = fileConnector.create(FileConnectorSchema.parse({ type: 'file', path: file, interval_ms: 10_000 }), { bus, cursors, log: silentLogger });
      await connector.caughtUp;
      await connector.stop();
      const records = await bus.read('mentions.raw', raw);
      raw = { 0: (records.at(-1)?.offset ?? raw[0]! - 1) + 1 };
      const out = analyzeBatch(records, { ...options, languages: [...options.languages] });
      expect(out.dead).toEqual([]);
      await bus.publish('mentions.analyzed', out.analyzed);
      const batch = await bus.read('mentions.analyzed', analyzed);
      analyzed = { 0: (batch.at(-1)?.offset ?? analyzed[0]! - 1) + 1 };
      return indexBatch(batch, { bus, store });
    };

    writeFileSync(file, line('a', 'Acme first take') + line('b', 'Acme original wording') + line('c', 'Acme undated'));
    expect(await pass()).toEqual({ created: 3, updated: 0, unchanged: 0, failed: 0 });
    const a = await store.get(mentionId('export', 'a'));
    const c = await store.get(mentionId('export', 'c'));

    appendFileSync(file, line('a', 'Acme first take') + line('b', 'Acme changed wording') + line('c', 'Acme undated'));
    expect(await pass()).toEqual({ created: 0, updated: 1, unchanged: 2, failed: 0 });
    // Nothing stored changed for the repeats, not even the analysis time or the filled-in date.
    expect(await store.get(mentionId('export', 'a'))).toEqual(a);
    expect(await store.get(mentionId('export', 'c'))).toEqual(c);
    expect((await store.get(mentionId('export', 'b')))?.text).toBe('Acme changed wording');
    await store.close();
    cursors.close();
    await bus.close();
  });
});
