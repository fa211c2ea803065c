// The file connector: ingests a JSONL or CSV file of mentions, then follows what is appended to it.
// Its cursor (file identity, line, byte) advances only after the bus confirmed the lines up to it,
// so a crash re-reads at most one batch, and mention ids make that harmless.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileConnectorConfig } from '../../core/config/schema.js';
import { errorMessage } from '../../core/errors.js';
import { MentionPublisher } from '../publish.js';
import type { ConnectorContext, ConnectorDefinition, ConnectorStatus, RunningConnector } from '../types.js';
import { formatOf, readMentionFile } from './read.js';

interface FileCursor {
  /** Identity of the file read: a replaced file (new inode) or a shorter one is read from the start. */
  dev: number;
  ino: number;
  /** Last line durable on the bus, and the byte just after it (JSONL). */
  line: number;
  byte: number;
}

interface Position {
  line: number;
  byte: number;
}

export const fileConnector: ConnectorDefinition<FileConnectorConfig> = {
  type: 'file',
  kind: 'pull',
  description: 'Mentions from a JSONL or CSV file, followed for appended lines.',
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
    this.name = `file:${config.path}`;
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
    while (!signal.aborted) {
      try {
        await this.readNew();
        this.state.lastSuccessAt = new Date().toISOString();
        this.state.caughtUpAt = this.state.lastSuccessAt;
      } catch (error) {
        const message = errorMessage(error);
        if (this.state.lastError?.message !== message) this.context.log.warn(`${this.name}: ${message}`);
        this.state.lastError = { at: new Date().toISOString(), message };
      }
      // Even a missing file counts as caught up: there is nothing waiting to be read.
      this.markCaughtUp();
      this.context.statusStore?.save(this.status());
      await sleep(this.config.interval_ms, undefined, { signal }).catch(() => undefined);
    }
  }

  private async readNew(): Promise<void> {
    const info = await stat(this.path);
    let cursor = this.context.cursors.get<FileCursor>(this.name);
    const replaced = !cursor || cursor.ino !== info.ino || cursor.dev !== info.dev || info.size < cursor.byte;
    if (replaced) cursor = { dev: info.dev, ino: info.ino, line: 0, byte: 0 };
    else if (info.size === cursor!.byte) return;
    const from = cursor as FileCursor;
    const csv = formatOf(this.path, this.config.format) === 'csv';
    // A CSV file is read whole each time it changes (exports are replaced, not appended); JSONL
    // resumes at the byte after the last durable line.
    const publisher = new MentionPublisher({
      bus: this.context.bus,
      onDurable: ({ position, mentions, rejections }) => {
        this.state.fetched += mentions.length;
        this.state.rejected += rejections.length;
        this.context.statusStore?.addFetched(this.name, mentions.length);
        const at = position as Position | undefined;
        if (at) this.context.cursors.set(this.name, { dev: info.dev, ino: info.ino, line: at.line, byte: at.byte } satisfies FileCursor);
      },
    });
    const lines = readMentionFile(this.path, {
      ...(this.config.format && { format: this.config.format }),
      afterLine: from.line,
      ...(csv ? {} : { startByte: from.byte }),
      follow: true,
    });
    for await (const item of lines) {
      if (this.stopping.signal.aborted) break;
      const position: Position = { line: item.line, byte: item.endByte ?? info.size };
      if (item.result.ok) {
        if (this.config.lang && item.result.mention.lang === undefined) item.result.mention.lang = this.config.lang;
        await publisher.add(item.result.mention, position);
      } else {
        await publisher.reject({ file: this.config.path, line: item.line, code: item.result.code, reason: item.result.reason, input: item.input }, position);
      }
    }
    await publisher.flush();
  }
}
