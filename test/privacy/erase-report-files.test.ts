// Privacy (issue 14, gaps14): report files a folder destination received are erased too. Embedded
// mode, the real CLI for ingest and erase, the real report scheduler (a fake clock) writing md,
// json and html files: the report of the day that held the person's mention quotes them; after
// `ecoute privacy erase` its files are rendered again without them (the other author's mention is
// still there), the erase prints how many, and the report of another day is not touched.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { mentionId } from '../../src/core/ids.js';
import { reportSources } from '../../src/reports/build.js';
import { ReportScheduler, type Clock } from '../../src/reports/scheduler.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { workspace } from '../helpers/cli.js';

class FixedClock implements Clock {
  constructor(private readonly t: number) {}
  now(): number {
    return this.t;
  }
  setTimer(): unknown {
    return undefined; // only the catch-up run at start matters here
  }
  clearTimer(): void {}
}

describe('erasure and report files', () => {
  it('renders again the folder reports that quoted the person, prints how many, leaves the others', async () => {
    const ws = workspace();
    const data = join(ws.dir, 'data');
    const out = join(ws.dir, 'out');
    writeFileSync(
      ws.config,
      `data_dir: ${data}
http: { port: 0 }
brands:
  - id: acme
    name: Acme
    query: acme
    reports:
      - { name: daily, cron: '0 8 * * *', time_zone: UTC, period: day, formats: [md, json, html], deliveries: [{ type: folder, path: ${out} }] }
`,
    );
    const handle = 'zq7-report-person';
    const theirText = 'Acme zq7 lost my parcel and nobody answers, awful';
    const file = join(ws.dir, 'in.jsonl');
    writeFileSync(
      file,
      `${[
        { source: 'crm', id: 'r-1', text: theirText, author: handle, published_at: '2026-11-29T10:00:00Z' },
        { source: 'crm', id: 'r-2', text: 'Acme delivered early, great service', author: 'someone-else', published_at: '2026-11-29T11:00:00Z' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n')}\n`,
    );
    const ingest = ws.run(['ingest', file, '--no-progress']);
    expect(ingest.code, ingest.stderr).toBe(0);

    // Reports of 2026-11-28 (nothing of theirs) and 2026-11-29 (their mention), as `ecoute run` delivers them.
    const config = parseConfig(readFileSync(ws.config, 'utf8'), ws.config);
    const store = new EmbeddedMentionStore({ file: join(data, 'store.sqlite') });
    try {
      for (const now of ['2026-11-29T07:00:00Z', '2026-11-29T09:00:00Z', '2026-11-30T09:00:00Z']) {
        const scheduler = new ReportScheduler({ sources: reportSources(store, config.brands), dataDir: data, log: silentLogger, clock: new FixedClock(Date.parse(now)) });
        await scheduler.start();
        await scheduler.idle();
        await scheduler.stop();
      }
    } finally {
      await store.close();
    }
    const files = () => Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    const before = files();
    expect(Object.keys(before)).toEqual(['acme-2026-11-28.html', 'acme-2026-11-28.json', 'acme-2026-11-28.md', 'acme-2026-11-29.html', 'acme-2026-11-29.json', 'acme-2026-11-29.md']);
    const theirId = mentionId('crm', 'r-1');
    expect(before['acme-2026-11-29.md']).toContain('lost my parcel');
    expect(before['acme-2026-11-29.json']).toContain(theirId);

    const erased = ws.run(['privacy', 'erase', '--author', `crm:${handle}`]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('report files (folder destinations): 3 rendered again without their mentions, 0 deleted');

    const after = files();
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const name of ['acme-2026-11-29.html', 'acme-2026-11-29.json', 'acme-2026-11-29.md']) {
      expect(after[name], name).not.toContain('lost my parcel');
      expect(after[name], name).not.toContain(theirId);
      expect(after[name], name).toContain('delivered early');
    }
    // The other day's report held nothing of theirs: the same bytes.
    for (const name of ['acme-2026-11-28.html', 'acme-2026-11-28.json', 'acme-2026-11-28.md']) expect(after[name], name).toBe(before[name]);
    // The erasure log keeps the counts.
    const log = ws.run(['privacy', 'erasures']);
    expect(log.stdout).toContain('"report_files_rerendered":3');
  }, 150_000);
});
