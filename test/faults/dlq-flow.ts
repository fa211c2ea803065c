// The dead-letter replay scenario, run on each bus (dlq-embedded.test.ts, dlq-kafka.test.ts):
// `ecoute run` with a file connector reads a file holding good lines and three bad ones; an
// unreadable record is put on mentions.raw; then, through the real CLI, `ecoute dlq list` shows
// each dead letter with its stage, code, origin, time and id, with filters; a line fixed in the
// file is replayed and becomes searchable; a second replay is refused and sends nothing; a
// truncated letter is refused; a stage's input goes back to that stage's topic; `drop` removes.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openBus } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { main } from '../../src/cli/main.js';
import type { Workspace } from '../helpers/cli.js';

/**
 * The real `ecoute` command run in this process (its modules load once: a fresh node per command
 * costs seconds on a loaded machine, and the scenario runs thirty of them); stdout and stderr are
 * captured. `ecoute run` itself is a child process.
 */
let queue: Promise<unknown> = Promise.resolve();
export function cli(config: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const task = queue.then(async () => {
    let stdout = '';
    let stderr = '';
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
    try {
      const code = await main(['node', 'ecoute', ...args, '--config', config]);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  });
  queue = task.catch(() => undefined);
  return task;
}

export interface Listed {
  id: string;
  stage: string;
  code: string;
  reason: string;
  origin: { file?: string; line?: number; topic?: string; partition?: number; offset?: number };
  at: string;
  truncated: boolean;
  copies: number;
  status: 'pending' | 'replayed';
  replay_of?: string;
  replayed_to?: string;
}

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 90_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const FIXED = JSON.stringify({ source: 'bench', id: 'fixed5', text: 'Acme line five, fixed by hand', published_at: '2026-11-20T10:00:00Z' });

export async function dlqFlow(ws: Workspace, busYaml: string): Promise<void> {
  const feed = join(ws.dir, 'feed.jsonl');
  const good = [0, 1, 2, 3].map((i) => JSON.stringify({ source: 'bench', id: `g${i}`, text: `Acme good line ${i}`, published_at: '2026-11-20T10:00:00Z' }));
  // Line 5 is the fixed line with its first character broken: the same length, so fixing it in
  // place leaves the connector's cursor (at the end of the file) where it is.
  const broken = `[${FIXED.slice(1)}`;
  const invalid = JSON.stringify({ source: 'bench', id: 'x6', published_at: '2026-11-20T10:00:00Z' });
  const huge = `{"text": "${'a'.repeat(20_000)}`;
  writeFileSync(feed, `${[...good, broken, invalid, huge].join('\n')}\n`);
  writeFileSync(
    ws.config,
    `data_dir: ${join(ws.dir, 'data')}
http: { host: 127.0.0.1, port: 0 }
${busYaml}
brands: [{ id: acme, name: Acme, query: acme }]
connectors: [{ type: file, path: ${feed}, interval_ms: 100 }]
`,
  );
  const child = ws.spawn(['run']);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const run = (args: string[]) => cli(ws.config, args);
  const list = async (...args: string[]): Promise<Listed[]> => {
    const out = await run(['dlq', 'list', '--json', ...args]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    return out.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Listed);
  };
  const searchIds = async () =>
    (await run(['search', 'acme', '--duplicates', 'include', '--json', '--limit', 'all']))
      .stdout.trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { source_id: string }).source_id)
      .sort();
  try {
    await until('the first summary', () => {
      if (child.exitCode !== null) throw new Error(`ecoute run exited: ${stderr}`);
      return stdout.includes('try:');
    });
    expect((await searchIds())).toEqual(['g0', 'g1', 'g2', 'g3']);

    // list: every dead letter with stage, code, origin, time, id.
    const first = await list();
    expect(first.map((l) => [l.stage, l.code, l.origin.line, l.truncated, l.status])).toEqual([
      ['connector', 'MENTION_BAD_JSON', 5, false, 'pending'],
      ['connector', 'MENTION_INVALID', 6, false, 'pending'],
      ['connector', 'MENTION_BAD_JSON', 7, true, 'pending'],
    ]);
    expect(first.every((l) => l.origin.file === feed && /^\d+-\d+$/.test(l.id) && Date.parse(l.at) > Date.now() - 600_000)).toBe(true);
    const [bad5, bad6, bad7] = first as [Listed, Listed, Listed];
    const human = await run(['dlq', 'list']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${bad6.id}  ${bad6.at}  connector  MENTION_INVALID  ${feed}:6  pending`);
    expect(human.stdout).toContain('3 dead letters, 3 pending');
    // Filters.
    expect((await list('--code', 'MENTION_INVALID')).map((l) => l.id)).toEqual([bad6.id]);
    expect(await list('--stage', 'analyze')).toEqual([]);
    expect(await list('--since', '1h')).toHaveLength(3);
    expect(await list('--since', '2099-01-01')).toEqual([]);
    const badSince = await run(['dlq', 'list', '--since', 'yesterday-ish']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since: expected a date');

    // The file fixed in place, then line 5 replayed: it goes through the pipeline and is found.
    writeFileSync(feed, readFileSync(feed, 'utf8').replace(broken, FIXED));
    const replayed = await run(['dlq', 'replay', bad5.id]);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`replayed ${bad5.id} → file connector (line re-read from the file)`);
    await until('the fixed line to be searchable', async () => (await searchIds()).includes('fixed5'));
    expect((await searchIds())).toEqual(['fixed5', 'g0', 'g1', 'g2', 'g3']);
    expect((await list()).find((l) => l.id === bad5.id)).toMatchObject({ status: 'replayed' });
    expect((await list('--pending')).map((l) => l.id)).toEqual([bad6.id, bad7.id]);

    // Once: a second replay is refused and sends nothing.
    const again = await run(['dlq', 'replay', bad5.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`[DLQ_ALREADY_REPLAYED] dead letter ${bad5.id} was replayed at`);
    // Truncated: refused, naming why.
    const cut = await run(['dlq', 'replay', bad7.id]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain(`[DLQ_TRUNCATED] dead letter ${bad7.id} holds only the first 16 KB of its input`);
    const unknown = await run(['dlq', 'replay', '9-999999']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[DLQ_UNKNOWN_ID] no dead letter with id 9-999999');

    // A line still wrong, replayed: a new dead letter that says it came from the replay.
    const still = await run(['dlq', 'replay', '--all', '--code', 'MENTION_INVALID']);
    expect(still.code).toBe(0);
    expect(still.stdout).toContain(`replayed ${bad6.id}`);
    const afterStill = await list();
    expect(afterStill).toHaveLength(4);
    const redo = afterStill.find((l) => l.replay_of === bad6.id) as Listed;
    expect(redo).toMatchObject({ stage: 'connector', code: 'MENTION_INVALID', status: 'pending', origin: { file: feed, line: 6 } });
    expect(afterStill.find((l) => l.id === bad6.id)?.status).toBe('replayed');

    // A stage's input goes back to the topic that stage reads: an unreadable record on mentions.raw.
    const bus = openBus(loadConfig(ws.config));
    try {
      await bus.publish('mentions.raw', [{ key: 'not-a-mention', value: JSON.stringify({ hello: 'world' }) }]);
    } finally {
      await bus.close();
    }
    let analyzeLetter: Listed | undefined;
    await until('the analyze stage to dead-letter the record', async () => (analyzeLetter = (await list('--stage', 'analyze'))[0]) !== undefined);
    expect(analyzeLetter).toMatchObject({ stage: 'analyze', code: 'RECORD_UNREADABLE', origin: { topic: 'mentions.raw' }, status: 'pending' });
    expect(typeof analyzeLetter!.origin.offset).toBe('number');
    const back = await run(['dlq', 'replay', '--all', '--stage', 'analyze']);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`replayed ${analyzeLetter!.id} → mentions.raw`);
    // The analyze stage read it again (it is still unreadable: a new letter, from the replay).
    await until('the replayed record to be read again', async () => (await list('--stage', 'analyze')).some((l) => l.replay_of === analyzeLetter!.id));
    expect(await list('--stage', 'analyze', '--pending')).toHaveLength(1);
    // --all sends only pending ones: the replayed one is not sent again.
    const twice = await run(['dlq', 'replay', '--all', '--stage', 'analyze']);
    expect(twice.stdout).not.toContain(`replayed ${analyzeLetter!.id} `);

    // drop: gone from the list, the rest stays.
    const dropped = await run(['dlq', 'drop', bad7.id, redo.id]);
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain('dropped 2 dead letters');
    const left = (await list()).map((l) => l.id);
    expect(left).not.toContain(bad7.id);
    expect(left).not.toContain(redo.id);
    expect(left).toContain(bad5.id);
    expect((await run(['dlq', 'drop', bad7.id])).stderr).toContain('[DLQ_UNKNOWN_ID]');
    expect((await searchIds())).toEqual(['fixed5', 'g0', 'g1', 'g2', 'g3']);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  }
}
