// `ecoute dlq list|replay|drop` on the embedded bus (the scenario is in dlq-flow.ts). Dropping
// deletes the rows of the SQLite log itself.
import { join } from 'node:path';
import { Database } from '../../src/core/sqlite-driver.js';
import { describe, expect, it } from 'vitest';
import { workspace } from '../helpers/cli.js';
import { dlqFlow } from './dlq-flow.js';

describe('ecoute dlq on the embedded bus', () => {
  it('lists, replays once (a fixed file line, a stage input back to its topic), refuses truncated and repeated replays, drops', async () => {
    const ws = workspace();
    await dlqFlow(ws, 'bus: { type: embedded }');
    // The dropped dead letters are gone from the log, not only hidden.
    const db = new Database(join(ws.dir, 'data', 'bus.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT value FROM records WHERE topic = 'mentions.dlq'").all() as { value: string }[];
      expect(rows.some((r) => (JSON.parse(r.value) as { truncated?: boolean }).truncated === true)).toBe(false);
    } finally {
      db.close();
    }
  }, 240_000);
});
