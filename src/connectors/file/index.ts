// The file connector: ingests a JSONL or CSV file of mentions, then follows what is appended to it;
// or, given a folder, every mention file dropped into it (exports from other tools), each followed
// the same way. A file's cursor (identity, line, byte) advances only after the bus confirmed the
// lines up to it, so a crash re-reads at most one batch, and mention ids make that harmless.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EcouteError, errorMessage } from '../../core/errors.js';
import { isDiskError } from '../../core/sqlite.js';
import { MentionPublisher } from '../publish.js';
import type { ConnectorContext, ConnectorDefinition, ConnectorStatus, RunningConnector } from '../types.js';
import { FileConnectorSchema, type FileConnectorConfig } from './config.js';
import { publishMentionFile } from './publish-file.js';
import { formatOf } from './read.js';

interface FileCursor {
  /** Identity of the file read: a replaced file (new inode) or a shorter one is read from the start. */
  dev: number;
  ino: number;
  /** Last line durable on the bus, and the byte just after it (JSONL). */
  line: number;
  byte: number;
}

/** What a watched folder picks up: JSONL (also .ndjson) and CSV files. */
const MENTION_FILE = /\.(jsonl|ndjson|csv)$/i;

interface Position {
  line: number;
  byte: number;
}

export const fileConnector: ConnectorDefinition<FileConnectorConfig> = {
  type: 'file',
  kind: 'pull',
  config: FileConnectorSchema,
  defaultName: (config) => `file:${config.path}`,
  // What raw keeps: the extra columns the config lists (none by default: a line's other columns are
  // the user's, and may hold personal data).
  rawKeys: (config) => config.raw_keys,
  description: 'Mentions from a JSONL or CSV file, or every such file dropped into a folder, followed for appended lines.',
  create(config, context) {
    return new FileConnector(config, context);
  },
};

class FileConnector implements RunningConnector {
  readonly name: string;
  readonly caughtUp: Promise<void>;
  private readonly path: string;
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;
  private readonly state: ConnectorStatus;
  private markCaughtUp!: () => void;

  constructor(
    private readonly config: FileConnectorConfig,
    private readonly context: ConnectorContext,
  ) {
    this.path = resolve(config.path);
    this.name = fileConnector.defaultName(config);
    this.state = { name: this.name, type: 'file', fetched: 0, rejected: 0 };
    this.caughtUp = new Promise((r) => (this.markCaughtUp = r));
    this.loop = this.run();
  }

  status(): ConnectorStatus {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    let diskFailures = 0;
    while (!signal.aborted) {
      try {
        await this.readNew();
        this.state.lastSuccessAt = new Date().toISOString();
        this.state.caughtUpAt = this.state.lastSuccessAt;
        diskFailures = 0;
      } catch (error) {
        const message = errorMessage(error);
        // A full disk is logged once for all of écoute (core/disk-space.ts), not by each connector
        // on each retry; the cursor did not move, so the same lines are read again once it has room.
        if (isDiskError(error)) diskFailures++;
        else if (this.state.lastError?.message !== message) this.context.log.warn(`${this.name}: ${message}`);
        this.state.lastError = { at: new Date().toISOString(), message };
      }
      // Even a missing file counts as caught up: there is nothing waiting to be read.
      this.markCaughtUp();
      try {
        this.context.statusStore?.save(this.status());
      } catch (error) {
        this.context.log.warn(`${this.name}: cannot save its status: ${errorMessage(error)}`);
      }
      // Paused by a full disk: back off (doubling, up to 5 s or the interval if longer) and retry.
      const wait = diskFailures === 0 ? this.config.interval_ms : Math.min(this.config.interval_ms * 2 ** Math.min(diskFailures - 1, 8), Math.max(this.config.interval_ms, 5_000));
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  }

  private async readNew(): Promise<void> {
    const info = await stat(this.path);
    if (!info.isDirectory()) {
      await this.readFile(this.path, this.config.path, this.name);
      return;
    }
    // A watched folder: each mention file in it (not in subfolders), in name order, with a cursor
    // of its own. One unreadable file does not hold up the others.
    const problems: string[] = [];
    const names = (await readdir(this.path, { withFileTypes: true }))
      .filter((e) => e.isFile() && MENTION_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      if (this.stopping.signal.aborted) break;
      const path = join(this.path, name);
      const shown = join(this.config.path, name);
      try {
        const csv = formatOf(path, this.config.format) === 'csv';
        // A CSV export is read whole: wait until its writer has finished (unchanged for a while).
        if (csv && Date.now() - (await stat(path)).mtimeMs < this.config.settle_ms) continue;
        await this.readFile(path, shown, `${this.name}/${name}`);
      } catch (error) {
        // A full disk pauses the whole folder (the next files would fail the same way).
        if (isDiskError(error)) throw error;
        problems.push(`${shown}: ${errorMessage(error)}`);
      }
    }
    if (problems.length > 0) throw new EcouteError('FILES_FAILED', problems.join('; '));
  }

  private async readFile(path: string, shown: string, cursorName: string): Promise<void> {
    const info = await stat(path);
    let cursor = this.context.cursors.get<FileCursor>(cursorName);
    const replaced = !cursor || cursor.ino !== info.ino || cursor.dev !== info.dev || info.size < cursor.byte;
    if (replaced) cursor = { dev: info.dev, ino: info.ino, line: 0, byte: 0 };
    else if (info.size === cursor!.byte) return;
    const from = cursor as FileCursor;
    const csv = formatOf(path, this.config.format) === 'csv';
    // A CSV file is read whole each time it changes (exports are replaced, not appended); JSONL
    // resumes at the byte after the last durable line.
    const publisher = new MentionPublisher({
      bus: this.context.bus,
      rawKeys: this.context.rawKeys,
      onDurable: ({ position, mentions, rejections }) => {
        // The cursor first: if it cannot be written (disk full), these lines are read and counted
        // again on the retry, so they must not be counted now.
        const at = position as Position | undefined;
        if (at) this.context.cursors.set(cursorName, { dev: info.dev, ino: info.ino, line: at.line, byte: at.byte } satisfies FileCursor);
        this.state.fetched += mentions.length;
        this.state.rejected += rejections.length;
        this.context.statusStore?.addFetched(this.name, mentions.length);
      },
    });
    await publishMentionFile(path, publisher, {
      ...(this.config.format && { format: this.config.format }),
      afterLine: from.line,
      ...(csv ? {} : { startByte: from.byte }),
      follow: true,
      maxLineBytes: this.config.max_line_bytes,
      shown,
      lang: this.config.lang,
      signal: this.stopping.signal,
      positionOf: (item): Position => ({ line: item.line, byte: item.endByte ?? info.size }),
    });
    await publisher.flush();
  }
}
