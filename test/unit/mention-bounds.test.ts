// One poison value must not stop everything: a value nested thousands of levels deep, or a huge
// `raw`, is refused with a reason naming the line or mention and its field, and everything else goes
// on. Also: `raw` keeps only the keys the connector declares.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundedJson, MAX_MENTION_DEPTH, MAX_RAW_CHARS, measureJson } from '../../src/connectors/bounds.js';
import { checkMention } from '../../src/connectors/output.js';
import { MentionPublisher } from '../../src/connectors/publish.js';
import { connectors, createConnector } from '../../src/connectors/registry.js';
import { FileConnectorSchema } from '../../src/connectors/file/config.js';
import type { RawMention } from '../../src/core/types.js';
import { workspace } from '../helpers/cli.js';
import { harness, pollOnce, startServer } from '../helpers/connectors.js';
import { HackerNewsConnectorSchema } from '../../src/connectors/hackernews/config.js';
import { inputOf } from '../../src/connectors/text.js';

/** `{"a":{"a":…}}` nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const mention = (id: string, raw?: unknown): RawMention => ({
  source: 'file',
  sourceId: id,
  author: { id: 'someone', name: 'someone' },
  text: `Acme mention ${id}`,
  publishedAt: '2026-11-03T12:00:00.000Z',
  ...(raw !== undefined && { raw }),
});

describe('bounds: measured and serialized without recursion', () => {
  it('measures a value nested 100 000 levels deep without overflowing, and says where it got too deep', () => {
    const deep = nested(100_000);
    expect(() => JSON.stringify(deep)).toThrow(/call stack/);
    expect(measureJson({ raw: { payload: deep } }, 32)).toEqual({ ok: false, why: 'deep', path: `raw.payload${'.a'.repeat(30)}` });
  });

  it('counts the exact JSON length of ordinary values', () => {
    const value = { a: [1, 'two', null, true, { b: 'é"\n' }], c: {}, d: [], e: undefined, f: -1.5e-7, g: new Date(0) };
    expect(measureJson(value, 32)).toEqual({ ok: true, chars: expect.any(Number) });
    expect(measureJson(value, 32, Number.MAX_SAFE_INTEGER)).toEqual({ ok: true, chars: JSON.stringify(value).length });
  });

  it('boundedJson writes any value, cut at the bound and marked', () => {
    const value = { id: 'x', b: [1, { c: 'd' }], e: undefined };
    expect(boundedJson(value, 1000)).toEqual({ text: JSON.stringify(value), truncated: false });
    const deep = boundedJson({ id: 'poison', deep: nested(100_000) }, 100);
    expect(deep.truncated).toBe(true);
    expect(deep.text).toHaveLength(100);
    expect(deep.text.startsWith('{"id":"poison","deep":{"a":{"a":')).toBe(true);
  });
});

describe('checkMention: the output check of every connector', () => {
  it('keeps only the declared raw keys, drops raw left empty', () => {
    const m = mention('1', { kind: 'post', handle: 'jane_doe', extra: 1 });
    expect(checkMention(m, ['kind', 'missing'])).toEqual({ ok: true, mention: { ...m, raw: { kind: 'post' } } });
    const none = checkMention(m, []);
    expect(none.ok && 'raw' in none.mention).toBe(false);
    const empty = checkMention(m, ['missing']);
    expect(empty.ok && 'raw' in empty.mention).toBe(false);
  });

  it('refuses a kept value nested deeper than the bound, and a raw over the size bound, naming the field', () => {
    expect(checkMention(mention('1', { payload: nested(MAX_MENTION_DEPTH - 3) }), ['payload']).ok).toBe(true);
    expect(checkMention(mention('1', { payload: nested(5000) }), ['payload'])).toMatchObject({ ok: false, code: 'MENTION_TOO_DEEP', reason: expect.stringMatching(/^raw\.payload(\.a)+: nested more than 32 levels deep/) });
    // Not kept: dropped before it is measured or written, so harmless.
    expect(checkMention(mention('1', { payload: nested(5000) }), [])).toMatchObject({ ok: true });
    expect(checkMention(mention('1', { notes: 'x'.repeat(MAX_RAW_CHARS) }), ['notes'])).toMatchObject({ ok: false, code: 'MENTION_TOO_LARGE', reason: expect.stringMatching(/^raw: the extra fields \(notes\) take more than 65536 characters/) });
  });
});

describe('MentionPublisher: a poison mention is a dead letter, the rest is published', () => {
  it('publishes the good mentions and dead-letters the deep one with its line and input', async () => {
    const h = harness();
    const publisher = new MentionPublisher({ bus: h.bus, rawKeys: ['payload'], batchSize: 2 });
    await publisher.add(mention('good-1', { payload: 'ok' }));
    await publisher.add(mention('poison', { payload: nested(5000) }), undefined, { file: 'in.jsonl', line: 2, input: '{"id":"poison"…}' });
    await publisher.add(mention('poison-2', { payload: nested(5000) }));
    await publisher.add(mention('good-2'));
    await publisher.flush();
    expect((await h.mentions()).map((m) => [m.sourceId, m.raw])).toEqual([
      ['good-1', { payload: 'ok' }],
      ['good-2', undefined],
    ]);
    const letters = await h.deadLetters();
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({ code: 'MENTION_TOO_DEEP', origin: { file: 'in.jsonl', line: 2 }, input: '{"id":"poison"…}' });
    expect(letters[0]!.reason).toMatch(/^raw\.payload(\.a)+: nested more than 32 levels deep/);
    // Without a line, the reason names the mention; its input is the mention itself, cut and marked.
    expect(letters[1]).toMatchObject({ code: 'MENTION_TOO_DEEP', truncated: true });
    expect(letters[1]!.reason).toMatch(/^mention "poison-2": raw\.payload/);
    expect(letters[1]!.input.startsWith('{"source":"file","sourceId":"poison-2"')).toBe(true);
    await h.close();
  });
});

describe('file connector: a poison line is rejected once, the following lines are read', () => {
  it('dead-letters the line with its number, publishes the others, and moves on (no retry loop)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-bounds-'));
    const path = join(dir, 'in.jsonl');
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    writeFileSync(
      path,
      [
        JSON.stringify({ source: 'crm', id: '1', text: 'Acme one', ticket: 'T-1' }),
        `{"source":"crm","id":"2","text":"Acme two","ticket":${deep}}`,
        JSON.stringify({ source: 'crm', id: '3', text: 'Acme three', ticket: 'T-3', secret_note: 'not kept' }),
        '',
      ].join('\n'),
    );
    const h = harness();
    const config = FileConnectorSchema.parse({ type: 'file', path, raw_keys: ['ticket'] });
    expect(connectors.file.rawKeys).toBeTypeOf('function');
    const connector = createConnector(config, h.context);
    await connector.caughtUp;
    await connector.stop();
    expect((await h.mentions()).map((m) => [m.sourceId, m.raw])).toEqual([
      ['1', { ticket: 'T-1' }],
      ['3', { ticket: 'T-3' }],
    ]);
    const letters = await h.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ code: 'MENTION_TOO_DEEP', origin: { line: 2 }, truncated: true });
    expect(letters[0]!.input.startsWith('{"source":"crm","id":"2"')).toBe(true);
    expect(connector.status()).toMatchObject({ fetched: 2, rejected: 1 });
    expect(connector.status().lastError).toBeUndefined();
    // The cursor is past the poison line: a restart reads nothing again.
    const again = createConnector(config, h.context);
    await again.caughtUp;
    await again.stop();
    expect(await h.mentions()).toHaveLength(2);
    await h.close();
  });
});

describe('ecoute ingest: a line with a value nested 5,000 levels deep', () => {
  it('does not stop the ingest: the good lines are searchable, exit code 0', () => {
    const ws = workspace();
    const file = join(ws.dir, 'poison.jsonl');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    writeFileSync(
      file,
      [
        JSON.stringify({ source: 'crm', id: 'a', text: 'Acme first' }),
        // An extra column `ecoute ingest` does not keep (no raw_keys): dropped, the line is ingested.
        `{"source":"crm","id":"b","text":"Acme deep extra","payload":${deep}}`,
        // A deep value where a string is expected: that line is rejected, with its number.
        `{"source":"crm","id":"c","text":${deep}}`,
        JSON.stringify({ source: 'crm', id: 'd', text: 'Acme last' }),
        '',
      ].join('\n'),
    );
    const result = ws.run(['ingest', file, '--no-progress']);
    expect(result.stderr).not.toMatch(/call stack/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/line 3: text: /);
    const search = ws.run(['search', 'acme', '--json']);
    expect(search.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { source_id: string }).source_id).sort()).toEqual(['a', 'b', 'd']);
  }, 60_000);
});

describe('a pull source that sends a value nested 5,000 levels deep', () => {
  it('gets that item dead-lettered (MENTION_TOO_DEEP, named), the others published, the poll not failed', async () => {
    const deep = `${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}`;
    const hit = (id: string, storyTitle: string) =>
      `{"objectID":"${id}","created_at_i":${1793700000 + Number(id)},"author":"someone","_tags":["comment"],"comment_text":"Acme comment ${id}","story_id":1,"story_title":${storyTitle}}`;
    const body = `{"hits":[${hit('3', '"fine"')},${hit('2', deep)},${hit('1', '"fine too"')}],"page":0,"nbPages":1,"hitsPerPage":20,"nbHits":3}`;
    const server = await startServer(() => ({ headers: { 'content-type': 'application/json' }, body }));
    const h = harness();
    try {
      const config = HackerNewsConnectorSchema.parse({ type: 'hackernews', query: 'acme', api_url: `${server.url}/api/v1`, allow_private_networks: true, max_pages: 1 });
      const status = await pollOnce(createConnector(config, { ...h.context }));
      expect(status).toMatchObject({ fetched: 2, rejected: 1 });
      expect(status.lastError).toBeUndefined();
      expect((await h.mentions()).map((m) => [m.sourceId, (m.raw as { storyTitle?: unknown }).storyTitle])).toEqual([
        ['3', 'fine'],
        ['1', 'fine too'],
      ]);
      const letters = await h.deadLetters();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ code: 'MENTION_TOO_DEEP', reason: expect.stringMatching(/^mention "2": raw\.storyTitle(\.a)+: nested more than 32 levels deep/) });
    } finally {
      await server.close();
      await h.close();
    }
  });

  it('inputOf (a rejected item for the dead-letter topic) writes a deep item, cut', () => {
    const text = inputOf({ id: 'x', deep: nested(100_000) }, 50);
    expect(text).toBe(`${`{"id":"x","deep":${'{"a":'.repeat(10)}`.slice(0, 50)}…`);
  });
});
