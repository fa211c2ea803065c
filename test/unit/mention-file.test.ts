import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMentionFile, type FileLine } from '../../src/connectors/file/read.js';

const dir = mkdtempSync(join(tmpdir(), 'ecoute-file-'));

async function readAll(name: string, content: string, options = {}): Promise<FileLine[]> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const out: FileLine[] = [];
  for await (const line of readMentionFile(path, options)) out.push(line);
  return out;
}

describe('mention file format', () => {
  it('reads JSONL into raw mentions, normalizing rating and dates', async () => {
    const [line] = await readAll(
      'a.jsonl',
      `${JSON.stringify({ source: 'trustpilot', id: 42, text: 'Great', author: 'marie', rating: 5, published_at: '2026-11-03T10:00:00+01:00', lang: 'FR', extra: 1 })}\n`,
    );
    expect(line?.result).toEqual({
      ok: true,
      mention: {
        source: 'trustpilot',
        sourceId: '42',
        text: 'Great',
        author: { id: 'marie', name: 'marie' },
        publishedAt: '2026-11-03T09:00:00.000Z',
        rating: 1,
        lang: 'fr',
        raw: { extra: 1 },
      },
    });
  });

  it('gives each bad line its line number and a reason naming what was wrong', async () => {
    const lines = await readAll(
      'b.jsonl',
      [
        '{"source":"x","id":"1","text":"good"}',
        '{not json',
        '{"source":"x","id":"2"}',
        '',
        '{"source":"x","id":"3","text":"t","published_at":"yesterday"}',
        '{"source":"x","id":"4","text":"t","rating":9}',
        '{"source":"x","id":"5","text":"   "}',
        '[1,2]',
        '{"source":"x","id":"6","text":"good too"}',
      ].join('\n'),
    );
    const bad = lines.filter((l) => !l.result.ok).map((l) => [l.line, l.result.ok ? '' : l.result.reason]);
    expect(bad).toEqual([
      [2, expect.stringMatching(/^not JSON/)],
      [3, 'text: required'],
      [5, expect.stringMatching(/^published_at: must be an ISO 8601 date/)],
      [6, 'rating: must be 1 to 5 stars'],
      [7, 'text: must not be empty'],
      [8, 'a line must be a JSON object'],
    ]);
    expect(lines.filter((l) => l.result.ok).map((l) => l.line)).toEqual([1, 9]);
  });

  it('reads CSV with the same column names, quoted newlines included', async () => {
    const lines = await readAll('c.csv', 'source,id,text,rating,published_at\nappstore,1,"Nice, ""really""\nnice",4,2026-11-01\nappstore,2,,3,\nappstore,3,ok,x,\n');
    expect(lines[0]?.result).toMatchObject({ ok: true, mention: { sourceId: '1', text: 'Nice, "really"\nnice', rating: 0.75, publishedAt: '2026-11-01T00:00:00.000Z' } });
    expect(lines[1]?.result).toMatchObject({ ok: false, reason: 'text: must not be empty' });
    expect(lines[2]?.result).toMatchObject({ ok: false, reason: expect.stringContaining('rating') });
  });

  it('reports a CSV row with the wrong number of columns and goes on', async () => {
    const lines = await readAll('d.csv', 'source,id,text\ns,1,one\ns,2,two,extra\ns,3,three\n');
    expect(lines.map((l) => [l.line, l.result.ok])).toEqual([
      [2, true],
      [3, false],
      [4, true],
    ]);
  });

  it('resumes JSONL at a byte offset and leaves a half-written last line when following', async () => {
    const content = '{"source":"s","id":"1","text":"a"}\n{"source":"s","id":"2","text":"b"}\n{"source":"s","id":"3","te';
    const all = await readAll('e.jsonl', content, { follow: true });
    expect(all.map((l) => l.line)).toEqual([1, 2]);
    const resumed = await readAll('e.jsonl', content, { afterLine: 1, startByte: all[0]!.endByte, follow: true });
    expect(resumed.map((l) => [l.line, l.result.ok])).toEqual([[2, true]]);
  });
});
