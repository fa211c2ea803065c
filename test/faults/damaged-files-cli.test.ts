// Moved to test/faults/ for issue 14 (the reliability list); unchanged otherwise.
// Damaged data files through the real CLI: a start on an emptied, cut or missing file is refused
// (exit 1) with a message naming the file and what to do, instead of starting empty and silently
// losing what it held; --reset-<file> starts it empty on purpose.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { mentionLines, ROOT, workspace, type Workspace } from '../helpers/cli.js';

const SECRET = 'damaged-files-test-secret-0123456789';

/** `ecoute run` expected to refuse at start: bounded, so a start that is not refused fails instead of hanging. */
function refusedRun(ws: Workspace): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/ecoute.js'), 'run'], {
    cwd: ws.dir,
    env: { ...process.env, ECOUTE_CONFIG: ws.config, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stderr: result.stderr };
}

async function runUntilSummary(ws: Workspace, args: string[] = ['run']) {
  const child = ws.spawn(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('try:')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`run did not print its summary: ${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe('damaged data files (embedded, CLI)', () => {
  it('an emptied bus.sqlite is refused by ingest and run, naming the file and --reset-bus; the flag starts it empty', () => {
    const ws = workspace();
    const file = join(ws.dir, 'm.jsonl');
    writeFileSync(file, mentionLines(500));
    expect(ws.run(['ingest', file, '--no-progress']).code).toBe(0);
    const bus = join(ws.dir, 'data', 'bus.sqlite');
    truncateSync(bus, 0);
    const refused = ws.run(['ingest', file, '--no-progress']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`data file ${bus}: is empty (0 bytes)`);
    expect(refused.stderr).toContain('--reset-bus');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const run = refusedRun(ws);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`data file ${bus}: is empty`);
    const reset = ws.run(['ingest', file, '--no-progress', '--reset-bus']);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toMatch(/--reset-bus: .*bus\.sqlite set aside as .*bus\.sqlite\.set-aside-/);
    expect(reset.stdout).toContain('0 new, 0 updated, 500 duplicates');
    // Five commands in a row: a minute is not enough on a loaded machine.
  }, 180_000);

  it('a store write-ahead log cut in half after a crash is refused, not read as 500 fewer mentions', async () => {
    const ws = workspace();
    const feed = join(ws.dir, 'feed.jsonl');
    writeFileSync(feed, mentionLines(500));
    writeFileSync(ws.config, `data_dir: ${join(ws.dir, 'data')}\nbrands: [{ id: acme, name: Acme, query: acme }]\nconnectors: [{ type: file, path: ${feed}, interval_ms: 100 }]\n`);
    const first = await runUntilSummary(ws);
    expect(first.stdout()).toContain('indexed 500 mentions');
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const wal = join(ws.dir, 'data', 'store.sqlite-wal');
    expect(existsSync(wal)).toBe(true);
    truncateSync(wal, Math.floor(statSync(wal).size / 2));
    const again = refusedRun(ws);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${wal} ends in the middle of a page`);
    expect(again.stderr).toContain('--reset-store');
  }, 180_000);

  it('the replay guard fails closed: an emptied webhook-signatures.sqlite stops ecoute run instead of accepting an old request again', async () => {
    const ws = workspace();
    const secretFile = join(ws.dir, 'crm.secret');
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    writeFileSync(
      ws.config,
      `data_dir: ${join(ws.dir, 'data')}\nhttp: { host: 127.0.0.1, port: 0 }\nbrands: [{ id: acme, name: Acme, query: acme }]\nconnectors: [{ type: webhook, source: crm, secret_file: ${secretFile} }]\n`,
    );
    const first = await runUntilSummary(ws);
    const url = /HTTP server listening on (\S+);/.exec(first.stderr())?.[1];
    const body = JSON.stringify([{ id: 'w1', text: 'Acme refund please', published_at: '2026-11-20T10:00:00Z' }]);
    const headers = { 'content-type': 'application/json', ...signRequest(SECRET, body) };
    expect((await fetch(`${url}/ingest/crm`, { method: 'POST', headers, body })).status).toBe(202);
    expect((await fetch(`${url}/ingest/crm`, { method: 'POST', headers, body })).status).toBe(401);
    first.child.kill('SIGINT');
    expect((await once(first.child, 'exit'))[0]).toBe(0);
    const guard = join(ws.dir, 'data', 'webhook-signatures.sqlite');
    truncateSync(guard, 0);
    const again = refusedRun(ws);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`data file ${guard}: is empty`);
    expect(again.stderr).toContain('--reset-replay-guard');
  }, 180_000);
});
