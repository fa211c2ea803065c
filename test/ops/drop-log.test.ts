// Operations (issue 14, gaps14): a mention left out on purpose is logged with its mention id. The
// real CLI, embedded mode: a file is ingested, one of its authors erased, the same file ingested
// again; the second ingest's stderr (pino's JSON lines: stderr is a pipe here) has one line per
// suppressed mention, with the stage, the reason and the mention id, and nothing of the person.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mentionId } from '../../src/core/ids.js';
import { workspace } from '../helpers/cli.js';

describe('drop log lines', () => {
  it('an erased author\'s mentions re-ingested: one JSON line each with stage, reason and mention_id', () => {
    const ws = workspace();
    const file = join(ws.dir, 'in.jsonl');
    const handle = 'zq7-drop-log-person';
    writeFileSync(
      file,
      `${[
        { source: 'crm', id: 'p-1', text: 'Acme delivery was late again', author: handle },
        { source: 'crm', id: 'p-2', text: 'Acme support answered fast', author: handle },
        { source: 'crm', id: 'o-1', text: 'Acme is fine for me', author: 'someone-else' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n')}\n`,
    );
    const first = ws.run(['ingest', file, '--no-progress']);
    expect(first.code, first.stderr).toBe(0);
    const erased = ws.run(['privacy', 'erase', '--author', `crm:${handle}`]);
    expect(erased.code, erased.stderr).toBe(0);
    const again = ws.run(['ingest', file, '--no-progress']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/2 suppressed \(erased authors\)/);
    const lines = again.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const drops = lines.filter((l) => l.reason === 'suppressed');
    expect(drops.map((d) => d.mention_id).sort()).toEqual([mentionId('crm', 'p-1'), mentionId('crm', 'p-2')].sort());
    for (const d of drops) {
      expect(d).toMatchObject({ level: 'info', stage: 'connector', reason: 'suppressed', msg: 'dropped before mentions.raw: its author was erased' });
      expect(typeof d.time).toBe('string');
    }
    expect(again.stderr).not.toContain(handle);
  }, 120_000);
});
