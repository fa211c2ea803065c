// The walking skeleton end to end, through the real CLI and the embedded SQLite bus and store.
import { once } from 'node:events';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { mentionLines, workspace } from '../helpers/cli.js';

const BAD_AND_GOOD = [
  JSON.stringify({ source: 'trustpilot', id: 'r1', text: 'Acme Barista 2: the best coffee machine I ever had!', rating: 5, published_at: '2026-11-02T09:00:00Z', author: 'ann' }),
  '{"source": "trustpilot", "id": "r2", "text": "broken json',
  JSON.stringify({ source: 'trustpilot', id: 'r3', rating: 1 }),
  JSON.stringify({ source: 'reddit', id: 'c1', text: 'Ma livraison Acme est arrivée avec deux semaines de retard.', published_at: 'yesterday' }),
  JSON.stringify({ source: 'reddit', id: 'c2', text: 'Mes livraisons Acme arrivent toujours en retard, service client nul.', published_at: '2026-11-08T18:30:00Z', author: 'jules' }),
  JSON.stringify({ source: 'rss', id: 'n1', title: 'Globex cuts prices', text: 'Globex announced lower prices on its espresso machines.', published_at: '2026-11-05T07:00:00Z' }),
].join('\n');

describe('ecoute ingest and search (embedded)', () => {
  it('ingests good lines, rejects each bad one with its line and reason, and finds them by search', () => {
    const ws = workspace();
    const file = join(ws.dir, 'mentions.jsonl');
    writeFileSync(file, `${BAD_AND_GOOD}\n`);
    const first = ws.run(['ingest', file]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('ingested 6 lines from 1 file: 3 new, 0 updated, 0 duplicates, 3 rejected');
    expect(first.stdout).toMatch(/line 2: not JSON/);
    expect(first.stdout).toMatch(/line 3: text: required/);
    expect(first.stdout).toMatch(/line 4: published_at: must be an ISO 8601 date/);

    const search = ws.run(['search', 'livraison', '--json']);
    expect(search.code).toBe(0);
    const hits = search.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: 'reddit', source_id: 'c2', lang: 'fr', brands: ['acme'], published_at: '2026-11-08T18:30:00.000Z' });
    expect(hits[0].sentiment.label).toBe('negative');
    expect(Object.keys(hits[0]).sort()).toEqual(['brands', 'id', 'lang', 'published_at', 'sentiment', 'source', 'source_id', 'text']);

    const brand = ws.run(['search', 'prices OR coffee', '--brand', 'globex', '--json']);
    expect(brand.stdout.trim().split('\n').map((l) => JSON.parse(l).source_id)).toEqual(['n1']);

    const again = ws.run(['ingest', file]);
    expect(again.stdout).toContain('0 new, 0 updated, 3 duplicates, 3 rejected');
    expect(ws.run(['search', 'acme OR globex', '--json']).stdout.trim().split('\n')).toHaveLength(3);
  });

  it('counts repeated ids exactly: a same-content repeat is a duplicate, a changed one an update (last write wins), in one run and across runs', () => {
    const ws = workspace();
    const m = (id: string | number, text: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ source: 'tweets', id, text, published_at: '2026-11-02T09:00:00Z', ...extra });
    const big = ['1234567890123456789', '1234567890123456788', '1234567890123456787', '1234567890123456786'];
    const first = join(ws.dir, 'first.jsonl');
    writeFileSync(
      first,
      Buffer.concat([
        Buffer.from(
          [
            m('a', 'Acme first take'),
            m('b', 'Acme original wording'),
            m('a', 'Acme first take'), // the same again: a duplicate
            m('c', 'Acme undated', { published_at: undefined }),
            m('b', 'Acme changed wording'), // changed: an update
            m('c', 'Acme undated', { published_at: undefined }), // the time of ingestion is not content
            ...big.map((id) => m('BIG', `Acme tweet ${id}`).replace('"BIG"', id)),
            m('d', 'Acme on a day that does not exist', { published_at: '2026-02-30' }),
            m('e', 'x'.repeat(3000)),
            '',
          ].join('\n'),
        ),
        Buffer.from('{"source":"tweets","id":"f","text":"Acme caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    const one = ws.run(['ingest', first, '--max-line-bytes', '2048', '--no-progress']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('ingested 13 lines from 1 file: 7 new, 1 updated, 2 duplicates, 3 rejected');
    expect(one.stdout).toMatch(/first\.jsonl line 11: published_at: must be an ISO 8601 date.*2026-02-30 is no such day or time/);
    expect(one.stdout).toMatch(/first\.jsonl line 12: the line is 30\d\d bytes, over max_line_bytes \(2048\)/);
    expect(one.stdout).toMatch(/first\.jsonl line 13: not UTF-8: byte 0xE9/);
    const ids = () => ws.run(['search', 'acme', '--json', '--limit', '100']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { source_id: string; text: string });
    expect(ids().map((h) => h.source_id).sort()).toEqual([...big, 'a', 'b', 'c'].sort());
    expect(ids().find((h) => h.source_id === 'b')?.text).toBe('Acme changed wording');

    const second = join(ws.dir, 'second.jsonl');
    writeFileSync(second, [m('a', 'Acme first take'), m('b', 'Acme third wording'), m('g', 'Acme new one'), m(big[0]!, `Acme tweet ${big[0]}`)].join('\n'));
    const two = ws.run(['ingest', second, '--no-progress']);
    expect(two.stdout).toContain('ingested 4 lines from 1 file: 1 new, 1 updated, 2 duplicates, 0 rejected');
    expect(ids().find((h) => h.source_id === 'b')?.text).toBe('Acme third wording');
    expect(ids()).toHaveLength(8);
  });

  it('refuses a UTF-16 file once, before ingesting anything', () => {
    const ws = workspace();
    const file = join(ws.dir, 'utf16.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${JSON.stringify({ source: 's', id: '1', text: 'Acme' })}\n`, 'utf16le')]));
    const out = ws.run(['ingest', file, '--no-progress']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/utf16\.jsonl: the file is UTF-16 little-endian .*mention files must be UTF-8/);
    expect(out.stderr).not.toContain('\u0000');
    expect(out.stdout).toBe('');
  });

  it('reads CSV files with the same columns', () => {
    const ws = workspace();
    const file = join(ws.dir, 'reviews.csv');
    writeFileSync(file, 'source,id,text,rating,published_at,author\nappstore,1,"Acme app keeps crashing, useless",1,2026-11-09T10:00:00Z,bob\nappstore,2,"Super appli Acme, très pratique",5,2026-11-10T10:00:00Z,eve\n');
    const out = ws.run(['ingest', file]);
    expect(out.stdout).toContain('2 new');
    const hits = ws.run(['search', 'acme', '--sort', 'newest', '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(hits.map((h) => h.source_id)).toEqual(['2', '1']);
  });

  it('exit codes: 2 with a clear message for bad usage and bad config, 1 for runtime failures', () => {
    const ws = workspace();
    const badQuery = ws.run(['search', 'acme AND (']);
    expect(badQuery.code).toBe(2);
    expect(badQuery.stderr).toMatch(/^ecoute: /);
    expect(ws.run(['search', 'acme', '--limit', '0']).stderr).toContain('--limit: must be a whole number from 1 to 1000');
    expect(ws.run(['search', 'acme', '--from', 'last week']).code).toBe(2);
    expect(ws.run(['ingest', join(ws.dir, 'missing.jsonl')]).stderr).toContain('no such file');
    expect(ws.run(['frobnicate']).code).toBe(2);
    writeFileSync(ws.config, 'bus: { type: pigeon }\nbrands: [{ id: x }]\n');
    const badConfig = ws.run(['config', 'validate']);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/bus\.type: must be one of "embedded"/);
    expect(badConfig.stderr).toContain('brands[0].name: required');
    expect(ws.run(['search', 'x', '-c', join(ws.dir, 'nope.yaml')]).stderr).toContain('config file not found');
  });

  it('analyze: one JSON line out per line in, in order, errors inline, nothing else on stdout', () => {
    const ws = workspace();
    const input = ['{"text": "I love it, great service!"}', 'not json', '{"text": "Le colis n\'est jamais arrivé, service client nul.", "lang": "fr"}', '{"lang": "en"}', '{"text": ""}'].join('\n');
    const out = ws.run(['analyze'], input);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ lang: 'en', sentiment: { label: 'positive' } });
    expect(lines[0].terms).toHaveProperty('service');
    expect(lines[1].error).toMatch(/^not JSON/);
    expect(lines[1]).toMatchObject({ code: 'MENTION_BAD_JSON', line: 2 });
    expect(lines[3]).toMatchObject({ code: 'MENTION_INVALID', line: 4 });
    expect(lines[2]).toMatchObject({ lang: 'fr', sentiment: { label: 'negative' } });
    expect(lines[3].error).toBe('text: required, a string');
    expect(lines[4]).toHaveProperty('sentiment');
  });

  it('kill -9 of ingest halfway through 10,000 lines, then again: exactly 10,000 documents', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'big.jsonl');
    writeFileSync(file, mentionLines(10_000));
    const child = ws.spawn(['ingest', file, '--no-progress']);
    const bus = new EmbeddedBus({ file: join(ws.dir, 'data/bus.sqlite') });
    // Kill once part of the file is on the bus and part is indexed, but not all of it.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const raw = (await bus.endOffsets('mentions.raw'))[0] ?? 0;
      const indexed = (await bus.committedOffsets('mentions.analyzed', 'ecoute-index'))[0] ?? 0;
      if (raw >= 3000 && indexed > 0) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error('ingest ended before it could be killed halfway');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    await bus.close();
    const store = new EmbeddedMentionStore({ file: join(ws.dir, 'data/store.sqlite') });
    await store.ensureSchema();
    const partial = await store.count();
    expect(partial).toBeLessThan(10_000);

    const again = ws.run(['ingest', file, '--no-progress']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/ingested 10000 lines/);
    expect(await store.count()).toBe(10_000);
    expect(await store.count({ query: 'livraison' })).toBe(4000);
    await store.close();
  });

  it('ecoute run: indexes its file connector, prints a summary, drains on SIGINT, and a second run adds nothing', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'feed.jsonl');
    writeFileSync(file, mentionLines(300));
    writeFileSync(
      ws.config,
      `data_dir: ${join(ws.dir, 'data')}
brands: [{ id: acme, name: Acme, query: acme }]
connectors: [{ type: file, path: ${file}, interval_ms: 200 }]
`,
    );
    const runOnce = async (expectIndexed: number) => {
      const child = ws.spawn(['run']);
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('try:')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`run did not print its summary: ${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(stdout).toContain(`indexed ${expectIndexed} mentions`);
      expect(stdout).toContain('npx ecoute search');
      return { child, output: () => stdout };
    };
    const first = await runOnce(300);
    // A line appended while it runs is picked up by the connector.
    writeFileSync(file, mentionLines(1, 300), { flag: 'a' });
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGINT');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);
    await runOnce(301).then(async ({ child }) => {
      child.kill('SIGTERM');
      expect((await once(child, 'exit'))[0]).toBe(0);
    });
  });
});
