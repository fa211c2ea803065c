// The file connector on a watched folder: every mention file dropped in is read once, appended
// lines are followed, a CSV still being written waits, and a restart re-publishes nothing.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import { fileConnector } from '../../src/connectors/file/index.js';
import type { RunningConnector } from '../../src/connectors/types.js';
import { FileConnectorSchema } from '../../src/connectors/file/config.js';
import { silentLogger } from '../../src/core/log.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const line = (id: string, text = `Acme mention ${id}`) => `${JSON.stringify({ source: 'export', id, text })}\n`;
const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('file connector: watched folder', () => {
  const running: RunningConnector[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  it('reads every mention file dropped in, follows appends, waits for CSV writers, and resumes without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-drop-'));
    const bus = new EmbeddedBus({ file: ':memory:' });
    const cursors = new SqliteCursorStore(join(dir, '..', `${dir.split('/').pop()}-cursors.sqlite`));
    const config = FileConnectorSchema.parse({ type: 'file', path: dir, interval_ms: 30, settle_ms: 400 });
    const start = () => {
      const c = fileConnector.create(config, { bus, cursors, log: silentLogger });
      running.push(c);
      return c;
    };
    const ids = async () => (await bus.read('mentions.raw', { 0: 0 })).map((r) => JSON.parse(r.value).sourceId as string).sort();
    const dead = async () => (await bus.read('mentions.dlq', { 0: 0 })).map((r) => JSON.parse(r.value));

    writeFileSync(join(dir, 'a.jsonl'), line('a1') + line('a2'));
    writeFileSync(join(dir, 'notes.txt'), 'not mentions');
    const first = start();
    await first.caughtUp;
    expect(await ids()).toEqual(['a1', 'a2']);

    appendFileSync(join(dir, 'a.jsonl'), line('a3') + '{broken\n');
    writeFileSync(join(dir, 'b.ndjson'), line('b1'));
    await until(async () => (await ids()).length === 4);
    expect(await ids()).toEqual(['a1', 'a2', 'a3', 'b1']);
    const letters = await dead();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ origin: { file: join(dir, 'a.jsonl'), line: 4 } });

    // A CSV export just written is left alone until it has settled, then read whole.
    writeFileSync(join(dir, 'c.csv'), 'source,id,text\nexport,c1,Acme csv one\n');
    await new Promise((r) => setTimeout(r, 150));
    expect(await ids()).not.toContain('c1');
    await until(async () => (await ids()).includes('c1'));

    await first.stop();
    running.splice(0);
    const before = (await bus.endOffsets('mentions.raw'))[0];
    const second = start();
    await second.caughtUp;
    await new Promise((r) => setTimeout(r, 600));
    expect((await bus.endOffsets('mentions.raw'))[0]).toBe(before);
    await second.stop();
    running.splice(0);
    cursors.close();
    await bus.close();
  });

  it('refuses bad bytes and oversize lines with their own codes, advances its cursor past them, and refuses a UTF-16 file once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-hostile-'));
    const bus = new EmbeddedBus({ file: ':memory:' });
    const cursors = new SqliteCursorStore(join(dir, 'cursors.sqlite'));
    const file = join(dir, 'feed.jsonl');
    const config = FileConnectorSchema.parse({ type: 'file', path: file, interval_ms: 30, max_line_bytes: 512 });
    const start = () => {
      const c = fileConnector.create(config, { bus, cursors, log: silentLogger });
      running.push(c);
      return c;
    };
    const ids = async () => (await bus.read('mentions.raw', { 0: 0 })).map((r) => JSON.parse(r.value).sourceId as string);
    const dead = async () => (await bus.read('mentions.dlq', { 0: 0 })).map((r) => JSON.parse(r.value) as { code: string; reason: string; origin: { line: number } });

    const latin1 = Buffer.concat([Buffer.from('{"source":"export","id":"bad","text":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    writeFileSync(file, Buffer.concat([Buffer.from(line('1')), latin1, Buffer.from(line('big', 'x'.repeat(2000))), Buffer.from(line('4') + line('1234567890123456789').replace('"1234567890123456789"', '1234567890123456789'))]));
    const first = start();
    await first.caughtUp;
    expect(await ids()).toEqual(['1', '4', '1234567890123456789']);
    expect((await dead()).map((d) => [d.origin.line, d.code])).toEqual([
      [2, 'MENTION_BAD_ENCODING'],
      [3, 'MENTION_TOO_LARGE'],
    ]);
    expect(first.status()).toMatchObject({ fetched: 3, rejected: 2 });
    await first.stop();
    running.splice(0);

    // Restarted: the cursor is past every line, good or refused; only what is appended is read.
    appendFileSync(file, line('6'));
    const second = start();
    await second.caughtUp;
    expect(await ids()).toEqual(['1', '4', '1234567890123456789', '6']);
    expect(await dead()).toHaveLength(2);
    await second.stop();
    running.splice(0);

    // A UTF-16 file: one clear error for the file, no line-by-line rejections.
    const utf16 = join(dir, 'utf16.jsonl');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line('u1') + line('u2'), 'utf16le')]));
    const third = fileConnector.create(FileConnectorSchema.parse({ type: 'file', path: utf16, interval_ms: 30 }), { bus, cursors, log: silentLogger });
    running.push(third);
    await third.caughtUp;
    expect(third.status().lastError?.message).toMatch(/utf16\.jsonl: the file is UTF-16 little-endian .*must be UTF-8/);
    expect(await dead()).toHaveLength(2);
    expect(await ids()).toHaveLength(4);
    await third.stop();
    running.splice(0);
    cursors.close();
    await bus.close();
  });
});
