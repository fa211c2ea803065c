import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMentionFile, type FileLine } from '../../src/connectors/file/read.js';
import { parseJsonLine, parseMentionJson } from '../../src/connectors/file/mention-line.js';
import { parseItems, validateItems } from '../../src/connectors/webhook/body.js';

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
        contentHash: expect.any(String),
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

const reasons = (lines: FileLine[]) => lines.map((l) => [l.line, l.result.ok ? 'ok' : `${l.result.code}: ${l.result.reason}`]);
const line = (o: Record<string, unknown>) => JSON.stringify(o);
const now = '2026-12-01T00:00:00.000Z';

describe('mention file format: hostile input', () => {
  it('keeps number ids beyond 2^53 exactly as written, in files and in webhook bodies', async () => {
    const ids = ['1234567890123456789', '1234567890123456788', '1234567890123456787', '1234567890123456786'];
    const lines = await readAll('big-ids.jsonl', ids.map((id) => `{"source":"twitter","id":${id},"text":"Acme","nested":{"id":9007199254740993}}`).join('\n'));
    expect(lines.map((l) => (l.result.ok ? l.result.mention.sourceId : l.result.reason))).toEqual(ids);
    // Only the id is read exactly; other numbers stay numbers.
    expect(lines[0]?.result).toMatchObject({ ok: true, mention: { raw: { nested: { id: 9007199254740992 } } } });
    const body = parseMentionJson(`{"mentions":[{"id":${ids[0]},"text":"a"},{"id":"x","text":"b"},{"id":${ids[1]},"text":"c"}]}`);
    expect((body as { mentions: { id: unknown }[] }).mentions.map((m) => m.id)).toEqual([ids[0], 'x', ids[1]]);
    expect((parseMentionJson(`[{"id":${ids[2]}}]`) as { id: unknown }[])[0]?.id).toBe(ids[2]);
    expect(parseJsonLine('{"source":"s","id":42,"text":"t"}', now)).toMatchObject({ ok: true, mention: { sourceId: '42' } });
    // The webhook's body goes through the same parse.
    const items = parseItems(Buffer.from(`[{"id":${ids[0]},"text":"Acme"},{"id":${ids[1]},"text":"Acme"}]`));
    expect(validateItems(items, 'twitter', now).mentions.map((m) => m.mention.sourceId)).toEqual([ids[0], ids[1]]);
  });

  it('refuses impossible dates and times instead of moving them', () => {
    const at = (d: string) => parseJsonLine(line({ source: 's', id: '1', text: 't', published_at: d }), now);
    for (const bad of ['2026-02-30', '2026-02-29T10:00:00Z', '2026-04-31', '2026-13-01', '2026-01-01T24:30:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:00+25:00']) {
      expect(at(bad), bad).toMatchObject({ ok: false, code: 'MENTION_INVALID', reason: expect.stringMatching(/^published_at: must be an ISO 8601 date.*is no such day or time$/) });
    }
    expect(at('2024-02-29T23:59:59+02:00')).toMatchObject({ ok: true, mention: { publishedAt: '2024-02-29T21:59:59.000Z' } });
    expect(at('2026-11-03')).toMatchObject({ ok: true, mention: { publishedAt: '2026-11-03T00:00:00.000Z' } });
  });

  it('says what was found where a string is expected, and keeps "required" for what is missing', () => {
    const reason = (o: Record<string, unknown>) => {
      const r = parseJsonLine(line(o), now);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason({ source: 7, id: '1', text: 42 })).toBe('source: must be a string, got a number; text: must be a string, got a number');
    expect(reason({ source: 's', id: '1', text: true, title: ['a'], author: { n: 1 }, url: 3, lang: false })).toBe(
      'text: must be a string, got a boolean; title: must be a string, got an array; author: must be a string, got an object; url: must be a string, got a number; lang: must be a string, got a boolean',
    );
    expect(reason({ source: 's', id: { x: 1 }, text: 't' })).toBe('id: must be a string or a number, got an object');
    expect(reason({ source: 's', id: '1', text: 't', rating: 'five' })).toBe('rating: must be a number of stars, got "five"');
    expect(reason({ source: 's', id: '1', text: 't', rating: true })).toBe('rating: must be a number of stars, got a boolean');
    expect(reason({ id: '1' })).toBe('source: required; text: required');
  });

  it('reads CR-only and mixed line ends as lines, and drops a byte order mark where files were joined', async () => {
    const a = line({ source: 's', id: '1', text: 'one' });
    const b = line({ source: 's', id: '2', text: 'two' });
    const c = line({ source: 's', id: '3', text: 'three' });
    expect(reasons(await readAll('cr.jsonl', `${a}\r${b}\r${c}\r`))).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok']]);
    const mixed = await readAll('mixed.jsonl', `\uFEFF${a}\r\n${b}\n\uFEFF${c}`);
    expect(reasons(mixed)).toEqual([[1, 'ok'], [2, 'ok'], [3, 'ok']]);
    expect(mixed.map((l) => l.endByte)).toEqual([3 + a.length + 2, 3 + a.length + 2 + b.length + 1, 3 + a.length + 2 + b.length + 1 + 3 + c.length]);
    const csv = await readAll('cr.csv', 'source,id,text\rs,1,one\rs,2,two\r');
    expect(reasons(csv)).toEqual([[2, 'ok'], [3, 'ok']]);
  });

  it('refuses a UTF-16 file once, whole, with a clear message (BOM or NUL pattern)', async () => {
    const text = `${line({ source: 's', id: '1', text: 'one' })}\n${line({ source: 's', id: '2', text: 'two' })}\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    await expect(readAll('le.jsonl', le as unknown as string)).rejects.toMatchObject({ code: 'FILE_BAD_ENCODING', message: expect.stringMatching(/le\.jsonl: the file is UTF-16 little-endian .*must be UTF-8.*iconv -f UTF-16LE/) });
    await expect(readAll('le-nobom.csv', Buffer.from('source,id,text\ns,1,one\n', 'utf16le') as unknown as string)).rejects.toMatchObject({ code: 'FILE_BAD_ENCODING', message: expect.stringMatching(/UTF-16 little-endian \(a NUL byte after every other byte\)/) });
    const be = Buffer.from(text, 'utf16le').swap16();
    await expect(readAll('be.jsonl', be as unknown as string)).rejects.toMatchObject({ code: 'FILE_BAD_ENCODING', message: expect.stringMatching(/UTF-16 big-endian/) });
  });

  it('refuses a line holding bytes that are not UTF-8, naming it, and reads the others', async () => {
    const bad = Buffer.concat([Buffer.from('{"source":"s","id":"2","text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const content = Buffer.concat([Buffer.from(`${line({ source: 's', id: '1', text: 'café' })}\n`), bad, Buffer.from(`\n${line({ source: 's', id: '3', text: 'ok' })}\n`)]);
    const lines = await readAll('latin1.jsonl', content as unknown as string);
    expect(reasons(lines)).toEqual([
      [1, 'ok'],
      [2, expect.stringMatching(/^MENTION_BAD_ENCODING: not UTF-8: byte 0xE9 at byte 35 of the line .*never replaced/)],
      [3, 'ok'],
    ]);
    expect(lines[0]?.result).toMatchObject({ ok: true, mention: { text: 'café' } });
    const csv = Buffer.concat([Buffer.from('source,id,text\ns,1,caf'), Buffer.from([0xe9]), Buffer.from('\ns,2,ok\n')]);
    expect(reasons(await readAll('latin1.csv', csv as unknown as string))).toEqual([
      [2, expect.stringMatching(/^MENTION_BAD_ENCODING: not UTF-8: byte 0xE9 at byte 8/)],
      [3, 'ok'],
    ]);
  });

  it('refuses a line over max_line_bytes unread and goes on after it, in JSONL and CSV', async () => {
    const big = line({ source: 's', id: 'big', text: 'x'.repeat(5000) });
    const content = `${line({ source: 's', id: '1', text: 'one' })}\n${big}\n${line({ source: 's', id: '3', text: 'three' })}\n`;
    const lines = await readAll('big.jsonl', content, { maxLineBytes: 1024 });
    expect(reasons(lines)).toEqual([[1, 'ok'], [2, `MENTION_TOO_LARGE: the line is ${big.length} bytes, over max_line_bytes (1024); it was skipped unread`], [3, 'ok']]);
    expect(lines[1]?.input.length).toBeLessThan(300);
    expect(lines[1]?.endByte).toBe(content.indexOf('\n', content.indexOf('big')) + 1);
    const csv = await readAll('big.csv', `source,id,text\ns,1,one\ns,2,${'x'.repeat(5000)}\ns,3,three\n`, { maxLineBytes: 1024 });
    expect(reasons(csv)).toEqual([[2, 'ok'], [3, expect.stringMatching(/^MENTION_TOO_LARGE/)], [4, 'ok']]);
  });

  it('reads a 50 MB line in linear time: refused unread, with the lines around it', async () => {
    const path = join(dir, 'huge.jsonl');
    writeFileSync(path, `${line({ source: 's', id: '1', text: 'one' })}\n{"source":"s","id":"2","text":"${'y'.repeat(50 * 1024 * 1024)}"}\n${line({ source: 's', id: '3', text: 'three' })}\n`);
    const out: FileLine[] = [];
    for await (const l of readMentionFile(path)) out.push(l);
    expect(reasons(out)).toEqual([[1, 'ok'], [2, expect.stringMatching(/^MENTION_TOO_LARGE: the line is 52428833 bytes, over max_line_bytes \(4194304\)/)], [3, 'ok']]);
  });

  it('an unclosed CSV quote is refused at the line where it starts, and the rows it swallowed are kept', async () => {
    const rows = ['source,id,text', 's,1,good one', 's,2,"unclosed quote here', 's,3,after one', 's,4,after two', 's,5,"ok quoted"', 's,6,last', 's,7,"never closed', 's,8,after that'];
    const lines = await readAll('quote.csv', `${rows.join('\n')}\n`);
    expect(reasons(lines)).toEqual([
      [2, 'ok'],
      [3, expect.stringMatching(/^MENTION_INVALID: bad CSV: a quote opened on this line is not closed .*reading goes on at line 4$/)],
      [4, 'ok'],
      [5, 'ok'],
      [6, 'ok'],
      [7, 'ok'],
      [8, expect.stringMatching(/^MENTION_INVALID: bad CSV: a quote opened on this line is not closed/)],
      [9, 'ok'],
    ]);
    expect(lines.filter((l) => l.result.ok).map((l) => (l.result.ok ? `${l.result.mention.sourceId}:${l.result.mention.text}` : ''))).toEqual([
      '1:good one', '3:after one', '4:after two', '5:ok quoted', '6:last', '8:after that',
    ]);
    // A header that cannot be read: no row can be, and the rejection says how many were skipped.
    expect(reasons(await readAll('bad-header.csv', 'source,"id,text\ns,1,a\ns,2,b\n'))).toEqual([
      [1, expect.stringMatching(/^MENTION_INVALID: bad CSV: a quote opened on this line is not closed/)],
      [2, 'MENTION_INVALID: bad CSV: reading could not resume after the unclosed quote of line 1; 2 rows were skipped'],
    ]);
  });
});
