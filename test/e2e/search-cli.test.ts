// `ecoute search` through the real CLI (embedded store): hostile text cannot drive the terminal,
// and --json goes past one page of 1,000 hits, up to every hit with --limit all.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mentionLines, workspace, type Workspace } from '../helpers/cli.js';

const TOTAL = 2_345;

describe('ecoute search output', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace();
    const file = join(ws.dir, 'mentions.jsonl');
    const hostile = [
      { source: 'forum\u001b[2J', id: 'h1', text: 'Acme \u001b[31mred\u001b[0m \u001b]0;owned\u0007 alert\u009b6n', published_at: '2027-01-02T10:00:00Z' },
      { source: 'forum', id: 'h2', title: 'Acme invoice\u202Egpj.exe', text: 'Acme says \u2066hidden\u2069 \u200bthings\u00ad', published_at: '2027-01-01T10:00:00Z' },
    ].map((m) => JSON.stringify(m));
    writeFileSync(file, `${hostile.join('\n')}\n${mentionLines(TOTAL)}`);
    const ingest = ws.run(['ingest', file]);
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stdout).toContain(`${TOTAL + 2} new`);
  }, 120_000);

  it('shows control characters and bidi controls of mention text as visible escapes', () => {
    const out = ws.run(['search', 'alert OR hidden']);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\u00ad]/);
    expect(out.stdout).toContain('forum\\x1b[2J');
    expect(out.stdout).toContain('Acme \\x1b[31mred\\x1b[0m \\x1b]0;owned\\x07 alert\\x9b6n');
    expect(out.stdout).toContain('Acme invoice\\u202egpj.exe: Acme says \\u2066hidden\\u2069 \\u200bthings\\xad');
    // JSON stays JSON: same values once parsed, no raw bidi or C1 control on the line.
    const json = ws.run(['search', 'alert OR hidden', '--json']);
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}]/u);
    const hits = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(hits).toHaveLength(2);
    expect(hits.find((h) => h.source_id === 'h1').text).toBe('Acme \u001b[31mred\u001b[0m \u001b]0;owned\u0007 alert\u009b6n');
    expect(hits.find((h) => h.source_id === 'h2').title).toBe('Acme invoice\u202Egpj.exe');
  });

  it('accepts the whole query language: wildcards, proximity, fields; a bad query names its column', () => {
    const ids = (query: string): string[] => {
      const out = ws.run(['search', query, '--json', '--limit', 'all']);
      expect(out.code, out.stderr).toBe(0);
      return out.stdout.trim() === '' ? [] : out.stdout.trim().split('\n').map((l) => JSON.parse(l).source_id as string);
    };
    expect(ids('invoi*')).toEqual(['h2']);
    expect(ids('acme ONEAR/0 says')).toEqual(['h2']);
    expect(ids('says ONEAR/3 acme')).toEqual([]);
    expect(ids('says NEAR/0 acme date:2027-01-01 source:forum')).toEqual(['h2']);
    const bad = ws.run(['search', 'acme NEAR/x says']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/NEAR\/ needs a number \(NEAR\/3\) at column 6/);
    expect(ws.run(['search', 'li*']).stderr).toMatch(/at least 3 letters before "\*".*at column 1/);
  });

  it('--json --limit all streams every hit, each once; --limit beyond 1000 pages through the store', () => {
    const all = ws.run(['search', 'delivery OR livraison', '--json', '--limit', 'all']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toBe('');
    const ids = all.stdout.trim().split('\n').map((l) => JSON.parse(l).source_id as string);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);

    const first = ws.run(['search', 'delivery OR livraison', '--json', '--limit', '1500']);
    expect(first.code).toBe(0);
    const firstIds = first.stdout.trim().split('\n').map((l) => JSON.parse(l).source_id as string);
    expect(firstIds).toEqual(ids.slice(0, 1500));
    const cursor = /add --cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor, first.stderr).toBeDefined();
    const rest = ws.run(['search', 'delivery OR livraison', '--json', '--limit', 'all', '--cursor', cursor!]);
    expect(rest.stdout.trim().split('\n').map((l) => JSON.parse(l).source_id)).toEqual(ids.slice(1500));
  });

  it('--json --limit all into a reader that stops early (| head) ends quietly, exit 0', async () => {
    const child = ws.spawn(['search', 'delivery OR livraison', '--json', '--limit', 'all']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    const [first] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(JSON.parse(first.toString().split('\n')[0]!)).toHaveProperty('source_id');
    child.stdout!.destroy();
    const [code] = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('without --json: one page, with the cursor and how to go on', () => {
    const page = ws.run(['search', 'delivery OR livraison', '--limit', '1000']);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain(`${TOTAL} mentions match; showing 1000`);
    const cursor = /more: --cursor (\S+) \(same query and options\) gives the next page; --json --limit all gives every hit/.exec(page.stdout)?.[1];
    expect(cursor).toBeDefined();
    const next = ws.run(['search', 'delivery OR livraison', '--limit', '1000', '--cursor', cursor!]);
    expect(next.stdout.trim().split('\n')).toHaveLength(1 + 1000 + 1);
    const tooMany = ws.run(['search', 'acme', '--limit', 'all']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--limit: must be a whole number from 1 to 1000, got "all" (with --json, --limit has no upper bound and --limit all gives every hit)');
    expect(ws.run(['search', 'acme', '--json', '--limit', '0']).stderr).toContain('--limit: must be a whole number of at least 1, or all, got "0"');
  });
});
