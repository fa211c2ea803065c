// Connectors hand their mentions to one publisher: it batches them, writes good ones to
// mentions.raw and rejected ones to the dead-letter topic, and only then reports the batch durable,
// so a connector's cursor never runs ahead of the bus.
import { mentionId } from '../core/ids.js';
import type { RawMention } from '../core/types.js';
import type { ErrorCode } from '../core/errors.js';
import type { Bus, BusRecord } from '../streams/bus/types.js';
import { deadLetterRecord, INGEST_ID_HEADER, MAX_INPUT_CHARS } from '../streams/dead-letter.js';
import { boundedJson } from './bounds.js';
import { checkMention, type PublishableMention } from './output.js';
import { countBatch } from '../ops/metrics.js'; // Operations (issue 14, ops14)

export interface Rejection {
  file?: string;
  line?: number;
  code: ErrorCode;
  reason: string;
  input: string;
  /** Set when `input` was already cut (the dead letter says so). */
  truncated?: boolean;
}

/** Where a mention came from, to name it if it is refused (checkMention) and keep its input. */
export interface MentionOrigin {
  file?: string;
  line?: number;
  /** The text the mention was read from (a file line), kept in the dead letter as given. */
  input?: string;
}

export interface PublisherOptions {
  bus: Bus;
  /** Records per publish call. */
  batchSize?: number;
  /** The keys of `raw` kept (the connector's declaration, ConnectorContext.rawKeys); absent: none. */
  rawKeys?: readonly string[] | undefined;
  /** Tags every record so `ecoute ingest` can find its own dead letters. */
  ingestId?: string;
  /** Called with each batch's mentions just before they are published. */
  beforePublish?: (mentions: { id: string; mention: RawMention }[]) => void | Promise<void>;
  /** Called after each durable batch with what it held. */
  onDurable?: (batch: DurableBatch) => void | Promise<void>;
}

export interface DurableBatch {
  mentions: { id: string; mention: RawMention }[];
  rejections: Rejection[];
  /** The position given with the last item of the batch: where a cursor may now advance to. */
  position?: unknown;
}

export class MentionPublisher {
  private position: unknown;
  private mentions: { id: string; mention: RawMention }[] = [];
  private rejections: Rejection[] = [];
  private readonly batchSize: number;

  constructor(private readonly options: PublisherOptions) {
    this.batchSize = options.batchSize ?? 500;
  }

  /**
   * Queues a mention, or a rejection when it may not be published as is (checkMention: raw is cut
   * to the declared keys, the nesting and size bounded); publishes when the batch is full.
   */
  async add(mention: RawMention, position?: unknown, origin: MentionOrigin = {}): Promise<void> {
    const checked = checkMention(mention, this.options.rawKeys ?? []);
    if (!checked.ok) {
      const named = origin.line !== undefined ? '' : `mention ${JSON.stringify(mention.sourceId).slice(0, 200)}: `;
      const input = origin.input !== undefined ? { text: origin.input, truncated: false } : boundedJson(mention, MAX_INPUT_CHARS);
      await this.reject(
        {
          ...(origin.file !== undefined && { file: origin.file }),
          ...(origin.line !== undefined && { line: origin.line }),
          code: checked.code,
          reason: `${named}${checked.reason}`,
          input: input.text,
          ...(input.truncated && { truncated: true }),
        },
        position,
      );
      return;
    }
    await this.addChecked(checked.mention, position);
  }

  /**
   * Queues a mention checkMention already passed (the webhook checks each item to answer the
   * request). Its id is computed here, once: it is the record's key on mentions.raw, which the
   * analyze stage takes as the mention id.
   */
  async addChecked(mention: PublishableMention, position?: unknown): Promise<void> {
    if (position !== undefined) this.position = position;
    this.mentions.push({ id: mentionId(mention.source, mention.sourceId), mention });
    if (this.size() >= this.batchSize) await this.flush();
  }

  async reject(rejection: Rejection, position?: unknown): Promise<void> {
    if (position !== undefined) this.position = position;
    this.rejections.push(rejection);
    if (this.size() >= this.batchSize) await this.flush();
  }

  /** Publishes what is queued; resolves when it is durable. */
  async flush(): Promise<void> {
    if (this.size() === 0) return;
    const mentions = this.mentions;
    const rejections = this.rejections;
    this.mentions = [];
    this.rejections = [];
    await this.options.beforePublish?.(mentions);
    const headers = this.options.ingestId ? { [INGEST_ID_HEADER]: this.options.ingestId } : undefined;
    const raw: BusRecord[] = mentions.map(({ id, mention }) => ({ key: id, value: JSON.stringify(mention), ...(headers && { headers }) }));
    const dead = rejections.map((r) =>
      deadLetterRecord(
        { stage: 'connector', code: r.code, reason: r.reason, origin: { file: r.file, line: r.line }, input: r.input, ...(r.truncated && { truncated: true }) },
        headers,
      ),
    );
    // Dead letters first: if the process dies between the two writes, the batch is re-read from the
    // cursor and both are written again; a duplicate dead letter is harmless, a lost one is not.
    await this.options.bus.publish('mentions.dlq', dead);
    await this.options.bus.publish('mentions.raw', raw);
    countBatch('connector', mentions.length + rejections.length, mentions.length); // the dead letters count as drops on the bus (src/ops/metered-bus.ts)
    await this.options.onDurable?.({ mentions, rejections, position: this.position });
  }

  private size(): number {
    return this.mentions.length + this.rejections.length;
  }
}
