// Embedded mode under kill -9: `ecoute run` (a real child process) with the file connector and the
// webhook active is killed with SIGKILL five times at random points while mentions pour in through
// both, then started again. The oracle: every mention the webhook answered 202 for and every good
// line of the file is in the store exactly once, every bad line is on the dead-letter topic exactly
// once (as `ecoute dlq list` shows it), nothing appears that nobody sent, and a fresh mention flows
// after the last restart.
import { once } from 'node:events';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { mentionLines, workspace, type Workspace } from '../helpers/cli.js';

const SECRET = 'kill-test-webhook-secret-0123456789';
const KILLS = 5;

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
}

async function start(ws: Workspace): Promise<Running> {
  const child = ws.spawn(['run']);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!(url = /HTTP server listening on (\S+);/.exec(stderr)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`ecoute run did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url, stderr: () => stderr, stdout: () => stdout };
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** A bad line for every tenth: not JSON, so the file connector dead-letters it. */
function feedLines(from: number, n: number): { text: string; good: string[]; bad: number } {
  const good: string[] = [];
  let bad = 0;
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    if (i % 10 === 9) {
      lines.push(`{not json ${i}`);
      bad++;
    } else {
      lines.push(mentionLines(1, i).trim());
      good.push(`m${i}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, good, bad };
}

describe('embedded ecoute run killed with -9 five times (file connector + webhook)', () => {
  it('keeps every acknowledged mention and every file line exactly once, and a fresh mention flows after recovery', async () => {
    const ws = workspace();
    const feed = join(ws.dir, 'feed.jsonl');
    const secretFile = join(ws.dir, 'crm.secret');
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    writeFileSync(feed, '');
    writeFileSync(
      ws.config,
      `data_dir: ${join(ws.dir, 'data')}
http: { host: 127.0.0.1, port: 0 }
brands: [{ id: acme, name: Acme, query: acme }]
connectors:
  - { type: file, path: ${feed}, interval_ms: 50 }
  - { type: webhook, source: crm, secret_file: ${secretFile} }
`,
    );
    const fileGood = new Set<string>();
    let fileBad = 0;
    let nextLine = 0;
    const acked = new Set<string>();
    const attempted = new Set<string>();
    let nextHook = 0;
    const statuses: Record<number, number> = {};
    const t0 = Date.now();

    const post = async (url: string, ids: string[]): Promise<number> => {
      const body = JSON.stringify(ids.map((id) => ({ id, text: `Acme webhook ${id}: the refund never came`, published_at: '2026-11-20T10:00:00Z' })));
      const response = await fetch(`${url}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body });
      await response.arrayBuffer();
      return response.status;
    };

    for (let round = 0; round < KILLS; round++) {
      const run = await start(ws);
      let stop = false;
      // Mentions keep coming through both doors until the kill.
      const webhook = (async () => {
        while (!stop) {
          const ids = Array.from({ length: 10 }, () => `w${nextHook++}`);
          ids.forEach((id) => attempted.add(id));
          try {
            const status = await post(run.url, ids);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status === 202) ids.forEach((id) => acked.add(id));
          } catch {
            // the process died during the request: not acknowledged, may or may not be stored
          }
        }
      })();
      const file = (async () => {
        while (!stop) {
          const chunk = feedLines(nextLine, 20);
          nextLine += 20;
          appendFileSync(feed, chunk.text);
          chunk.good.forEach((id) => fileGood.add(id));
          fileBad += chunk.bad;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      // A random point once mentions flow: after the round's first acknowledged request, while the
      // file's lines and the webhook's requests are being written, analyzed and indexed.
      const ackedBefore = acked.size;
      const flowing = Date.now() + 60_000;
      while (acked.size === ackedBefore) {
        if (run.child.exitCode !== null || Date.now() > flowing) throw new Error(`no webhook request acknowledged in round ${round}:\n${run.stderr()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 2000)));
      await killHard(run.child);
      console.log(`round ${round}: killed at ${Date.now() - t0} ms, ${JSON.stringify(statuses)}`);
      stop = true;
      await Promise.all([webhook, file]);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
    }

    // The last start: it catches up (the summary), then a fresh mention flows through.
    const last = await start(ws);
    try {
      const deadline = Date.now() + 120_000;
      while (!last.stdout().includes('try:')) {
        if (last.child.exitCode !== null || Date.now() > deadline) throw new Error(`no summary after the last restart:\n${last.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await post(last.url, ['fresh-1'])).toBe(202);
      acked.add('fresh-1');
      attempted.add('fresh-1');
      const ids = (): string[] =>
        ws
          .run(['search', '', '--duplicates', 'include', '--json', '--limit', 'all'])
          .stdout.trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { source: string; source_id: string }))
          .map((h) => h.source_id);
      let stored = ids();
      const until = Date.now() + 60_000;
      while (!stored.includes('fresh-1') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        stored = ids();
      }
      expect(stored).toContain('fresh-1');
      // Exactly once: no id twice.
      expect(stored.length).toBe(new Set(stored).size);
      const storedSet = new Set(stored);
      const lostFile = [...fileGood].filter((id) => !storedSet.has(id));
      const lostHook = [...acked].filter((id) => !storedSet.has(id));
      expect({ lostFile, lostHook }).toEqual({ lostFile: [], lostHook: [] });
      // Nothing nobody sent (unacknowledged webhook requests may or may not have been kept).
      const unknown = stored.filter((id) => !fileGood.has(id) && !attempted.has(id));
      expect(unknown).toEqual([]);
      expect(acked.size).toBeGreaterThanOrEqual(KILLS * 10);
      expect(fileGood.size).toBeGreaterThanOrEqual(KILLS * 18);
      // The file's bad lines: each one dead letter, as `ecoute dlq list` shows them.
      const listed = ws.run(['dlq', 'list', '--json']);
      expect(listed.code).toBe(0);
      const letters = listed.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { origin: { file?: string; line?: number }; code: string; copies: number });
      const lines = letters.map((l) => `${l.origin.file}:${l.origin.line}`);
      expect(lines.length).toBe(new Set(lines).size);
      expect(letters.length).toBe(fileBad);
      expect(letters.every((l) => l.code === 'MENTION_BAD_JSON')).toBe(true);
      console.log(JSON.stringify({ test: 'embedded-kill', kills: KILLS, file_lines: fileGood.size + fileBad, webhook_acked: acked.size, webhook_unacked_stored: stored.filter((id) => attempted.has(id) && !acked.has(id)).length, dead_letters: letters.length, dead_letters_written_twice: letters.filter((l) => l.copies > 1).length }));
    } finally {
      if (last.child.exitCode === null) {
        last.child.kill('SIGINT');
        const [code] = await once(last.child, 'exit');
        expect(code).toBe(0);
      }
    }
  }, 280_000);
});
