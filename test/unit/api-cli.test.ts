// `ecoute export` (CSV/JSONL over more than one store page, to stdout or a file) and `ecoute serve`
// (the API alone, printing the dashboard URL with the token it made), run as the built command.
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { mentionLines, workspace, type Workspace } from '../helpers/cli.js';
import { makeMention } from '../helpers/mentions.js';

let ws: Workspace;

beforeAll(async () => {
  ws = workspace();
  mkdirSync(join(ws.dir, 'data'));
  const store = new EmbeddedMentionStore({ file: join(ws.dir, 'data', 'store.sqlite') });
  await store.ensureSchema();
  // More than one page of the store (1000), so the export follows cursors.
  const mentions = Array.from({ length: 1205 }, (_, i) =>
    makeMention({ id: `x${i}`, text: i === 7 ? '-1 star, @everyone avoid acme' : `acme mention ${i}`, brands: ['acme'], publishedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() }),
  );
  await store.upsert(mentions);
  await store.close();
});

afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

describe('ecoute export', () => {
  it('writes every matching mention as CSV to stdout, formula cells neutralized', () => {
    const r = ws.run(['export', 'acme', '--brand', 'acme']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(1206);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(1205);
    expect(lines.find((l) => l.startsWith('x7,'))).toContain(`,"'-1 star, @everyone avoid acme",`);
  });
  it('JSON lines to a file', () => {
    const out = join(ws.dir, 'out.jsonl');
    const r = ws.run(['export', '--format', 'jsonl', '-o', out, '--from', '2026-11-01T00:10:00Z', '--to', '2026-11-01T00:20:00Z']);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.id)).toEqual(Array.from({ length: 10 }, (_, i) => `x${19 - i}`));
  });
  it('bad options are usage errors naming the option', () => {
    const r = ws.run(['export', '--format', 'xlsx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format: must be csv or jsonl, got "xlsx"');
    const q = ws.run(['export', 'acme AND (']);
    expect(q.code).toBe(2);
    expect(q.stderr).toContain('[QUERY_SYNTAX]');
    const b = ws.run(['export', '--brand', 'initech']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('no brand "initech"');
  });
});

describe('ecoute serve', () => {
  it('serves the API alone and prints the dashboard URL with the token it made', async () => {
    const child = ws.spawn(['serve', '--port', '0']);
    try {
      let out = '';
      child.stdout!.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: string) => {
          out += chunk;
          const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(out);
          if (m) resolve(`${m[1]}|${m[2]}`);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const [base, token] = url.split('|') as [string, string];
      expect(decodeURIComponent(token)).toBe(readFileSync(join(ws.dir, 'data', 'api-token'), 'utf8').trim());
      const noToken = await fetch(`${base}/api/brands`);
      expect(noToken.status).toBe(401);
      const res = await fetch(`${base}/api/mentions?q=acme&limit=1`, { headers: { authorization: `Bearer ${decodeURIComponent(token)}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { total: number }).total).toBe(1205);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

describe('ecoute run', () => {
  it('opens the API and prints the dashboard URL with its token after the summary', async () => {
    const run = workspace();
    try {
      const feed = join(run.dir, 'feed.jsonl');
      writeFileSync(feed, mentionLines(20));
      writeFileSync(run.config, `data_dir: ${join(run.dir, 'data')}\nbrands: [{ id: acme, name: Acme, query: acme }]\nconnectors: [{ type: file, path: ${feed} }]\n`);
      const child = run.spawn(['run']);
      try {
        let out = '';
        child.stdout!.setEncoding('utf8');
        const [base, token] = await new Promise<[string, string]>((resolve, reject) => {
          child.stdout!.on('data', (chunk: string) => {
            out += chunk;
            const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)\n/.exec(out);
            if (m) resolve([m[1]!, decodeURIComponent(m[2]!)]);
          });
          child.once('exit', (code) => reject(new Error(`run exited ${code}: ${out}`)));
        });
        expect(out.indexOf('indexed 20 mentions')).toBeLessThan(out.indexOf('dashboard: '));
        expect(statSync(join(run.dir, 'data', 'api-token')).mode & 0o777).toBe(0o600);
        const res = await fetch(`${base}/api/mentions?q=acme&limit=1`, { headers: { authorization: `Bearer ${token}` } });
        expect(((await res.json()) as { total: number }).total).toBe(20);
      } finally {
        child.kill('SIGINT');
        await once(child, 'exit');
      }
    } finally {
      rmSync(run.dir, { recursive: true, force: true });
    }
  });
});
